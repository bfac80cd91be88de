"""Whole numbers read from query strings."""

import pytest

from bakeplanner.params import whole_number_or_none


@pytest.mark.parametrize(
    "text", ["²", "١٢", "1e3", "-1", " ", "", "1.0", "9" * 19, None, 12, "\x00", "１２"]
)
def test_anything_but_plain_ascii_digits_is_none(text):
    assert whole_number_or_none(text) is None


def test_plain_digits_within_bounds_are_read():
    assert whole_number_or_none(" 42 ") == 42
    assert whole_number_or_none("0") == 0
    assert whole_number_or_none("0", minimum=1) is None
    assert whole_number_or_none("1001", maximum=1000) is None
