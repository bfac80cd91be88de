from decimal import Decimal

import pytest

from bakeplanner.errors import ConversionError
from bakeplanner.units import can_convert, convert, to_base


def test_two_cups_of_flour_at_120_g_per_cup_is_exactly_240_g():
    assert convert(2, "cup", "g", density_g_per_cup=120) == Decimal("240.000")


def test_one_tablespoon_of_flour_is_exactly_7_5_g():
    assert convert(1, "tbsp", "g", density_g_per_cup=120) == Decimal("7.500")


def test_weight_to_volume_uses_density_the_other_way():
    assert convert(240, "g", "cup", density_g_per_cup=120) == Decimal("2.000")


@pytest.mark.parametrize(
    ("qty", "from_unit", "to_unit", "expected"),
    [
        (1, "kg", "g", "1000.000"),
        (1, "lb", "g", "453.592"),
        (1, "oz", "g", "28.350"),
        (5, "lb", "kg", "2.268"),
        (1, "cup", "ml", "236.588"),
        (3, "tsp", "tbsp", "1.000"),
        (1, "gal", "qt", "4.000"),
        (2, "pt", "cup", "4.000"),
        (1, "l", "ml", "1000.000"),
        (2, "dozen", "each", "24.000"),
        (1, "fl oz", "tbsp", "2.000"),
    ],
)
def test_conversions_inside_a_family_are_exact(qty, from_unit, to_unit, expected):
    assert convert(qty, from_unit, to_unit) == Decimal(expected)


def test_results_round_half_even_to_a_thousandth():
    # 0.0005 g rounds to the even 0.000; 0.0015 to 0.002
    assert convert(Decimal("0.0005"), "g", "g") == Decimal("0.000")
    assert convert(Decimal("0.0015"), "g", "g") == Decimal("0.002")


def test_volume_to_weight_without_density_names_ingredient_and_units():
    with pytest.raises(ConversionError) as exc:
        to_base(1, "cup", "weight", ingredient_name="Cocoa")
    message = str(exc.value)
    assert "Cocoa" in message and "cup" in message and "g" in message


@pytest.mark.parametrize(("from_unit", "to_unit"), [("each", "g"), ("g", "dozen"), ("cup", "each")])
def test_count_never_converts_to_weight_or_volume(from_unit, to_unit):
    with pytest.raises(ConversionError):
        convert(1, from_unit, to_unit, density_g_per_cup=120)
    assert not can_convert(from_unit, to_unit, 120)


def test_unknown_unit_is_refused():
    with pytest.raises(ConversionError, match="Unknown unit"):
        convert(1, "handful", "g")
