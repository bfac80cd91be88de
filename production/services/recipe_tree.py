"""A recipe's whole sub-recipe tree, multiplied out and converted to base units.

One query per nesting level (at most three) plus one for all the lines, whatever the size
of the tree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models.base import ModelState

from bakeplanner.errors import ValidationFailed
from bakeplanner.money import MILLI, qty_to_string, to_decimal
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, ML_PER_CUP, UNITS, VOLUME, WEIGHT, ingredient_to_base
from production.models import Ingredient, Recipe, RecipeComponent, RecipeIngredient
from production.services.lookup import get_owned

__all__ = ["get_recipe_ingredients"]

MAX_DEPTH = 3  # a recipe, its sub-recipes and theirs

# The columns of an ingredient the planning reads use, and the same through a relation
# (`ingredient__…`). The time stamps, notes and allergen lists are left out: turning
# thousands of time stamps into aware datetimes and of JSON lists into Python was most of
# the cost of a report, and no plan, estimate or shopping list reads them (the allergen
# pages read allergens with their own query).
INGREDIENT_FIELDS = tuple(
    field.attname
    for field in Ingredient._meta.concrete_fields
    if field.attname not in {"created_at", "updated_at", "notes", "allergens", "may_contain"}
)  # in the model's column order, as `Model.from_db` takes them


def ingredient_columns(relation: str) -> list[str]:
    """`INGREDIENT_FIELDS` as `values_list` names through `relation` (e.g. "ingredient")."""
    return [f"{relation}__{name.removesuffix('_id')}" for name in INGREDIENT_FIELDS]


class IngredientCache:
    """Ingredients built once per id from `INGREDIENT_FIELDS` values, time stamps deferred.

    Rows read through a relation repeat the same ingredient on many lines; one instance per
    ingredient is enough. The instance is filled in the way `Model.from_db` fills one, minus
    `Model.__init__` (six times the cost): these instances are read by plans and prices and
    never saved, and no field of `Ingredient` acts on initialisation (a test holds this, and
    that the result equals `from_db`'s). A deferred column is still loaded when read.
    """

    def __init__(self, using: str) -> None:
        self.using = using
        self.by_id: dict[int, Ingredient] = {}

    def get(self, values: tuple[Any, ...]) -> Ingredient:
        ingredient = self.by_id.get(values[0])
        if ingredient is None:
            ingredient = Ingredient.__new__(Ingredient)
            state = ModelState()
            state.adding = False
            state.db = self.using
            ingredient._state = state
            ingredient.__dict__.update(zip(INGREDIENT_FIELDS, values, strict=True))
            self.by_id[values[0]] = ingredient
        return ingredient


# How one unit becomes an ingredient's base unit: (factor to the unit's family base,
# density for a weight/volume crossing or None, True when the crossing is volume → weight).
ConversionPlan = tuple[Decimal, Decimal | None, bool]


def conversion_plan(unit: str, ingredient: Ingredient) -> ConversionPlan | None:
    """The steps `ingredient_to_base` takes for `unit`, or None where it would refuse.

    `to_base_with` repeats those exact Decimal steps without looking anything up again, so
    a line converted in a loop gives the very same figure; None sends the caller to
    `ingredient_to_base` itself, which raises the refusal with its message.
    """
    known = UNITS.get(unit)
    if known is None or ingredient.stock_family not in BASE_UNIT:
        return None
    family, factor = known
    target_family, target_factor = UNITS[BASE_UNIT[ingredient.stock_family]]
    if target_factor != 1:
        return None
    if family == target_family:
        return factor, None, False
    if {family, target_family} != {WEIGHT, VOLUME}:
        return None
    if ingredient.density_g_per_cup is None:
        return None
    density = to_decimal(ingredient.density_g_per_cup)
    if density <= 0:
        return None
    return factor, density, family == VOLUME


def to_base_with(
    plan: ConversionPlan | None, quantity: Decimal, unit: str, ingredient: Ingredient
) -> Decimal:
    """`ingredient_to_base(quantity, unit, ingredient)` along a precomputed plan."""
    if plan is None:
        return ingredient_to_base(quantity, unit, ingredient)
    factor, density, volume_to_weight = plan
    base = quantity * factor
    if density is not None:
        base = base * density / ML_PER_CUP if volume_to_weight else base * ML_PER_CUP / density
    return base.quantize(MILLI, rounding=ROUND_HALF_EVEN)


@dataclass
class TreeNode:
    """One recipe in the tree with its batch multiplier along one path from the root."""

    recipe_id: int
    recipe_name: str
    multiplier: Decimal
    depth: int
    parent_id: int | None
    root_id: int | None = None  # the root recipe this path starts from


@dataclass
class IngredientNeed:
    ingredient: Ingredient
    quantity: Decimal  # base unit
    recipes: list[str]


def _positive(value: Any, label: str) -> Decimal:
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label} must be a number.") from None
    if amount <= 0:
        raise ValidationFailed(f"{label} must be more than zero.")
    return amount


def walk_tree(tx: Tx, roots: dict[int, Decimal]) -> list[TreeNode]:
    """Every recipe reached from `roots` ({recipe_id: batches}), one node per path."""
    tx.require()
    names = dict(tx.objects(Recipe).filter(pk__in=roots).values_list("pk", "name"))
    nodes = [TreeNode(rid, names[rid], mult, 1, None, rid) for rid, mult in roots.items()]
    frontier = list(nodes)
    depth = 1
    while frontier:
        if depth > MAX_DEPTH:  # only data written around the services can be this deep
            raise ValidationFailed("A recipe's sub-recipes are nested more than 3 levels deep.")
        children = defaultdict(list)
        for comp in (
            tx.objects(RecipeComponent)
            .filter(recipe_id__in={n.recipe_id for n in frontier})
            .select_related("component_recipe")
        ):
            children[comp.recipe_id].append(comp)
        depth += 1
        next_frontier = []
        for node in frontier:
            for comp in children.get(node.recipe_id, []):
                child = TreeNode(
                    comp.component_recipe_id,
                    comp.component_recipe.name,
                    node.multiplier * comp.batches,
                    depth,
                    node.recipe_id,
                    node.root_id,
                )
                next_frontier.append(child)
        nodes.extend(next_frontier)
        frontier = next_frontier
    return nodes


def load_lines(tx: Tx, recipe_ids: set[int]) -> dict[int, list[RecipeIngredient]]:
    """Every line of these recipes (ingredient loaded), grouped by recipe, in one query."""
    tx.require()
    lines_by_recipe: dict[int, list[RecipeIngredient]] = defaultdict(list)
    for line in (
        tx.objects(RecipeIngredient)
        .filter(recipe_id__in=recipe_ids)
        .select_related("ingredient")
        .order_by("id")
    ):
        lines_by_recipe[line.recipe_id].append(line)
    return lines_by_recipe


def sum_lines(
    nodes: list[TreeNode], lines_by_recipe: dict[int, list[RecipeIngredient]]
) -> list[IngredientNeed]:
    """Sum each ingredient over `nodes`, converted to its base unit (never across units)."""
    needs: dict[int, IngredientNeed] = {}
    for node in nodes:
        for line in lines_by_recipe.get(node.recipe_id, []):
            ingredient = line.ingredient
            quantity = ingredient_to_base(line.quantity * node.multiplier, line.unit, ingredient)
            need = needs.get(ingredient.pk)
            if need is None:
                need = needs[ingredient.pk] = IngredientNeed(ingredient, Decimal(0), [])
            need.quantity += quantity
            if node.recipe_name not in need.recipes:
                need.recipes.append(node.recipe_name)
    return sorted(needs.values(), key=lambda n: (n.ingredient.name.lower(), n.ingredient.pk))


def aggregate_ingredients(tx: Tx, nodes: list[TreeNode]) -> list[IngredientNeed]:
    """Sum each ingredient over the tree, converted to its base unit (never across units)."""
    return sum_lines(nodes, load_lines(tx, {n.recipe_id for n in nodes}))


def needs_by_recipe(tx: Tx, recipe_ids: list[int]) -> dict[int, list[IngredientNeed]]:
    """One batch of each recipe, tree included, with a constant number of queries."""
    tx.require()
    if not recipe_ids:
        return {}
    nodes = walk_tree(tx, {rid: Decimal(1) for rid in recipe_ids})
    lines = load_lines(tx, {n.recipe_id for n in nodes})
    by_root: dict[int, list[TreeNode]] = defaultdict(list)
    for node in nodes:
        assert node.root_id is not None
        by_root[node.root_id].append(node)
    return {rid: sum_lines(by_root.get(rid, []), lines) for rid in recipe_ids}


def recipe_needs(
    tx: Tx, recipe_id: int, *, batches: Any = 1, scale: Any = 1
) -> tuple[Recipe, list[TreeNode], list[IngredientNeed]]:
    """The recipe, its tree and its aggregated ingredient needs for `batches` × `scale`."""
    tx.require()
    recipe = get_owned(tx, Recipe, recipe_id)
    multiplier = _positive(batches, "Batches") * _positive(scale, "Scale")
    nodes = walk_tree(tx, {recipe.pk: multiplier})
    return recipe, nodes, aggregate_ingredients(tx, nodes)


def get_recipe_ingredients(
    tx: Tx, recipe_id: int, *, batches: Any = 1, scale: Any = 1
) -> list[dict[str, Any]]:
    """Aggregated lines of the whole sub-recipe tree in each ingredient's base unit."""
    tx.require()
    _, _, needs = recipe_needs(tx, recipe_id, batches=batches, scale=scale)
    return [
        {
            "ingredient_id": need.ingredient.pk,
            "ingredient_name": need.ingredient.name,
            "quantity": qty_to_string(need.quantity),
            "unit": need.ingredient.base_unit,
            "recipes": list(need.recipes),
        }
        for need in needs
    ]
