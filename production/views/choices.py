"""The choice lists the catalogue forms need, read inside the page's unit of work (the
shared page helpers are in `bakeplanner.pages`)."""

from __future__ import annotations

from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT
from production.forms import catalogue as forms
from production.models import (
    FinishedGood,
    FinishedUnit,
    Ingredient,
    Product,
    Recipe,
)
from production.services.inventory import product_label


def ingredient_choices(tx: Tx) -> forms.GroupedChoices:
    groups: dict[str, forms.Choices] = {"food": [], "packaging": []}
    for pk, name, kind, family in (
        tx.objects(Ingredient)
        .order_by("name", "pk")
        .values_list("pk", "name", "kind", "stock_family")
    ):
        groups[kind].append((pk, f"{name} ({BASE_UNIT[family]})"))
    return [(label, groups[key]) for key, label in Ingredient.KIND_CHOICES if groups[key]]


def product_choices(tx: Tx) -> forms.GroupedChoices:
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


def recipe_choices(tx: Tx, *, exclude: int | None = None) -> forms.Choices:
    queryset = tx.objects(Recipe).filter(archived=False).order_by("name", "pk")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return list(queryset.values_list("pk", "name"))


def component_item_choices(tx: Tx, good_id: int) -> forms.GroupedChoices:
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
    groups = [("Baked items", units), ("Gift boxes", goods), ("Packaging supplies", packaging)]
    return [(label, items) for label, items in groups if items]
