"""Base quantities shown in the household's unit system (docs/units-and-locale.md, "What is
converted"): one case table per family and system, then prices and the template filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from bakeplanner import display
from bakeplanner.display import quantity, unit_price
from bakeplanner.money import Number

METRIC, US = display.METRIC, display.US

QUANTITY_CASES: list[tuple[str, Number, str, str]] = [
    # Weight, metric: whole grams below a thousand, then kg.
    (METRIC, Decimal("453.59237"), "g", "454 g"),
    (METRIC, Decimal("999.5"), "g", "1 kg"),
    (METRIC, Decimal("1250"), "g", "1.25 kg"),
    (METRIC, 0, "g", "0 g"),
    (METRIC, Decimal("-250"), "g", "-250 g"),
    (METRIC, Decimal("0.1"), "g", "0.1 g"),
    # Weight, US: ounces below a pound, then decimal pounds.
    (US, Decimal("28.349523125"), "g", "1 oz"),
    (US, Decimal("100"), "g", "3.53 oz"),
    (US, Decimal("453.4"), "g", "15.99 oz"),
    (US, Decimal("453.5"), "g", "1 lb"),  # 15.997 oz rounds to 16 oz: the switch looks there
    (US, Decimal("453.59237"), "g", "1 lb"),
    (US, Decimal("566.99"), "g", "1.25 lb"),
    (US, Decimal("1000"), "g", "2.2 lb"),
    (US, Decimal("453592.37"), "g", "1,000 lb"),
    (US, 0, "g", "0 oz"),
    (US, Decimal("-100"), "g", "-3.53 oz"),
    (US, Decimal("-500"), "g", "-1.1 lb"),
    (US, Decimal("1"), "g", "0.04 oz"),
    (US, Decimal("0.1"), "g", "<0.01 oz"),  # a pinch is not shown as nothing
    (US, Decimal("-0.1"), "g", "0 oz"),  # rounds to zero: no minus
    (US, Decimal("0.142"), "g", "0.01 oz"),  # 0.005 oz rounds half away from zero
    # Volume, metric.
    (METRIC, Decimal("750"), "ml", "750 ml"),
    (METRIC, Decimal("2340.6"), "ml", "2.34 l"),
    (METRIC, Decimal("-1500"), "ml", "-1.5 l"),
    # Volume, US: tsp below a tablespoon, tbsp below a quarter cup, cups below a quart.
    (US, Decimal("4.92892159375"), "ml", "1 tsp"),
    (US, Decimal("2.5"), "ml", "0.51 tsp"),
    (US, Decimal("14.7"), "ml", "2.98 tsp"),
    (US, Decimal("14.78"), "ml", "1 tbsp"),  # 2.999 tsp rounds to 3 tsp
    (US, Decimal("30"), "ml", "2.03 tbsp"),
    (US, Decimal("59"), "ml", "3.99 tbsp"),
    (US, Decimal("59.15"), "ml", "0.25 cups"),
    (US, Decimal("236.5882365"), "ml", "1 cup"),
    (US, Decimal("500"), "ml", "2.11 cups"),
    (US, Decimal("945"), "ml", "3.99 cups"),
    (US, Decimal("946"), "ml", "1 qt"),  # 3.998 cups rounds to 4 cups
    (US, Decimal("946.2"), "ml", "1 qt"),
    (US, Decimal("3785.411784"), "ml", "4 qt"),
    (US, Decimal("10000"), "ml", "10.57 qt"),
    (US, 0, "ml", "0 tsp"),
    (US, Decimal("-10"), "ml", "-2.03 tsp"),
    (US, Decimal("-100"), "ml", "-0.42 cups"),
    (US, Decimal("0.02"), "ml", "<0.01 tsp"),
    (US, Decimal("-0.02"), "ml", "0 tsp"),
    # Counts are the same in both systems.
    (METRIC, 48, "each", "48 each"),
    (US, 48, "each", "48 each"),
    (US, Decimal("2.5"), "each", "2.5 each"),
    (US, Decimal("1200"), "each", "1,200 each"),
    (US, Decimal("-0.001"), "each", "0 each"),
    # A unit other than a base unit is shown as written, in both systems.
    (US, Decimal("2"), "cup", "2 cup"),
    (METRIC, Decimal("2"), "cup", "2 cup"),
    (US, Decimal("0.25"), "kg", "0.25 kg"),
    (METRIC, Decimal("3"), "oz", "3 oz"),
    (US, Decimal("1.5"), "dozen", "1.5 dozen"),
    (US, None, "g", "—"),
]


@pytest.mark.parametrize(("system", "value", "unit", "expected"), QUANTITY_CASES)
def test_quantity_reads_in_the_households_unit_system(
    system: str, value: Number, unit: str, expected: str
) -> None:
    with display.preferences(unit_system=system):
        assert quantity(value, unit) == expected


PRICE_CASES: list[tuple[str, Number, str, str]] = [
    (METRIC, Decimal("0.0025"), "g", "$2.50 / kg"),
    (US, Decimal("0.0025"), "g", "$1.13 / lb"),
    (METRIC, Decimal("0.004"), "ml", "$4.00 / l"),
    (US, Decimal("0.004"), "ml", "$3.79 / qt"),
    (US, Decimal("0.25"), "each", "$0.25 each"),
    (US, Decimal("0.0000001"), "g", "$0.0000 / lb"),
    (US, Decimal("0.00001"), "g", "$0.0045 / lb"),
    (US, Decimal("-0.001"), "g", "-$0.45 / lb"),
    (US, Decimal("3.99"), "lb", "$3.99 / lb"),
    (US, 0, "g", "$0.00 / lb"),
]


@pytest.mark.parametrize(("system", "value", "unit", "expected"), PRICE_CASES)
def test_unit_price_follows_the_unit_system(
    system: str, value: Number, unit: str, expected: str
) -> None:
    with display.preferences(unit_system=system):
        assert unit_price(value, unit) == expected


def test_outside_a_request_quantities_are_metric() -> None:
    assert display.active_preferences().unit_system == METRIC
    assert quantity(Decimal("1250"), "g") == "1.25 kg"


def test_an_unknown_unit_system_falls_back_to_metric() -> None:
    token = display.activate("furlongs")
    try:
        assert quantity(Decimal("1250"), "g") == "1.25 kg"
    finally:
        display.deactivate(token)


def test_the_us_steps_use_the_conversion_factors_of_the_units_module() -> None:
    from bakeplanner.units import UNITS

    with display.preferences(unit_system=US):
        assert quantity(UNITS["lb"][1] * 3, "g") == "3 lb"
        assert quantity(UNITS["qt"][1] * 2, "ml") == "2 qt"
        assert quantity(UNITS["tbsp"][1] * 2, "ml") == "2 tbsp"


def test_a_quantity_as_written_is_not_converted() -> None:
    with display.preferences(unit_system=US):
        assert quantity(Decimal("250"), "g", as_written=True) == "250 g"


FILTER_CASES: list[tuple[str, dict[str, object], str]] = [
    ("{{ v|quantity:u }}", {"v": Decimal("1000"), "u": "g"}, "2.2 lb"),
    ("{{ v|quantity:u }}", {"v": Decimal("500"), "u": "ml"}, "2.11 cups"),
    ("{{ v|quantity:u }}", {"v": Decimal("2"), "u": "cup"}, "2 cup"),
    ('{{ v|unit_price:"g" }}', {"v": Decimal("0.0025")}, "$1.13 / lb"),
    ("{{ v|written_quantity:u }}", {"v": Decimal("250"), "u": "g"}, "250 g"),
    ("{{ v|written_quantity:u }}", {"v": Decimal("1500"), "u": "ml"}, "1.5 l"),
]


@pytest.mark.parametrize(("source", "context", "expected"), FILTER_CASES)
def test_template_filters_follow_the_active_unit_system(
    source: str, context: dict[str, object], expected: str
) -> None:
    with display.preferences(unit_system=US):
        rendered = Template("{% load display %}" + source).render(Context(context))
    assert rendered == expected
