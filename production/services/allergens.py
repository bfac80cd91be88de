"""Allergens on ingredients and their roll-up to recipes, baked items and gift boxes.

See docs/allergens-and-freshness.md, "Allergens". A recipe carries what its ingredient lines
carry and what its sub-recipes carry; a baked item carries its recipe's; a gift box carries
what its baked items and nested gift boxes carry, and what its packaging supplies carry
only where someone set allergens on them. A code that is "contained" is never also "may
contain".

A roll-up reads the household's recipe and gift box structure once (one query each) and the
lines of the recipes reached (one query), whatever the depth or the number of roots.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from bakeplanner.errors import ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from production.allergens import clean_allergen_codes
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services.lookup import get_owned

__all__ = ["get_allergens", "set_ingredient_allergens"]

logger = logging.getLogger("bakeplanner.production.allergens")


class AllergenSummary(TypedDict):
    """Allergen codes, each list sorted; nothing in `contains` is repeated in `may_contain`."""

    contains: list[str]
    may_contain: list[str]


@dataclass
class AllergenSet:
    """What a recipe, item or box carries, while it is being summed."""

    contains: set[str] = field(default_factory=set)
    may_contain: set[str] = field(default_factory=set)

    def add(self, other: AllergenSet) -> None:
        self.contains |= other.contains
        self.may_contain |= other.may_contain

    def summary(self) -> AllergenSummary:
        return {
            "contains": sorted(self.contains),
            "may_contain": sorted(self.may_contain - self.contains),
        }


# --- Setting ---------------------------------------------------------------------------------


def set_ingredient_allergens(
    tx: Tx,
    ingredient_id: int,
    *,
    contains: Iterable[str],
    may_contain: Iterable[str] = (),
) -> Ingredient:
    """Replace an ingredient's allergens; a code in both lists is kept as "contains" only."""
    tx.require()
    with logged_operation(
        logger, tx, "set_ingredient_allergens", ingredient_id=ingredient_id
    ) as op:
        clean_contains = clean_allergen_codes(contains, field="contains")
        clean_may = clean_allergen_codes(may_contain, field="may_contain")
        ingredient = get_owned(tx, Ingredient, ingredient_id)
        ingredient.allergens = clean_contains
        ingredient.may_contain = [code for code in clean_may if code not in clean_contains]
        ingredient.save(using=tx.using, update_fields=["allergens", "may_contain", "updated_at"])
        op.add(contains=ingredient.allergens, may_contain=ingredient.may_contain)
        return ingredient


# --- Rolling up ------------------------------------------------------------------------------


def _codes(value: Any) -> set[str]:
    """Codes read back from a JSON column (anything but a list of strings counts as none)."""
    if not isinstance(value, list):
        return set()
    return {code for code in value if isinstance(code, str)}


def recipe_allergens(tx: Tx, recipe_ids: Iterable[int]) -> dict[int, AllergenSet]:
    """Each recipe's allergens through its whole sub-recipe tree: two queries for any number."""
    tx.require()
    roots = set(recipe_ids)
    if not roots:
        return {}
    children: dict[int, list[int]] = defaultdict(list)
    for parent, child in tx.objects(RecipeComponent).values_list(
        "recipe_id", "component_recipe_id"
    ):
        children[parent].append(child)
    reach: dict[int, set[int]] = {}
    for root in roots:
        seen = {root}
        stack = [root]
        while stack:  # the catalogue refuses cycles; `seen` only guards against bad data
            for child in children.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        reach[root] = seen
    own: dict[int, AllergenSet] = defaultdict(AllergenSet)
    lines = tx.objects(RecipeIngredient).filter(recipe_id__in=set().union(*reach.values()))
    for recipe_id, contains, may in lines.values_list(
        "recipe_id", "ingredient__allergens", "ingredient__may_contain"
    ):
        own[recipe_id].contains |= _codes(contains)
        own[recipe_id].may_contain |= _codes(may)
    result: dict[int, AllergenSet] = {}
    for root, members in reach.items():
        total = AllergenSet()
        for member in members:
            if member in own:
                total.add(own[member])
        result[root] = total
    return result


def good_allergens(tx: Tx, good_ids: Iterable[int]) -> dict[int, AllergenSet]:
    """Each gift box's allergens through nested boxes, baked items and their recipes, and any
    set on its packaging supplies: four queries for any number of boxes."""
    tx.require()
    roots = set(good_ids)
    if not roots:
        return {}
    nested: dict[int, list[int]] = defaultdict(list)
    unit_recipes: dict[int, set[int]] = defaultdict(set)
    packaging: dict[int, AllergenSet] = defaultdict(AllergenSet)
    rows = tx.objects(FinishedGoodComponent).values_list(
        "finished_good_id",
        "nested_good_id",
        "finished_unit__recipe_id",
        "packaging__allergens",
        "packaging__may_contain",
    )
    for good_id, nested_id, recipe_id, pack_contains, pack_may in rows:
        if nested_id is not None:
            nested[good_id].append(nested_id)
        if recipe_id is not None:
            unit_recipes[good_id].add(recipe_id)
        if pack_contains or pack_may:
            packaging[good_id].contains |= _codes(pack_contains)
            packaging[good_id].may_contain |= _codes(pack_may)
    reach: dict[int, set[int]] = {}
    for root in roots:
        seen = {root}
        stack = [root]
        while stack:
            for child in nested.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        reach[root] = seen
    recipes_needed = {rid for members in reach.values() for g in members for rid in unit_recipes[g]}
    by_recipe = recipe_allergens(tx, recipes_needed)
    result: dict[int, AllergenSet] = {}
    for root, members in reach.items():
        total = AllergenSet()
        for member in members:
            for recipe_id in unit_recipes.get(member, ()):
                total.add(by_recipe[recipe_id])
            if member in packaging:
                total.add(packaging[member])
        result[root] = total
    return result


def get_allergens(
    tx: Tx,
    *,
    recipe_id: int | None = None,
    finished_unit_id: int | None = None,
    finished_good_id: int | None = None,
) -> AllergenSummary:
    """What a recipe, a baked item or a gift box contains and may contain (exactly one id)."""
    tx.require()
    given = [v for v in (recipe_id, finished_unit_id, finished_good_id) if v is not None]
    if len(given) != 1:
        raise ValidationFailed("Name exactly one recipe, baked item or gift box.")
    if recipe_id is not None:
        recipe = get_owned(tx, Recipe, recipe_id)
        return recipe_allergens(tx, [recipe.pk])[recipe.pk].summary()
    if finished_unit_id is not None:
        unit = get_owned(tx, FinishedUnit, finished_unit_id, label="Baked item")
        return recipe_allergens(tx, [unit.recipe_id])[unit.recipe_id].summary()
    good = get_owned(tx, FinishedGood, finished_good_id, label="Gift box")
    return good_allergens(tx, [good.pk])[good.pk].summary()
