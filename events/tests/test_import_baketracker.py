"""Importing a bake-tracker export: the sample household, refusals, dry runs, re-imports."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from functools import cache
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.imports import ImportRefused, import_baketracker
from events.models import Event, ImportedRecord, Recipient
from production.models import (
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services import check_can_produce

FIXTURES = Path(__file__).parent / "fixtures" / "bake-tracker"
SAMPLE = FIXTURES / "sample_data_all_transformed.json"
WEIGHT_UNITS = {"g", "kg", "oz", "lb"}
VOLUME_UNITS = {"ml", "l", "tsp", "tbsp", "fl oz", "cup", "pt", "qt", "gal"}


@cache
def _sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def sample() -> dict[str, Any]:
    return json.loads(_sample_text())


def run_import(household: Any, data: dict[str, Any], **options: Any) -> Any:
    with unit_of_work(household) as tx:
        return import_baketracker(tx, data, **options)


def write(tmp_path: Path, data: Any, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def command(path: Path, household: Any, *args: str) -> str:
    out = StringIO()
    call_command(
        "import_baketracker", str(path), "--household", str(household.pk), *args, stdout=out
    )
    return out.getvalue()


def small_export(**sections: Any) -> dict[str, Any]:
    """A tiny household: flour with a density, salt without one, eggs, one recipe."""
    data: dict[str, Any] = {
        "version": "4.1",
        "application": "bake-tracker",
        "ingredients": [
            {"slug": "baking", "display_name": "Baking", "hierarchy_level": 0},
            {
                "slug": "flours",
                "display_name": "Flours",
                "hierarchy_level": 1,
                "parent_slug": "baking",
            },
            {
                "slug": "flour_all_purpose",
                "display_name": "Flour, all-purpose",
                "hierarchy_level": 2,
                "parent_slug": "flours",
                "density_volume_value": 1.0,
                "density_volume_unit": "cup",
                "density_weight_value": 4.25,
                "density_weight_unit": "oz",
            },
            {"slug": "salt_fine", "display_name": "Salt, fine", "hierarchy_level": 2},
            {"slug": "eggs_whole", "display_name": "Eggs, whole", "hierarchy_level": 2},
        ],
        "products": [
            {
                "ingredient_slug": "flour_all_purpose",
                "brand": "Mill",
                "product_name": "Plain flour",
                "package_unit": "lb",
                "package_unit_quantity": 5.0,
                "gtin": "0123456789012",
            },
            {
                "ingredient_slug": "salt_fine",
                "brand": "Salt Co",
                "package_unit": "oz",
                "package_unit_quantity": 26.0,
            },
            {
                "ingredient_slug": "eggs_whole",
                "brand": "Farm",
                "package_unit": "each",
                "package_unit_quantity": 12.0,
            },
        ],
        "inventory_items": [
            {
                "ingredient_slug": "flour_all_purpose",
                "product_brand": "Mill",
                "product_name": "Plain flour",
                "package_unit": "lb",
                "package_unit_quantity": 5.0,
                "quantity": 5.0,
                "purchase_date": "2025-11-01",
            },
            {
                "ingredient_slug": "salt_fine",
                "product_brand": "Salt Co",
                "package_unit": "oz",
                "package_unit_quantity": 26.0,
                "quantity": 13.0,
                "purchase_date": "2025-11-02",
                "unit_cost": 0.1,
            },
        ],
        "recipes": [
            {
                "name": "Sugar Cookies",
                "slug": "sugar-cookies",
                "category": "Cookies",
                "finished_units": [],
                "components": [],
                "ingredients": [
                    {"ingredient_slug": "flour_all_purpose", "quantity": 2.0, "unit": "cup"},
                    {"ingredient_slug": "salt_fine", "quantity": 1.0, "unit": "tsp"},
                    {"ingredient_slug": "eggs_whole", "quantity": 2.0, "unit": "each"},
                ],
            }
        ],
        "finished_units": [
            {
                "slug": "sugar_cookie",
                "display_name": "Sugar cookie",
                "recipe_name": "Sugar Cookies",
                "yield_mode": "discrete_count",
                "items_per_batch": 36,
                "item_unit": "cookie",
            }
        ],
        "recipients": [{"name": "Anna", "household_name": "Smiths"}],
        "events": [{"name": "Christmas 2026", "event_date": "2026-12-15"}],
    }
    data.update(sections)
    return data


def _bad_lines_export() -> dict[str, Any]:
    data = small_export()
    data["recipes"][0]["ingredients"] += [
        {"ingredient_slug": "flour_all_purpose", "quantity": 1, "unit": "handful"},
        {"ingredient_slug": "cardamom_pods", "quantity": 3, "unit": "each"},
        {"ingredient_slug": "eggs_whole", "quantity": 0.5, "unit": "cup"},
    ]
    return data


# --- The sample household -----------------------------------------------------------------


def _expected_counts(data: dict[str, Any]) -> dict[str, int]:
    """What the file holds, kind by kind, read straight from its JSON."""
    baked = {u["slug"] for u in data["finished_units"]} | {
        u["slug"] for r in data["recipes"] for u in r["finished_units"]
    }
    return {
        # Levels 0 and 1 of bake-tracker's hierarchy are categories, level 2 ingredients.
        "ingredients": sum(1 for i in data["ingredients"] if i["hierarchy_level"] == 2),
        "packaging": len(data["materials"]),
        "products": len(data["products"]) + len(data["material_products"]),
        "lots": sum(1 for item in data["inventory_items"] if item["quantity"] > 0),
        "recipes": len(data["recipes"]),
        "baked_items": len(baked),
        "recipients": len(data["recipients"]),
        "events": len(data["events"]),
    }


def test_sample_imports_with_every_count_in_the_report_matching_the_file(household):
    data = sample()
    report = run_import(household, data, skip_invalid=True)

    expected = _expected_counts(data)
    for kind, count in expected.items():
        assert report.imported[kind] == count, kind
    lines_in_file = sum(len(r["ingredients"]) for r in data["recipes"])
    assert report.imported["recipe_lines"] + len(report.skipped) == lines_in_file
    assert report.suppliers == len(data["suppliers"])
    # The file has no prices (its purchases were cleared), so every lot's price is unknown.
    assert report.price_unknown_lots == expected["lots"]
    food = Ingredient.objects.filter(household=household, kind="food")
    assert food.count() == expected["ingredients"]
    assert Ingredient.objects.filter(household=household, kind="packaging").count() == len(
        data["materials"]
    )
    assert Product.objects.filter(household=household).count() == expected["products"]
    assert (
        InventoryLot.objects.filter(household=household, price_unknown=True).count()
        == (expected["lots"])
    )
    assert Recipe.objects.filter(household=household).count() == expected["recipes"]
    assert (
        RecipeIngredient.objects.filter(household=household).count()
        == (report.imported["recipe_lines"])
    )
    assert FinishedUnit.objects.filter(household=household).count() == expected["baked_items"]
    assert Recipient.objects.filter(household=household).count() == expected["recipients"]
    assert Event.objects.filter(household=household).count() == expected["events"]
    with_gtin = sum(1 for p in data["products"] if p.get("gtin") or p.get("upc_code"))
    assert Product.objects.filter(household=household).exclude(gtin="").count() == with_gtin


def test_sample_leaves_out_exactly_the_lines_no_density_can_convert(household):
    report = run_import(household, sample(), skip_invalid=True)

    # From the file: culinary lavender is bought by weight, measured in tablespoons, has no
    # density and is not in the estimate table; whole lemons are measured by volume three
    # times and counted ("each") twice, so they are kept in ml and the counted lines fail.
    assert sorted(p.where for p in report.skipped) == [
        "Recipe Lavender-Lemon Cake with Honey Glaze, line 12 (1.0 each lemon_whole)",
        "Recipe Lavender-Lemon Cake with Honey Glaze, line 7 (1.0 tbsp lavender_culinary)",
        "Recipe Lemon Bliss Cake, line 8 (2.0 each lemon_whole)",
    ]
    incomplete = Recipe.objects.filter(household=household, incomplete=True)
    assert sorted(incomplete.values_list("name", flat=True)) == [
        "Lavender-Lemon Cake with Honey Glaze",
        "Lemon Bliss Cake",
    ]
    cake = incomplete.get(name="Lemon Bliss Cake")
    assert "Imported from bake-tracker without these lines" in cake.notes
    assert "2.0 each lemon_whole" in cake.notes


def test_sample_estimates_the_density_of_every_weight_bought_volume_measured_ingredient(
    household,
):
    data = sample()
    report = run_import(household, data, skip_invalid=True)

    bought: dict[str, set[str]] = {}
    for product in data["products"]:
        bought.setdefault(product["ingredient_slug"], set()).add(product["package_unit"])
    measured: dict[str, set[str]] = {}
    for recipe in data["recipes"]:
        for line in recipe["ingredients"]:
            measured.setdefault(line["ingredient_slug"], set()).add(line["unit"])
    names = {i["slug"]: i["display_name"] for i in data["ingredients"]}
    without_density = {
        names[slug]
        for slug, units in bought.items()
        if units <= WEIGHT_UNITS
        and measured.get(slug, set()) & VOLUME_UNITS
        and "density_volume_value" not in next(i for i in data["ingredients"] if i["slug"] == slug)
    }
    # Lavender has no entry in the table: its line is left out instead.
    expected = without_density - {"Lavender, culinary"}
    assert {e.ingredient for e in report.estimated} == expected
    marked = Ingredient.objects.filter(household=household, density_estimated=True)
    assert set(marked.values_list("name", flat=True)) == expected
    assert marked.filter(density_g_per_cup__isnull=True).count() == 0


def test_recipe_needs_equal_the_file_quantities_converted_by_hand(household):
    run_import(household, sample(), skip_invalid=True)
    biscotti = Recipe.objects.get(household=household, name="Almond Biscotti")

    with unit_of_work(household) as tx:
        check = check_can_produce(tx, biscotti.pk, 100)

    needed = {row["ingredient_name"]: Decimal(row["needed"]) for row in check["missing"]}
    # Flour: the file says 1 cup = 4.42 oz, so 4.42 × 28.349523125 = 125.3048922 g per cup,
    # stored as 125.3049; 100 batches of 2 cups are 200 cups = 200 × 125.3049 =
    # 25,060.98 g, more than the one 25 lb bag (11,339.809 g).
    assert needed["Flour, all-purpose"] == Decimal("25060.980")
    # Chocolate chips: no density in the file; the estimate is 168 g per cup, and a batch
    # uses 1 cup, so 100 batches need 16,800 g (the 10 oz bag holds 283.495 g).
    assert needed["Chocolate chips, semi-sweet"] == Decimal("16800.000")
    # Baking powder: estimated 4.6 g per teaspoon (220.8 g per cup); 2 tsp = 9.2 g a batch,
    # 920 g for 100 batches (230 g on hand).
    assert needed["Baking powder"] == Decimal("920.000")
    assert check["can_produce"] is False


def test_sample_without_skip_invalid_is_refused_listing_every_problem(household):
    before = db_snapshot()

    with pytest.raises(ImportRefused) as refused:
        run_import(household, sample())

    assert len(refused.value.problems) == 3
    assert "3 problems" in refused.value.message
    assert {p.where.split(",")[0] for p in refused.value.problems} == {
        "Recipe Lavender-Lemon Cake with Honey Glaze",
        "Recipe Lemon Bliss Cake",
    }
    assert db_snapshot() == before


def test_importing_the_sample_twice_changes_nothing_the_second_time(household):
    run_import(household, sample(), skip_invalid=True)
    after_first = db_snapshot()

    again = run_import(household, sample(), skip_invalid=True)

    assert db_snapshot() == after_first
    assert again.total_imported == 0
    assert again.kept["ingredients"] == _expected_counts(sample())["ingredients"]
    assert again.kept["lots"] == _expected_counts(sample())["lots"]
    assert "Nothing new to import" in again.lines()[0]


# --- Refusals and options on a small file -----------------------------------------------


def test_refusal_lists_an_unknown_unit_a_missing_ingredient_and_an_unconvertible_line(
    household,
):
    before = db_snapshot()

    with pytest.raises(ImportRefused) as refused:
        run_import(household, _bad_lines_export())

    reasons = [str(p) for p in refused.value.problems]
    assert len(reasons) == 3
    assert "unknown unit 'handful'" in reasons[0]
    assert "ingredient 'cardamom_pods', which is not in the file" in reasons[1]
    assert "cup cannot be used for Eggs, whole, which is counted in each" in reasons[2]
    assert db_snapshot() == before


def test_skip_invalid_imports_the_rest_and_reports_each_skipped_line(household):
    report = run_import(household, _bad_lines_export(), skip_invalid=True)

    assert len(report.skipped) == 3
    assert report.imported["recipe_lines"] == 3
    recipe = Recipe.objects.get(household=household, name="Sugar Cookies")
    assert recipe.incomplete is True
    assert recipe.lines.count() == 3
    assert "unknown unit 'handful'" in recipe.notes
    assert any("Left out (3 rows)" in line for line in report.lines())


def test_small_file_maps_hierarchy_density_gtin_prices_and_baked_items(household):
    report = run_import(household, small_export())

    flour = Ingredient.objects.get(household=household, name="Flour, all-purpose")
    assert flour.category == "Baking / Flours"
    assert flour.stock_family == "weight"
    # 4.25 oz per cup × 28.349523125 g per oz = 120.4854733 g per cup, kept to 4 places.
    assert flour.density_g_per_cup == Decimal("120.4855")
    assert flour.density_estimated is False
    salt = Ingredient.objects.get(household=household, name="Salt, fine")
    assert salt.density_estimated is True
    assert Product.objects.get(household=household, brand="Mill").gtin == "0123456789012"
    flour_lot = InventoryLot.objects.get(household=household, ingredient=flour)
    assert flour_lot.price_unknown is True
    salt_lot = InventoryLot.objects.get(household=household, ingredient=salt)
    # Half of a 26 oz package at $0.10 per oz: the purchase is 0.5 package at $2.60 each.
    assert salt_lot.price_unknown is False
    assert salt_lot.purchase.packages == Decimal("0.500")
    assert salt_lot.purchase.price_per_package == Decimal("2.6000")
    cookie = FinishedUnit.objects.get(household=household)
    assert (cookie.name, cookie.items_per_batch, cookie.item_unit) == ("Sugar cookie", 36, "cookie")
    assert report.price_unknown_lots == 1


def test_variants_become_recipes_of_their_own_with_a_note_and_components_become_sub_recipes(
    household,
):
    data = small_export()
    base = data["recipes"][0]
    variant = dict(
        base,
        name="Lemon Sugar Cookies",
        slug="lemon-sugar-cookies",
        base_recipe_slug="sugar-cookies",
        variant_name="Lemon",
        components=[{"recipe_name": "Sugar Cookies", "quantity": 0.5}],
    )
    data["recipes"].append(variant)

    report = run_import(household, data)

    lemon = Recipe.objects.get(household=household, name="Lemon Sugar Cookies")
    assert "A variant (Lemon) of Sugar Cookies in bake-tracker" in lemon.notes
    component = RecipeComponent.objects.get(household=household, recipe=lemon)
    assert component.component_recipe.name == "Sugar Cookies"
    assert component.batches == Decimal("0.5")
    assert report.imported["sub_recipes"] == 1


def test_dry_run_writes_nothing_and_prints_the_same_report(household, tmp_path):
    path = write(tmp_path, small_export())
    before = db_snapshot()

    output = command(path, household, "--dry-run")

    assert db_snapshot() == before
    assert output.startswith("Dry run: nothing was written.")
    assert "3 ingredients" in output
    assert "1 recipe\n" in output
    assert "1 lot with price unknown" in output


def test_command_imports_and_prints_the_counts(household, tmp_path):
    output = command(write(tmp_path, small_export()), household)

    assert output.startswith("Imported:")
    assert "3 products" in output
    assert ImportedRecord.objects.filter(household=household).count() > 0
    assert Recipe.objects.filter(household=household).count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            json.dumps({"application": "other-app", "version": "4.2"}),
            "not a bake-tracker export",
        ),
        (
            json.dumps({"application": "bake-tracker", "version": "3.6"}),
            "format 3.6; this import reads formats 4.0, 4.1, 4.2",
        ),
        ('{"application": "bake-tracker", ', "not valid JSON"),
    ],
    ids=["other-application", "old-version", "invalid-json"],
)
def test_a_file_that_is_not_a_supported_export_is_refused_with_one_line(
    household, tmp_path, content, message
):
    before = db_snapshot()

    with pytest.raises(CommandError) as refused:
        command(write(tmp_path, content), household)

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert db_snapshot() == before


def test_a_file_larger_than_the_limit_is_refused(household, tmp_path, settings):
    path = write(tmp_path, " " * (5 * 1024 * 1024 + 1))
    before = db_snapshot()

    with pytest.raises(CommandError) as refused:
        command(path, household)

    assert "too large" in str(refused.value)
    assert db_snapshot() == before


def test_import_writes_only_to_the_chosen_household(household, outsider_household):
    run_import(outsider_household, small_export())
    theirs = Counter(
        Ingredient.objects.filter(household=outsider_household).values_list("name", flat=True)
    )

    report = run_import(household, small_export())

    # The other household's import is no earlier import of ours: everything is new here.
    assert report.imported["ingredients"] == 3
    assert report.kept["ingredients"] == 0
    assert Recipe.objects.filter(household=household).count() == 1
    assert Recipe.objects.filter(household=outsider_household).count() == 1
    assert (
        Counter(
            Ingredient.objects.filter(household=outsider_household).values_list("name", flat=True)
        )
        == theirs
    )


def test_an_ingredient_the_household_already_has_is_kept_and_used(household):
    with unit_of_work(household) as tx:
        from production.services import create_ingredient

        eggs = create_ingredient(tx, name="Eggs, whole", stock_family="count")

    report = run_import(household, small_export())

    assert report.kept["ingredients"] == 1
    assert report.imported["ingredients"] == 2
    assert RecipeIngredient.objects.filter(household=household, ingredient=eggs).count() == 1


def test_a_missing_file_is_refused_with_one_line(household, tmp_path):
    with pytest.raises(CommandError) as refused:
        command(tmp_path / "nowhere.json", household)

    assert "Cannot read" in str(refused.value)
    assert not Recipe.objects.filter(household=household).exists()


def test_format_4_0_is_read(household):
    report = run_import(household, small_export(version="4.0"))

    assert report.imported["recipes"] == 1
    assert Recipe.objects.filter(household=household).count() == 1


def test_a_later_export_with_baked_items_adds_only_the_baked_items(household):
    run_import(household, small_export(finished_units=[]))
    before = Recipe.objects.filter(household=household).count()

    report = run_import(household, small_export())

    assert report.imported["baked_items"] == 1
    assert report.total_imported == 1
    assert Recipe.objects.filter(household=household).count() == before
    assert FinishedUnit.objects.get(household=household).recipe.name == "Sugar Cookies"


def test_gift_boxes_packages_assignments_and_targets_are_imported(household):
    from events.models import AssemblyTarget, Assignment, PackageItem, ProductionTarget
    from production.models import FinishedGood, FinishedGoodComponent

    data = small_export(
        materials=[{"slug": "tin_small", "display_name": "Small tin", "category": "Tins"}],
        finished_goods=[{"slug": "cookie_tin", "display_name": "Cookie Tin"}],
        compositions=[
            {
                "finished_good_slug": "cookie_tin",
                "finished_unit_slug": "sugar_cookie",
                "component_quantity": 12,
            },
            {
                "finished_good_slug": "cookie_tin",
                "packaging_ingredient_slug": "tin_small",
                "component_quantity": 1,
            },
        ],
        packages=[{"name": "Neighbour gift"}],
        package_finished_goods=[
            {"package_name": "Neighbour gift", "finished_good_slug": "cookie_tin", "quantity": 2}
        ],
        event_recipient_packages=[
            {
                "event_name": "Christmas 2026",
                "recipient_name": "Anna",
                "package_name": "Neighbour gift",
                "quantity": 1,
                "fulfillment_status": "delivered",
            }
        ],
        event_production_targets=[
            {"event_name": "Christmas 2026", "recipe_name": "Sugar Cookies", "target_batches": 3}
        ],
        event_assembly_targets=[
            {
                "event_name": "Christmas 2026",
                "finished_good_slug": "cookie_tin",
                "target_quantity": 4,
            }
        ],
    )

    report = run_import(household, data)

    tin = FinishedGood.objects.get(household=household, name="Cookie Tin")
    contents = FinishedGoodComponent.objects.filter(finished_good=tin)
    assert sorted(contents.values_list("component_type", flat=True)) == [
        "finished_unit",
        "packaging",
    ]
    assert PackageItem.objects.get(household=household).quantity == 2
    assignment = Assignment.objects.get(household=household)
    assert (assignment.recipient.name, assignment.fulfillment_status) == ("Anna", "pending")
    assert ProductionTarget.objects.get(household=household).target_batches == 3
    assert AssemblyTarget.objects.get(household=household).target_quantity == 4
    for kind in ("gift_boxes", "gift_box_contents", "packages", "package_contents"):
        assert report.imported[kind] >= 1, kind
    assert report.imported["assignments"] == 1
    assert any("every imported assignment starts pending" in note for note in report.notes)


def test_a_row_deleted_since_the_last_import_is_imported_again(household):
    run_import(household, small_export())
    Recipient.objects.filter(household=household, name="Anna").delete()

    report = run_import(household, small_export())

    assert report.imported["recipients"] == 1
    anna = Recipient.objects.get(household=household, name="Anna")
    record = ImportedRecord.objects.get(household=household, kind="recipient", key="Anna")
    assert record.object_id == anna.pk
