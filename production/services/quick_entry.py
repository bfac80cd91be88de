"""Proposing purchases from quick-entry lines (docs/design.md, "Purchases and lots").

Each line is read by `production.quick_entry.parse_line` and its words are matched against
the household's own ingredients and products (names compared by `name_key`). The proposal
is only a suggestion: nothing is recorded until the person confirms it, through
`record_purchase`.

Matching, in order:
1. the ingredient: every word of its name appears in the line (the longest such name wins;
   "brown sugar" beats "sugar"); failing that, a product whose own name's words all appear;
   failing that, the ingredient sharing the most words with the line ("flour" finds
   "All-purpose flour"); two equally good ingredients, or none, and the line is not
   understood, naming the candidates;
2. an exact product: that ingredient, the same package quantity and unit (brand and name
   words break a tie, then the preferred product);
3. else the ingredient's preferred product when its package is the same size once
   converted (16 oz is 1 lb);
4. else there is no product of that size, and the person is asked to add one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bakeplanner.names import name_key
from bakeplanner.tx import Tx
from bakeplanner.units import UNITS, round_base
from production.models import Ingredient, Product
from production.quick_entry import QuickLine, parse_line
from production.services.inventory import product_label

__all__ = ["propose_purchases"]

MAX_LINES = 50

READY = "ready"
NO_PRODUCT = "no_product"
NOT_UNDERSTOOD = "not_understood"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Proposal:
    """One line's proposed purchase, or why there is none (`message`)."""

    line: QuickLine
    status: str
    message: str = ""
    product_id: int | None = None
    product_label: str = ""
    ingredient_id: int | None = None
    ingredient_name: str = ""

    @property
    def ready(self) -> bool:
        return self.status == READY


def _keys(*texts: str) -> set[str]:
    return {name_key(word) for text in texts for word in text.split() if name_key(word)}


def _size_in_base(quantity: Decimal | None, unit: str) -> tuple[str, Decimal] | None:
    if quantity is None or unit not in UNITS:
        return None
    family, factor = UNITS[unit]
    return family, round_base(quantity * factor)


def propose_purchases(tx: Tx, text: str) -> list[Proposal]:
    """One proposal per non-blank line (at most `MAX_LINES`), matched to the household's
    own products only."""
    tx.require()
    lines = [line for line in text.splitlines() if line.strip()][:MAX_LINES]
    if not lines:
        return []
    ingredients = list(tx.objects(Ingredient).order_by("pk"))
    products = list(tx.objects(Product).order_by("pk"))
    return [_propose(parse_line(line), ingredients, products) for line in lines]


def _find_ingredient(
    line_keys: set[str], ingredients: list[Ingredient], products: list[Product]
) -> tuple[Ingredient | None, str]:
    by_name = [
        (len(keys), ingredient)
        for ingredient in ingredients
        if (keys := _keys(ingredient.name)) and keys <= line_keys
    ]
    if not by_name:
        owners = {p.ingredient_id for p in products if (k := _keys(p.name)) and k <= line_keys}
        by_name = [(0, i) for i in ingredients if i.pk in owners]
    if not by_name:
        # People shorten names ("flour" for "All-purpose flour"): the ingredients sharing
        # the most words with the line, when one stands out.
        by_name = [
            (shared, ingredient)
            for ingredient in ingredients
            if (shared := len(_keys(ingredient.name) & line_keys))
        ]
    if not by_name:
        return None, "Not understood: no ingredient or product of yours has that name."
    best = max(length for length, _ in by_name)
    found = [ingredient for length, ingredient in by_name if length == best]
    if len(found) > 1:
        names = " or ".join(sorted(i.name for i in found))
        return None, f"Not understood: it could be {names}."
    return found[0], ""


def _propose(line: QuickLine, ingredients: list[Ingredient], products: list[Product]) -> Proposal:
    if not line.readable:
        return Proposal(line, UNREADABLE, line.reason)
    line_keys = _keys(*line.words)
    ingredient, why = _find_ingredient(line_keys, ingredients, products)
    if ingredient is None:
        return Proposal(line, NOT_UNDERSTOOD, why)
    own = [p for p in products if p.ingredient_id == ingredient.pk]
    exact = [
        p
        for p in own
        if p.package_unit == line.package_unit and p.package_quantity == line.package_quantity
    ]
    chosen: Product | None = None
    if exact:
        chosen = max(exact, key=lambda p: (len(_keys(p.brand, p.name) & line_keys), p.preferred))
    else:
        wanted = _size_in_base(line.package_quantity, line.package_unit)
        preferred = next((p for p in own if p.preferred), None)
        if preferred and _size_in_base(preferred.package_quantity, preferred.package_unit) == (
            wanted
        ):
            chosen = preferred
    if chosen is None:
        size = f"{line.package_quantity:f} {line.package_unit}"
        return Proposal(
            line,
            NO_PRODUCT,
            f"No product of that size ({size}) for {ingredient.name}: add one.",
            ingredient_id=ingredient.pk,
            ingredient_name=ingredient.name,
        )
    return Proposal(
        line,
        READY,
        product_id=chosen.pk,
        product_label=product_label(chosen, ingredient.name),
        ingredient_id=ingredient.pk,
        ingredient_name=ingredient.name,
    )
