"""Manual depletions and finished-stock adjustments, each audited.

See docs/design.md, "Stock adjustments and depletions".
"""

import json
import logging
from decimal import Decimal

import pytest

from bakeplanner.errors import (
    ConversionError,
    InsufficientInventory,
    InsufficientStock,
    NotFound,
    ValidationFailed,
)
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import (
    FinishedGood,
    FinishedUnit,
    InventoryLot,
    StockAdjustment,
    StockAdjustmentLot,
)
from production.services import adjust_finished_stock, list_adjustments, record_depletion


def test_depletion_draws_fifo_and_writes_the_audit(spec_world, tx, member):
    adjustment = record_depletion(
        tx, spec_world.flour.pk, 3, "cup", reason="spoilage", notes="weevils"
    )
    # 3 cups = 360 g: 200 g from lot 1 (0.40) and 160 g from lot 2 (0.48)
    stored = StockAdjustment.objects.get(pk=adjustment.pk)
    assert (stored.item_type, stored.change, stored.quantity_before, stored.quantity_after) == (
        "ingredient",
        Decimal("-360"),
        Decimal("1200"),
        Decimal("840"),
    )
    assert stored.cost == Decimal("0.88")
    assert stored.recorded_by == member
    draws = list(
        StockAdjustmentLot.objects.filter(adjustment=stored)
        .order_by("id")
        .values_list("lot_id", "quantity", "cost")
    )
    assert draws == [
        (spec_world.lot1.pk, Decimal("200"), Decimal("0.40")),
        (spec_world.lot2.pk, Decimal("160"), Decimal("0.48")),
    ]
    assert InventoryLot.objects.get(pk=spec_world.lot2.pk).quantity_remaining == Decimal("840")


def test_short_depletion_changes_nothing(spec_world, tx):
    before = db_snapshot()
    with pytest.raises(InsufficientInventory) as exc:
        record_depletion(tx, spec_world.sugar.pk, 2, "kg", reason="gift", notes="")
    assert exc.value.items[0]["name"] == "Sugar"
    assert (exc.value.items[0]["needed"], exc.value.items[0]["available"]) == ("2000", "1000")
    assert db_snapshot() == before


@pytest.mark.parametrize("reason", ["correction", "other"])
def test_some_reasons_need_notes(spec_world, tx, reason):
    with pytest.raises(ValidationFailed, match="notes"):
        record_depletion(tx, spec_world.sugar.pk, 10, "g", reason=reason, notes="  ")
    record_depletion(tx, spec_world.sugar.pk, 10, "g", reason=reason, notes="counted again")


@pytest.mark.parametrize(
    ("quantity", "unit", "reason", "error"),
    [
        (0, "g", "gift", ValidationFailed),
        (-5, "g", "gift", ValidationFailed),
        ("abc", "g", "gift", ValidationFailed),
        (1, "each", "gift", ConversionError),
        (1, "g", "stolen", ValidationFailed),
        ("1e11", "g", "gift", ValidationFailed),
    ],
)
def test_bad_depletion_input_is_refused(spec_world, tx, quantity, unit, reason, error):
    before = db_snapshot()
    with pytest.raises(error):
        record_depletion(tx, spec_world.sugar.pk, quantity, unit, reason=reason, notes="x")
    assert db_snapshot() == before


def test_depletion_of_other_household_ingredient_is_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as other:
        with pytest.raises(NotFound):
            record_depletion(other, spec_world.sugar.pk, 1, "g", reason="gift", notes="")


def test_short_depletion_logs_a_warning_naming_the_ingredient(spec_world, tx, caplog):
    with caplog.at_level(logging.WARNING, logger="bakeplanner.production"):
        with pytest.raises(InsufficientInventory):
            record_depletion(tx, spec_world.sugar.pk, 2, "kg", reason="gift", notes="")
    fields = [r.fields for r in caplog.records if getattr(r, "fields", None)]
    assert any(f.get("ingredient_name") == "Sugar" and f.get("needed") == "2000" for f in fields)
    assert all(json.dumps(f) for f in fields)


def test_adjust_finished_unit_both_ways_with_audit(spec_world, tx):
    adjust_finished_stock(
        tx, "finished_unit", spec_world.cookie.pk, 10, reason="correction", notes="found a tray"
    )
    adjust_finished_stock(tx, "finished_unit", spec_world.cookie.pk, -4, reason="gift", notes="")
    assert FinishedUnit.objects.get(pk=spec_world.cookie.pk).inventory_count == 6
    rows = list(
        StockAdjustment.objects.order_by("id").values_list(
            "item_type", "change", "quantity_before", "quantity_after", "reason"
        )
    )
    assert rows == [
        ("finished_unit", Decimal("10"), Decimal("0"), Decimal("10"), "correction"),
        ("finished_unit", Decimal("-4"), Decimal("10"), Decimal("6"), "gift"),
    ]


def test_finished_count_never_goes_below_zero(spec_world, tx):
    box = FinishedGood.objects.create(household=spec_world.household, name="Box", inventory_count=2)
    before = db_snapshot()
    with pytest.raises(InsufficientStock, match="Box: needed 3 each, available 2"):
        adjust_finished_stock(tx, "finished_good", box.pk, -3, reason="spoilage", notes="")
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("finished_unit", 0, "cannot be zero"),
        ("finished_unit", "1.5", "whole number"),
        ("finished_unit", True, "whole number"),
        ("finished_unit", 10**7, "too large"),
        ("ingredient", 1, "Kind must be one of"),
    ],
)
def test_bad_adjustments_are_refused(spec_world, tx, kind, change, message):
    with pytest.raises(ValidationFailed, match=message):
        adjust_finished_stock(tx, kind, spec_world.cookie.pk, change, reason="gift", notes="")


def test_adjusting_other_household_item_is_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as other:
        with pytest.raises(NotFound):
            adjust_finished_stock(
                other, "finished_unit", spec_world.cookie.pk, 1, reason="gift", notes=""
            )


def test_list_adjustments_newest_first(spec_world, tx):
    record_depletion(tx, spec_world.sugar.pk, 10, "g", reason="gift", notes="")
    adjust_finished_stock(tx, "finished_unit", spec_world.cookie.pk, 1, reason="gift", notes="")
    assert [a.item_type for a in list_adjustments(tx)] == ["finished_unit", "ingredient"]


def test_depletion_is_all_or_nothing(spec_world):
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: record_depletion(
            tx, spec_world.flour.pk, 3, "cup", reason="other", notes="mice"
        ),
        expect_changed={
            "production.InventoryLot",
            "production.StockAdjustment",
            "production.StockAdjustmentLot",
        },
    )


def test_adjustment_is_all_or_nothing(spec_world):
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: adjust_finished_stock(
            tx, "finished_unit", spec_world.cookie.pk, 5, reason="correction", notes="recount"
        ),
        expect_changed={"production.FinishedUnit", "production.StockAdjustment"},
    )
