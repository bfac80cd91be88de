from decimal import Decimal

import pytest

from bakeplanner.money import cost_to_string, percent, qty_to_string


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12.345"), "12.35"),
        (Decimal("15.999"), "16.00"),
        (Decimal("-12.345"), "-12.35"),
        (None, "0.00"),
        (100, "100.00"),
        (12.3, "12.30"),
        (0.1 + 0.2, "0.30"),
        (2.675, "2.68"),  # through str, so the binary 2.67499… never shows
        ("7.005", "7.01"),
        (Decimal("-0.004"), "0.00"),
        (Decimal("123456789012.345"), "123456789012.35"),
        (Decimal("1E+3"), "1000.00"),
        (0, "0.00"),
    ],
)
def test_cost_to_string(value, expected):
    assert cost_to_string(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("4"), "4"),
        (Decimal("2.500"), "2.5"),
        (Decimal("0.125"), "0.125"),
        (Decimal("1200"), "1200"),
        (Decimal("1.2E+3"), "1200"),
        (Decimal("0.0004"), "0"),
        (Decimal("-2.5"), "-2.5"),
        (None, "0"),
        (7.5, "7.5"),
        ("3.14159", "3.142"),
    ],
)
def test_qty_to_string(value, expected):
    assert qty_to_string(value) == expected


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", object(), True])
def test_bad_numbers_are_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        cost_to_string(bad)


def test_percent_rounds_to_two_places_and_handles_zero():
    assert percent(1, 3) == 33.33
    assert percent(5, 4) == 125.0
    assert percent(1, 0) == 0.0
