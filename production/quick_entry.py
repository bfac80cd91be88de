"""Reading one typed line of a quick purchase entry (docs/design.md, "Purchases and lots").

A pure function: no database, no transaction. `parse_line("2 x 5 lb flour King Arthur 7.98")`
says two packages of 5 lb at 7.98 each, with the words "flour King Arthur" left for matching
against the household's products.

What a line may hold, in any order:
- a package count: "2 x", "2x", "2×", or "x2" (a whole number from 1 to 1000; one package
  when there is none);
- a package size: a number with a unit, written apart or together ("5 lb", "500g"); the
  usual spellings map onto the app's units ("lbs", "pounds", "grams", "kilo", "litres"...);
- one price, with or without a currency sign ("7.98", "$7.98", "7.98€"); it is per package
  unless the word "total" follows it anywhere in the line, in which case it is divided by
  the package count and rounded to cents half-up;
- words naming the product (brand, name, ingredient).

A decimal comma is read as a decimal point when one or two digits follow it ("7,98",
"2,5 kg"); a comma with three digits after it ("1,000") could be a thousands separator and
the line is refused rather than guessed. Dates, a second price, a second size, zero or
negative amounts and numbers beyond sane bounds are refused with a reason, and the line is
left for the ordinary purchase form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bakeplanner.money import CENT, MAX_NUMBER_TEXT
from bakeplanner.units import UNITS

__all__ = ["MAX_LINE_LENGTH", "QuickLine", "parse_line"]

MAX_LINE_LENGTH = 200
MAX_PACKAGES = 1000
MAX_SIZE = Decimal(100_000)
MAX_PRICE = Decimal(1_000_000)

# Spellings people type → the app's unit names (bakeplanner/units.py).
UNIT_WORDS: dict[str, str] = {
    **{unit: unit for unit in UNITS if " " not in unit},
    "gr": "g",
    "gram": "g",
    "grams": "g",
    "gramme": "g",
    "grammes": "g",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "ounce": "oz",
    "ounces": "oz",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "millilitre": "ml",
    "millilitres": "ml",
    "milliliter": "ml",
    "milliliters": "ml",
    "litre": "l",
    "litres": "l",
    "liter": "l",
    "liters": "l",
    "cups": "cup",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "floz": "fl oz",
    "pint": "pt",
    "pints": "pt",
    "quart": "qt",
    "quarts": "qt",
    "gallon": "gal",
    "gallons": "gal",
    "ea": "each",
    "doz": "dozen",
}

CURRENCY = "$€£"
_NUMBER = r"\d+(?:[.,]\d+)?"
_PRICE_TOKEN = re.compile(rf"^[{CURRENCY}]?(?P<num>[-+]?{_NUMBER})[{CURRENCY}]?$")
_SIGNED_NUMBER = re.compile(rf"^[-+]?{_NUMBER}$")
_GLUED_SIZE = re.compile(rf"^(?P<num>{_NUMBER})(?P<unit>[a-z]+)$")
_COUNT_BEFORE = re.compile(r"^(?P<num>\d+)[x×]$")
_COUNT_AFTER = re.compile(r"^[x×](?P<num>\d+)$")
_DATE = re.compile(r"\d{1,4}[-/]\d{1,2}(?:[-/]\d{1,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}")
_THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")


@dataclass(frozen=True)
class QuickLine:
    """What one line says, or why it cannot be read (`reason` is then non-empty)."""

    text: str
    packages: int = 1
    package_quantity: Decimal | None = None
    package_unit: str = ""
    words: tuple[str, ...] = field(default_factory=tuple)
    price: Decimal | None = None
    price_is_total: bool = False
    reason: str = ""

    @property
    def readable(self) -> bool:
        return not self.reason

    @property
    def price_per_package(self) -> Decimal | None:
        """The typed price, or a total split over the packages (to cents, half-up)."""
        if self.price is None:
            return None
        if not self.price_is_total:
            return self.price
        return (self.price / self.packages).quantize(CENT, rounding=ROUND_HALF_UP)


def _refuse(text: str, reason: str) -> QuickLine:
    return QuickLine(text=text, reason=reason)


def _number(raw: str) -> Decimal | None:
    """A typed number (decimal comma allowed), or None when it is too long or not one."""
    if len(raw) > MAX_NUMBER_TEXT:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _tokens(text: str) -> list[str]:
    # "2 x" and "x 2" become one token; so does "fl oz".
    spaced = re.sub(r"(?<!\S)(\d+)\s+[x×](?!\S)", r"\1x", text)
    spaced = re.sub(r"(?<!\S)[x×]\s+(\d+)(?!\S)", r"x\1", spaced)
    spaced = re.sub(r"(?<!\S)fl\.?\s+oz\.?(?!\S)", "floz", spaced)
    return spaced.split()


class _Refused(Exception):
    pass


def parse_line(text: str) -> QuickLine:
    """Read one line of a quick entry; see the module docstring for what it accepts."""
    line = " ".join(text.split())
    if len(line) > MAX_LINE_LENGTH:
        return _refuse(line[:MAX_LINE_LENGTH], "The line is too long.")
    if not line:
        return _refuse(line, "The line is empty.")
    if _DATE.search(line):
        return _refuse(line, "It looks like a date: enter the date on the confirm page.")
    if _THOUSANDS.search(line):
        return _refuse(line, "“1,000” is ambiguous: write 1000, or 1.5 for a decimal.")
    try:
        return _parse(line)
    except _Refused as exc:
        return _refuse(line, str(exc))


def _parse(line: str) -> QuickLine:
    tokens = _tokens(line.casefold())
    originals = _tokens(line)
    if len(tokens) != len(originals):  # casefolding changed the spacing: read nothing
        raise _Refused("The line could not be read.")
    packages: int | None = None
    size: tuple[Decimal, str] | None = None
    prices: list[Decimal] = []
    is_total = False
    words: list[str] = []
    i = 0
    while i < len(tokens):
        token, original = tokens[i], originals[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        count = _COUNT_BEFORE.match(token) or _COUNT_AFTER.match(token)
        glued = _GLUED_SIZE.match(token)
        if count:
            if packages is not None:
                raise _Refused("It gives the package count twice.")
            packages = _whole_count(count["num"])
        elif glued and glued["unit"] in UNIT_WORDS:
            size = _size(size, glued["num"], glued["unit"])
        elif _SIGNED_NUMBER.match(token) and nxt in UNIT_WORDS:
            size = _size(size, token, nxt)
            i += 1
        elif token == "total":
            is_total = True
        elif price := _PRICE_TOKEN.match(token):
            value = _number(price["num"])
            if value is None:
                raise _Refused("A number is too long.")
            prices.append(value)
        elif any(ch.isdigit() for ch in token) and not any(ch.isalpha() for ch in token):
            raise _Refused(f"“{original}” is not a number, size or price.")
        elif token.strip(CURRENCY + ".,;:-"):
            words.append(original.strip(".,;:"))
        i += 1
    return _result(line, packages, size, prices, is_total, words)


def _whole_count(raw: str) -> int:
    if len(raw) > 6:
        raise _Refused("The package count is too large.")
    count = int(raw)
    if count < 1:
        raise _Refused("The package count must be at least 1.")
    if count > MAX_PACKAGES:
        raise _Refused(f"The package count is more than {MAX_PACKAGES}.")
    return count


def _size(earlier: tuple[Decimal, str] | None, raw: str, unit_word: str) -> tuple[Decimal, str]:
    if earlier is not None:
        raise _Refused("It gives two package sizes.")
    value = _number(raw)
    if value is None:
        raise _Refused("The package size is not a number.")
    if value <= 0:
        raise _Refused("The package size must be more than 0.")
    if value > MAX_SIZE:
        raise _Refused("The package size is too large.")
    if value != value.quantize(Decimal("0.001")):
        raise _Refused("The package size has more than 3 decimals.")
    return value, UNIT_WORDS[unit_word]


def _result(
    line: str,
    packages: int | None,
    size: tuple[Decimal, str] | None,
    prices: list[Decimal],
    is_total: bool,
    words: list[str],
) -> QuickLine:
    if not prices:
        raise _Refused("There is no price.")
    if len(prices) > 1:
        raise _Refused("There is more than one price.")
    price = prices[0]
    if price <= 0:
        raise _Refused("The price must be more than 0.")
    if price >= MAX_PRICE:
        raise _Refused("The price is too large.")
    if price != price.quantize(Decimal("0.0001")):
        raise _Refused("The price has more than 4 decimals.")
    if size is None:
        raise _Refused("There is no package size (like 5 lb or 500 g).")
    if not words:
        raise _Refused("It does not name a product or ingredient.")
    return QuickLine(
        text=line,
        packages=packages or 1,
        package_quantity=size[0],
        package_unit=size[1],
        words=tuple(words),
        price=price,
        price_is_total=is_total,
    )
