"""Cost estimates at current prices (docs/design.md, "Estimated and actual costs").

An estimate charges what FIFO would charge for the stock on hand (oldest lots first) and the
latest purchase price per base unit for the rest. An ingredient that was never bought has no
price: it is flagged (`price_missing`), never silently counted as free.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Subquery

from bakeplanner.errors import NotFound
from bakeplanner.money import cost_to_string, qty_to_string
from bakeplanner.tx import Tx
from production.models import FinishedUnit, Ingredient
from production.services.inventory import line_cost
from production.services.lookup import clean_whole_number, household_lots
from production.services.recipe_tree import IngredientNeed, recipe_needs

__all__ = ["estimate_recipe_cost"]


@dataclass(frozen=True)
class PricedNeed:
    """What a base-unit quantity of one ingredient would cost now."""

    cost: Decimal
    price_missing: bool
    quantity: Decimal = Decimal(0)  # base unit
    from_stock: Decimal = Decimal(0)  # the part priced from lots on hand
    unit_price: Decimal | None = None  # latest purchase price per base unit, None if never bought


@dataclass
class PriceBook:
    """Everything needed to price some ingredients, loaded with a fixed number of queries."""

    ingredients: dict[int, str]  # the ingredients the book can price, by id: their names
    # (remaining, cost per unit, price unknown), oldest first
    lots: dict[int, list[tuple[Decimal, Decimal, bool]]]
    latest: dict[int, Decimal | None]  # latest price per base unit

    def price(self, ingredient_id: int, quantity: Decimal) -> PricedNeed:
        """FIFO over the lots on hand (as `plan_fifo` draws), the latest price for the rest.

        Stock from a lot brought in without a price makes the estimate's price missing: it is
        never counted as free (docs/import-baketracker.md, "Price unknown").
        """
        if ingredient_id not in self.ingredients:
            raise NotFound("Ingredient", ingredient_id)
        unit_price = self.latest.get(ingredient_id)
        if quantity <= 0:
            return PricedNeed(Decimal(0), False, quantity, Decimal(0), unit_price)
        cost = Decimal(0)
        consumed = Decimal(0)
        left = quantity
        missing = False
        for remaining, cost_per_unit, price_unknown in self.lots.get(ingredient_id, ()):
            if left <= 0:
                break
            take = min(left, remaining)
            if take > 0:
                consumed += take
                cost += line_cost(take, cost_per_unit)
                missing = missing or price_unknown
                left -= take
        rest = quantity - consumed
        if rest > 0:
            if unit_price is None:
                missing = True
            else:
                cost += line_cost(rest, unit_price)
        return PricedNeed(cost, missing, quantity, consumed, unit_price)


def load_price_book(tx: Tx, ingredient_ids: Iterable[int]) -> PriceBook:
    """Two queries whatever the number of ingredients: ingredients with latest prices, lots.

    Both read plain values: pricing needs a few columns, not whole rows.
    """
    tx.require()
    book = PriceBook(ingredients={}, lots={}, latest={})
    extend_price_book(tx, book, ingredient_ids, always=True)
    return book


def extend_price_book(
    tx: Tx, book: PriceBook, ingredient_ids: Iterable[int], *, always: bool = False
) -> None:
    """Load the ingredients `book` cannot price yet (two queries, none if it has them all)."""
    tx.require()
    ids = sorted(set(ingredient_ids) - book.ingredients.keys())
    if not ids and not always:
        return
    latest_cost = Subquery(
        household_lots(tx)
        .filter(ingredient=OuterRef("pk"), price_unknown=False)
        .fifo()
        .reverse()  # newest first
        .values("cost_per_unit")[:1]
    )
    for pk, name, cost in (
        tx.objects(Ingredient)
        .filter(pk__in=ids)
        .annotate(latest_cost=latest_cost)
        .values_list("pk", "name", "latest_cost")
    ):
        book.ingredients[pk] = name
        book.latest[pk] = cost
        book.lots[pk] = []
    for ingredient_id, remaining, cost_per_unit, price_unknown in (
        household_lots(tx)
        .with_stock()
        # By the key itself: no foreign key check per id (docs/performance.md).
        .filter(ingredient__pk__in=ids)
        # Oldest first within each ingredient, in the order of the index that serves it.
        .order_by("ingredient_id", "received_on", "id")
        .values_list("ingredient_id", "quantity_remaining", "cost_per_unit", "price_unknown")
    ):
        book.lots[ingredient_id].append((remaining, cost_per_unit, price_unknown))


def price_needs(tx: Tx, needs: dict[int, Decimal]) -> dict[int, PricedNeed]:
    """Price base-unit quantities of many ingredients ({ingredient_id: quantity}) at once.

    Not a public service (callers inside the apps use it): a constant number of queries.
    Each ingredient is priced on its own against the current stock.
    """
    tx.require()
    return price_with_book(load_price_book(tx, needs), needs)


def price_with_book(book: PriceBook, needs: dict[int, Decimal]) -> dict[int, PricedNeed]:
    """`price_needs` with a book already loaded for (at least) these ingredients."""
    return {
        ingredient_id: book.price(ingredient_id, Decimal(qty))
        for ingredient_id, qty in needs.items()
    }


def price_recipe_needs(book: PriceBook, needs: list[IngredientNeed]) -> tuple[Decimal, list[str]]:
    """Total cost of a recipe's aggregated needs and the names of ingredients without a price."""
    total = Decimal(0)
    missing: list[str] = []
    for need in needs:
        priced = book.price(need.ingredient.pk, need.quantity)
        total += priced.cost
        if priced.price_missing:
            missing.append(need.ingredient.name)
    return total, missing


def estimate_recipe_cost(tx: Tx, recipe_id: int, *, batches: Any = 1) -> dict[str, Any]:
    """Per-line and total cost of `batches` of a recipe (its whole tree) at current prices."""
    tx.require()
    count = clean_whole_number(batches, "Batches", field="batches", maximum=100_000)
    recipe, _, needs = recipe_needs(tx, recipe_id, batches=count)
    priced = price_needs(tx, {need.ingredient.pk: need.quantity for need in needs})
    lines = []
    total = Decimal(0)
    missing: list[str] = []
    for need in needs:
        line = priced[need.ingredient.pk]
        total += line.cost
        if line.price_missing:
            missing.append(need.ingredient.name)
        lines.append(
            {
                "ingredient_id": need.ingredient.pk,
                "ingredient_name": need.ingredient.name,
                "quantity": qty_to_string(need.quantity),
                "unit": need.ingredient.base_unit,
                "cost": cost_to_string(line.cost),
                "price_missing": line.price_missing,
                "recipes": list(need.recipes),
            }
        )
    per_batch = total / count
    units = tx.objects(FinishedUnit).filter(recipe=recipe).order_by("name", "pk")
    return {
        "recipe_id": recipe.pk,
        "recipe_name": recipe.name,
        "batches": count,
        "lines": lines,
        "total_cost": cost_to_string(total),
        "cost_per_batch": cost_to_string(per_batch),
        "missing_prices": missing,
        "finished_units": [
            {
                "finished_unit_id": unit.pk,
                "finished_unit_name": unit.name,
                "items_per_batch": unit.items_per_batch,
                "cost_per_item": cost_to_string(per_batch / unit.items_per_batch),
            }
            for unit in units
        ],
    }
