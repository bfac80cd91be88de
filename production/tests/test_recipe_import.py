"""Importing a recipe from a saved page: matching, the preview, the confirm, refusals,
roles and household isolation (docs/recipe-import.md)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bakeplanner.errors import ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from production.models import FinishedUnit, Ingredient, Recipe, RecipeIngredient
from production.services import import_recipe, match_ingredient
from production.services.recipe_import import BakedItem, ImportLine, LineRefused

IMPORT = reverse("production:recipe_import")
PAGES = Path(__file__).parent / "fixtures" / "recipe-pages"
KING_ARTHUR = "Spiced Rye Ginger Cookies"


def _upload(name: str = "kingarthur") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{name}.html", (PAGES / f"{name}.html").read_bytes(), content_type="text/html"
    )


def _ingredient(household, name, family="weight"):
    return Ingredient.objects.create(household=household, name=name, stock_family=family)


def _preview(client, name: str = "kingarthur"):
    return client.post(IMPORT, {"step": "read", "page": _upload(name)})


def _confirm_data(response) -> dict[str, str]:
    """The preview's form as the browser would post it, unchanged."""
    data: dict[str, str] = {"step": "confirm"}
    forms = [response.context["form"], response.context["formset"].management_form]
    forms += list(response.context["formset"].forms)
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = str(value)
    return data


def _line_index(data: dict[str, str], source: str) -> int:
    return next(
        int(key.split("-")[1])
        for key, value in data.items()
        if key.endswith("-source") and value == source
    )


# --- Matching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("household_name", "page_name"),
    [
        ("Salt", "salt"),
        ("Egg", "eggs"),
        ("Eggs", "egg"),
        ("Egg", "large egg"),
        ("Unsalted butter", "unsalted butter melted"),
        ("Powdered sugar", "icing sugar"),
        ("Baking soda", "bicarbonate of soda"),
        ("All-purpose flour", "plain flour"),
        ("Cinnamon", "ground cinnamon"),
        ("Cherries", "cherry"),
    ],
)
def test_a_line_matches_the_households_ingredient(tx, household, household_name, page_name):
    ingredient = _ingredient(household, household_name)
    assert match_ingredient(tx, page_name) == ingredient


def test_an_unknown_ingredient_matches_nothing(tx, household):
    _ingredient(household, "Flour")
    assert match_ingredient(tx, "saffron") is None


def test_matching_never_sees_another_households_ingredients(tx, outsider_household):
    _ingredient(outsider_household, "Salt")
    assert match_ingredient(tx, "salt") is None


# --- The preview --------------------------------------------------------------------------------


def test_preview_shows_the_page_and_writes_nothing(member_client, household):
    _ingredient(household, "Salt")
    before = db_snapshot()
    response = _preview(member_client)
    assert response.status_code == 200
    assert db_snapshot() == before
    page = response.content.decode()
    assert "Check the imported recipe" in page
    assert KING_ARTHUR in page
    assert "3/4 cup (149g) granulated sugar" in page
    assert "https://www.kingarthurbaking.com/recipes/spiced-rye-ginger-cookies-recipe" in page


def test_preview_selects_the_matched_ingredient(member_client, household):
    salt = _ingredient(household, "Salt")
    response = _preview(member_client)
    data = _confirm_data(response)
    index = _line_index(data, "1/2 teaspoon salt")
    assert data[f"form-{index}-ingredient"] == str(salt.pk)
    assert Ingredient.objects.filter(household=household).count() == 1


def test_preview_offers_a_new_ingredient_for_an_unmatched_line(member_client):
    data = _confirm_data(_preview(member_client))
    index = _line_index(data, "1/4 cup (85g) molasses")
    assert data[f"form-{index}-ingredient"] == "new"
    assert data[f"form-{index}-new_name"] == "Molasses"
    assert (data[f"form-{index}-quantity"], data[f"form-{index}-unit"]) == ("0.25", "cup")


def test_preview_shows_a_line_without_quantity_left_out(member_client):
    response = _preview(member_client, "bbcgoodfood_2")
    data = _confirm_data(response)
    index = _line_index(data, "food colourings (optional)")
    assert data[f"form-{index}-ingredient"] == ""
    assert "No quantity" in response.content.decode()


def test_preview_suggests_a_free_name_when_the_title_is_taken(member_client, household):
    Recipe.objects.create(household=household, name=KING_ARTHUR)
    response = _preview(member_client)
    assert f"A recipe named “{KING_ARTHUR}” already exists" in response.content.decode()
    assert response.context["form"]["name"].value() == f"{KING_ARTHUR} (2)"


def test_a_file_that_is_not_a_page_is_refused_and_writes_nothing(member_client):
    before = db_snapshot()
    upload = SimpleUploadedFile("notes.txt", b"flour, sugar, butter", content_type="text/plain")
    response = member_client.post(IMPORT, {"step": "read", "page": upload})
    assert response.status_code == 200
    assert "not a web page" in response.content.decode()
    assert db_snapshot() == before


def test_a_file_over_the_size_limit_is_refused(member_client):
    upload = SimpleUploadedFile("huge.html", b"<html>" + b"x" * (3 * 1024 * 1024))
    response = member_client.post(IMPORT, {"step": "read", "page": upload})
    assert "too big" in response.content.decode()
    assert not Recipe.objects.exists()


def test_pasted_source_is_read_like_an_upload(member_client):
    html = (PAGES / "preppykitchen_1.html").read_text(encoding="utf-8")
    response = member_client.post(IMPORT, {"step": "read", "source": html})
    assert "Rocky Road Cookies Recipe" in response.content.decode()
    assert not Recipe.objects.exists()


# --- The confirm ------------------------------------------------------------------------------


def test_confirm_creates_the_recipe_its_lines_and_the_baked_item(member_client, household):
    salt = _ingredient(household, "Salt", family="volume")
    data = _confirm_data(_preview(member_client))
    response = member_client.post(IMPORT, data, follow=True)
    recipe = Recipe.objects.get(household=household, name=KING_ARTHUR)
    assert f"Imported {KING_ARTHUR} with 12 ingredient lines." in response.content.decode()
    lines = list(RecipeIngredient.objects.filter(recipe=recipe).order_by("pk"))
    assert len(lines) == 12
    assert (lines[2].ingredient, lines[2].quantity, lines[2].unit) == (salt, Decimal("0.5"), "tsp")
    assert "https://www.kingarthurbaking.com/recipes/spiced-rye-ginger-cookies-recipe" in (
        recipe.notes
    )
    item = FinishedUnit.objects.get(recipe=recipe)
    assert (item.items_per_batch, item.item_unit) == (22, "cookie")
    assert not recipe.incomplete


def test_confirm_creates_each_new_ingredient_in_its_units_family(member_client, household):
    member_client.post(IMPORT, _confirm_data(_preview(member_client)))
    families = dict(
        Ingredient.objects.filter(household=household).values_list("name", "stock_family")
    )
    assert families["Molasses"] == "volume"
    assert families["Large egg"] == "count"


def test_confirm_creates_a_repeated_new_ingredient_once(member_client, household):
    member_client.post(IMPORT, _confirm_data(_preview(member_client, "tasteofhome_2")))
    recipe = Recipe.objects.get(household=household)
    soy = Ingredient.objects.get(household=household, name="Soy sauce")
    assert RecipeIngredient.objects.filter(recipe=recipe, ingredient=soy).count() == 2


def test_a_left_out_line_is_named_in_the_notes(member_client, household):
    data = _confirm_data(_preview(member_client, "bbcgoodfood_2"))
    member_client.post(IMPORT, data)
    recipe = Recipe.objects.get(household=household, name="Monster cupcakes")
    assert "Left out when imported: food colourings (optional)" in recipe.notes
    assert recipe.incomplete
    assert RecipeIngredient.objects.filter(recipe=recipe).count() == 12


def test_edits_on_the_preview_are_what_is_created(member_client, household):
    data = _confirm_data(_preview(member_client))
    index = _line_index(data, "1/2 teaspoon salt")
    data["name"] = "Rye ginger cookies"
    data["category"] = "Cookies"
    data[f"form-{index}-quantity"] = "3"
    data[f"form-{index}-unit"] = "g"
    member_client.post(IMPORT, data)
    recipe = Recipe.objects.get(household=household)
    assert (recipe.name, recipe.category) == ("Rye ginger cookies", "Cookies")
    salt = RecipeIngredient.objects.get(recipe=recipe, ingredient__name="Salt")
    assert (salt.quantity, salt.unit) == (Decimal(3), "g")


def test_a_line_without_unit_is_refused_and_writes_nothing(member_client):
    data = _confirm_data(_preview(member_client, "bbcgoodfood_2"))
    index = _line_index(data, "food colourings (optional)")
    data[f"form-{index}-ingredient"] = "new"
    before = db_snapshot()
    response = member_client.post(IMPORT, data)
    assert response.status_code == 200
    assert "Enter a quantity, or leave the line out." in response.content.decode()
    assert "Choose a unit, or leave the line out." in response.content.decode()
    assert db_snapshot() == before


def test_preview_warns_when_the_matched_ingredient_cannot_take_the_unit(member_client, household):
    _ingredient(household, "Salt", family="count")
    response = _preview(member_client)
    assert "Salt is kept in each, and tsp cannot be converted to it" in response.content.decode()
    assert not Recipe.objects.exists()


def test_a_line_the_service_refuses_writes_nothing(member_client, household):
    _ingredient(household, "Salt", family="count")
    data = _confirm_data(_preview(member_client))
    before = db_snapshot()
    response = member_client.post(IMPORT, data)
    assert response.status_code == 200
    assert "tsp cannot be used for Salt" in response.content.decode()
    assert db_snapshot() == before


def test_a_taken_name_is_refused_with_a_suggestion(member_client, household):
    data = _confirm_data(_preview(member_client))
    Recipe.objects.create(household=household, name=KING_ARTHUR.upper())
    before = db_snapshot()
    response = member_client.post(IMPORT, data)
    page = response.content.decode()
    assert f"A recipe named “{KING_ARTHUR}” already exists; try “{KING_ARTHUR} (2)”." in page
    assert db_snapshot() == before


def test_an_ingredient_of_another_household_cannot_be_chosen(
    member_client, household, outsider_household
):
    foreign = _ingredient(outsider_household, "Salt")
    data = _confirm_data(_preview(member_client))
    data["form-2-ingredient"] = str(foreign.pk)
    before = db_snapshot()
    response = member_client.post(IMPORT, data)
    assert "Select a valid choice" in response.content.decode()
    assert db_snapshot() == before


def test_posting_the_confirm_twice_creates_one_recipe(member_client, household):
    data = _confirm_data(_preview(member_client))
    member_client.post(IMPORT, data)
    response = member_client.post(IMPORT, data, follow=True)
    assert "already saved" in response.content.decode()
    assert Recipe.objects.filter(household=household).count() == 1


# --- The service ------------------------------------------------------------------------------


def _lines(flour: Ingredient) -> list[ImportLine]:
    return [
        ImportLine(quantity=Decimal(200), unit="g", ingredient_id=flour.pk),
        ImportLine(quantity=Decimal(2), unit="each", ingredient_id=None, new_name="Egg"),
    ]


def test_import_recipe_is_all_or_nothing(household):
    flour = _ingredient(household, "Flour")
    assert_all_or_nothing(
        household,
        lambda tx: import_recipe(
            tx,
            name="Sugar cookies",
            lines=_lines(flour),
            baked_item=BakedItem(name="Sugar cookies", items_per_batch=24, item_unit="cookie"),
        ),
        expect_changed={
            "production.Recipe",
            "production.RecipeIngredient",
            "production.Ingredient",
            "production.FinishedUnit",
        },
    )


def test_import_recipe_names_the_refused_line(tx, household):
    flour = _ingredient(household, "Flour")
    lines = [*_lines(flour), ImportLine(quantity=Decimal(1), unit="cup", ingredient_id=flour.pk)]
    with pytest.raises(LineRefused) as refused:
        import_recipe(tx, name="Sugar cookies", lines=lines)
    assert refused.value.index == 2
    assert "cup cannot be converted to g for Flour" in str(refused.value)


def test_import_recipe_refuses_when_every_line_is_left_out(tx):
    with pytest.raises(ValidationFailed, match="Keep at least one ingredient line"):
        import_recipe(tx, name="Sugar cookies", lines=[], left_out=["salt to taste"])


# --- Roles ------------------------------------------------------------------------------------


def test_member_sees_the_import_page(member_client):
    response = member_client.get(IMPORT)
    assert response.status_code == 200
    assert "Import a recipe" in response.content.decode()


def test_recipe_list_links_to_the_import_for_a_member(member_client):
    response = member_client.get(reverse("production:recipe_list"))
    assert f'href="{IMPORT}"' in response.content.decode()


def test_viewer_cannot_import(viewer_client):
    before = db_snapshot()
    assert viewer_client.get(IMPORT).status_code == 403
    assert viewer_client.post(IMPORT, {"step": "read", "page": _upload()}).status_code == 403
    assert db_snapshot() == before


def test_viewer_does_not_see_the_import_link(viewer_client):
    response = viewer_client.get(reverse("production:recipe_list"))
    assert f'href="{IMPORT}"' not in response.content.decode()
