"""Reading a recipe from a saved web page or its schema.org JSON-LD (docs/recipe-import.md).

Pure functions, no database: `read_recipe` turns the page's text into a `PageRecipe` (title,
address, yield and every ingredient line parsed into quantity, unit and ingredient name).
`recipe-scrapers` finds the recipe in the page and `ingreedypy` splits each ingredient line;
the code around them normalises what those two leave to the caller (unicode fractions,
"1 and 1/2", ranges, weights in brackets, units the app does not know).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from ingreedypy import Ingreedy
from recipe_scrapers import scrape_html

from bakeplanner.errors import ConversionError, ValidationFailed
from bakeplanner.units import UNITS, convert, family_of

__all__ = [
    "MAX_LINES",
    "MAX_LINE_LENGTH",
    "MAX_SOURCE_BYTES",
    "PageRecipe",
    "ParsedLine",
    "RecipeYield",
    "decode_source",
    "parse_ingredient_line",
    "parse_yield",
    "read_recipe",
    "singular",
]

# A saved recipe page is a few hundred kilobytes; four megabytes leaves room for the
# heaviest under the size of a form post the server accepts (docs/recipe-import.md, "Limits").
MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_LINE_LENGTH = 300
MAX_LINES = 80
NAME_LENGTH = 120
NOTES_LENGTH = 200

# recipe-scrapers needs an address to choose a reader; a page without one is read by its
# schema.org data alone under this reserved, never-resolvable host.
NO_ADDRESS = "https://unknown-page.invalid/"

NO_QUANTITY = "No quantity: enter one, or leave the line out."
UNREADABLE = "This line could not be read: fill it in below, or leave it out."
NO_NAME = "No ingredient named: choose one, or leave the line out."

# ingreedypy's unit names → the app's units (bakeplanner/units.py).
PARSER_UNITS = {
    "cup": "cup",
    "fluid_ounce": "fl oz",
    "gallon": "gal",
    "ounce": "oz",
    "pint": "pt",
    "pound": "lb",
    "quart": "qt",
    "tablespoon": "tbsp",
    "teaspoon": "tsp",
    "gram": "g",
    "kilogram": "kg",
    "liter": "l",
    "milliliter": "ml",
}
# Short words the parser takes for abbreviated units; only these are units.
ABBREVIATIONS = {"ea": "each", "pc": "each", "pcs": "each", "doz": "dozen", "dz": "dozen"}
# Words written where a unit goes that are not units the app can convert: the line is shown
# with the word so the person can pick a unit for it.
NOT_UNITS = frozenset(
    "bag bar block bottle box bunch can carton clove container dash drop envelope handful "
    "head jar knob loaf packet package pack pinch pkg pot punnet scoop sheet slice splash "
    "sprig square stalk stick tin touch tub".split()
)
FRACTIONS = {
    "¼": "1/4",
    "½": "1/2",
    "¾": "3/4",
    "⅐": "1/7",
    "⅑": "1/9",
    "⅒": "1/10",
    "⅓": "1/3",
    "⅔": "2/3",
    "⅕": "1/5",
    "⅖": "2/5",
    "⅗": "3/5",
    "⅘": "4/5",
    "⅙": "1/6",
    "⅚": "5/6",
    "⅛": "1/8",
    "⅜": "3/8",
    "⅝": "5/8",
    "⅞": "7/8",
}
NUMBER = r"\d+(?:\.\d+)?(?:\s+\d+/\d+|/\d+)?"
LEADING_NUMBER = re.compile(rf"^\s*({NUMBER})\s*")
RANGE = re.compile(rf"^\s*({NUMBER})\s*(?:-|to)\s*({NUMBER})(?=\s|[a-zA-Z]|$)")
MILLI = Decimal("0.001")
# Words whose singular ends in "ie", so "cookies" is one cookie, not one "cooky".
IE_WORDS = frozenset(
    "brownie calorie cookie hoagie pie smoothie veggie zombie scottie birdie".split()
)
MULTIPACK = re.compile(r"^(\d+)\s*[x×]\s*(\d+(?:\.\d+)?\s*[a-zA-Z]+\.?)\s+(.*)$")


@dataclass(frozen=True)
class ParsedLine:
    """One ingredient line as read: ready to import when `problem` is empty."""

    text: str
    quantity: Decimal | None
    unit: str  # one of the app's units, or "" when the page gives none the app knows
    name: str
    notes: str = ""
    page_unit: str = ""  # the word the page wrote where the unit goes, when not a unit
    problem: str = ""

    @property
    def ready(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class RecipeYield:
    """What one batch makes: `items` of `item_unit` ("24 cookie"; "" for plain items)."""

    items: int
    item_unit: str
    text: str


@dataclass(frozen=True)
class PageRecipe:
    title: str
    address: str
    category: str
    yields_text: str
    recipe_yield: RecipeYield | None
    lines: list[ParsedLine] = field(default_factory=list)


# --- The page ---------------------------------------------------------------------------------


def decode_source(data: bytes) -> str:
    """An uploaded file's text: UTF-8 (with or without a byte-order mark), else Windows-1252."""
    if len(data) > MAX_SOURCE_BYTES:
        raise ValidationFailed(_too_big(len(data)), field="source")
    if b"\x00" in data[:4096]:
        raise ValidationFailed(NOT_A_PAGE, field="source")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


NOT_A_PAGE = (
    "This is not a web page's HTML or a recipe's JSON-LD: save the recipe page "
    "(File → Save page as… → HTML only) and upload that file, or paste its source."
)
NO_RECIPE = (
    "No recipe was found in this page: it has no schema.org Recipe data that BakePlanner "
    "can read. Try the page of the recipe itself rather than a list or search page."
)


def _too_big(size: int) -> str:
    limit = MAX_SOURCE_BYTES // (1024 * 1024)
    return f"This file is too big ({size / (1024 * 1024):.1f} MB); the limit is {limit} MB."


def read_recipe(text: str) -> PageRecipe:
    """Read a saved page's HTML or a schema.org Recipe in JSON-LD; refuse anything else."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_SOURCE_BYTES:
        raise ValidationFailed(_too_big(size), field="source")
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise ValidationFailed("Upload a saved recipe page or paste its source.", field="source")
    if stripped[0] in "{[":
        html, address = _json_ld_page(stripped)
    elif re.search(r"<\s*(!doctype|html|head|body|script|meta|div)\b", stripped[:200_000], re.I):
        html, address = stripped, page_address(stripped)
    else:
        raise ValidationFailed(NOT_A_PAGE, field="source")
    return _scrape(html, address)


def _scrape(html: str, address: str) -> PageRecipe:
    try:
        scraper = scrape_html(html, org_url=address or NO_ADDRESS, supported_only=False)
        title = " ".join(str(scraper.title() or "").split())
        ingredients = [str(line) for line in scraper.ingredients()]
    except Exception as exc:  # the library raises many kinds for "no recipe here"
        raise ValidationFailed(NO_RECIPE, field="source") from exc
    ingredients = [" ".join(line.split()) for line in ingredients if line and line.strip()]
    if not title or not ingredients:
        raise ValidationFailed(NO_RECIPE, field="source")
    yields_text = _optional(scraper, "yields")
    category = _optional(scraper, "category").split(",")[0].strip()[:80]
    return PageRecipe(
        title=title[:NAME_LENGTH].strip(),
        address=address,
        category=category,
        yields_text=yields_text,
        recipe_yield=parse_yield(yields_text),
        lines=[parse_ingredient_line(line) for line in ingredients[:MAX_LINES]],
    )


def _optional(scraper: Any, name: str) -> str:
    """A field the page may not state; missing is an empty string."""
    try:
        value = getattr(scraper, name)()
    except Exception:  # the library signals a missing field with several exception kinds
        return ""
    return " ".join(str(value or "").split())


def _web_address(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme in {"http", "https"} and parts.netloc and len(value) <= 500:
        return value
    return ""


_TAG = re.compile(r"<(link|meta)\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")


def page_address(html: str) -> str:
    """The page's own address: its canonical link, else its og:url; "" when it states none."""
    canonical = og_url = ""
    for match in _TAG.finditer(html):
        attributes = {
            name.lower(): next(v for v in values if v is not None) or ""
            for name, *values in _ATTRIBUTE.findall(match.group(2))
        }
        if match.group(1).lower() == "link" and "canonical" in attributes.get("rel", "").split():
            canonical = canonical or _web_address(attributes.get("href"))
        elif attributes.get("property") == "og:url":
            og_url = og_url or _web_address(attributes.get("content"))
    return canonical or og_url


def _is_recipe(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "Recipe" in kinds


def _find_recipe(node: Any, depth: int = 0) -> dict[str, Any] | None:
    if depth > 6:
        return None
    if _is_recipe(node):
        assert isinstance(node, dict)
        return node
    children: list[Any] = []
    if isinstance(node, list):
        children = node
    elif isinstance(node, dict):
        children = [node.get("@graph"), node.get("mainEntity")]
    for child in children:
        found = _find_recipe(child, depth + 1)
        if found is not None:
            return found
    return None


def _json_ld_page(text: str) -> tuple[str, str]:
    """A minimal page around pasted JSON-LD, so one reader handles both; and its address."""
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationFailed(
            "This looks like JSON but is not valid JSON: paste the whole JSON-LD block.",
            field="source",
        ) from None
    recipe = _find_recipe(data)
    if recipe is None:
        raise ValidationFailed(
            'This JSON has no schema.org Recipe ("@type": "Recipe").', field="source"
        )
    address = _web_address(recipe.get("url")) or _web_address(recipe.get("mainEntityOfPage"))
    if "schema.org" not in str(recipe.get("@context", "")):
        # A Recipe taken out of a "@graph" leaves the vocabulary's name on its parent.
        recipe = {**recipe, "@context": "https://schema.org"}
    payload = json.dumps(recipe).replace("</", "<\\/")
    html = (
        '<!doctype html><html><head><script type="application/ld+json">'
        f"{payload}</script></head><body></body></html>"
    )
    # Read by the schema data alone: a site's own reader would look for its page layout.
    return html, address


# --- Yield --------------------------------------------------------------------------------------

_YIELD = re.compile(r"(\d+)\s*(?:(?:-|–|to)\s*\d+\s*)?(dozen\b)?\s*(.*)", re.I)


def singular(word: str) -> str:
    """A plain English singular, good enough for units and ingredient names."""
    lower = word.lower()
    if len(lower) > 3 and lower.endswith("ies") and lower[:-1] not in IE_WORDS:
        return word[:-3] + "y"
    if len(lower) > 3 and (lower.endswith("oes") or re.search(r"(ch|sh|ss|x)es$", lower)):
        return word[:-2]
    if len(lower) > 2 and lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def parse_yield(text: str) -> RecipeYield | None:
    """ "24 cookies" → 24 cookie; "2 dozen" → 24; "8 servings" → 8 serving (the lower end of
    a range); None when the page states no number."""
    match = _YIELD.search(text or "")
    if match is None:
        return None
    items = int(match.group(1)) * (12 if match.group(2) else 1)
    if items <= 0:
        return None
    words = match.group(3).strip(" .,;:()").split()
    unit = singular(words[0]).lower() if words else ""
    if unit in {"item", "piece"}:
        unit = ""
    return RecipeYield(items=items, item_unit=unit[:40], text=text)


# --- Ingredient lines ---------------------------------------------------------------------------


def _normalise(text: str) -> str:
    for char, fraction in FRACTIONS.items():
        text = re.sub(rf"(\d)\s*{char}", rf"\1 {fraction}", text)
        text = text.replace(char, f" {fraction}")
    text = text.replace("⁄", "/").replace("–", "-").replace("—", "-")
    text = re.sub(r"(\d)\s+and\s+(\d+/\d+)", r"\1 \2", text)
    return " ".join(text.split())


def _take_brackets(text: str) -> tuple[str, list[str]]:
    """Remove bracketed asides ("(212g)", "(softened (168g))") into notes, except a size
    right after the count ("1 (8 oz) package"), which the parser multiplies."""
    kept: list[str] = []
    asides: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                group = text[start : index + 1]
                before = "".join(kept)
                if re.fullmatch(rf"\s*{NUMBER}\s*", before):
                    kept.append(group)
                else:
                    asides.append(group[1:-1].strip())
            continue
        if depth == 0:
            kept.append(char)
    if depth:  # an unclosed bracket: keep the text as it was
        return text, []
    return " ".join("".join(kept).split()), [a for a in asides if a]


def _to_decimal(amount: Any) -> Decimal | None:
    try:
        return _plain(Decimal(repr(float(amount))))
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        return None


def _plain(value: Decimal) -> Decimal:
    """To 0.001 (the parser gives 1/3 as 0.333), without trailing zeros."""
    value = value.quantize(MILLI, rounding=ROUND_HALF_UP).normalize()
    # normalize() writes 250 as 2.5E+2; a whole number is shown plainly.
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else value


def _clip(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _split_name(text: str) -> tuple[str, list[str]]:
    """The ingredient name and the asides after it (", sifted", "or 1/3 cup …")."""
    name = text.strip().strip("*").strip()
    if name.lower().startswith("of "):
        name = name[3:]
    notes: list[str] = []
    if "," in name:
        name, rest = name.split(",", 1)
        notes.append(rest.strip())
    alternative = re.search(r"\s+or\s+\d", name)
    if alternative:
        notes.insert(0, name[alternative.start() :].strip())
        name = name[: alternative.start()]
    return " ".join(name.split()).strip(" -:;*"), [n for n in notes if n]


def _line(text: str, notes: list[str], **values: Any) -> ParsedLine:
    return ParsedLine(
        text=text, notes=_clip("; ".join(n for n in notes if n), NOTES_LENGTH), **values
    )


def parse_ingredient_line(text: str) -> ParsedLine:
    """Split one line into quantity, app unit and ingredient name; a line that cannot be
    imported as it stands says why in `problem`."""
    original = " ".join(str(text).split())
    if not original:
        return ParsedLine(text="", quantity=None, unit="", name="", problem=UNREADABLE)
    if len(original) > MAX_LINE_LENGTH:
        return ParsedLine(
            text=_clip(original, MAX_LINE_LENGTH),
            quantity=None,
            unit="",
            name="",
            problem=f"This line is longer than {MAX_LINE_LENGTH} characters: shorten it "
            "below, or leave it out.",
        )
    notes: list[str] = []
    work = _normalise(original)
    # "2 x 400g cans tomatoes" is read as "2 (400g) cans tomatoes": 800 g of tomatoes.
    work = MULTIPACK.sub(r"\1 (\2) \3", work)
    work, asides = _take_brackets(work)
    notes.extend(asides)
    ranged = RANGE.match(work)
    if ranged:
        # Plan for the most the recipe may need: buying too little stops a baking run.
        notes.insert(0, f"{ranged.group(1)}–{ranged.group(2)} on the page")
        work = ranged.group(2) + work[ranged.end() :]
    multiplied = re.match(rf"^\s*{NUMBER}\s*\(", work) is not None
    try:
        parsed = Ingreedy().parse(work)
    except Exception:  # the grammar raises parse and visit errors for odd lines
        return _line(original, notes, quantity=None, unit="", name="", problem=UNREADABLE)
    parts: list[dict[str, Any]] = list(parsed.get("quantity") or [])
    rest = str(parsed.get("ingredient") or "")
    if not parts:
        name, more = _split_name(rest or work)
        return _line(
            original,
            notes + more,
            quantity=None,
            unit="",
            name=_clip(name, NAME_LENGTH),
            problem=NO_QUANTITY,
        )
    first = parts[0]
    page_unit = ""
    unit_type = first.get("unit_type")
    raw_unit = str(first.get("unit") or "")
    if unit_type == "abbreviated":
        unit = ABBREVIATIONS.get(raw_unit.lower().rstrip("."), "")
        if not unit:
            # "1 egg, at room temperature": the parser took the short word for a unit.
            unit = "each"
            leading = LEADING_NUMBER.match(work)
            rest = work[leading.end() :] if leading else f"{raw_unit} {rest}"
    elif unit_type in {"english", "metric"}:
        unit = PARSER_UNITS.get(raw_unit, "")
        if not unit:
            page_unit = raw_unit
    elif unit_type == "imprecise":
        unit, page_unit = "", raw_unit
    else:
        unit = "each"
    quantity = _to_decimal(first.get("amount"))
    quantity = _add_parts(quantity, unit, parts[1:])
    words = rest.split()
    if unit == "each" and words:
        word = singular(words[0].strip(",.").lower())
        if word == "dozen":
            unit, rest = "dozen", " ".join(words[1:])
        elif word in NOT_UNITS and not multiplied:
            unit, page_unit, rest = "", word, " ".join(words[1:])
    elif multiplied and words and singular(words[0].lower()) in NOT_UNITS:
        # "1 (8 oz) package cream cheese" is 8 oz of cream cheese.
        notes.insert(0, _clip(work.split(")")[0] + ") " + words[0], NOTES_LENGTH))
        rest = " ".join(words[1:])
    name, more = _split_name(rest)
    notes.extend(more)
    name = _clip(name, NAME_LENGTH)
    problem = ""
    if page_unit:
        problem = (
            f"“{page_unit}” is not a unit BakePlanner knows: choose a unit and quantity, "
            "or leave the line out."
        )
    elif quantity is None or quantity <= 0:
        problem = NO_QUANTITY
        quantity = None
    elif not name:
        problem = NO_NAME
    return _line(
        original,
        notes,
        quantity=quantity,
        unit=unit,
        name=name,
        page_unit=page_unit,
        problem=problem,
    )


def _add_parts(quantity: Decimal | None, unit: str, parts: list[dict[str, Any]]) -> Decimal | None:
    """ "1 lb 4 oz": later parts in the same family are added in the first part's unit."""
    if quantity is None or unit not in UNITS:
        return quantity
    total = quantity
    for part in parts:
        other = PARSER_UNITS.get(str(part.get("unit") or ""), "")
        amount = _to_decimal(part.get("amount"))
        if not other or amount is None or family_of(other) != family_of(unit):
            continue
        try:
            total += convert(amount, other, unit)
        except ConversionError:
            continue
    return _plain(total)
