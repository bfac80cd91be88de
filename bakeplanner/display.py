"""Words and numbers for people (docs/glossary.md, "Numbers on the page").

Services and DTOs keep exact `Decimal` figures; these pure functions turn one figure into
the text a person reads, and nothing else calls them for arithmetic. The template filters
of the same names live in `bakeplanner/templatetags/display.py` (`{% load display %}`).

Rounding is half away from zero throughout, like `bakeplanner.money.cost_to_string`, and a
figure that rounds to zero never shows a minus sign.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from bakeplanner.money import Number, to_decimal

MISSING = "—"

ONE = Decimal("1")
CENT = Decimal("0.01")
THOUSAND = Decimal("1000")

# Symbols written before the amount; any other currency shows its code and a space.
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}

# Base units shown whole below a thousand, then in the larger unit with two decimals.
LARGER_UNIT = {"g": "kg", "ml": "l"}
# Per-unit prices that read better per the larger unit ("$2.50 / kg", not "$0.0025 / g").
PRICE_UNIT = {"g": ("kg", THOUSAND), "ml": ("l", THOUSAND)}
COUNT_UNIT = "each"

# Plurals the simple spelling rules get wrong, for item nouns on baked items.
IRREGULAR_PLURALS = {
    "loaf": "loaves",
    "half": "halves",
    "knife": "knives",
    "leaf": "leaves",
    "shelf": "shelves",
    "mouse": "mice",
    "person": "people",
    "child": "children",
    "each": "each",
    "dozen": "dozen",
}
VOWELS = frozenset("aeiou")


def _round(amount: Decimal, step: Decimal) -> Decimal:
    rounded = amount.quantize(step, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # never "-0"


def _number(amount: Decimal, places: int) -> str:
    """Round to at most `places` decimals, drop trailing zeros, group thousands."""
    rounded = _round(amount, Decimal(1).scaleb(-places))
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number_text(value: Number, places: int = 2) -> str:
    """A plain figure with at most `places` decimals and thousands separators; None is "—"."""
    if value is None:
        return MISSING
    return _number(to_decimal(value), places)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def quantity(value: Number, unit: str) -> str:
    """A quantity in its unit at a precision that suits the unit.

    Grams and millilitres are whole below a thousand ("286 g"; a non-zero amount under one
    shows up to two decimals, "0.5 g") and switch to kg or l with up to two decimals from a
    thousand on ("1.25 kg"); the switch looks at the rounded figure, so 999.5 g is "1 kg".
    Counts are whole unless fractional. Every other unit is shown as written, with up to
    two decimals.
    """
    if value is None:
        return MISSING
    amount = to_decimal(value)
    unit = (unit or "").strip()
    larger = LARGER_UNIT.get(unit)
    if larger is not None:
        if abs(_round(amount, ONE)) >= THOUSAND:
            return _with_unit(_number(amount / THOUSAND, 2), larger)
        if abs(amount) < ONE:
            return _with_unit(_number(amount, 2), unit)
        return _with_unit(_number(amount, 0), unit)
    return _with_unit(_number(amount, 2), unit)


def currency_prefix(code: str | None = None) -> str:
    """What goes before an amount: "$" for USD, or "CHF " for a currency without a symbol."""
    code = (code if code is not None else settings.CURRENCY).strip().upper()
    return CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")


def _money_text(amount: Decimal, places: int) -> str:
    rounded = _round(amount, Decimal(1).scaleb(-places))
    sign = "-" if rounded < 0 else ""
    return f"{sign}{currency_prefix()}{abs(rounded):,f}"


def money(value: Number) -> str:
    """An amount in the household's currency with two decimals: "$2.50", "-$1.20"."""
    if value is None:
        return MISSING
    return _money_text(to_decimal(value), 2)


def unit_price(value: Number, unit: str) -> str:
    """A price per `unit`, restated per kg or per l for g and ml: "$2.50 / kg", "$0.25 each".

    Two decimals; a non-zero price under one cent keeps up to four so it is not shown as
    nothing ("$0.0025 each").
    """
    if value is None:
        return MISSING
    amount = to_decimal(value)
    unit = (unit or "").strip()
    shown_unit, factor = PRICE_UNIT.get(unit, (unit, ONE))
    amount *= factor
    if amount != 0 and abs(_round(amount, CENT)) == 0:
        rounded = _round(amount, Decimal("0.0001"))
        text = f"{'-' if rounded < 0 else ''}{currency_prefix()}{abs(rounded):f}"
    else:
        text = _money_text(amount, 2)
    if not shown_unit:
        return text
    if shown_unit == COUNT_UNIT:
        return f"{text} each"
    return f"{text} / {shown_unit}"


def percent_text(value: Number) -> str:
    """A percentage (30.55 means 30.55 %) as a whole percent: "31%".

    A figure that is not quite 100 never reads "100%" and a non-zero figure under one never
    reads "0%", so "done" and "not started" are only shown when they are true.
    """
    if value is None:
        return MISSING
    amount = to_decimal(value)
    rounded = _round(amount, ONE)
    if rounded == 100 and amount < 100:
        rounded = Decimal(99)
    elif rounded == 0 and amount > 0:
        return "<1%"
    return f"{rounded:,f}%"


def _count_text(count: Number) -> tuple[str, bool]:
    amount = to_decimal(count)
    return _number(amount, 2), _round(amount, CENT) == 1


def plural(count: Number, singular: str, plural: str | None = None) -> str:
    """The count and the noun that agrees with it: "1 batch", "2 batches", "0 cookies".

    The default plural adds "s"; pass the plural for any other spelling.
    """
    if count is None:
        return MISSING
    text, is_one = _count_text(count)
    noun = singular if is_one else (plural if plural is not None else f"{singular}s")
    return _with_unit(text, noun)


def plural_noun(noun: str) -> str:
    """The plural of an item noun by English spelling rules ("cookie" → "cookies")."""
    words = noun.rstrip().rsplit(" ", 1)
    last = words[-1]
    lower = last.lower()
    if not lower:
        return noun
    if lower in IRREGULAR_PLURALS:
        plural_last = IRREGULAR_PLURALS[lower]
        if last[:1].isupper():
            plural_last = plural_last[:1].upper() + plural_last[1:]
    elif lower.endswith("s") and not lower.endswith("ss"):
        plural_last = last  # already plural, as a unit typed as "cookies" is
    elif lower.endswith(("ss", "x", "z", "ch", "sh")):
        plural_last = f"{last}es"
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in VOWELS:
        plural_last = f"{last[:-1]}ies"
    else:
        plural_last = f"{last}s"
    return f"{words[0]} {plural_last}" if len(words) == 2 else plural_last


def count_of(count: Number, noun: str) -> str:
    """A count of items named by a singular noun: "48 cookies", "1 tin", "2 mini loaves"."""
    if count is None:
        return MISSING
    noun = (noun or "").strip()
    if not noun:
        return _count_text(count)[0]
    return plural(count, noun, plural_noun(noun))
