"""Names are stored normalised and compared casefolded, the same on SQLite and PostgreSQL.

Run on both databases (set DATABASE_URL for PostgreSQL): every test here is meant to give
the same answer on each.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from bakeplanner.backup import database_is_empty
from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.names import name_key, normalize_name, unique_names
from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.models import Event, Package, Recipient
from events.services import (
    create_event,
    create_package,
    create_recipient,
    get_event_by_name,
    update_event,
)
from production.models import FinishedGood, FinishedUnit, Ingredient, Product, Recipe
from production.services import (
    create_finished_good,
    create_finished_unit,
    create_ingredient,
    create_product,
    create_recipe,
    update_recipe,
)

PLAIN = "Ginger Snaps"
LOOK_ALIKES = [
    pytest.param("Ginger  Snaps", id="double-space"),
    pytest.param("Ginger\u00a0Snaps", id="no-break-space"),
    pytest.param("Ginger\tSnaps", id="tab"),
    pytest.param("Gin\u200bger Snaps", id="zero-width-space"),
    pytest.param("\u200bGinger Snaps\ufeff", id="zero-width-space-and-bom-at-ends"),
    pytest.param("Ginger S\u00adnaps", id="soft-hyphen"),
    pytest.param("Ginger\u200d Snaps", id="zero-width-joiner"),
    pytest.param("\uff27\uff49\uff4e\uff47\uff45\uff52 Snaps", id="full-width"),
    pytest.param("  GINGER snaps ", id="case-and-ends"),
]


# --- The rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_look_alike_spellings_have_the_plain_names_key(spelling):
    assert name_key(spelling) == name_key(PLAIN)


def test_zero_width_joiner_inside_a_word_is_removed():
    assert normalize_name("Ginger\u200dSnaps") == "GingerSnaps"


def test_decomposed_accent_is_stored_composed():
    assert normalize_name("Cre\u0300me") == "Crème"


def test_accented_capitals_casefold_to_the_same_key():
    assert name_key("CRÈME") == name_key("Crème") == name_key("Cre\u0300me")


def test_sharp_s_matches_double_s():
    assert name_key("Straße") == name_key("STRASSE")


def test_different_letters_keep_different_keys():
    assert name_key("Creme") != name_key("Crème")


def test_name_of_only_invisible_characters_normalises_to_empty():
    assert normalize_name("\u200b \u00a0\ufeff") == ""


# --- Services --------------------------------------------------------------------------------


def test_stored_name_is_the_normalised_form(tx):
    ingredient = create_ingredient(
        tx, name=" \uff27inger\u00a0\u00a0Sna\u00adps\u200b\n", stock_family="weight"
    )
    ingredient.refresh_from_db()
    assert ingredient.name == "Ginger Snaps"
    assert ingredient.name_key == "ginger snaps"


def test_notes_are_stored_as_given(tx):
    notes = "Keep  dry\u00a0\u200b — ＦＵＬＬ width"
    ingredient = create_ingredient(tx, name="Flour", stock_family="weight", notes=notes)
    ingredient.refresh_from_db()
    assert ingredient.notes == notes


def test_uppercase_accented_duplicate_ingredient_is_refused(tx):
    create_ingredient(tx, name="Crème", stock_family="volume")
    with pytest.raises(ValidationFailed, match="An ingredient named 'Crème' already exists"):
        create_ingredient(tx, name="CRÈME", stock_family="volume")
    assert list(Ingredient.objects.values_list("name", flat=True)) == ["Crème"]


def test_decomposed_accent_duplicate_ingredient_is_refused(tx):
    create_ingredient(tx, name="Crème", stock_family="volume")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_ingredient(tx, name="Cre\u0300me", stock_family="volume")
    assert Ingredient.objects.count() == 1


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_look_alike_recipe_name_is_refused(tx, spelling):
    create_recipe(tx, name=PLAIN)
    with pytest.raises(ValidationFailed, match="A recipe named .* already exists"):
        create_recipe(tx, name=spelling)
    assert Recipe.objects.count() == 1


def test_look_alike_finished_good_name_is_refused(tx):
    create_finished_good(tx, name="Noël Tin")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_finished_good(tx, name="NOE\u0308L\u00a0TIN")
    assert FinishedGood.objects.count() == 1


def test_look_alike_baked_item_name_is_refused_in_one_recipe(tx):
    recipe = create_recipe(tx, name="Shortbread")
    create_finished_unit(tx, recipe.pk, name="Petit four", items_per_batch=24)
    with pytest.raises(ValidationFailed, match="already has an item"):
        create_finished_unit(tx, recipe.pk, name="PETIT  FOUR", items_per_batch=24)
    assert FinishedUnit.objects.count() == 1


def test_look_alike_product_is_refused_for_one_ingredient(tx):
    butter = create_ingredient(tx, name="Butter", stock_family="weight")
    create_product(tx, butter.pk, brand="Président", package_quantity="250", package_unit="g")
    with pytest.raises(ValidationFailed, match="already has the product"):
        create_product(
            tx, butter.pk, brand="PRE\u0301SIDENT ", package_quantity="250", package_unit="g"
        )
    assert Product.objects.count() == 1


def test_look_alike_event_name_is_refused(tx):
    create_event(tx, name="Fête d'hiver", event_date="2026-12-20")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_event(tx, name="FÊTE  D'HIVER", event_date="2026-12-21")
    assert Event.objects.count() == 1


def test_look_alike_package_name_is_refused(tx):
    create_package(tx, name="Grand cadeau")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_package(tx, name="Grand\u200b cadeau")
    assert Package.objects.count() == 1


def test_recipient_name_is_stored_normalised(tx):
    recipient = create_recipient(tx, name=" Tante\u00a0Zoé\u200b ", household_name="Les  Dupont")
    recipient.refresh_from_db()
    assert (recipient.name, recipient.household_name) == ("Tante Zoé", "Les Dupont")
    assert Recipient.objects.count() == 1


def test_renaming_to_a_look_alike_of_another_recipe_is_refused(tx):
    create_recipe(tx, name="Crème brûlée")
    other = create_recipe(tx, name="Custard")
    with pytest.raises(ValidationFailed, match="already exists"):
        update_recipe(tx, other.pk, name="CRÈME BRÛLÉE")
    other.refresh_from_db()
    assert other.name == "Custard"


def test_renaming_a_recipe_to_its_own_name_in_capitals_is_allowed(tx):
    recipe = create_recipe(tx, name="Crème brûlée")
    update_recipe(tx, recipe.pk, name="CRÈME BRÛLÉE")
    recipe.refresh_from_db()
    assert (recipe.name, recipe.name_key) == ("CRÈME BRÛLÉE", "crème brûlée")


def test_event_rename_keeps_key_and_slug_in_step(tx):
    event = create_event(tx, name="Winter", event_date="2026-12-20")
    update_event(tx, event.pk, name="Noël\u00a0\u00a0party")
    event.refresh_from_db()
    assert (event.name, event.name_key, event.slug) == ("Noël party", "noël party", "noel-party")


def test_event_name_without_ascii_letters_gets_a_plain_slug(tx):
    event = create_event(tx, name="\uff08\u2603\uff09", event_date="2026-12-20")
    assert event.slug == "event"


def test_event_found_by_a_look_alike_of_its_name(tx):
    event = create_event(tx, name="Noël", event_date="2026-12-20")
    assert get_event_by_name(tx, "NOE\u0308L\u200b") == event


def test_event_lookup_by_invisible_name_is_not_found(tx):
    create_event(tx, name="Noël", event_date="2026-12-20")
    with pytest.raises(NotFound):
        get_event_by_name(tx, "\u200b")


def test_name_of_only_invisible_characters_is_refused(tx):
    with pytest.raises(ValidationFailed, match="required"):
        create_ingredient(tx, name="\u200b\u00a0", stock_family="weight")
    assert Ingredient.objects.count() == 0


# --- Models: admin forms and bulk writes ----------------------------------------------------


def test_model_validation_refuses_a_look_alike_even_without_the_key_in_the_form(household):
    Ingredient.objects.create(household=household, name="Crème", stock_family="volume")
    duplicate = Ingredient(household=household, name="CRÈME", stock_family="volume")
    with pytest.raises(ValidationError, match="An ingredient with this name already exists"):
        # What a model form (the admin) runs: the key is not one of its fields.
        duplicate.full_clean(exclude=["name_key"])


def test_bulk_create_fills_the_keys(household):
    Package.objects.bulk_create([Package(household=household, name=" Big\u00a0Box ")])
    assert list(Package.objects.values_list("name", "name_key")) == [("Big Box", "big box")]


def test_save_with_update_fields_keeps_the_key_in_step(household):
    package = Package.objects.create(household=household, name="Small")
    package.name = "LARGE"
    package.save(update_fields=["name"])
    assert Package.objects.values_list("name_key", flat=True).get() == "large"


# --- Web -------------------------------------------------------------------------------------


def test_web_create_of_a_capitalised_duplicate_shows_the_form_error(member_client, household):
    Ingredient.objects.create(household=household, name="Crème", stock_family="volume")
    response = member_client.post(
        reverse("production:ingredient_create"),
        {"name": "CRÈME", "kind": "food", "stock_family": "volume"},
    )
    assert response.status_code == 200
    assert "An ingredient named &#x27;Crème&#x27; already exists." in response.content.decode()
    assert list(Ingredient.objects.values_list("name", flat=True)) == ["Crème"]


# --- Migration of existing names ----------------------------------------------------------


def test_existing_duplicates_are_renamed_in_id_order():
    rows = [(3, 1, "Ginger  Snaps"), (1, 1, "Ginger Snaps"), (7, 1, "ginger snaps (2)")]
    assert unique_names(rows, max_length=120) == {
        1: ("Ginger Snaps", "ginger snaps"),
        3: ("Ginger Snaps (3)", "ginger snaps (3)"),
        7: ("ginger snaps (2)", "ginger snaps (2)"),
    }


def test_same_name_in_two_scopes_is_not_renamed():
    rows = [(1, "household 1", "Flour"), (2, "household 2", "FLOUR")]
    assert unique_names(rows, max_length=120) == {1: ("Flour", "flour"), 2: ("FLOUR", "flour")}


def test_renamed_duplicate_still_fits_the_column():
    long_name = "x" * 120
    names = unique_names([(1, 0, long_name), (2, 0, long_name.upper())], max_length=120)
    assert names[2][0] == "X" * 116 + " (2)"


@pytest.mark.django_db(transaction=True)
def test_migration_renames_names_that_collide_under_the_new_rule():
    executor = MigrationExecutor(connection)
    before = [("production", "0001_initial"), ("events", "0002_initial")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        household = old.get_model("bakeplanner", "Household").objects.create(name="Old data")
        old_ingredient = old.get_model("production", "Ingredient")
        for name in ("Ginger Snaps", "Ginger  Snaps", "Ginger\u00a0Snaps"):
            old_ingredient.objects.create(household=household, name=name, stock_family="count")
        old.get_model("events", "Event").objects.create(
            household=household, name="Noël", slug="noel", event_date="2026-12-24"
        )
        old.get_model("events", "Event").objects.create(
            household=household, name="Noe\u0308l", slug="noel-2", event_date="2026-12-25"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Ingredient.objects.order_by("pk").values_list("name", "name_key")) == [
        ("Ginger Snaps", "ginger snaps"),
        ("Ginger Snaps (2)", "ginger snaps (2)"),
        ("Ginger Snaps (3)", "ginger snaps (3)"),
    ]
    assert list(Event.objects.order_by("pk").values_list("name", "slug")) == [
        ("Noël", "noel"),
        ("Noël (2)", "noel-2"),
    ]


# --- Restore ---------------------------------------------------------------------------------


def _backup_rows(ingredient_names: list[str]) -> list[dict]:
    """A backup as an older version wrote it: no key columns."""
    rows: list[dict] = [
        {
            "model": "bakeplanner.household",
            "pk": 1,
            "fields": {"name": "Crafted", "created_at": "2026-01-01T00:00:00+00:00"},
        },
    ]
    for pk, name in enumerate(ingredient_names, start=1):
        rows.append(
            {
                "model": "production.ingredient",
                "pk": pk,
                "fields": {
                    "household": 1,
                    "name": name,
                    "kind": "food",
                    "category": "",
                    "stock_family": "volume",
                    "density_g_per_cup": None,
                    "notes": "",
                    "created_at": "2026-01-01T00:00:00+00:00",
                    "updated_at": "2026-01-01T00:00:00+00:00",
                },
            }
        )
    return rows


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_backup_with_colliding_names_and_names_them(tmp_path):
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(_backup_rows(["Crème", "Flour", "CRÈME"])), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path))
    message = str(refused.value)
    assert "ingredient 'Crème' (id 1) and 'CRÈME' (id 3)" in message
    assert "nothing was restored" in message
    assert database_is_empty()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_look_alike_spacing_in_an_old_backup(tmp_path):
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(_backup_rows(["Ginger Snaps", "Ginger \u200bSnaps"])), "utf-8")
    with pytest.raises(CommandError, match=r"'Ginger Snaps' \(id 1\) and 'Ginger \\u200bSnaps'"):
        call_command("restore", str(path))
    assert database_is_empty()


@pytest.mark.django_db(transaction=True)
def test_restore_of_an_old_backup_normalises_names_and_fills_keys(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(_backup_rows(["  Crème\u00a0fraîche ", "Flour"])), "utf-8")
    call_command("restore", str(path))
    assert list(Ingredient.objects.order_by("pk").values_list("name", "name_key")) == [
        ("Crème fraîche", "crème fraîche"),
        ("Flour", "flour"),
    ]


@pytest.mark.django_db(transaction=True)
def test_restore_of_a_new_backup_gives_back_every_row(tmp_path):
    from bakeplanner.households import create_household

    household = create_household("Round trip")
    with unit_of_work(household) as tx:
        butter = create_ingredient(tx, name="Crème", stock_family="weight")
        create_product(tx, butter.pk, brand="Élan", package_quantity="250", package_unit="g")
        create_event(tx, name="Noël", event_date="2026-12-24")
    before = db_snapshot()
    path = tmp_path / "backup.json"
    call_command("backup", "--output", str(path))
    call_command("flush", "--no-input", verbosity=0)
    call_command("restore", str(path))
    assert db_snapshot() == before
    assert Product.objects.get().package_quantity == Decimal("250")


@pytest.mark.parametrize("spelling", ["CRÈME Bakers", "Cre\u0300me  Bakers", "Crème\u200b Bakers"])
def test_household_names_follow_the_naming_rule(db, spelling):
    from bakeplanner.households import create_household

    create_household("Crème Bakers")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_household(spelling)
