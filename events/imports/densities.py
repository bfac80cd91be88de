"""Estimated densities of common baking ingredients, in grams per US cup.

Used only when an imported ingredient is bought by weight and measured by volume (or the
other way round) and the file gives no density (docs/import-baketracker.md, "Estimated
densities"). Every figure is marked as an estimate on the ingredient so the household can
correct it.

Sources of the figures (facts, converted to grams per cup by this module's author):
- USDA: the household-measure weights of USDA FoodData Central (SR Legacy), e.g.
  "1 tsp = 6 g" for table salt, "1 cup = 145 g" for raisins. A teaspoon figure is
  multiplied by 48 and a tablespoon figure by 16 (a US cup is 48 tsp, 16 tbsp).
- KAB: the King Arthur Baking ingredient weight chart (grams per cup, as printed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["DENSITY_ESTIMATES", "DensityEstimate", "estimate_density"]

USDA = "USDA FoodData Central household measures"
KAB = "King Arthur Baking ingredient weight chart"


@dataclass(frozen=True)
class DensityEstimate:
    name: str
    g_per_cup: Decimal
    source: str
    aliases: tuple[str, ...] = ()


def _tsp(grams: str) -> Decimal:
    return Decimal(grams) * 48


def _tbsp(grams: str) -> Decimal:
    return Decimal(grams) * 16


DENSITY_ESTIMATES: tuple[DensityEstimate, ...] = (
    # Leavening, salt and small measures
    DensityEstimate("baking powder", _tsp("4.6"), USDA),
    DensityEstimate("baking soda", _tsp("4.6"), USDA, ("bicarbonate of soda",)),
    DensityEstimate("cream of tartar", _tsp("3"), USDA),
    DensityEstimate("salt fine", _tsp("6"), USDA, ("salt", "table salt", "salt table")),
    DensityEstimate("salt kosher", _tbsp("8"), KAB, ("kosher salt",)),
    DensityEstimate("vanilla extract", _tsp("4.2"), USDA, ("vanilla",)),
    # Ground spices and seeds
    DensityEstimate("cinnamon ground", _tsp("2.6"), USDA, ("cinnamon", "ground cinnamon")),
    DensityEstimate("ginger ground", _tsp("1.8"), USDA, ("ground ginger",)),
    DensityEstimate("cardamom ground", _tsp("2"), USDA, ("cardamom", "ground cardamom")),
    DensityEstimate("mace ground", _tsp("1.7"), USDA, ("mace", "ground mace")),
    DensityEstimate("nutmeg ground", _tsp("2.2"), USDA, ("nutmeg", "ground nutmeg")),
    DensityEstimate("cloves ground", _tsp("2.1"), USDA, ("ground cloves",)),
    DensityEstimate("allspice ground", _tsp("1.9"), USDA, ("allspice", "ground allspice")),
    DensityEstimate("poppy seeds", _tsp("2.8"), USDA, ("poppy seed",)),
    # Flours, sugars, fats
    DensityEstimate("flour all purpose", Decimal("125"), USDA, ("all purpose flour",)),
    DensityEstimate("cornstarch", Decimal("128"), USDA, ("corn starch",)),
    DensityEstimate("sugar granulated", Decimal("200"), USDA, ("granulated sugar", "sugar")),
    DensityEstimate("sugar brown light", Decimal("220"), USDA, ("light brown sugar",)),
    DensityEstimate("sugar brown dark", Decimal("220"), USDA, ("dark brown sugar",)),
    DensityEstimate("sugar powdered", Decimal("120"), USDA, ("powdered sugar",)),
    DensityEstimate("butter unsalted", Decimal("227"), USDA, ("butter", "butter salted")),
    DensityEstimate("shortening", Decimal("205"), USDA, ("vegetable shortening",)),
    DensityEstimate("cocoa powder natural", Decimal("86"), USDA, ("cocoa powder",)),
    DensityEstimate("honey", Decimal("339"), USDA),
    DensityEstimate("molasses", Decimal("337"), USDA, ("molasses light",)),
    # Chips, fruit, nuts, grains
    DensityEstimate(
        "chocolate chips semi sweet",
        Decimal("168"),
        USDA,
        ("semisweet chocolate chips", "chocolate chips"),
    ),
    DensityEstimate("butterscotch chips", Decimal("170"), KAB),
    DensityEstimate("raisins", Decimal("145"), USDA, ("raisins seedless",)),
    DensityEstimate("currants dried", Decimal("144"), USDA, ("currants", "dried currants")),
    DensityEstimate(
        "coconut shredded sweetened", Decimal("93"), USDA, ("sweetened shredded coconut",)
    ),
    DensityEstimate("oats rolled", Decimal("81"), USDA, ("rolled oats", "oats")),
    DensityEstimate("walnuts", Decimal("117"), USDA, ("walnuts chopped",)),
    DensityEstimate("pecans chopped", Decimal("109"), USDA, ("pecans",)),
    DensityEstimate("pecans halves", Decimal("99"), USDA, ("pecan halves",)),
    DensityEstimate("almonds whole", Decimal("143"), USDA, ("almonds",)),
    DensityEstimate("almonds sliced", Decimal("92"), USDA, ("sliced almonds",)),
)

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _normal(text: str) -> str:
    return " ".join(_NON_WORD.split(text.lower().replace("-", " "))).strip()


_BY_NAME: dict[str, DensityEstimate] = {}
for _entry in DENSITY_ESTIMATES:
    for _name in (_entry.name, *_entry.aliases):
        _BY_NAME.setdefault(_normal(_name), _entry)


def estimate_density(*names: str) -> DensityEstimate | None:
    """The table's entry for the first of `names` (a slug or a display name) it knows."""
    for name in names:
        entry = _BY_NAME.get(_normal(name))
        if entry is not None:
            return entry
    return None
