"""How a bake-tracker export's rows map onto ours, before anything is written.

Pure functions of the file: units, densities in grams per cup, the stock family of each
ingredient, categories from the ingredient hierarchy (docs/import-baketracker.md, "What
maps to what").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from bakeplanner.units import ML_PER_CUP, UNITS, VOLUME, WEIGHT, family_of
from events.imports.densities import DensityEstimate, estimate_density

__all__ = [
    "IngredientPlan",
    "as_decimal",
    "density_from_row",
    "our_unit",
    "plan_ingredients",
    "rows_of",
    "text_of",
]

# Spellings bake-tracker files use for units we know under another name.
UNIT_ALIASES = {
    "c": "cup",
    "cups": "cup",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "fl_oz": "fl oz",
    "floz": "fl oz",
    "fluid ounce": "fl oz",
    "ounce": "oz",
    "ounces": "oz",
    "pound": "lb",
    "pounds": "lb",
    "lbs": "lb",
    "gram": "g",
    "grams": "g",
    "kilogram": "kg",
    "liter": "l",
    "litre": "l",
    "milliliter": "ml",
    "quart": "qt",
    "pint": "pt",
    "gallon": "gal",
    "count": "each",
    "piece": "each",
    "pieces": "each",
}
DENSITY_STEP = Decimal("0.0001")  # the density column's precision
CATEGORY_MAX = 80
LEAF_LEVEL = 2


def our_unit(value: Any) -> str | None:
    """The unit as BakePlanner names it, or None when it is not one we know."""
    if not isinstance(value, str):
        return None
    unit = value.strip().lower()
    unit = UNIT_ALIASES.get(unit, unit)
    return unit if unit in UNITS else None


def as_decimal(value: Any) -> Decimal | None:
    """A finite number from the file (JSON numbers or numeric text), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def text_of(row: dict[str, Any], *keys: str) -> str:
    """The first of `keys` that holds text, stripped; "" when none does."""
    for key in keys:
        value = row.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    return ""


def rows_of(data: dict[str, Any], section: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A section's rows and the reasons any of it cannot be read."""
    value = data.get(section)
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], [f'the "{section}" section is not a list']
    rows = [row for row in value if isinstance(row, dict)]
    bad = len(value) - len(rows)
    return rows, [f'{bad} entries of "{section}" are not objects'] if bad else []


def density_from_row(row: dict[str, Any]) -> tuple[Decimal | None, str]:
    """Grams per cup from the four density fields ("1 cup = 4.42 oz"), and why not if not."""
    fields = (
        "density_volume_value",
        "density_volume_unit",
        "density_weight_value",
        "density_weight_unit",
    )
    if all(row.get(name) in (None, "") for name in fields):
        return None, ""
    volume_value = as_decimal(row.get("density_volume_value"))
    weight_value = as_decimal(row.get("density_weight_value"))
    volume_unit = our_unit(row.get("density_volume_unit"))
    weight_unit = our_unit(row.get("density_weight_unit"))
    if (
        volume_value is None
        or weight_value is None
        or volume_value <= 0
        or weight_value <= 0
        or volume_unit is None
        or weight_unit is None
        or family_of(volume_unit) != VOLUME
        or family_of(weight_unit) != WEIGHT
    ):
        return None, "its density is not a positive volume and weight in known units"
    grams = weight_value * UNITS[weight_unit][1]
    millilitres = volume_value * UNITS[volume_unit][1]
    density = (grams * ML_PER_CUP / millilitres).quantize(DENSITY_STEP, rounding=ROUND_HALF_EVEN)
    if density <= 0:
        return None, "its density is too small to record"
    return density, ""


@dataclass
class IngredientPlan:
    """One ingredient of the file as it will be created."""

    slug: str
    name: str
    category: str
    notes: str
    packaging: bool
    stock_family: str
    density: Decimal | None
    estimate: DensityEstimate | None = None
    units: set[str] = field(default_factory=set)


def _category(row: dict[str, Any], by_slug: dict[str, dict[str, Any]]) -> str:
    """The names of the row's ancestors, outermost first; the file's category without any."""
    names: list[str] = []
    seen = {text_of(row, "slug")}
    parent = text_of(row, "parent_slug")
    while parent and parent in by_slug and parent not in seen:
        seen.add(parent)
        ancestor = by_slug[parent]
        names.append(text_of(ancestor, "display_name", "name") or parent)
        parent = text_of(ancestor, "parent_slug")
    names.reverse()
    category = " / ".join(names) if names else text_of(row, "category")
    return category[:CATEGORY_MAX].rstrip()


def _family(units: list[str]) -> str | None:
    """The family most of the units belong to; a tie goes to the one seen first."""
    if not units:
        return None
    return Counter(family_of(unit) for unit in units).most_common(1)[0][0]


def plan_ingredients(
    ingredients: list[dict[str, Any]],
    product_units: dict[str, list[str]],
    line_units: dict[str, list[str]],
) -> tuple[dict[str, IngredientPlan], list[tuple[str, str]]]:
    """Plans of the ingredients to create (the leaves of the hierarchy and every ingredient
    a product, lot or recipe line names), and (where, reason) of rows that cannot be read.

    `product_units` and `line_units` hold the known units each slug is bought and measured
    in. The stock family is the one its products are bought in, else the one its recipe
    lines use; a weight-and-volume ingredient takes the file's density, else an estimate.
    """
    by_slug = {text_of(row, "slug"): row for row in ingredients if text_of(row, "slug")}
    referenced = set(product_units) | set(line_units)
    plans: dict[str, IngredientPlan] = {}
    problems: list[tuple[str, str]] = []
    for slug, row in by_slug.items():
        level = row.get("hierarchy_level")
        # Levels 0 and 1 are bake-tracker's categories; a flat file has no levels at all.
        if level not in (None, LEAF_LEVEL) and slug not in referenced:
            continue
        name = text_of(row, "display_name", "name") or slug
        where = f"Ingredient {name}"
        density, density_problem = density_from_row(row)
        if density_problem:
            problems.append((where, density_problem))
        bought = product_units.get(slug, [])
        measured = line_units.get(slug, [])
        family = _family(bought) or _family(measured) or WEIGHT
        plan = IngredientPlan(
            slug=slug,
            name=name,
            category=_category(row, by_slug),
            notes=text_of(row, "description") if text_of(row, "description") != name else "",
            packaging=row.get("is_packaging") is True,
            stock_family=family,
            density=density,
            units=set(bought) | set(measured),
        )
        crosses = {family_of(unit) for unit in plan.units} | {family} >= {WEIGHT, VOLUME}
        if density is None and crosses:
            plan.estimate = estimate_density(slug.replace("_", " "), name)
            if plan.estimate is not None:
                plan.density = plan.estimate.g_per_cup
        plans[slug] = plan
    return plans, problems
