"""Ingredient, product, purchase and stock pages.

See docs/design.md, "Catalogue" and "Purchases and lots".
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.display import date_text, number_text, plural, quantity
from bakeplanner.errors import DomainError
from bakeplanner.pages import (
    SMALL_HIDDEN,
    delete_page,
    form_page,
    list_page_links,
    list_params,
    object_or_404,
    posted_data,
    read_context,
    show_error,
    sort_headers,
    url_maker,
    write_with,
)
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx, request_tx
from production.allergens import allergen_texts
from production.forms import catalogue as forms
from production.forms.corrections import CorrectPurchaseForm
from production.models import (
    FinishedGood,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    Purchase,
    StockAdjustment,
)
from production.services import (
    adjust_finished_stock,
    correct_purchase,
    create_ingredient,
    create_product,
    delete_ingredient,
    delete_product,
    delete_purchase,
    get_ingredient_detail,
    get_inventory_page,
    get_purchase_corrections,
    list_adjustments,
    list_ingredients_page,
    list_products_page,
    list_purchases,
    preview_purchase_correction,
    record_depletion,
    record_purchase,
    set_ingredient_allergens,
    update_ingredient,
    update_product,
    update_purchase,
)
from production.services.corrections import lot_in_use
from production.services.inventory import product_label
from production.services.lookup import get_owned
from production.views.choices import ingredient_choices, product_choices

# --- Ingredients ----------------------------------------------------------------------------

# The ingredient and product lists show this many rows a page, like the stock page.
CATALOGUE_PER_PAGE = 50

INGREDIENT_COLUMNS = [
    ("name", "Name", False),
    ("kind", "Kind", False, SMALL_HIDDEN),
    ("category", "Category", False, SMALL_HIDDEN),
    ("family", "Stock unit", False),
    ("", "Density (g/cup)", True, SMALL_HIDDEN),
    ("on_hand", "In stock", True),
    ("", "Products", True, SMALL_HIDDEN),
]


def ingredient_list(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "name")
    kind = request.GET.get("kind", "")

    def build(tx: Tx) -> dict[str, Any]:
        page = list_ingredients_page(
            tx,
            q=params["q"],
            kind=kind,
            sort=params["sort"],
            page=request.GET.get("page", 1),
            per_page=CATALOGUE_PER_PAGE,
        )
        url = url_maker("production:ingredient_detail")
        for ingredient in page.object_list:
            ingredient.url = url(ingredient.pk)
        return {
            "ingredients": page.object_list,
            "pager": list_page_links(page, {**params, "kind": kind}),
            "headers": sort_headers(request, params["sort"], INGREDIENT_COLUMNS),
            "kind": kind,
            **params,
        }

    return render(request, "production/ingredient_list.html", read_context(request, build))


def ingredient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(request, lambda tx: get_ingredient_detail(tx, pk))
    ingredient = ctx["ingredient"]
    ctx["allergens"] = allergen_texts(ingredient.allergens, ingredient.may_contain)
    return render(request, "production/ingredient_detail.html", ctx)


@member_required
def ingredient_create(request: HttpRequest) -> HttpResponse:
    form = forms.IngredientForm(posted_data(request))
    return form_page(
        request,
        "production/ingredient_create.html",
        form,
        {"cancel_url": reverse("production:ingredient_list")},
        lambda tx, data: create_ingredient(tx, **data),
        success=lambda i: f"Added {i.name}.",
        next_url=lambda i: reverse("production:ingredient_detail", args=[i.pk]),
    )


@member_required
def ingredient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ingredient = object_or_404(request, Ingredient, pk)
    initial = {name: getattr(ingredient, name) for name in forms.IngredientForm.base_fields}
    initial.update(contains=ingredient.allergens, may_contain=ingredient.may_contain)
    form = forms.IngredientForm(posted_data(request), initial=initial, with_allergens=True)

    def save(tx: Tx, data: dict[str, Any]) -> Ingredient:
        contains, may_contain = data.pop("contains"), data.pop("may_contain")
        update_ingredient(tx, pk, **data)
        return set_ingredient_allergens(tx, pk, contains=contains, may_contain=may_contain)

    return form_page(
        request,
        "production/ingredient_edit.html",
        form,
        {
            "ingredient": ingredient,
            "cancel_url": reverse("production:ingredient_detail", args=[pk]),
        },
        save,
        success=lambda i: f"Saved {i.name}.",
        next_url=lambda i: reverse("production:ingredient_detail", args=[pk]),
    )


@member_required
def ingredient_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ingredient = object_or_404(request, Ingredient, pk)
    return delete_page(
        request,
        "production/ingredient_delete.html",
        {"what": ingredient.name, "cancel_url": reverse("production:ingredient_detail", args=[pk])},
        lambda tx: delete_ingredient(tx, pk),
        success=f"Deleted {ingredient.name}.",
        next_url=reverse("production:ingredient_list"),
    )


# --- Products -------------------------------------------------------------------------------

PRODUCT_COLUMNS = [
    ("ingredient", "Ingredient", False),
    ("brand", "Brand / name", False),
    ("size", "Package", True),
    ("", "Preferred", False, SMALL_HIDDEN),
    ("price", "Latest price", True),
    ("", "Purchases", True, SMALL_HIDDEN),
]


def product_list(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "ingredient")

    def build(tx: Tx) -> dict[str, Any]:
        page = list_products_page(
            tx,
            q=params["q"],
            sort=params["sort"],
            page=request.GET.get("page", 1),
            per_page=CATALOGUE_PER_PAGE,
        )
        ingredient = url_maker("production:ingredient_detail")
        edit = url_maker("production:product_edit")
        for product in page.object_list:
            product.ingredient_url = ingredient(product.ingredient_id)
            product.edit_url = edit(product.pk)
        return {
            "products": page.object_list,
            "pager": list_page_links(page, params),
            "headers": sort_headers(request, params["sort"], PRODUCT_COLUMNS),
            **params,
        }

    return render(request, "production/product_list.html", read_context(request, build))


@member_required
def product_create(request: HttpRequest, pk: int) -> HttpResponse:
    ingredient = object_or_404(request, Ingredient, pk)
    form = forms.ProductForm(posted_data(request))
    return form_page(
        request,
        "production/product_create.html",
        form,
        {
            "ingredient": ingredient,
            "cancel_url": reverse("production:ingredient_detail", args=[pk]),
        },
        lambda tx, data: create_product(tx, pk, **data),
        success=lambda p: f"Added the product {product_label(p, ingredient.name)}.",
        next_url=lambda p: reverse("production:ingredient_detail", args=[pk]),
    )


def _load_product(tx: Tx, pk: int) -> dict[str, Any]:
    product = get_owned(tx, Product, pk)
    return {"product": product, "ingredient": get_owned(tx, Ingredient, product.ingredient_id)}


@member_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(request, lambda tx: _load_product(tx, pk))
    product, ingredient = ctx["product"], ctx["ingredient"]
    initial = {name: getattr(product, name) for name in forms.ProductForm.base_fields}
    form = forms.ProductForm(posted_data(request), initial=initial)
    back = reverse("production:ingredient_detail", args=[product.ingredient_id])
    return form_page(
        request,
        "production/product_edit.html",
        form,
        {"product": product, "ingredient": ingredient, "cancel_url": back},
        lambda tx, data: update_product(tx, pk, **data),
        success=lambda p: f"Saved the product {product_label(p, ingredient.name)}.",
        next_url=lambda p: back,
    )


@member_required
def product_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(request, lambda tx: _load_product(tx, pk))
    product = ctx["product"]
    label = product_label(product, ctx["ingredient"].name)
    back = reverse("production:ingredient_detail", args=[product.ingredient_id])
    return delete_page(
        request,
        "production/product_delete.html",
        {"what": f"the product {label}", "cancel_url": back},
        lambda tx: delete_product(tx, pk),
        success=f"Deleted the product {label}.",
        next_url=back,
    )


# --- Purchases ------------------------------------------------------------------------------

PURCHASE_COLUMNS = [
    ("date", "Bought on", False),
    ("ingredient", "Product", False),
    ("", "Packages", True, SMALL_HIDDEN),
    ("price", "Price / package", True),
    ("", "Lot", True, SMALL_HIDDEN),
    ("", "Remaining", True),
    ("supplier", "Supplier", False, SMALL_HIDDEN),
    ("", "Status", False),
]


def purchase_list(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "date")

    def build(tx: Tx) -> dict[str, Any]:
        page = list_purchases(
            tx, q=params["q"], sort=params["sort"], page=request.GET.get("page", 1)
        )
        # Each row's links, filled in from patterns reversed once for the page.
        ingredient = url_maker("production:ingredient_detail")
        links = [
            (name, url_maker(f"production:purchase_{name}"))
            for name in ("edit", "delete", "correct")
        ]
        for purchase in page.object_list:
            purchase.ingredient_url = ingredient(purchase.product.ingredient_id)
            purchase.urls = {name: make(purchase.pk) for name, make in links}
        query = {k: v for k, v in params.items() if v}
        return {
            "page": page,
            "purchases": page.object_list,
            "page_query": urlencode(query),
            "headers": sort_headers(request, params["sort"], PURCHASE_COLUMNS),
            **params,
        }

    return render(request, "production/purchase_list.html", read_context(request, build))


@member_required
def purchase_create(request: HttpRequest) -> HttpResponse:
    ctx = read_context(request, lambda tx: {"products": product_choices(tx)})
    initial = {}
    product_id = whole_number_or_none(request.GET.get("product"))
    if product_id is not None:
        initial["product_id"] = product_id
    form = forms.PurchaseForm(posted_data(request), products=ctx["products"], initial=initial)
    return form_page(
        request,
        "production/purchase_create.html",
        form,
        {"cancel_url": reverse("production:purchase_list"), "has_products": bool(ctx["products"])},
        lambda tx, data: record_purchase(tx, data.pop("product_id"), **data),
        success=lambda lot: (
            f"Recorded the purchase: {quantity(lot.quantity_initial, lot.ingredient.base_unit)} "
            f"of {lot.ingredient.name} added to the stock."
        ),
        next_url=lambda lot: reverse("production:purchase_list"),
    )


@member_required
def purchase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        purchase = get_owned(tx, Purchase, pk)
        return {
            "purchase": purchase,
            "products": product_choices(tx),
            "in_use": lot_in_use(tx, tx.objects(InventoryLot).get(purchase=purchase)),
            "corrections": get_purchase_corrections(tx, pk),
        }

    ctx = read_context(request, build)
    purchase = ctx["purchase"]
    initial = {
        "product_id": purchase.product_id,
        "purchased_on": purchase.purchased_on,
        "packages": purchase.packages,
        "price_per_package": purchase.price_per_package,
        "supplier": purchase.supplier,
        "notes": purchase.notes,
    }
    form = forms.PurchaseForm(
        posted_data(request),
        products=ctx["products"],
        initial=initial,
        submit_label="Save purchase",
    )
    return form_page(
        request,
        "production/purchase_edit.html",
        form,
        {
            "purchase": purchase,
            "in_use": ctx["in_use"],
            "corrections": ctx["corrections"],
            "cancel_url": reverse("production:purchase_list"),
        },
        lambda tx, data: update_purchase(tx, pk, **data),
        success=lambda lot: "Saved the purchase; its lot was recounted.",
        next_url=lambda lot: reverse("production:purchase_list"),
    )


@member_required
def purchase_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a used purchase in two steps: see what it changes, then save it.

    The first POST shows the consequences (nothing changes); the second, with `confirm`,
    saves them in one unit of work (docs/design.md, "Corrections").
    """

    def build(tx: Tx) -> dict[str, Any]:
        purchase = get_owned(tx, Purchase, pk)
        product = tx.objects(Product).select_related("ingredient").get(pk=purchase.product_id)
        lot = tx.objects(InventoryLot).get(purchase=purchase)
        return {
            "purchase": purchase,
            "lot": lot,
            "base_unit": product.ingredient.base_unit,
            "label": product_label(product, product.ingredient.name),
            "corrections": get_purchase_corrections(tx, pk),
        }

    ctx = read_context(request, build)
    form = CorrectPurchaseForm(posted_data(request))
    preview: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        figures = {"price_per_package": data["price_per_package"], "packages": data["packages"]}
        if data["confirm"]:
            result = write_with(
                request, form, lambda tx: correct_purchase(tx, pk, reason=data["reason"], **figures)
            )
            if isinstance(result, dict):
                count = result["runs_changed"]
                messages.success(
                    request,
                    f"Corrected the purchase: the cost of {plural(count, 'run', 'runs')} "
                    f"changed by {result['total_difference']}."
                    if count
                    else "Corrected the purchase: no run's cost changed.",
                )
                return redirect(reverse("production:purchase_edit", args=[pk]))
        else:
            try:
                with request_tx(request, read_only=True) as tx:
                    preview = preview_purchase_correction(tx, pk, **figures)
            except DomainError as exc:
                show_error(form, exc)
    return render(
        request,
        "production/purchase_correct.html",
        {
            **ctx,
            "form": form,
            "preview": preview,
            "cancel_url": reverse("production:purchase_edit", args=[pk]),
        },
    )


@member_required
def purchase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        purchase = get_owned(tx, Purchase, pk)
        product = tx.objects(Product).select_related("ingredient").get(pk=purchase.product_id)
        return {"purchase": purchase, "label": product_label(product, product.ingredient.name)}

    ctx = read_context(request, build)
    what = f"the purchase of {ctx['label']} on {date_text(ctx['purchase'].purchased_on)}"
    return delete_page(
        request,
        "production/purchase_delete.html",
        {"what": what, "cancel_url": reverse("production:purchase_list")},
        lambda tx: delete_purchase(tx, pk),
        success=f"Deleted {what} and its lot.",
        next_url=reverse("production:purchase_list"),
    )


# --- Inventory, depletions and adjustments --------------------------------------------------

# Ingredients on one page of the stock list, each with its lots.
INVENTORY_PER_PAGE = 50

INVENTORY_COLUMNS = [
    ("name", "Ingredient", False),
    ("category", "Category", False, SMALL_HIDDEN),
    ("on_hand", "In stock", True),
    ("lots", "Lots", True, SMALL_HIDDEN),
    ("value", "Value", True),
]


def inventory(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "name")
    kind = request.GET.get("kind", "")
    in_stock = request.GET.get("in_stock") == "1"
    # Each ingredient's lots are folded under its row unless asked for: fifty ingredients
    # with every lot open made a phone scroll 27,000 px.
    show_lots = request.GET.get("lots") == "all"

    def build(tx: Tx) -> dict[str, Any]:
        listed = get_inventory_page(
            tx,
            q=params["q"],
            kind=kind,
            sort=params["sort"],
            in_stock_only=in_stock,
            page=request.GET.get("page", 1),
            per_page=INVENTORY_PER_PAGE,
        )
        shown = {
            **params,
            "kind": kind,
            "in_stock": "1" if in_stock else "",
            "lots": "all" if show_lots else "",
        }
        ingredient = url_maker("production:ingredient_detail")
        for row in listed["rows"]:
            row["url"] = ingredient(row["ingredient_id"])
        toggled = {**shown, "lots": "" if show_lots else "all", "page": str(listed["page"].number)}
        return {
            **listed,
            "pager": list_page_links(listed["page"], shown),
            "headers": sort_headers(request, params["sort"], INVENTORY_COLUMNS),
            "show_lots": show_lots,
            "lots_toggle_url": "?" + urlencode({k: v for k, v in toggled.items() if v}),
            "kind": kind,
            "in_stock": in_stock,
            **params,
        }

    return render(request, "production/inventory.html", read_context(request, build))


@member_required
def depletion_create(request: HttpRequest) -> HttpResponse:
    ctx = read_context(request, lambda tx: {"ingredients": ingredient_choices(tx)})
    initial = {}
    ingredient_id = whole_number_or_none(request.GET.get("ingredient"))
    if ingredient_id is not None:
        initial["ingredient_id"] = ingredient_id
    form = forms.DepletionForm(
        posted_data(request), ingredients=ctx["ingredients"], initial=initial
    )
    return form_page(
        request,
        "production/depletion_create.html",
        form,
        {"cancel_url": reverse("production:inventory")},
        lambda tx, data: record_depletion(
            tx,
            data["ingredient_id"],
            data["quantity"],
            data["unit"],
            reason=data["reason"],
            notes=data["notes"],
        ),
        success=_depletion_message,
        next_url=lambda adj: reverse("production:inventory"),
    )


def _depletion_message(adjustment: StockAdjustment) -> str:
    # A depletion is an ingredient adjustment: its ingredient is set (the item-type check).
    ingredient = cast(Ingredient, adjustment.ingredient)
    return (
        f"Took {quantity(-adjustment.change, ingredient.base_unit)} of "
        f"{ingredient.name} out of stock."
    )


def adjustment_list(request: HttpRequest) -> HttpResponse:
    ctx = read_context(request, lambda tx: {"adjustments": list_adjustments(tx)})
    return render(request, "production/adjustment_list.html", ctx)


def _adjust_page(request: HttpRequest, kind: str, pk: int, template: str) -> HttpResponse:
    model: type[FinishedUnit] | type[FinishedGood] = (
        FinishedUnit if kind == "finished_unit" else FinishedGood
    )
    item = object_or_404(request, model, pk)
    if isinstance(item, FinishedUnit):
        back = reverse("production:recipe_detail", args=[item.recipe_id])
    else:
        back = reverse("production:finished_good_detail", args=[pk])
    form = forms.StockAdjustmentForm(posted_data(request))
    return form_page(
        request,
        template,
        form,
        {"item": item, "cancel_url": back},
        lambda tx, data: adjust_finished_stock(
            tx, kind, pk, data["change"], reason=data["reason"], notes=data["notes"]
        ),
        success=lambda adj: (
            f"{item.name}: stock {number_text(adj.quantity_before)} → "
            f"{number_text(adj.quantity_after)}."
        ),
        next_url=lambda adj: back,
    )


@member_required
def finished_unit_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    return _adjust_page(request, "finished_unit", pk, "production/finished_unit_adjust.html")


@member_required
def finished_good_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    return _adjust_page(request, "finished_good", pk, "production/finished_good_adjust.html")
