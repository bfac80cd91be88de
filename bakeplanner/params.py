"""Whole numbers from query strings and form values, read without surprises.

`str.isdigit()` accepts "²" and other digits `int()` refuses, and `int()` of thousands of
digits is slow or refused: ids and counts in a URL are read here instead
(docs/security.md, "Input bounds").
"""

from __future__ import annotations

MAX_ID_DIGITS = 18  # more than any primary key or count this app stores

__all__ = ["whole_number_or_none"]


def whole_number_or_none(
    text: object, *, minimum: int = 0, maximum: int | None = None
) -> int | None:
    """The value as an int when it is plain ASCII digits within the bounds, else `None`."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        return None
    return number
