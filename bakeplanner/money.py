"""Money and quantity formatting at the DTO boundary (docs/design.md, "Money and rounding").

Internal arithmetic stays `Decimal`; only these helpers round, and only for output.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = Decimal | int | float | str | None

CENT = Decimal("0.01")
MILLI = Decimal("0.001")

# Typed numbers longer than this are refused before anything parses them; no quantity,
# price or count a household enters comes near it (docs/security.md, "Input bounds").
MAX_NUMBER_TEXT = 64


def to_decimal(value: Number) -> Decimal:
    """Exact Decimal of a value; floats go through `str` so 12.3 stays 12.3."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise ValueError("too long to be a number")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
        if not result.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return result
    raise TypeError(f"cannot use {type(value).__name__} as a number")


def cost_to_string(value: Number) -> str:
    """Money as a string with exactly two decimals, rounded half away from zero."""
    amount = to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount == 0:
        amount = abs(amount)  # never "-0.00"
    return f"{amount:f}"


def qty_to_string(value: Number) -> str:
    """A quantity with at most three decimals, no trailing zeros and never an exponent."""
    amount = to_decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP)
    if amount == 0:
        return "0"
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def percent(part: Number, whole: Number) -> float:
    """part / whole as a percentage rounded to 2 decimals (0 when whole is 0)."""
    whole_d = to_decimal(whole)
    if whole_d == 0:
        return 0.0
    pct = (to_decimal(part) * 100 / whole_d).quantize(CENT, rounding=ROUND_HALF_UP)
    return float(pct)
