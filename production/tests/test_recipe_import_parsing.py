"""Reading recipe pages and ingredient lines (docs/recipe-import.md): no database."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from bakeplanner.errors import ValidationFailed
from production.recipe_import import (
    MAX_SOURCE_BYTES,
    decode_source,
    page_address,
    parse_ingredient_line,
    parse_yield,
    read_recipe,
)

PAGES = Path(__file__).parent / "fixtures" / "recipe-pages"
PAGE_NAMES = sorted(path.stem for path in PAGES.glob("*.html"))


def _page(name: str) -> str:
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


def _expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))


def test_all_five_saved_pages_are_in_the_fixtures():
    assert len(PAGE_NAMES) == 5


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_reads_to_the_expected_title(name):
    assert read_recipe(_page(name)).title == _expected(name)["title"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_reads_to_the_expected_ingredient_lines(name):
    recipe = read_recipe(_page(name))
    assert [line.text for line in recipe.lines] == _expected(name)["ingredients"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_reads_its_yield_and_address(name):
    recipe = read_recipe(_page(name))
    assert recipe.yields_text == _expected(name)["yields"]
    assert recipe.address == _expected(name)["canonical_url"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_most_lines_of_each_page_are_ready_to_import(name):
    lines = read_recipe(_page(name)).lines
    ready = [line for line in lines if line.ready]
    assert len(ready) >= len(lines) - 2


def test_king_arthur_lines_parse_to_quantity_unit_and_name():
    lines = read_recipe(_page("kingarthur")).lines
    assert (lines[0].quantity, lines[0].unit, lines[0].name) == (
        Decimal("2"),
        "cup",
        "medium rye flour",
    )
    assert lines[0].notes == "212g"
    assert (lines[9].quantity, lines[9].unit, lines[9].name) == (Decimal("1"), "each", "large egg")


# (line, quantity, unit, ingredient name, ready)
LINE_CASES = [
    ("2 1/4 cups all-purpose flour, sifted", "2.25", "cup", "all-purpose flour", True),
    ("1/2 teaspoon salt", "0.5", "tsp", "salt", True),
    ("½ tsp vanilla extract", "0.5", "tsp", "vanilla extract", True),
    ("1½ cups sugar", "1.5", "cup", "sugar", True),
    ("1⅔ cups all-purpose flour (200g)", "1.667", "cup", "all-purpose flour", True),
    ("1 ⅓ cups flour", "1.333", "cup", "flour", True),
    ("1 and 1/2 teaspoons pure vanilla extract", "1.5", "tsp", "pure vanilla extract", True),
    ("2-3 eggs", "3", "each", "eggs", True),
    ("2 to 3 tablespoons milk", "3", "tbsp", "milk", True),
    ("1 (8 oz) package cream cheese", "8", "oz", "cream cheese", True),
    ("2 x 400g cans tomatoes", "800", "g", "tomatoes", True),
    ("250 g butter", "250", "g", "butter", True),
    ("250g self-raising flour", "250", "g", "self-raising flour", True),
    ("1 kg flour", "1", "kg", "flour", True),
    ("500 ml milk", "500", "ml", "milk", True),
    ("1 lb 4 oz butter", "1.25", "lb", "butter", True),
    ("12 ounces ground chicken", "12", "oz", "ground chicken", True),
    ("3 tbsp. butter", "3", "tbsp", "butter", True),
    ("1 fl oz rum", "1", "fl oz", "rum", True),
    ("1 dozen eggs", "1", "dozen", "eggs", True),
    ("1 egg, at room temperature", "1", "each", "egg", True),
    ("one egg", "1", "each", "egg", True),
    ("3/4 cup (12 Tbsp; 170g) unsalted butter, softened", "0.75", "cup", "unsalted butter", True),
    ("salt to taste", None, "", "salt to taste", False),
    ("food colourings (optional)", None, "", "food colourings", False),
    ("For the frosting:", None, "", "For the frosting", False),
    ("2 sticks butter", "2", "", "butter", False),
    ("a pinch of salt", "1", "", "salt", False),
    ("3 cloves garlic", "3", "", "garlic", False),
    ("5 mg saffron", "5", "", "saffron", False),
    ("0 cups sugar", None, "cup", "sugar", False),
    ("", None, "", "", False),
]


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "name", "ready"),
    LINE_CASES,
    ids=[c[0] or "empty" for c in LINE_CASES],
)
def test_ingredient_line_parses(text, quantity, unit, name, ready):
    line = parse_ingredient_line(text)
    assert line.quantity == (Decimal(quantity) if quantity is not None else None)
    assert line.unit == unit
    assert line.name == name
    assert line.ready is ready


def test_a_range_keeps_the_page_range_in_the_notes():
    assert parse_ingredient_line("2-3 eggs").notes == "2–3 on the page"


def test_a_unit_the_app_does_not_know_is_named_in_the_problem():
    line = parse_ingredient_line("2 sticks butter")
    assert line.page_unit == "stick"
    assert "“stick” is not a unit BakePlanner knows" in line.problem


def test_a_line_without_quantity_says_so():
    assert parse_ingredient_line("salt to taste").problem.startswith("No quantity")


def test_an_overlong_line_is_refused():
    line = parse_ingredient_line("1 cup " + "very " * 80 + "fine sugar")
    assert not line.ready
    assert "longer than" in line.problem


@pytest.mark.parametrize(
    ("text", "items", "unit"),
    [
        ("24 cookies", 24, "cookie"),
        ("2 dozen", 24, ""),
        ("12 items", 12, ""),
        ("8 servings", 8, "serving"),
        ("24-30 brownies", 24, "brownie"),
        ("1 loaf", 1, "loaf"),
    ],
)
def test_yield_parses(text, items, unit):
    result = parse_yield(text)
    assert result is not None
    assert (result.items, result.item_unit) == (items, unit)


def test_yield_without_a_number_is_none():
    assert parse_yield("a big batch") is None


def test_pasted_json_ld_reads_as_a_recipe():
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Our blog"},
            {
                "@type": "Recipe",
                "name": "Shortbread",
                "url": "https://example.com/shortbread",
                "recipeYield": "16 pieces",
                "recipeIngredient": ["250 g butter", "125 g caster sugar", "375 g plain flour"],
            },
        ],
    }
    recipe = read_recipe(json.dumps(data))
    assert recipe.title == "Shortbread"
    assert recipe.address == "https://example.com/shortbread"
    assert [(line.quantity, line.unit, line.name) for line in recipe.lines] == [
        (Decimal(250), "g", "butter"),
        (Decimal(125), "g", "caster sugar"),
        (Decimal(375), "g", "plain flour"),
    ]


def test_html_without_canonical_link_reads_with_no_address():
    payload = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Recipe",
            "name": "Fudge",
            "recipeIngredient": ["1 cup sugar"],
        }
    )
    html = f'<html><head><script type="application/ld+json">{payload}</script></head></html>'
    recipe = read_recipe(html)
    assert (recipe.title, recipe.address) == ("Fudge", "")


def test_page_address_prefers_the_canonical_link():
    html = (
        '<meta property="og:url" content="https://b.example/x">'
        '<link href="https://a.example/x" rel="canonical">'
    )
    assert page_address(html) == "https://a.example/x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just some words about cookies", "not a web page's HTML"),
        ('{"name": "Cookies"', "not valid JSON"),
        ('{"@type": "Person", "name": "Sally"}', "no schema.org Recipe"),
        ("<html><body><p>Hello</p></body></html>", "No recipe was found"),
        ("   ", "Upload a saved recipe page"),
    ],
    ids=["plain text", "broken json", "json without recipe", "html without recipe", "empty"],
)
def test_source_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValidationFailed) as refused:
        read_recipe(text)
    assert message in str(refused.value)


def test_a_source_over_the_size_limit_is_refused():
    with pytest.raises(ValidationFailed, match="too big"):
        read_recipe("<html>" + "x" * MAX_SOURCE_BYTES + "</html>")


def test_a_binary_file_is_refused():
    with pytest.raises(ValidationFailed, match="not a web page"):
        decode_source(b"PK\x03\x04\x00\x00binary")


def test_a_windows_encoded_file_is_decoded():
    assert decode_source("Crème brûlée".encode("cp1252")) == "Crème brûlée"
