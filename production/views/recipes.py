"""Recipe pages: lines, sub-recipes, baked items and cost estimates.

See docs/design.md, "Catalogue" and "Estimated and actual costs".
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bakeplanner.decorators import member_required
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
    sort_headers,
    url_maker,
)
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx
from production.allergens import allergen_texts
from production.forms import catalogue as forms
from production.models import (
    FinishedUnit,
    Ingredient,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services import (
    add_recipe_component,
    add_recipe_ingredient,
    create_finished_unit,
    create_recipe,
    delete_finished_unit,
    delete_recipe,
    estimate_recipe_cost,
    get_allergens,
    get_recipe_detail,
    list_finished_units_page,
    list_recipes_page,
    remove_recipe_component,
    remove_recipe_ingredient,
    set_shelf_life,
    update_finished_unit,
    update_recipe,
    update_recipe_component,
    update_recipe_ingredient,
)
from production.services.lookup import get_owned
from production.views.choices import ingredient_choices, recipe_choices

# --- Recipes ----------------------------------------------------------------------------------

# Recipes on one page of the list, each walked and priced.
RECIPES_PER_PAGE = 50

RECIPE_COLUMNS = [
    ("name", "Recipe", False),
    ("category", "Category", False, SMALL_HIDDEN),
    ("lines", "Ingredients", True, SMALL_HIDDEN),
    ("", "Sub-recipes", True, SMALL_HIDDEN),
    ("", "Makes", False, SMALL_HIDDEN),
    ("cost", "Estimated cost per batch", True),
]


def recipe_list(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "name")
    archived = request.GET.get("archived") == "1"

    def build(tx: Tx) -> dict[str, Any]:
        page = list_recipes_page(
            tx,
            q=params["q"],
            sort=params["sort"],
            include_archived=archived,
            page=request.GET.get("page", 1),
            per_page=RECIPES_PER_PAGE,
        )
        shown = {**params, "archived": "1" if archived else ""}
        recipe_url = url_maker("production:recipe_detail")
        for row in page.object_list:
            row["url"] = recipe_url(row["recipe"].pk)
        return {
            "rows": page.object_list,
            "pager": list_page_links(page, shown),
            "headers": sort_headers(request, params["sort"], RECIPE_COLUMNS),
            "archived": archived,
            **params,
        }

    return render(request, "production/recipe_list.html", read_context(request, build))


def recipe_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batches = whole_number_or_none(request.GET.get("batches"), minimum=1, maximum=1000) or 1

    def build(tx: Tx) -> dict[str, Any]:
        ctx = get_recipe_detail(tx, pk)
        try:
            ctx["estimate"] = estimate_recipe_cost(tx, pk, batches=batches)
        except DomainError as exc:  # e.g. a line whose unit no longer converts
            ctx["estimate_error"] = str(exc)
        ctx["batches"] = batches
        ctx["allergens"] = allergen_texts(**get_allergens(tx, recipe_id=pk))
        return ctx

    return render(request, "production/recipe_detail.html", read_context(request, build))


@member_required
def recipe_create(request: HttpRequest) -> HttpResponse:
    form = forms.RecipeForm(posted_data(request))
    return form_page(
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
    recipe = object_or_404(request, Recipe, pk)
    initial = {name: getattr(recipe, name) for name in forms.RecipeEditForm.base_fields}
    form = forms.RecipeEditForm(posted_data(request), initial=initial)
    back = reverse("production:recipe_detail", args=[pk])
    return form_page(
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
    recipe = object_or_404(request, Recipe, pk)
    return delete_page(
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
        return {"recipe": get_owned(tx, Recipe, pk), "ingredients": ingredient_choices(tx)}

    ctx = read_context(request, build)
    form = forms.RecipeLineForm(posted_data(request), ingredients=ctx["ingredients"])
    back = reverse("production:recipe_detail", args=[pk])
    return form_page(
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
            "ingredients": ingredient_choices(tx),
        }

    ctx = read_context(request, build)
    line = ctx["line"]
    initial = {
        "ingredient_id": line.ingredient_id,
        "quantity": line.quantity.normalize(),
        "unit": line.unit,
        "notes": line.notes,
    }
    form = forms.RecipeLineForm(
        posted_data(request), ingredients=ctx["ingredients"], initial=initial
    )
    back = reverse("production:recipe_detail", args=[line.recipe_id])
    return form_page(
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

    ctx = read_context(request, build)
    back = reverse("production:recipe_detail", args=[ctx["recipe"].pk])
    what = f"{ctx['ingredient'].name} from {ctx['recipe'].name}"
    return delete_page(
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
        return {"recipe": get_owned(tx, Recipe, pk), "recipes": recipe_choices(tx, exclude=pk)}

    ctx = read_context(request, build)
    form = forms.RecipeComponentForm(posted_data(request), recipes=ctx["recipes"])
    back = reverse("production:recipe_detail", args=[pk])
    return form_page(
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
    ctx = read_context(request, lambda tx: _load_recipe_component(tx, pk))
    form = forms.RecipeComponentEditForm(
        posted_data(request), initial={"batches": ctx["component"].batches.normalize()}
    )
    back = reverse("production:recipe_detail", args=[ctx["recipe"].pk])
    return form_page(
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
    ctx = read_context(request, lambda tx: _load_recipe_component(tx, pk))
    back = reverse("production:recipe_detail", args=[ctx["recipe"].pk])
    what = f"the sub-recipe {ctx['child'].name} from {ctx['recipe'].name}"
    return delete_page(
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
    ("cost", "Average cost", True, SMALL_HIDDEN),
]


def finished_unit_list(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "recipe")

    def build(tx: Tx) -> dict[str, Any]:
        page = list_finished_units_page(
            tx,
            q=params["q"],
            sort=params["sort"],
            page=request.GET.get("page", 1),
            per_page=RECIPES_PER_PAGE,
        )
        recipe = url_maker("production:recipe_detail")
        adjust = url_maker("production:finished_unit_adjust")
        for unit in page.object_list:
            unit.recipe_url = recipe(unit.recipe_id)
            unit.adjust_url = adjust(unit.pk)
        return {
            "units": page.object_list,
            "pager": list_page_links(page, params),
            "headers": sort_headers(request, params["sort"], FINISHED_UNIT_COLUMNS),
            **params,
        }

    return render(request, "production/finished_unit_list.html", read_context(request, build))


@member_required
def finished_unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    recipe = object_or_404(request, Recipe, pk)
    form = forms.FinishedUnitForm(posted_data(request))
    back = reverse("production:recipe_detail", args=[pk])
    return form_page(
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
    unit = object_or_404(request, FinishedUnit, pk)
    initial = {name: getattr(unit, name) for name in forms.FinishedUnitForm.base_fields}
    initial.update(
        shelf_life_days=unit.shelf_life_days, frozen_shelf_life_days=unit.frozen_shelf_life_days
    )
    form = forms.FinishedUnitForm(posted_data(request), initial=initial, with_shelf_life=True)
    back = reverse("production:recipe_detail", args=[unit.recipe_id])

    def save(tx: Tx, data: dict[str, Any]) -> FinishedUnit:
        days, frozen = data.pop("shelf_life_days"), data.pop("frozen_shelf_life_days")
        update_finished_unit(tx, pk, **data)
        return set_shelf_life(tx, pk, days=days, frozen_days=frozen)

    return form_page(
        request,
        "production/finished_unit_edit.html",
        form,
        {"unit": unit, "cancel_url": back},
        save,
        success=lambda u: f"Saved {u.name}.",
        next_url=lambda u: back,
    )


@member_required
def finished_unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = object_or_404(request, FinishedUnit, pk)
    back = reverse("production:recipe_detail", args=[unit.recipe_id])
    return delete_page(
        request,
        "production/finished_unit_delete.html",
        {"what": unit.name, "cancel_url": back},
        lambda tx: delete_finished_unit(tx, pk),
        success=f"Deleted {unit.name}.",
        next_url=back,
    )
