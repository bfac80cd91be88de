"""Words and numbers for people: one case table per helper, plus the template filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings

from bakeplanner.display import (
    count_of,
    money,
    number_text,
    percent_text,
    plural,
    plural_noun,
    quantity,
    unit_price,
)
from bakeplanner.money import Number

QUANTITY_CASES: list[tuple[Number, str, str]] = [
    (Decimal("285.788"), "g", "286 g"),
    (Decimal("285.5"), "g", "286 g"),
    (Decimal("285.49"), "g", "285 g"),
    (Decimal("999.4"), "g", "999 g"),
    (Decimal("999.5"), "g", "1 kg"),
    (Decimal("1000"), "g", "1 kg"),
    (1250, "g", "1.25 kg"),
    (Decimal("1254.9"), "g", "1.25 kg"),
    (Decimal("1255"), "g", "1.26 kg"),
    (2000, "g", "2 kg"),
    (Decimal("2298000"), "g", "2,298 kg"),
    (Decimal("-250"), "g", "-250 g"),
    (Decimal("-1500"), "g", "-1.5 kg"),
    (Decimal("0.5"), "g", "0.5 g"),
    (Decimal("0.0004"), "g", "0 g"),
    (Decimal("-0.0004"), "g", "0 g"),
    (0, "g", "0 g"),
    ("750", "ml", "750 ml"),
    (Decimal("1000"), "ml", "1 l"),
    (Decimal("2340.6"), "ml", "2.34 l"),
    (48, "each", "48 each"),
    (Decimal("2.5"), "each", "2.5 each"),
    (Decimal("2.333333"), "each", "2.33 each"),
    (Decimal("1200"), "each", "1,200 each"),
    (Decimal("0.0004"), "each", "0 each"),
    (Decimal("2.50"), "cup", "2.5 cup"),
    (Decimal("0.125"), "tsp", "0.13 tsp"),
    (1.1, "lb", "1.1 lb"),
    (Decimal("3.000"), "oz", "3 oz"),
    (Decimal("1.5"), "dozen", "1.5 dozen"),
    (Decimal("2298"), "tbsp", "2,298 tbsp"),
    (Decimal("0.25"), "kg", "0.25 kg"),
    (Decimal("12.3456"), "", "12.35"),
    (None, "g", "—"),
    (None, "cup", "—"),
]


@pytest.mark.parametrize(("value", "unit", "expected"), QUANTITY_CASES)
def test_quantity_reads_at_the_precision_of_its_unit(
    value: Number, unit: str, expected: str
) -> None:
    assert quantity(value, unit) == expected


MONEY_CASES: list[tuple[Number, str]] = [
    (Decimal("2.5"), "$2.50"),
    (Decimal("-1.2"), "-$1.20"),
    (Decimal("2.498333"), "$2.50"),
    (Decimal("0.005"), "$0.01"),
    (Decimal("0.004"), "$0.00"),
    (Decimal("-0.004"), "$0.00"),
    (Decimal("-0.005"), "-$0.01"),
    (0, "$0.00"),
    (1234567, "$1,234,567.00"),
    ("19.999", "$20.00"),
    (None, "—"),
]


@pytest.mark.parametrize(("value", "expected"), MONEY_CASES)
def test_money_has_the_symbol_and_two_decimals(value: Number, expected: str) -> None:
    assert money(value) == expected


CURRENCY_CASES: list[tuple[str, str]] = [
    ("USD", "-$3.10"),
    ("EUR", "-€3.10"),
    ("GBP", "-£3.10"),
    ("CHF", "-CHF 3.10"),
]


@pytest.mark.parametrize(("currency", "expected"), CURRENCY_CASES)
def test_money_uses_the_configured_currency(currency: str, expected: str) -> None:
    with override_settings(CURRENCY=currency):
        assert money(Decimal("-3.1")) == expected


UNIT_PRICE_CASES: list[tuple[Number, str, str]] = [
    (Decimal("0.0025"), "g", "$2.50 / kg"),
    (Decimal("0.004"), "ml", "$4.00 / l"),
    (Decimal("2.498333"), "each", "$2.50 each"),
    (Decimal("0.0025"), "each", "$0.0025 each"),
    (Decimal("3.99"), "lb", "$3.99 / lb"),
    (Decimal("12"), "dozen", "$12.00 / dozen"),
    (Decimal("1.5"), "", "$1.50"),
    (Decimal("-0.001"), "g", "-$1.00 / kg"),
    (0, "g", "$0.00 / kg"),
    (None, "g", "—"),
]


@pytest.mark.parametrize(("value", "unit", "expected"), UNIT_PRICE_CASES)
def test_unit_price_reads_per_a_sensible_unit(value: Number, unit: str, expected: str) -> None:
    assert unit_price(value, unit) == expected


PERCENT_CASES: list[tuple[Number, str]] = [
    (Decimal("30.55"), "31%"),
    (Decimal("30.49"), "30%"),
    (Decimal("30.5"), "31%"),
    (100, "100%"),
    (Decimal("99.6"), "99%"),
    (Decimal("0.4"), "<1%"),
    (0, "0%"),
    (Decimal("150.2"), "150%"),
    (12.5, "13%"),
    (None, "—"),
]


@pytest.mark.parametrize(("value", "expected"), PERCENT_CASES)
def test_percent_text_is_a_whole_percent(value: Number, expected: str) -> None:
    assert percent_text(value) == expected


PLURAL_CASES: list[tuple[Number, str, str | None, str]] = [
    (1, "batch", "batches", "1 batch"),
    (2, "batch", "batches", "2 batches"),
    (0, "cookie", None, "0 cookies"),
    (1, "cookie", None, "1 cookie"),
    (Decimal("1.00"), "batch", "batches", "1 batch"),
    (Decimal("1.5"), "batch", "batches", "1.5 batches"),
    (1200, "package", None, "1,200 packages"),
    (-1, "item", None, "-1 items"),
    (None, "batch", "batches", "—"),
]


@pytest.mark.parametrize(("count", "singular", "plural_form", "expected"), PLURAL_CASES)
def test_plural_agrees_with_the_count(
    count: Number, singular: str, plural_form: str | None, expected: str
) -> None:
    assert plural(count, singular, plural_form) == expected


COUNT_OF_CASES: list[tuple[Number, str, str]] = [
    (48, "cookie", "48 cookies"),
    (1, "cookie", "1 cookie"),
    (2, "tin", "2 tins"),
    (3, "box", "3 boxes"),
    (2, "brownie", "2 brownies"),
    (4, "pastry", "4 pastries"),
    (2, "tray", "2 trays"),
    (2, "mini loaf", "2 mini loaves"),
    (12, "cookies", "12 cookies"),
    (6, "", "6"),
    (None, "cookie", "—"),
]


@pytest.mark.parametrize(("count", "noun", "expected"), COUNT_OF_CASES)
def test_count_of_names_items_in_the_right_number(count: Number, noun: str, expected: str) -> None:
    assert count_of(count, noun) == expected


def test_plural_noun_keeps_the_capital_of_an_irregular_noun() -> None:
    assert plural_noun("Loaf") == "Loaves"


def test_number_text_groups_thousands_and_drops_trailing_zeros() -> None:
    assert number_text(Decimal("2298.50")) == "2,298.5"


def test_a_figure_that_is_not_a_number_is_refused_by_the_pure_helper() -> None:
    with pytest.raises(ValueError):
        quantity("lots", "g")


FILTER_CASES: list[tuple[str, dict[str, object], str]] = [
    ("{{ v|quantity:u }}", {"v": Decimal("285.788"), "u": "g"}, "286 g"),
    ("{{ v|money }}", {"v": Decimal("-1.2")}, "-$1.20"),
    ('{{ v|unit_price:"g" }}', {"v": Decimal("0.0025")}, "$2.50 / kg"),
    ("{{ v|percent_text }}", {"v": Decimal("30.55")}, "31%"),
    ('{{ v|plural:"batch,batches" }}', {"v": 1}, "1 batch"),
    ('{{ v|plural:"batch,batches" }}', {"v": 3}, "3 batches"),
    ('{{ v|plural:"cookie" }}', {"v": 0}, "0 cookies"),
    ("{{ v|count_of:n }}", {"v": 48, "n": "cookie"}, "48 cookies"),
    ("{{ v|number }}", {"v": Decimal("2298.50")}, "2,298.5"),
    ("{{ v|money }}", {"v": None}, "—"),
    ("{{ v|quantity:u }}", {"v": "lots", "u": "g"}, "lots"),
    ("{{ v|count_of:n }}", {"v": 2, "n": "pie & tart"}, "2 pie &amp; tarts"),
]


@pytest.mark.parametrize(("source", "context", "expected"), FILTER_CASES)
def test_template_filters_render_the_same_text(
    source: str, context: dict[str, object], expected: str
) -> None:
    rendered = Template("{% load display %}" + source).render(Context(context))
    assert rendered == expected
