"""Correcting a used purchase: the lot, its ledger rows, the runs and the averages restated.

The world: 2 jars of sprinkles (100 g each) entered at 3.00 a jar instead of 4.50, and 1 kg
of sugar at 1.00. One baking run of Sprinkle Cookies (30 g sprinkles, 200 g sugar, 10 per
batch, 8 came out) and one packing run of a Sprinkle box (4 cookies and 10 g of sprinkles as
packaging) drew from the sprinkles. Every figure below is worked out by hand in the
comments (docs/design.md, "Corrections").
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import (
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionConsumption,
    ProductionRun,
    PurchaseCorrection,
    Recipe,
    RecipeIngredient,
)
from production.services import (
    correct_purchase,
    get_purchase_corrections,
    get_run_corrections,
    preview_purchase_correction,
    record_assembly,
    record_batch_production,
    record_purchase,
    reverse_assembly_run,
)


def build_world(household, member) -> SimpleNamespace:
    h = household
    sprinkles = Ingredient.objects.create(household=h, name="Sprinkles", stock_family="weight")
    sugar = Ingredient.objects.create(household=h, name="Sugar", stock_family="weight")
    jar = Product.objects.create(
        household=h, ingredient=sprinkles, name="Jar", package_quantity=100, package_unit="g"
    )
    bag = Product.objects.create(
        household=h, ingredient=sugar, name="Bag", package_quantity=1, package_unit="kg"
    )
    recipe = Recipe.objects.create(household=h, name="Sprinkle Cookies")
    RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=sprinkles, quantity=30, unit="g"
    )
    RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=sugar, quantity=200, unit="g"
    )
    cookie = FinishedUnit.objects.create(
        household=h, recipe=recipe, name="cookie", items_per_batch=10
    )
    box = FinishedGood.objects.create(household=h, name="Sprinkle box")
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=box,
        component_type="finished_unit",
        finished_unit=cookie,
        quantity=4,
    )
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=box,
        component_type="packaging",
        packaging=sprinkles,
        quantity=10,
    )
    with unit_of_work(h, actor=member) as tx:
        lot = record_purchase(
            tx, jar.pk, packages=2, price_per_package="3.00", purchased_on="2026-11-01"
        )
        record_purchase(tx, bag.pk, packages=1, price_per_package="1.00", purchased_on="2026-11-01")
        baking = record_batch_production(tx, recipe.pk, cookie.pk, 1, 8, loss_category="broken")
        packing = record_assembly(tx, box.pk, 1)
    return SimpleNamespace(
        household=h,
        sprinkles=sprinkles,
        lot=lot,
        purchase_id=lot.purchase_id,
        recipe=recipe,
        cookie=cookie,
        box=box,
        baking_id=baking["id"],
        packing_id=packing["id"],
    )


@pytest.fixture
def world(household, member):
    return build_world(household, member)


def test_world_is_as_the_hand_figures_say(world):
    # Before: sprinkles 0.03 per g. Baking 30 g = 0.90 + sugar 200 g × 0.001 = 0.20 → 1.10,
    # 1.10 ÷ 8 = 0.1375. Packing: 4 × 0.1375 = 0.55 + 10 g × 0.03 = 0.30 → 0.85.
    baking = ProductionRun.objects.get(pk=world.baking_id)
    packing = AssemblyRun.objects.get(pk=world.packing_id)
    assert baking.total_ingredient_cost == Decimal("1.10")
    assert baking.per_unit_cost == Decimal("0.1375")
    assert packing.total_cost == Decimal("0.85")
    assert FinishedUnit.objects.get(pk=world.cookie.pk).inventory_count == 4


def test_new_price_restates_lot_rows_runs_and_averages(world, tx):
    result = correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    lot = InventoryLot.objects.get(pk=world.lot.pk)
    assert lot.cost_per_unit == Decimal("0.045")  # 4.50 ÷ 100 g
    assert (lot.quantity_initial, lot.quantity_remaining) == (Decimal(200), Decimal(160))
    rows = {
        row.ingredient_id: row.cost
        for row in ProductionConsumption.objects.filter(run_id=world.baking_id)
    }
    assert rows[world.sprinkles.pk] == Decimal("1.35")  # 30 g × 0.045
    assert sorted(rows.values()) == [Decimal("0.20"), Decimal("1.35")]  # sugar untouched
    pack_row = AssemblyPackagingConsumption.objects.get(run_id=world.packing_id)
    assert pack_row.cost == Decimal("0.45")  # 10 g × 0.045
    baking = ProductionRun.objects.get(pk=world.baking_id)
    assert baking.total_ingredient_cost == Decimal("1.55")  # 1.35 + 0.20
    assert baking.per_unit_cost == Decimal("0.19375")  # 1.55 ÷ 8
    assert baking.loss_cost == Decimal("0.31")  # 2 × 1.55 ÷ 10
    packing = AssemblyRun.objects.get(pk=world.packing_id)
    assert packing.component_cost == Decimal("0.55")  # the cookies keep their day's average
    assert packing.packaging_cost == Decimal("0.45")
    assert packing.total_cost == Decimal("1.00")
    assert packing.per_unit_cost == Decimal("1.00")
    # Cookie: 4 on hand at 0.1375, baking run +0.45 → (4 × 0.1375 + 0.45) ÷ 4 = 0.25.
    assert FinishedUnit.objects.get(pk=world.cookie.pk).average_unit_cost == Decimal("0.25")
    # Box: 1 on hand at 0.85, packing run +0.15 → 1.00.
    assert FinishedGood.objects.get(pk=world.box.pk).average_unit_cost == Decimal("1.00")
    assert result["headline"] == "This changes the cost of 2 runs by +$0.60."


def test_correction_is_audited_with_old_and_new_figures(world, tx, member):
    correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt said 4.50")
    row = PurchaseCorrection.objects.get(purchase_id=world.purchase_id)
    assert (row.old_price_per_package, row.new_price_per_package) == (Decimal(3), Decimal("4.5"))
    assert (row.old_packages, row.new_packages) == (Decimal(2), Decimal(2))
    assert row.reason == "Receipt said 4.50"
    assert row.corrected_by == member
    assert row.household == world.household
    totals = {(run["kind"], run["old_total"], run["new_total"]) for run in row.summary["runs"]}
    assert totals == {
        ("production", "1.100000", "1.550000"),
        ("assembly", "0.850000", "1.000000"),
    }


def test_packages_below_what_was_used_are_refused(world, tx):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as caught:
        correct_purchase(tx, world.purchase_id, packages="0.3", reason="Miscounted")
    assert "40 g of this purchase is used (0.4 packages)" in caught.value.message
    assert "0.3 packages hold only 30 g" in caught.value.message
    assert db_snapshot() == before


def test_fewer_packages_recount_the_lot(world, tx):
    correct_purchase(tx, world.purchase_id, packages="1", reason="Only one jar")
    lot = InventoryLot.objects.get(pk=world.lot.pk)
    assert (lot.quantity_initial, lot.quantity_remaining) == (Decimal(100), Decimal(60))
    assert lot.cost_per_unit == Decimal("0.03")
    assert ProductionRun.objects.get(pk=world.baking_id).total_ingredient_cost == Decimal("1.10")


def test_reason_is_required(world, tx):
    with pytest.raises(ValidationFailed, match="Say why"):
        correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="  ")
    assert not PurchaseCorrection.objects.exists()


def test_same_figures_are_nothing_to_correct(world, tx):
    with pytest.raises(ValidationFailed, match="Nothing to correct"):
        correct_purchase(tx, world.purchase_id, price_per_package="3", reason="Same")


def test_preview_changes_nothing(world, tx):
    before = db_snapshot()
    preview = preview_purchase_correction(tx, world.purchase_id, price_per_package="4.50")
    assert db_snapshot() == before
    runs = {(run["label"], run["old_total_text"], run["new_total_text"]) for run in preview["runs"]}
    assert runs == {
        (f"Baking run {world.baking_id}", "$1.10", "$1.55"),
        (f"Packing run {world.packing_id}", "$0.85", "$1.00"),
    }
    assert preview["headline"] == "This changes the cost of 2 runs by +$0.60."


def test_correction_is_all_or_nothing(world):
    assert_all_or_nothing(
        world.household,
        lambda tx: correct_purchase(
            tx, world.purchase_id, price_per_package="4.50", packages="3", reason="Receipt"
        ),
        expect_changed={
            "production.Purchase",
            "production.InventoryLot",
            "production.ProductionConsumption",
            "production.AssemblyPackagingConsumption",
            "production.ProductionRun",
            "production.AssemblyRun",
            "production.FinishedUnit",
            "production.FinishedGood",
            "production.PurchaseCorrection",
        },
    )


def test_another_households_purchase_is_not_found(world, outsider_household):
    with unit_of_work(outsider_household) as other_tx:
        with pytest.raises(NotFound):
            correct_purchase(other_tx, world.purchase_id, price_per_package="9", reason="Mine")
    assert InventoryLot.objects.get(pk=world.lot.pk).cost_per_unit == Decimal("0.03")


def test_item_with_none_on_hand_keeps_its_average_and_says_so(world, tx):
    FinishedGood.objects.filter(pk=world.box.pk).update(inventory_count=0)
    result = correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    assert FinishedGood.objects.get(pk=world.box.pk).average_unit_cost == Decimal("0.85")
    assert any("No Sprinkle boxes are on hand" in note for note in result["notes"])


def test_runs_show_the_corrections_that_restated_them(world, tx):
    correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    found = get_run_corrections(tx, "production", world.baking_id)
    assert [(c["run_old_total"], c["run_new_total"]) for c in found] == [("1.10", "1.55")]
    assert [c["reason"] for c in get_purchase_corrections(tx, world.purchase_id)] == ["Receipt"]


def test_undone_run_is_restated_but_moves_no_average(world, tx):
    reverse_assembly_run(tx, world.packing_id, reason="Packed the wrong box")
    result = correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    packing = AssemblyRun.objects.get(pk=world.packing_id)
    assert (packing.packaging_cost, packing.total_cost) == (Decimal("0.45"), Decimal("1.00"))
    assert FinishedGood.objects.get(pk=world.box.pk).average_unit_cost == Decimal("0.85")
    # 8 cookies back on hand at 0.1375; the baking run's +0.45 over 8: 1.55 ÷ 8 = 0.19375.
    assert FinishedUnit.objects.get(pk=world.cookie.pk).average_unit_cost == Decimal("0.19375")
    assert result["headline"] == "This changes the cost of 1 run by +$0.45."


def test_packing_run_that_only_took_the_baked_items_keeps_its_figures(world, tx):
    bag = FinishedGood.objects.create(household=world.household, name="Cookie bag")
    FinishedGoodComponent.objects.create(
        household=world.household,
        finished_good=bag,
        component_type="finished_unit",
        finished_unit=world.cookie,
        quantity=2,
    )
    bagging = record_assembly(tx, bag.pk, 1)
    result = correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    assert AssemblyRun.objects.get(pk=bagging["id"]).total_cost == Decimal("0.275")  # 2 × 0.1375
    assert result["untouched_assemblies"] == [bagging["id"]]
    assert any("keep their figures" in note for note in result["notes"])
