"""Units and exact Decimal conversion (docs/design.md, "Units and conversions").

Three families, each with a base unit: weight (g), volume (ml), count (each). Volume and
weight meet only through an ingredient's density in grams per cup. Every result is rounded
to 0.001 of the target unit (half-even) before it is stored or compared.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

from bakeplanner.errors import ConversionError
from bakeplanner.money import MILLI, Number, to_decimal

WEIGHT = "weight"
VOLUME = "volume"
COUNT = "count"
FAMILIES = (WEIGHT, VOLUME, COUNT)
FAMILY_CHOICES = [(WEIGHT, "Weight"), (VOLUME, "Volume"), (COUNT, "Count")]

BASE_UNIT = {WEIGHT: "g", VOLUME: "ml", COUNT: "each"}

# Base units per unit, exact.
UNITS: dict[str, tuple[str, Decimal]] = {
    "g": (WEIGHT, Decimal("1")),
    "kg": (WEIGHT, Decimal("1000")),
    "oz": (WEIGHT, Decimal("28.349523125")),
    "lb": (WEIGHT, Decimal("453.59237")),
    "ml": (VOLUME, Decimal("1")),
    "l": (VOLUME, Decimal("1000")),
    "tsp": (VOLUME, Decimal("4.92892159375")),
    "tbsp": (VOLUME, Decimal("14.78676478125")),
    "fl oz": (VOLUME, Decimal("29.5735295625")),
    "cup": (VOLUME, Decimal("236.5882365")),
    "pt": (VOLUME, Decimal("473.176473")),
    "qt": (VOLUME, Decimal("946.352946")),
    "gal": (VOLUME, Decimal("3785.411784")),
    "each": (COUNT, Decimal("1")),
    "dozen": (COUNT, Decimal("12")),
}
UNIT_CHOICES = [(unit, unit) for unit in UNITS]
ML_PER_CUP = UNITS["cup"][1]


def family_of(unit: str) -> str:
    try:
        return UNITS[unit][0]
    except KeyError:
        raise ConversionError(f"Unknown unit {unit!r}.") from None


def round_base(value: Decimal) -> Decimal:
    """Round to 0.001 (half-even), the precision every stored base quantity has."""
    return value.quantize(MILLI, rounding=ROUND_HALF_EVEN)


def can_convert(from_unit: str, to_unit: str, density_g_per_cup: Number = None) -> bool:
    from_family, to_family = family_of(from_unit), family_of(to_unit)
    if from_family == to_family:
        return True
    if {from_family, to_family} == {WEIGHT, VOLUME}:
        return density_g_per_cup is not None and to_decimal(density_g_per_cup) > 0
    return False


def convert(
    quantity: Number,
    from_unit: str,
    to_unit: str,
    *,
    density_g_per_cup: Number = None,
    ingredient_name: str = "",
) -> Decimal:
    """Convert exactly; raise `ConversionError` naming the ingredient and both units."""
    amount = to_decimal(quantity)
    from_family, from_factor = UNITS.get(from_unit, (None, None))
    to_family, to_factor = UNITS.get(to_unit, (None, None))
    if from_family is None or to_family is None:
        bad = from_unit if from_family is None else to_unit
        raise ConversionError(f"Unknown unit {bad!r}.")
    assert from_factor is not None and to_factor is not None
    base = amount * from_factor
    if from_family != to_family:
        what = f" for {ingredient_name}" if ingredient_name else ""
        if {from_family, to_family} != {WEIGHT, VOLUME}:
            raise ConversionError(f"Cannot convert {from_unit} to {to_unit}{what}.")
        if density_g_per_cup is None or to_decimal(density_g_per_cup) <= 0:
            raise ConversionError(
                f"Cannot convert {from_unit} to {to_unit}{what}: no density (grams per cup) is set."
            )
        density = to_decimal(density_g_per_cup)
        # Multiply before dividing so 2 cups at 120 g/cup is exactly 240 g.
        if from_family == VOLUME:
            base = base * density / ML_PER_CUP
        else:
            base = base * ML_PER_CUP / density
    return round_base(base / to_factor)


def to_base(
    quantity: Number,
    unit: str,
    family: str,
    *,
    density_g_per_cup: Number = None,
    ingredient_name: str = "",
) -> Decimal:
    """Quantity in the base unit of `family` (an ingredient's stock family)."""
    return convert(
        quantity,
        unit,
        BASE_UNIT[family],
        density_g_per_cup=density_g_per_cup,
        ingredient_name=ingredient_name,
    )


class Measured(Protocol):
    """What a conversion needs to know of an ingredient."""

    @property
    def name(self) -> str: ...

    @property
    def stock_family(self) -> str: ...

    @property
    def density_g_per_cup(self) -> Decimal | None: ...


def ingredient_to_base(quantity: Number, unit: str, ingredient: Measured) -> Decimal:
    """`quantity` `unit` of the ingredient in its base unit; a refusal names the ingredient."""
    return to_base(
        quantity,
        unit,
        ingredient.stock_family,
        density_g_per_cup=ingredient.density_g_per_cup,
        ingredient_name=ingredient.name,
    )
