"""Words and numbers for people (docs/glossary.md, "Numbers on the page").

Services and DTOs keep exact `Decimal` figures; these pure functions turn one figure into
the text a person reads, and nothing else calls them for arithmetic. The template filters
of the same names live in `bakeplanner/templatetags/display.py` (`{% load display %}`).

Rounding is half away from zero throughout, like `bakeplanner.money.cost_to_string`, and a
figure that rounds to zero never shows a minus sign.

The household's unit system and locale reach these helpers through a per-request
activation, the way Django activates a time zone (`activate`, `preferences`; the
middleware sets them from the request's household). Outside a request they are metric and
en-US, so commands and CSV files never see a household's choice. Which figures are
converted, the thresholds and the locale formats: docs/units-and-locale.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import dateformat, numberformat, timezone
from django.utils.formats import get_format

from bakeplanner.money import Number, to_decimal
from bakeplanner.units import UNITS

MISSING = "—"

ONE = Decimal("1")
CENT = Decimal("0.01")
THOUSAND = Decimal("1000")

# Symbols of the common currencies; any other currency shows its code.
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}

# Base units shown whole below a thousand, then in the larger unit with two decimals.
LARGER_UNIT = {"g": "kg", "ml": "l"}
# Per-unit prices that read better per the larger unit ("$2.50 / kg", not "$0.0025 / g").
PRICE_UNIT = {"g": ("kg", THOUSAND), "ml": ("l", THOUSAND)}
COUNT_UNIT = "each"

METRIC = "metric"
US = "us"
UNIT_SYSTEM_CHOICES = [
    (METRIC, "Metric (g, kg, ml, l)"),
    (US, "US customary (oz, lb, tsp, tbsp, cups, quarts)"),
]
UNIT_SYSTEMS = frozenset(code for code, _ in UNIT_SYSTEM_CHOICES)

DEFAULT_LOCALE = "en-US"
LOCALE_CHOICES = [
    ("en-US", "English (United States)"),
    ("en-GB", "English (United Kingdom)"),
    ("de-DE", "German (Germany)"),
    ("fr-FR", "French (France)"),
]
LOCALES = frozenset(code for code, _ in LOCALE_CHOICES)
# The Django format module each locale takes its separators and date orders from. Only the
# formats are taken: the interface, month and day names stay English.
FORMAT_LANGUAGE = {"en-US": "en", "en-GB": "en-gb", "de-DE": "de", "fr-FR": "fr"}
# Locales that write the currency after the amount, separated by a no-break space.
CURRENCY_AFTER = frozenset({"de-DE", "fr-FR"})
NO_BREAK_SPACE = "\xa0"

# US customary display units, smallest first: (unit, the next unit's size in this unit).
# A figure moves up once its rounded value reaches the next unit: 16 oz is 1 lb, 3 tsp is
# 1 tbsp, 4 tbsp is a quarter cup, 4 cups are 1 qt. Factors come from `bakeplanner.units`.
US_STEPS = {
    "g": [("oz", Decimal(16)), ("lb", None)],
    "ml": [("tsp", Decimal(3)), ("tbsp", Decimal(4)), ("cup", Decimal(4)), ("qt", None)],
}
# Per-unit prices under US customary: per lb for weights, per quart for volumes.
US_PRICE_UNIT = {"g": "lb", "ml": "qt"}
# US unit names that take an "s" in the plural ("2 cups"); abbreviations do not.
US_PLURAL_UNITS = frozenset({"cup"})


@dataclass(frozen=True)
class Preferences:
    """How the active household reads figures: its unit system and its locale."""

    unit_system: str = METRIC
    locale: str = DEFAULT_LOCALE


DEFAULT_PREFERENCES = Preferences()
_active: ContextVar[Preferences] = ContextVar("display_preferences", default=DEFAULT_PREFERENCES)


def activate(unit_system: str = METRIC, locale: str = DEFAULT_LOCALE) -> Token[Preferences]:
    """Show figures in `unit_system` and `locale` until `deactivate(token)`.

    A value this module does not know falls back to the default, so a page never fails on
    a setting someone wrote around the service.
    """
    return _active.set(
        Preferences(
            unit_system=unit_system if unit_system in UNIT_SYSTEMS else METRIC,
            locale=locale if locale in LOCALES else DEFAULT_LOCALE,
        )
    )


def deactivate(token: Token[Preferences]) -> None:
    _active.reset(token)


@contextmanager
def preferences(
    *, unit_system: str = METRIC, locale: str = DEFAULT_LOCALE
) -> Iterator[Preferences]:
    """A block that shows figures in the given unit system and locale."""
    token = activate(unit_system, locale)
    try:
        yield _active.get()
    finally:
        deactivate(token)


def active_preferences() -> Preferences:
    return _active.get()


def _format(name: str) -> str:
    return str(get_format(name, lang=FORMAT_LANGUAGE[_active.get().locale]))


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


def _localized(rounded: Decimal, *, keep_zeros: bool = False) -> str:
    """A rounded figure with the active locale's separators; trailing zeros dropped unless
    `keep_zeros` (money keeps its cents)."""
    text = f"{rounded:f}"
    if "." in text and not keep_zeros:
        text = text.rstrip("0").rstrip(".")
    whole, dot, fraction = text.partition(".")
    if len(whole.lstrip("-")) <= 3:
        # Nothing to group below a thousand in any locale offered: only the decimal
        # separator can differ. Most figures on a page take this path.
        return f"{whole}{_format('DECIMAL_SEPARATOR')}{fraction}" if dot else whole
    return str(
        numberformat.format(
            text,
            _format("DECIMAL_SEPARATOR"),
            grouping=int(_format("NUMBER_GROUPING")),
            thousand_sep=_format("THOUSAND_SEPARATOR"),
            force_grouping=True,
        )
    )


def _number(amount: Decimal, places: int) -> str:
    """Round to at most `places` decimals, drop trailing zeros, group thousands."""
    return _localized(_round(amount, Decimal(1).scaleb(-places)))


def number_text(value: Number, places: int = 2) -> str:
    """A plain figure with at most `places` decimals and thousands separators; None is "—"."""
    if value is None:
        return MISSING
    return _number(to_decimal(value), places)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit else text


def quantity(value: Number, unit: str, *, as_written: bool = False) -> str:
    """A quantity in its unit at a precision that suits the unit.

    Grams and millilitres are whole below a thousand ("286 g"; a non-zero amount under one
    shows up to two decimals, "0.5 g") and switch to kg or l with up to two decimals from a
    thousand on ("1.25 kg"); the switch looks at the rounded figure, so 999.5 g is "1 kg".
    Under US customary, grams and millilitres are shown in oz/lb and tsp/tbsp/cups/qt
    instead (`_us_quantity`), unless `as_written` (a recipe line keeps the unit it was
    written in). Counts are whole unless fractional. Every other unit is shown as written,
    with up to two decimals.
    """
    if value is None:
        return MISSING
    amount = to_decimal(value)
    unit = (unit or "").strip()
    if unit in US_STEPS and not as_written and _active.get().unit_system == US:
        return _us_quantity(amount, unit)
    larger = LARGER_UNIT.get(unit)
    if larger is not None:
        if abs(_round(amount, ONE)) >= THOUSAND:
            return _with_unit(_number(amount / THOUSAND, 2), larger)
        if abs(amount) < ONE:
            return _with_unit(_number(amount, 2), unit)
        return _with_unit(_number(amount, 0), unit)
    return _with_unit(_number(amount, 2), unit)


def _us_unit_name(unit: str, rounded: Decimal) -> str:
    if unit in US_PLURAL_UNITS and abs(rounded) != 1:
        return f"{unit}s"
    return unit


def _us_quantity(amount: Decimal, base_unit: str) -> str:
    """A base quantity (g or ml) in the US unit that suits its size, up to two decimals.

    Each step moves to the next unit once the rounded figure reaches it (15.997 oz rounds
    to 16 oz, so it reads "1 lb"). A non-zero amount too small for two decimals of the
    smallest unit reads "<0.01 oz" rather than "0 oz", so a pinch still shows on a list.
    """
    steps = US_STEPS[base_unit]
    for unit, next_size in steps:
        rounded = _round(amount / UNITS[unit][1], CENT)
        if next_size is None or abs(rounded) < next_size:
            break
    if rounded == 0 and amount > 0 and unit == steps[0][0]:
        return f"<{_localized(CENT)} {unit}"
    return _with_unit(_localized(rounded), _us_unit_name(unit, rounded))


def currency_prefix(code: str | None = None) -> str:
    """What goes before an amount: "$" for USD, or "CHF " for a currency without a symbol."""
    code = (code if code is not None else settings.CURRENCY).strip().upper()
    return CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")


def _currency_suffix() -> str:
    """What goes after an amount in a locale that writes it there: " €", " CHF"."""
    code = settings.CURRENCY.strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code, code)
    return f"{NO_BREAK_SPACE}{symbol}" if symbol else ""


def _with_currency(rounded: Decimal, *, keep_zeros: bool = True) -> str:
    sign = "-" if rounded < 0 else ""
    digits = _localized(abs(rounded), keep_zeros=keep_zeros)
    if _active.get().locale in CURRENCY_AFTER:
        return f"{sign}{digits}{_currency_suffix()}"
    return f"{sign}{currency_prefix()}{digits}"


def _money_text(amount: Decimal, places: int) -> str:
    return _with_currency(_round(amount, Decimal(1).scaleb(-places)))


def money(value: Number) -> str:
    """An amount in the household's currency with two decimals: "$2.50", "-$1.20"."""
    if value is None:
        return MISSING
    return _money_text(to_decimal(value), 2)


def _price_unit(unit: str) -> tuple[str, Decimal]:
    """The unit a price per `unit` is restated in, and how many `unit`s that is."""
    if _active.get().unit_system == US and unit in US_PRICE_UNIT:
        shown = US_PRICE_UNIT[unit]
        return shown, UNITS[shown][1]
    return PRICE_UNIT.get(unit, (unit, ONE))


def unit_price(value: Number, unit: str) -> str:
    """A price per `unit`, restated per kg or per l for g and ml: "$2.50 / kg", "$0.25 each".

    Under US customary a price per g is per lb and per ml is per qt ("$1.13 / lb"). Two
    decimals; a non-zero price under one cent keeps up to four so it is not shown as
    nothing ("$0.0025 each").
    """
    if value is None:
        return MISSING
    amount = to_decimal(value)
    unit = (unit or "").strip()
    shown_unit, factor = _price_unit(unit)
    amount *= factor
    if amount != 0 and abs(_round(amount, CENT)) == 0:
        text = _with_currency(_round(amount, Decimal("0.0001")))
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
    return f"{_localized(rounded)}%"


def _count_text(count: Number) -> tuple[str, bool]:
    if type(count) is int and -1000 < count < 1000:
        return str(count), count == 1  # a whole count needs no rounding or grouping
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


def date_text(value: dt.date | None, *, weekday: bool = False) -> str:
    """A date in the active locale's short numeric order: 12/24/2026, 24/12/2026, 24.12.2026.

    A date and time is first moved into the active time zone. With `weekday`, the English
    day name comes first ("Thursday, 24.12.2026").
    """
    if value is None:
        return MISSING
    if not isinstance(value, dt.date):
        raise TypeError(f"cannot show {type(value).__name__} as a date")
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    text = str(dateformat.format(value, _format("SHORT_DATE_FORMAT")))
    if weekday:
        return f"{dateformat.format(value, 'l')}, {text}"
    return text


def datetime_text(value: dt.datetime | None) -> str:
    """A moment in the active time zone and locale: "12/24/2026 9:30 a.m.", "24.12.2026 09:30"."""
    if value is None:
        return MISSING
    if not isinstance(value, dt.datetime):
        raise TypeError(f"cannot show {type(value).__name__} as a date and time")
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(dateformat.format(value, _format("SHORT_DATETIME_FORMAT")))
