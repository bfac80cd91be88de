"""Catalogue and inventory pages (SPEC §7): ingredients, products, purchases, inventory,
depletions, recipes, finished units and finished goods.

Read pages open a read-only unit of work and build their whole context inside it. Write
pages read what the form needs (choices, the object named in the URL — a 404 for another
household's id) in a read-only unit of work, bind and validate the form, then call one
service in a write unit of work; a `DomainError` re-renders the form with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.errors import DomainError, NotFound
from bakeplanner.tx import Tx, request_tx
from bakeplanner.units import BASE_UNIT
from production.forms import catalogue as forms
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Product,
    Purchase,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services import (
    add_component,
    add_recipe_component,
    add_recipe_ingredient,
    adjust_finished_stock,
    create_finished_good,
    create_finished_unit,
    create_ingredient,
    create_product,
    create_recipe,
    delete_finished_good,
    delete_finished_unit,
    delete_ingredient,
    delete_product,
    delete_purchase,
    delete_recipe,
    estimate_recipe_cost,
    get_finished_good_detail,
    get_ingredient_detail,
    get_inventory,
    get_recipe_detail,
    list_adjustments,
    list_finished_goods,
    list_finished_units,
    list_ingredients,
    list_products,
    list_purchases,
    list_recipes,
    record_depletion,
    record_purchase,
    remove_component,
    remove_recipe_component,
    remove_recipe_ingredient,
    update_component,
    update_finished_good,
    update_finished_unit,
    update_ingredient,
    update_product,
    update_purchase,
    update_recipe,
    update_recipe_component,
    update_recipe_ingredient,
)
from production.services.inventory import product_label
from production.services.lookup import get_owned

# --- Helpers ------------------------------------------------------------------------------


def _read(request: HttpRequest, build: Callable[[Tx], dict[str, Any]]) -> dict[str, Any]:
    """Build a page's context in one read-only unit of work; a foreign id is a 404."""
    try:
        with request_tx(request, read_only=True) as tx:
            return build(tx)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _show_error(form: django_forms.Form, exc: DomainError) -> None:
    """Put a service's message on the field it names, else on the whole form."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


def _write(request: HttpRequest, form: django_forms.Form, call: Callable[[Tx], Any]) -> Any:
    """Call the service(s) in one write unit of work; on a DomainError show it, return None."""
    try:
        with request_tx(request) as tx:
            return call(tx) or True
    except DomainError as exc:
        _show_error(form, exc)
        return None


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    template: str,
    form: django_forms.Form,
    ctx: dict[str, Any],
    call: Callable[[Tx, dict[str, Any]], Any],
    *,
    success: Callable[[Any], str],
    next_url: Callable[[Any], str],
) -> HttpResponse:
    """The shape of every create/edit page: validate, call the service, message, redirect."""
    if request.method == "POST" and form.is_valid():
        result = _write(request, form, lambda tx: call(tx, form.cleaned_data))
        if result is not None:
            messages.success(request, success(result))
            return redirect(next_url(result))
    return render(request, template, {**ctx, "form": form})


def _delete_page(
    request: HttpRequest,
    template: str,
    ctx: dict[str, Any],
    call: Callable[[Tx], Any],
    *,
    success: str,
    next_url: str,
) -> HttpResponse:
    form = forms.ConfirmForm(_posted(request), submit_label=ctx.get("verb", "Delete"))
    if request.method == "POST" and form.is_valid():
        if _write(request, form, call) is not None:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, template, {**ctx, "form": form})


def _list_params(request: HttpRequest, default_sort: str) -> dict[str, str]:
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "sort": request.GET.get("sort", default_sort).strip()[:30] or default_sort,
    }


SMALL_HIDDEN = "d-none d-md-table-cell"  # columns a phone can do without


def _sort_headers(
    request: HttpRequest, current: str, columns: list[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """Column headers that sort the list: (key, label, numeric[, css]); keys are the whitelist."""
    headers = []
    for key, label, numeric, *css in columns:
        params = request.GET.copy()
        params.pop("page", None)
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        params["sort"] = f"-{key}" if active and not descending else key
        headers.append(
            {
                "label": label,
                "url": "?" + params.urlencode(),
                "num": numeric,
                "active": active,
                "direction": ("descending" if descending else "ascending") if active else "",
                "sortable": bool(key),
                "css": " ".join(css),
            }
        )
    return headers


def _ingredient_choices(tx: Tx) -> forms.GroupedChoices:
    groups: dict[str, forms.Choices] = {"food": [], "packaging": []}
    for pk, name, kind, family in (
        tx.objects(Ingredient)
        .order_by("name", "pk")
        .values_list("pk", "name", "kind", "stock_family")
    ):
        groups[kind].append((pk, f"{name} ({BASE_UNIT[family]})"))
    return [(label, groups[key]) for key, label in Ingredient.KIND_CHOICES if groups[key]]


def _product_choices(tx: Tx) -> forms.GroupedChoices:
    groups: dict[str, forms.Choices] = {}
    for product in (
        tx.objects(Product)
        .select_related("ingredient")
        .order_by("ingredient__name", "-preferred", "brand", "name", "pk")
    ):
        label = product_label(product, product.ingredient.name)
        if product.preferred:
            label += " — preferred"
        groups.setdefault(product.ingredient.name, []).append((product.pk, label))
    return list(groups.items())


def _recipe_choices(tx: Tx, *, exclude: int | None = None) -> forms.Choices:
    queryset = tx.objects(Recipe).filter(archived=False).order_by("name", "pk")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return list(queryset.values_list("pk", "name"))


def _component_item_choices(tx: Tx, good_id: int) -> forms.GroupedChoices:
    units = [
        (f"finished_unit:{u.pk}", f"{u.name} — {u.recipe.name}")
        for u in tx.objects(FinishedUnit).select_related("recipe").order_by("recipe__name", "name")
    ]
    goods = [
        (f"finished_good:{pk}", name)
        for pk, name in tx.objects(FinishedGood)
        .exclude(pk=good_id)
        .order_by("name")
        .values_list("pk", "name")
    ]
    packaging = [
        (f"packaging:{pk}", f"{name} ({BASE_UNIT[family]})")
        for pk, name, family in tx.objects(Ingredient)
        .filter(kind=Ingredient.PACKAGING)
        .order_by("name")
        .values_list("pk", "name", "stock_family")
    ]
    groups = [("Baked items", units), ("Boxes and tins", goods), ("Packaging", packaging)]
    return [(label, items) for label, items in groups if items]


# --- Ingredients ----------------------------------------------------------------------------

INGREDIENT_COLUMNS = [
    ("name", "Name", False),
    ("kind", "Kind", False, SMALL_HIDDEN),
    ("category", "Category", False, SMALL_HIDDEN),
    ("family", "Stock unit", False),
    ("", "Density (g/cup)", True, SMALL_HIDDEN),
    ("on_hand", "On hand", True),
    ("", "Products", True, SMALL_HIDDEN),
]


def ingredient_list(request: HttpRequest) -> HttpResponse:
    params = _list_params(request, "name")
    kind = request.GET.get("kind", "")

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "ingredients": list_ingredients(tx, q=params["q"], kind=kind, sort=params["sort"]),
            "headers": _sort_headers(request, params["sort"], INGREDIENT_COLUMNS),
            "kind": kind,
            **params,
        }

    return render(request, "production/ingredient_list.html", _read(request, build))


def ingredient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _read(request, lambda tx: get_ingredient_detail(tx, pk))
    return render(request, "production/ingredient_detail.html", ctx)


@member_required
def ingredient_create(request: HttpRequest) -> HttpResponse:
    form = forms.IngredientForm(_posted(request))
    return _form_page(
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
    ingredient = _read(request, lambda tx: {"i": get_owned(tx, Ingredient, pk)})["i"]
    initial = {name: getattr(ingredient, name) for name in forms.IngredientForm.base_fields}
    form = forms.IngredientForm(_posted(request), initial=initial)
    return _form_page(
        request,
        "production/ingredient_edit.html",
        form,
        {
            "ingredient": ingredient,
            "cancel_url": reverse("production:ingredient_detail", args=[pk]),
        },
        lambda tx, data: update_ingredient(tx, pk, **data),
        success=lambda i: f"Saved {i.name}.",
        next_url=lambda i: reverse("production:ingredient_detail", args=[pk]),
    )


@member_required
def ingredient_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ingredient = _read(request, lambda tx: {"i": get_owned(tx, Ingredient, pk)})["i"]
    return _delete_page(
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
    params = _list_params(request, "ingredient")

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "products": list_products(tx, q=params["q"], sort=params["sort"]),
            "headers": _sort_headers(request, params["sort"], PRODUCT_COLUMNS),
            **params,
        }

    return render(request, "production/product_list.html", _read(request, build))


@member_required
def product_create(request: HttpRequest, pk: int) -> HttpResponse:
    ingredient = _read(request, lambda tx: {"i": get_owned(tx, Ingredient, pk)})["i"]
    form = forms.ProductForm(_posted(request))
    return _form_page(
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
    ctx = _read(request, lambda tx: _load_product(tx, pk))
    product, ingredient = ctx["product"], ctx["ingredient"]
    initial = {name: getattr(product, name) for name in forms.ProductForm.base_fields}
    form = forms.ProductForm(_posted(request), initial=initial)
    back = reverse("production:ingredient_detail", args=[product.ingredient_id])
    return _form_page(
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
    ctx = _read(request, lambda tx: _load_product(tx, pk))
    product = ctx["product"]
    label = product_label(product, ctx["ingredient"].name)
    back = reverse("production:ingredient_detail", args=[product.ingredient_id])
    return _delete_page(
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
    params = _list_params(request, "date")

    def build(tx: Tx) -> dict[str, Any]:
        page = list_purchases(
            tx, q=params["q"], sort=params["sort"], page=request.GET.get("page", 1)
        )
        query = {k: v for k, v in params.items() if v}
        return {
            "page": page,
            "purchases": page.object_list,
            "page_query": urlencode(query),
            "headers": _sort_headers(request, params["sort"], PURCHASE_COLUMNS),
            **params,
        }

    return render(request, "production/purchase_list.html", _read(request, build))


@member_required
def purchase_create(request: HttpRequest) -> HttpResponse:
    ctx = _read(request, lambda tx: {"products": _product_choices(tx)})
    initial = {}
    if request.GET.get("product", "").isdigit():
        initial["product_id"] = int(request.GET["product"])
    form = forms.PurchaseForm(_posted(request), products=ctx["products"], initial=initial)
    return _form_page(
        request,
        "production/purchase_create.html",
        form,
        {"cancel_url": reverse("production:purchase_list"), "has_products": bool(ctx["products"])},
        lambda tx, data: record_purchase(tx, data.pop("product_id"), **data),
        success=lambda lot: (
            f"Recorded the purchase: {lot.quantity_initial.normalize():f} "
            f"{lot.ingredient.base_unit} of {lot.ingredient.name} added to the inventory."
        ),
        next_url=lambda lot: reverse("production:purchase_list"),
    )


@member_required
def purchase_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        return {"purchase": get_owned(tx, Purchase, pk), "products": _product_choices(tx)}

    ctx = _read(request, build)
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
        _posted(request), products=ctx["products"], initial=initial, submit_label="Save purchase"
    )
    return _form_page(
        request,
        "production/purchase_edit.html",
        form,
        {"purchase": purchase, "cancel_url": reverse("production:purchase_list")},
        lambda tx, data: update_purchase(tx, pk, **data),
        success=lambda lot: "Saved the purchase; its inventory lot was recounted.",
        next_url=lambda lot: reverse("production:purchase_list"),
    )


@member_required
def purchase_delete(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        purchase = get_owned(tx, Purchase, pk)
        product = tx.objects(Product).select_related("ingredient").get(pk=purchase.product_id)
        return {"purchase": purchase, "label": product_label(product, product.ingredient.name)}

    ctx = _read(request, build)
    what = f"the purchase of {ctx['label']} on {ctx['purchase'].purchased_on:%Y-%m-%d}"
    return _delete_page(
        request,
        "production/purchase_delete.html",
        {"what": what, "cancel_url": reverse("production:purchase_list")},
        lambda tx: delete_purchase(tx, pk),
        success=f"Deleted {what} and its inventory lot.",
        next_url=reverse("production:purchase_list"),
    )


# --- Inventory, depletions and adjustments --------------------------------------------------

INVENTORY_COLUMNS = [
    ("name", "Ingredient", False),
    ("category", "Category", False, SMALL_HIDDEN),
    ("on_hand", "On hand", True),
    ("lots", "Lots", True, SMALL_HIDDEN),
    ("value", "Value", True),
]


def inventory(request: HttpRequest) -> HttpResponse:
    params = _list_params(request, "name")
    kind = request.GET.get("kind", "")
    in_stock = request.GET.get("in_stock") == "1"

    def build(tx: Tx) -> dict[str, Any]:
        rows = get_inventory(
            tx, q=params["q"], kind=kind, sort=params["sort"], in_stock_only=in_stock
        )
        return {
            "rows": rows,
            "total_value": sum((Decimal(r["value"]) for r in rows), Decimal(0)),
            "headers": _sort_headers(request, params["sort"], INVENTORY_COLUMNS),
            "kind": kind,
            "in_stock": in_stock,
            **params,
        }

    return render(request, "production/inventory.html", _read(request, build))


@member_required
def depletion_create(request: HttpRequest) -> HttpResponse:
    ctx = _read(request, lambda tx: {"ingredients": _ingredient_choices(tx)})
    initial = {}
    if request.GET.get("ingredient", "").isdigit():
        initial["ingredient_id"] = int(request.GET["ingredient"])
    form = forms.DepletionForm(_posted(request), ingredients=ctx["ingredients"], initial=initial)
    return _form_page(
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
        success=lambda adj: (
            f"Took {(-adj.change).normalize():f} {adj.ingredient.base_unit} of "
            f"{adj.ingredient.name} out of stock."
        ),
        next_url=lambda adj: reverse("production:inventory"),
    )


def adjustment_list(request: HttpRequest) -> HttpResponse:
    ctx = _read(request, lambda tx: {"adjustments": list_adjustments(tx)})
    return render(request, "production/adjustment_list.html", ctx)


def _adjust_page(request: HttpRequest, kind: str, pk: int, template: str) -> HttpResponse:
    model = FinishedUnit if kind == "finished_unit" else FinishedGood
    item = _read(request, lambda tx: {"item": get_owned(tx, model, pk)})["item"]
    if kind == "finished_unit":
        back = reverse("production:recipe_detail", args=[item.recipe_id])
    else:
        back = reverse("production:finished_good_detail", args=[pk])
    form = forms.StockAdjustmentForm(_posted(request))
    return _form_page(
        request,
        template,
        form,
        {"item": item, "cancel_url": back},
        lambda tx, data: adjust_finished_stock(
            tx, kind, pk, data["change"], reason=data["reason"], notes=data["notes"]
        ),
        success=lambda adj: (
            f"{item.name}: stock {adj.quantity_before.normalize():f} → "
            f"{adj.quantity_after.normalize():f}."
        ),
        next_url=lambda adj: back,
    )


@member_required
def finished_unit_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    return _adjust_page(request, "finished_unit", pk, "production/finished_unit_adjust.html")


@member_required
def finished_good_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    return _adjust_page(request, "finished_good", pk, "production/finished_good_adjust.html")


# --- Recipes ----------------------------------------------------------------------------------

RECIPE_COLUMNS = [
    ("name", "Recipe", False),
    ("category", "Category", False, SMALL_HIDDEN),
    ("lines", "Ingredients", True, SMALL_HIDDEN),
    ("", "Sub-recipes", True, SMALL_HIDDEN),
    ("", "Makes", False, SMALL_HIDDEN),
    ("cost", "Est. cost / batch", True),
]


def recipe_list(request: HttpRequest) -> HttpResponse:
    params = _list_params(request, "name")
    archived = request.GET.get("archived") == "1"

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "rows": list_recipes(tx, q=params["q"], sort=params["sort"], include_archived=archived),
            "headers": _sort_headers(request, params["sort"], RECIPE_COLUMNS),
            "archived": archived,
            **params,
        }

    return render(request, "production/recipe_list.html", _read(request, build))


def recipe_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.GET.get("batches", "1")
    batches = int(raw) if raw.isdigit() and 1 <= int(raw) <= 1000 else 1

    def build(tx: Tx) -> dict[str, Any]:
        ctx = get_recipe_detail(tx, pk)
        try:
            ctx["estimate"] = estimate_recipe_cost(tx, pk, batches=batches)
        except DomainError as exc:  # e.g. a line whose unit no longer converts
            ctx["estimate_error"] = str(exc)
        ctx["batches"] = batches
        return ctx

    return render(request, "production/recipe_detail.html", _read(request, build))


@member_required
def recipe_create(request: HttpRequest) -> HttpResponse:
    form = forms.RecipeForm(_posted(request))
    return _form_page(
        request,
        "production/recipe_create.html",
        form,
        {"cancel_url": reverse("production:recipe_list")},
        lambda tx, data: create_recipe(tx, **data),
        success=lambda r: f"Added the recipe {r.name}. Now add its ingredients.",
        next_url=lambda r: reverse("production:recipe_detail", args=[r.pk]),
    )


@member_required
def recipe_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recipe = _read(request, lambda tx: {"r": get_owned(tx, Recipe, pk)})["r"]
    initial = {name: getattr(recipe, name) for name in forms.RecipeEditForm.base_fields}
    form = forms.RecipeEditForm(_posted(request), initial=initial)
    back = reverse("production:recipe_detail", args=[pk])
    return _form_page(
        request,
        "production/recipe_edit.html",
        form,
        {"recipe": recipe, "cancel_url": back},
        lambda tx, data: update_recipe(tx, pk, **data),
        success=lambda r: f"Saved the recipe {r.name}.",
        next_url=lambda r: back,
    )


@member_required
def recipe_delete(request: HttpRequest, pk: int) -> HttpResponse:
    recipe = _read(request, lambda tx: {"r": get_owned(tx, Recipe, pk)})["r"]
    return _delete_page(
        request,
        "production/recipe_delete.html",
        {
            "what": f"the recipe {recipe.name}",
            "cancel_url": reverse("production:recipe_detail", args=[pk]),
        },
        lambda tx: delete_recipe(tx, pk),
        success=f"Deleted the recipe {recipe.name}.",
        next_url=reverse("production:recipe_list"),
    )


@member_required
def recipe_line_create(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        return {"recipe": get_owned(tx, Recipe, pk), "ingredients": _ingredient_choices(tx)}

    ctx = _read(request, build)
    form = forms.RecipeLineForm(_posted(request), ingredients=ctx["ingredients"])
    back = reverse("production:recipe_detail", args=[pk])
    return _form_page(
        request,
        "production/recipe_line_create.html",
        form,
        {"recipe": ctx["recipe"], "cancel_url": back},
        lambda tx, data: add_recipe_ingredient(
            tx, pk, data["ingredient_id"], data["quantity"], data["unit"], notes=data["notes"]
        ),
        success=lambda line: f"Added {line.ingredient.name} to {ctx['recipe'].name}.",
        next_url=lambda line: back,
    )


@member_required
def recipe_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        line = get_owned(tx, RecipeIngredient, pk, label="Recipe line")
        return {
            "line": line,
            "recipe": get_owned(tx, Recipe, line.recipe_id),
            "ingredients": _ingredient_choices(tx),
        }

    ctx = _read(request, build)
    line = ctx["line"]
    initial = {
        "ingredient_id": line.ingredient_id,
        "quantity": line.quantity.normalize(),
        "unit": line.unit,
        "notes": line.notes,
    }
    form = forms.RecipeLineForm(_posted(request), ingredients=ctx["ingredients"], initial=initial)
    back = reverse("production:recipe_detail", args=[line.recipe_id])
    return _form_page(
        request,
        "production/recipe_line_edit.html",
        form,
        {"recipe": ctx["recipe"], "cancel_url": back},
        lambda tx, data: update_recipe_ingredient(tx, pk, **data),
        success=lambda saved: f"Saved the {saved.ingredient.name} line.",
        next_url=lambda saved: back,
    )


@member_required
def recipe_line_delete(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        line = get_owned(tx, RecipeIngredient, pk, label="Recipe line")
        recipe = get_owned(tx, Recipe, line.recipe_id)
        ingredient = get_owned(tx, Ingredient, line.ingredient_id)
        return {"line": line, "recipe": recipe, "ingredient": ingredient}

    ctx = _read(request, build)
    back = reverse("production:recipe_detail", args=[ctx["recipe"].pk])
    what = f"{ctx['ingredient'].name} from {ctx['recipe'].name}"
    return _delete_page(
        request,
        "production/recipe_line_delete.html",
        {"what": what, "cancel_url": back, "verb": "Remove"},
        lambda tx: remove_recipe_ingredient(tx, pk),
        success=f"Removed {what}.",
        next_url=back,
    )


@member_required
def recipe_component_create(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        return {"recipe": get_owned(tx, Recipe, pk), "recipes": _recipe_choices(tx, exclude=pk)}

    ctx = _read(request, build)
    form = forms.RecipeComponentForm(_posted(request), recipes=ctx["recipes"])
    back = reverse("production:recipe_detail", args=[pk])
    return _form_page(
        request,
        "production/recipe_component_create.html",
        form,
        {"recipe": ctx["recipe"], "cancel_url": back},
        lambda tx, data: add_recipe_component(tx, pk, data["component_recipe_id"], data["batches"]),
        success=lambda c: f"{ctx['recipe'].name} now uses {c.component_recipe.name}.",
        next_url=lambda c: back,
    )


def _load_recipe_component(tx: Tx, pk: int) -> dict[str, Any]:
    component = get_owned(tx, RecipeComponent, pk, label="Sub-recipe link")
    return {
        "component": component,
        "recipe": get_owned(tx, Recipe, component.recipe_id),
        "child": get_owned(tx, Recipe, component.component_recipe_id),
    }


@member_required
def recipe_component_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _read(request, lambda tx: _load_recipe_component(tx, pk))
    form = forms.RecipeComponentEditForm(
        _posted(request), initial={"batches": ctx["component"].batches.normalize()}
    )
    back = reverse("production:recipe_detail", args=[ctx["recipe"].pk])
    return _form_page(
        request,
        "production/recipe_component_edit.html",
        form,
        {**ctx, "cancel_url": back},
        lambda tx, data: update_recipe_component(tx, pk, batches=data["batches"]),
        success=lambda c: f"Saved: {ctx['child'].name} per batch of {ctx['recipe'].name}.",
        next_url=lambda c: back,
    )


@member_required
def recipe_component_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _read(request, lambda tx: _load_recipe_component(tx, pk))
    back = reverse("production:recipe_detail", args=[ctx["recipe"].pk])
    what = f"the sub-recipe {ctx['child'].name} from {ctx['recipe'].name}"
    return _delete_page(
        request,
        "production/recipe_component_delete.html",
        {"what": what, "cancel_url": back, "verb": "Remove"},
        lambda tx: remove_recipe_component(tx, pk),
        success=f"Removed {what}.",
        next_url=back,
    )


# --- Finished units -------------------------------------------------------------------------

FINISHED_UNIT_COLUMNS = [
    ("name", "Item", False),
    ("recipe", "Recipe", False),
    ("", "Per batch", True, SMALL_HIDDEN),
    ("stock", "In stock", True),
    ("cost", "Avg. cost", True, SMALL_HIDDEN),
]


def finished_unit_list(request: HttpRequest) -> HttpResponse:
    params = _list_params(request, "recipe")

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "units": list_finished_units(tx, q=params["q"], sort=params["sort"]),
            "headers": _sort_headers(request, params["sort"], FINISHED_UNIT_COLUMNS),
            **params,
        }

    return render(request, "production/finished_unit_list.html", _read(request, build))


@member_required
def finished_unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    recipe = _read(request, lambda tx: {"r": get_owned(tx, Recipe, pk)})["r"]
    form = forms.FinishedUnitForm(_posted(request))
    back = reverse("production:recipe_detail", args=[pk])
    return _form_page(
        request,
        "production/finished_unit_create.html",
        form,
        {"recipe": recipe, "cancel_url": back},
        lambda tx, data: create_finished_unit(tx, pk, **data),
        success=lambda u: f"{recipe.name} makes {u.items_per_batch} × {u.name} per batch.",
        next_url=lambda u: back,
    )


@member_required
def finished_unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _read(request, lambda tx: {"u": get_owned(tx, FinishedUnit, pk)})["u"]
    initial = {name: getattr(unit, name) for name in forms.FinishedUnitForm.base_fields}
    form = forms.FinishedUnitForm(_posted(request), initial=initial)
    back = reverse("production:recipe_detail", args=[unit.recipe_id])
    return _form_page(
        request,
        "production/finished_unit_edit.html",
        form,
        {"unit": unit, "cancel_url": back},
        lambda tx, data: update_finished_unit(tx, pk, **data),
        success=lambda u: f"Saved {u.name}.",
        next_url=lambda u: back,
    )


@member_required
def finished_unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _read(request, lambda tx: {"u": get_owned(tx, FinishedUnit, pk)})["u"]
    back = reverse("production:recipe_detail", args=[unit.recipe_id])
    return _delete_page(
        request,
        "production/finished_unit_delete.html",
        {"what": unit.name, "cancel_url": back},
        lambda tx: delete_finished_unit(tx, pk),
        success=f"Deleted {unit.name}.",
        next_url=back,
    )


# --- Finished goods -------------------------------------------------------------------------

FINISHED_GOOD_COLUMNS = [
    ("name", "Name", False),
    ("components", "Components", True, SMALL_HIDDEN),
    ("stock", "In stock", True),
    ("cost", "Avg. cost", True),
]


def finished_good_list(request: HttpRequest) -> HttpResponse:
    params = _list_params(request, "name")

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "goods": list_finished_goods(tx, q=params["q"], sort=params["sort"]),
            "headers": _sort_headers(request, params["sort"], FINISHED_GOOD_COLUMNS),
            **params,
        }

    return render(request, "production/finished_good_list.html", _read(request, build))


def finished_good_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _read(request, lambda tx: get_finished_good_detail(tx, pk))
    return render(request, "production/finished_good_detail.html", ctx)


@member_required
def finished_good_create(request: HttpRequest) -> HttpResponse:
    form = forms.FinishedGoodForm(_posted(request))
    return _form_page(
        request,
        "production/finished_good_create.html",
        form,
        {"cancel_url": reverse("production:finished_good_list")},
        lambda tx, data: create_finished_good(tx, **data),
        success=lambda g: f"Added {g.name}. Now say what goes in it.",
        next_url=lambda g: reverse("production:finished_good_detail", args=[g.pk]),
    )


@member_required
def finished_good_edit(request: HttpRequest, pk: int) -> HttpResponse:
    good = _read(request, lambda tx: {"g": get_owned(tx, FinishedGood, pk)})["g"]
    initial = {"name": good.name, "description": good.description}
    form = forms.FinishedGoodForm(_posted(request), initial=initial)
    back = reverse("production:finished_good_detail", args=[pk])
    return _form_page(
        request,
        "production/finished_good_edit.html",
        form,
        {"good": good, "cancel_url": back},
        lambda tx, data: update_finished_good(tx, pk, **data),
        success=lambda g: f"Saved {g.name}.",
        next_url=lambda g: back,
    )


@member_required
def finished_good_delete(request: HttpRequest, pk: int) -> HttpResponse:
    good = _read(request, lambda tx: {"g": get_owned(tx, FinishedGood, pk)})["g"]
    return _delete_page(
        request,
        "production/finished_good_delete.html",
        {"what": good.name, "cancel_url": reverse("production:finished_good_detail", args=[pk])},
        lambda tx: delete_finished_good(tx, pk),
        success=f"Deleted {good.name}.",
        next_url=reverse("production:finished_good_list"),
    )


@member_required
def component_create(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        return {"good": get_owned(tx, FinishedGood, pk), "items": _component_item_choices(tx, pk)}

    ctx = _read(request, build)
    form = forms.ComponentForm(_posted(request), items=ctx["items"])
    back = reverse("production:finished_good_detail", args=[pk])
    return _form_page(
        request,
        "production/component_create.html",
        form,
        {"good": ctx["good"], "cancel_url": back},
        lambda tx, data: add_component(tx, pk, data["item"][0], data["item"][1], data["quantity"]),
        success=lambda c: f"Added {c.item} to {ctx['good'].name}.",
        next_url=lambda c: back,
    )


def _load_component(tx: Tx, pk: int) -> dict[str, Any]:
    component = get_owned(tx, FinishedGoodComponent, pk, label="Component")
    component = (
        tx.objects(FinishedGoodComponent)
        .select_related("finished_good", "finished_unit", "nested_good", "packaging")
        .get(pk=component.pk)
    )
    return {"component": component, "good": component.finished_good, "item": component.item}


@member_required
def component_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _read(request, lambda tx: _load_component(tx, pk))
    form = forms.ComponentEditForm(
        _posted(request), initial={"quantity": ctx["component"].quantity.normalize()}
    )
    back = reverse("production:finished_good_detail", args=[ctx["good"].pk])
    return _form_page(
        request,
        "production/component_edit.html",
        form,
        {**ctx, "cancel_url": back},
        lambda tx, data: update_component(tx, pk, quantity=data["quantity"]),
        success=lambda c: f"Saved: {ctx['item']} in {ctx['good'].name}.",
        next_url=lambda c: back,
    )


@member_required
def component_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = _read(request, lambda tx: _load_component(tx, pk))
    back = reverse("production:finished_good_detail", args=[ctx["good"].pk])
    what = f"{ctx['item']} from {ctx['good'].name}"
    return _delete_page(
        request,
        "production/component_delete.html",
        {"what": what, "cancel_url": back, "verb": "Remove"},
        lambda tx: remove_component(tx, pk),
        success=f"Removed {what}.",
        next_url=back,
    )
