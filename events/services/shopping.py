"""Shopping list and packaging needs of an event, from the demand engine.

The rules: docs/design.md, "Shopping list".

Per ingredient: needed (remaining batches through the sub-recipe trees, or packaging of the
goods still to assemble), on hand (the lots' remaining stock), to buy, the recommended
product (preferred, else the cheapest by latest price per base unit), whole packages and
their estimated cost at the latest price per package. A line without a price says so and is
listed in `missing_prices`: it never counts as free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import OuterRef, Subquery, Sum

from bakeplanner.errors import ConversionError
from bakeplanner.money import cost_to_string, qty_to_string
from bakeplanner.tx import Tx
from events.services.demand import (
    IngredientDemand,
    PackagingDemand,
    load_demand,
    remaining_ingredients,
    remaining_packaging,
    whole_packages,
)
from production.models import Ingredient, InventoryLot, Product, Purchase
from production.services.catalogue import PRICED
from production.services.recipe_tree import ConversionPlan, conversion_plan, to_base_with

__all__ = [
    "get_event_packaging_breakdown",
    "get_event_packaging_needs",
    "get_shopping_list",
    "get_shopping_list_by_category",
    "get_shopping_page",
]

INGREDIENT = "ingredient"
PACKAGING = "packaging"


@dataclass
class Offer:
    """A product of an ingredient with its package size in base units and latest price."""

    product_id: int
    product_name: str
    brand: str
    preferred: bool
    package_size: Decimal
    latest_price: Decimal | None

    @property
    def price_per_base_unit(self) -> Decimal | None:
        if self.latest_price is None:
            return None
        return self.latest_price / self.package_size


def load_on_hand(tx: Tx, ingredient_ids: set[int]) -> dict[int, Decimal]:
    """Remaining stock per ingredient (sum of its lots), one query."""
    tx.require()
    if not ingredient_ids:
        return {}
    rows = (
        tx.objects(InventoryLot)
        # By the key itself: no foreign key check per id (docs/performance.md).
        .filter(ingredient__pk__in=ingredient_ids)
        .order_by()
        .values("ingredient_id")
        .annotate(total=Sum("quantity_remaining"))
        .values_list("ingredient_id", "total")
    )
    return {ingredient_id: Decimal(total or 0) for ingredient_id, total in rows}


def load_offers(tx: Tx, ingredients: dict[int, Ingredient]) -> dict[int, list[Offer]]:
    """Every product of these ingredients with its latest purchase price, one query."""
    tx.require()
    if not ingredients:
        return {}
    latest = (
        tx.objects(Purchase)
        .filter(product=OuterRef("pk"), **PRICED)
        .order_by("-purchased_on", "-id")
    )
    offers: dict[int, list[Offer]] = {}
    plans: dict[tuple[str, int], ConversionPlan | None] = {}
    for pk, ingredient_id, name, brand, preferred, package_quantity, package_unit, price in (
        tx.objects(Product)
        # By the key itself: no foreign key check per id (docs/performance.md).
        .filter(ingredient__pk__in=ingredients)
        .annotate(latest_price=Subquery(latest.values("price_per_package")[:1]))
        .order_by("ingredient_id", "id")
        .values_list(
            "pk",
            "ingredient_id",
            "name",
            "brand",
            "preferred",
            "package_quantity",
            "package_unit",
            "latest_price",
        )
    ):
        ingredient = ingredients[ingredient_id]
        key = (package_unit, ingredient_id)
        if key not in plans:
            plans[key] = conversion_plan(package_unit, ingredient)
        try:
            size = to_base_with(plans[key], package_quantity, package_unit, ingredient)
        except ConversionError:
            continue  # a product that cannot be measured in the stock unit cannot be advised
        if size <= 0:
            continue
        offers.setdefault(ingredient_id, []).append(
            Offer(pk, name, brand, preferred, size, None if price is None else Decimal(price))
        )
    return offers


def recommend(offers: list[Offer]) -> Offer | None:
    """The preferred product, else the cheapest by latest price per base unit."""
    for offer in offers:
        if offer.preferred:
            return offer
    priced = [o for o in offers if o.latest_price is not None]
    if priced:
        return min(priced, key=lambda o: (o.price_per_base_unit, o.product_id))
    return offers[0] if offers else None


@dataclass
class ShoppingLine:
    kind: str
    ingredient: Ingredient
    needed: Decimal
    on_hand: Decimal
    recipes: list[str]
    offer: Offer | None

    @cached_property
    def to_buy(self) -> Decimal:
        return max(Decimal(0), self.needed - self.on_hand)

    @cached_property
    def packages_to_buy(self) -> int | None:
        if self.to_buy <= 0:
            return 0
        if self.offer is None:
            return None
        return whole_packages(self.to_buy, self.offer.package_size)

    @cached_property
    def estimated_cost(self) -> Decimal | None:
        """None when there is something to buy and no price to buy it at."""
        packages = self.packages_to_buy
        if packages == 0:
            return Decimal(0)
        if packages is None or self.offer is None or self.offer.latest_price is None:
            return None
        return packages * self.offer.latest_price

    @cached_property
    def price_missing(self) -> bool:
        return self.estimated_cost is None

    def dto(self) -> dict[str, Any]:
        offer = self.offer
        cost = self.estimated_cost
        return {
            "ingredient_id": self.ingredient.pk,
            "ingredient_name": self.ingredient.name,
            "unit": self.ingredient.base_unit,
            "needed": qty_to_string(self.needed),
            "on_hand": qty_to_string(self.on_hand),
            "to_buy": qty_to_string(self.to_buy),
            "product_id": offer.product_id if offer else None,
            "product_name": (offer.product_name or self.ingredient.name) if offer else "",
            "brand": offer.brand if offer else "",
            "packages_to_buy": self.packages_to_buy,
            "package_size": qty_to_string(offer.package_size) if offer else None,
            # Money is always a two-decimal string; `price_missing` says when it is unknown.
            "estimated_cost": cost_to_string(cost),
            "price_missing": self.price_missing,
            "recipes": list(self.recipes),
        }


def _name_key(line: ShoppingLine) -> tuple[str, int]:
    return (line.ingredient.name.lower(), line.ingredient.pk)


def build_lines(
    tx: Tx,
    items: dict[int, IngredientDemand],
    packaging: dict[int, PackagingDemand],
) -> tuple[list[ShoppingLine], list[ShoppingLine]]:
    """Priced lines for recipe ingredients and packaging (two queries for both)."""
    tx.require()
    ingredients = {i: need.ingredient for i, need in items.items()}
    ingredients.update({i: need.ingredient for i, need in packaging.items()})
    on_hand = load_on_hand(tx, set(ingredients))
    offers = load_offers(tx, ingredients)
    item_lines = [
        ShoppingLine(
            INGREDIENT,
            need.ingredient,
            need.quantity,
            on_hand.get(i, Decimal(0)),
            sorted(need.recipes, key=str.lower),
            recommend(offers.get(i, [])),
        )
        for i, need in items.items()
    ]
    packaging_lines = []
    for i, need in packaging.items():
        # Stock a recipe line already claims is not there for packaging too.
        claimed = items[i].quantity if i in items else Decimal(0)
        packaging_lines.append(
            ShoppingLine(
                PACKAGING,
                need.ingredient,
                need.quantity,
                max(Decimal(0), on_hand.get(i, Decimal(0)) - claimed),
                sorted({s.finished_good_name for s in need.sources}, key=str.lower),
                recommend(offers.get(i, [])),
            )
        )
    item_lines.sort(key=_name_key)
    packaging_lines.sort(key=_name_key)
    return item_lines, packaging_lines


def _lines(
    tx: Tx, event_id: int, include_packaging: bool
) -> tuple[int, list[ShoppingLine], list[ShoppingLine]]:
    demand = load_demand(tx, event_id)
    items = remaining_ingredients(tx, demand)
    packaging = remaining_packaging(demand) if include_packaging else {}
    return (demand.event.pk, *build_lines(tx, items, packaging))


def shopping_lines(tx: Tx, event_id: int) -> list[ShoppingLine]:
    """Every line of the event's list, ingredients then packaging supplies."""
    tx.require()
    _, item_lines, packaging_lines = _lines(tx, event_id, True)
    return item_lines + packaging_lines


def _summary(event_pk: int, lines: list[ShoppingLine]) -> dict[str, Any]:
    """The list's figures over every line, whichever lines a page shows."""
    total = sum((line.estimated_cost or Decimal(0) for line in lines), Decimal(0))
    missing = sorted({line.ingredient.name for line in lines if line.price_missing}, key=str.lower)
    return {
        "event_id": event_pk,
        "total_estimated_cost": cost_to_string(total),
        "items_count": len(lines),
        "items_with_shortfall": sum(1 for line in lines if line.to_buy > 0),
        "missing_prices": missing,
    }


def _shopping(tx: Tx, event_id: int, include_packaging: bool) -> dict[str, Any]:
    """The shopping list DTO; `_lines` holds each line with its DTO (built once)."""
    event_pk, item_lines, packaging_lines = _lines(tx, event_id, include_packaging)
    lines = item_lines + packaging_lines
    dtos = [line.dto() for line in lines]
    return {
        **_summary(event_pk, lines),
        "items": dtos[: len(item_lines)],
        "packaging": dtos[len(item_lines) :],
        "_lines": list(zip(lines, dtos, strict=True)),
    }


def _groups(pairs: list[tuple[ShoppingLine, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Lines (with their DTOs) by kind, then ingredient category: ingredients before
    packaging, named categories alphabetically, uncategorised last."""
    grouped: dict[tuple[str, str], list[tuple[ShoppingLine, dict[str, Any]]]] = {}
    for line, line_dto in pairs:
        grouped.setdefault((line.kind, line.ingredient.category.strip()), []).append(
            (line, line_dto)
        )
    kind_order = {INGREDIENT: 0, PACKAGING: 1}
    keys = sorted(grouped, key=lambda k: (kind_order[k[0]], k[1] == "", k[1].lower(), k[1]))
    return [
        {
            "kind": kind,
            "category": category,
            "lines": [
                line_dto
                for _, line_dto in sorted(grouped[(kind, category)], key=lambda p: _name_key(p[0]))
            ],
        }
        for kind, category in keys
    ]


def get_shopping_list(tx: Tx, event_id: int, *, include_packaging: bool = True) -> dict[str, Any]:
    """What to buy for the event's remaining batches (and packaging).

    `items_count` counts every line (items and packaging), `items_with_shortfall` the lines
    with something to buy. A line whose price is missing has `price_missing` true, an
    `estimated_cost` of "0.00" (left out of the total) and its name in `missing_prices`.
    """
    tx.require()
    dto = _shopping(tx, event_id, include_packaging)
    del dto["_lines"]
    return dto


def get_shopping_list_by_category(
    tx: Tx, event_id: int, *, include_packaging: bool = True
) -> dict[str, Any]:
    """The shopping list DTO plus `groups`: its lines by kind, then ingredient category.

    `groups` is `[{kind, category, lines}]`, ingredients before packaging, named
    categories alphabetically and uncategorised lines (`category` "") last. A line's DTO is
    the same dict in `items`/`packaging` and in its group.
    """
    tx.require()
    dto = _shopping(tx, event_id, include_packaging)
    dto["groups"] = _groups(dto.pop("_lines"))
    return dto


def get_shopping_page(
    tx: Tx,
    event_id: int,
    *,
    include_packaging: bool = True,
    show_all: bool = False,
    keep: Callable[[str, int], bool] = lambda kind, ingredient_id: False,
) -> dict[str, Any]:
    """What the shopping list page shows: the list's figures over every line, and `groups`
    (as in `get_shopping_list_by_category`) of the lines to show only.

    A line is shown when it has something to buy, when `keep(kind, ingredient_id)` says so
    (a line ticked in the shop), or always with `show_all`; `enough_in_stock` counts the
    lines with nothing to buy that are not kept. Only shown lines are turned into DTOs: most
    of a long list is covered by the stock (docs/design.md, "Shopping list").
    """
    tx.require()
    event_pk, item_lines, packaging_lines = _lines(tx, event_id, include_packaging)
    lines = item_lines + packaging_lines
    shown = []
    enough = 0
    for line in lines:
        # The rounded figure, as the DTO's `to_buy` and the CSV show it.
        if Decimal(qty_to_string(line.to_buy)) > 0 or keep(line.kind, line.ingredient.pk):
            shown.append(line)
        else:
            enough += 1
            if show_all:
                shown.append(line)
    return {
        **_summary(event_pk, lines),
        "enough_in_stock": enough,
        "groups": _groups([(line, line.dto()) for line in shown]),
    }


def get_event_packaging_needs(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Packaging for the goods still to assemble, in the shopping list's line shape."""
    tx.require()
    demand = load_demand(tx, event_id)
    _, packaging_lines = build_lines(tx, {}, remaining_packaging(demand))
    return [line.dto() for line in packaging_lines]


def get_event_packaging_breakdown(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Per packaging ingredient, each finished good still to assemble that uses it."""
    tx.require()
    demand = load_demand(tx, event_id)
    needs = sorted(
        remaining_packaging(demand).values(),
        key=lambda n: (n.ingredient.name.lower(), n.ingredient.pk),
    )
    return [
        {
            "ingredient_id": need.ingredient.pk,
            "ingredient_name": need.ingredient.name,
            "unit": need.ingredient.base_unit,
            "total": qty_to_string(need.quantity),
            "sources": [
                {
                    "finished_good_id": source.finished_good_id,
                    "finished_good_name": source.finished_good_name,
                    "per_unit": qty_to_string(source.per_unit),
                    "count": source.count,
                    "total": qty_to_string(source.total),
                    "packages": list(source.packages),
                }
                for source in need.sources
            ],
        }
        for need in needs
    ]
