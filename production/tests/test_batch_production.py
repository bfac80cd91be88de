"""Batch production: FIFO over the whole tree, ledger, yield, undo.

See docs/design.md, "Production runs" and "Worked example".
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from bakeplanner.errors import (
    InsufficientInventory,
    InUse,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from bakeplanner.logs import JsonFormatter
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import (
    FinishedUnit,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
    Recipe,
)
from production.services import (
    check_can_produce,
    get_production_history,
    get_production_run,
    record_batch_production,
    reverse_production_run,
)
from production.tests.run_fixtures import add_frosting, make_event, second_recipe

RUN_KEYS = {
    "id",
    "recipe_id",
    "recipe_name",
    "finished_unit_id",
    "finished_unit_name",
    "event_id",
    "num_batches",
    "scale",
    "expected_yield",
    "actual_yield",
    "loss_quantity",
    "loss_category",
    "status",
    "produced_at",
    "total_ingredient_cost",
    "per_unit_cost",
    "loss_cost",
    "notes",
    "reversed",
}
CONSUMPTION_KEYS = {"ingredient_id", "ingredient_name", "lot_id", "quantity", "unit", "cost"}


def bake(tx, world, batches=2, actual=92, **options):
    return record_batch_production(
        tx, world.cookies.pk, world.cookie.pk, batches, actual, **options
    )


def remaining(lot):
    return InventoryLot.objects.get(pk=lot.pk).quantity_remaining


# --- Worked example (docs/design.md) ----------------------------------------------------------


def test_spec_two_batches_with_four_lost(spec_world, tx):
    run = bake(tx, spec_world, loss_category="broken")
    assert run["expected_yield"] == 96
    assert run["actual_yield"] == 92
    assert run["loss_quantity"] == 4
    assert run["status"] == "partial_loss"
    assert run["total_ingredient_cost"] == "2.84"
    assert run["per_unit_cost"] == "0.03"
    assert run["loss_cost"] == "0.12"
    assert FinishedUnit.objects.get(pk=spec_world.cookie.pk).inventory_count == 92
    assert remaining(spec_world.lot1) == 0
    assert remaining(spec_world.lot2) == Decimal("720")
    assert remaining(spec_world.lot3) == Decimal("600")
    ledger = [
        (row["lot_id"], row["ingredient_name"], row["quantity"], row["unit"], row["cost"])
        for row in run["consumptions"]
    ]
    assert ledger == [
        (spec_world.lot1.pk, "Flour", "200", "g", "0.40"),
        (spec_world.lot2.pk, "Flour", "280", "g", "0.84"),
        (spec_world.lot3.pk, "Sugar", "400", "g", "1.60"),
    ]
    rows = ProductionConsumption.objects.filter(run_id=run["id"]).order_by("id")
    assert [(r.quantity, r.cost) for r in rows] == [
        (Decimal("200"), Decimal("0.4")),
        (Decimal("280"), Decimal("0.84")),
        (Decimal("400"), Decimal("1.6")),
    ]


def test_run_dto_has_the_spec_keys_and_is_json(spec_world, tx):
    run = bake(tx, spec_world)
    assert set(run) == RUN_KEYS | {"consumptions"}
    assert all(set(row) == CONSUMPTION_KEYS for row in run["consumptions"])
    assert run["scale"] == "1"
    assert run["loss_category"] is None
    dt.datetime.fromisoformat(run["produced_at"])
    json.dumps(run)


def test_spec_ten_batches_next_lists_flour_and_sugar_and_changes_nothing(spec_world, tx):
    bake(tx, spec_world)
    before = db_snapshot()
    with pytest.raises(InsufficientInventory) as refused:
        bake(tx, spec_world, batches=10, actual=480)
    short = {
        item["name"]: (item["needed"], item["available"], item["unit"])
        for item in refused.value.items
    }
    assert short == {"Flour": ("2400", "720", "g"), "Sugar": ("2000", "600", "g")}
    assert "Flour: needed 2400 g, available 720 g" in str(refused.value)
    assert "Sugar: needed 2000 g, available 600 g" in str(refused.value)
    assert db_snapshot() == before


def test_check_can_produce_lists_what_is_missing(spec_world, tx):
    assert check_can_produce(tx, spec_world.cookies.pk, 2) == {"can_produce": True, "missing": []}
    result = check_can_produce(tx, spec_world.cookies.pk, 10)
    assert result["can_produce"] is False
    assert result["missing"] == [
        {
            "ingredient_id": spec_world.flour.pk,
            "ingredient_name": "Flour",
            "needed": "2400",
            "available": "1200",
            "unit": "g",
        },
        {
            "ingredient_id": spec_world.sugar.pk,
            "ingredient_name": "Sugar",
            "needed": "2000",
            "available": "1000",
            "unit": "g",
        },
    ]
    json.dumps(result)


def test_check_can_produce_changes_nothing_and_honours_scale(spec_world, tx):
    before = db_snapshot()
    assert check_can_produce(tx, spec_world.cookies.pk, 2, scale="2.5")["can_produce"] is True
    assert check_can_produce(tx, spec_world.cookies.pk, 2, scale="2.6")["can_produce"] is False
    assert db_snapshot() == before


# --- The whole tree, the snapshot, the event ------------------------------------------------


def test_production_consumes_the_whole_sub_recipe_tree(spec_world, tx):
    add_frosting(spec_world)
    run = bake(tx, spec_world)  # sugar: 400 g + 2 × 0.5 × 100 g
    sugar_rows = [row for row in run["consumptions"] if row["ingredient_name"] == "Sugar"]
    assert [row["quantity"] for row in sugar_rows] == ["500"]
    assert run["total_ingredient_cost"] == "3.24"
    assert remaining(spec_world.lot3) == Decimal("500")


def test_check_covers_sub_recipes(spec_world, tx):
    add_frosting(spec_world)
    result = check_can_produce(tx, spec_world.cookies.pk, 5)  # sugar 1000 + 250
    assert [m["ingredient_name"] for m in result["missing"]] == ["Sugar"]
    assert result["missing"][0]["needed"] == "1250"


def test_run_keeps_a_snapshot_of_the_recipe_with_sub_recipes(spec_world, tx):
    frosting = add_frosting(spec_world)
    run = bake(tx, spec_world)
    snapshot = ProductionRun.objects.get(pk=run["id"]).recipe_snapshot
    assert snapshot["recipe_name"] == "Sugar Cookies"
    assert snapshot["num_batches"] == 2
    assert [
        (line["ingredient_name"], line["quantity"], line["unit"]) for line in snapshot["lines"]
    ] == [("Flour", "2", "cup"), ("Sugar", "1", "cup")]
    [sub] = snapshot["sub_recipes"]
    assert (sub["recipe_id"], sub["recipe_name"], sub["batches"]) == (
        frosting.pk,
        "Frosting",
        "0.5",
    )
    assert [(line["ingredient_name"], line["quantity"], line["unit"]) for line in sub["lines"]] == [
        ("Sugar", "100", "g")
    ]
    assert {t["ingredient_name"]: t["quantity"] for t in snapshot["totals"]} == {
        "Flour": "480",
        "Sugar": "500",
    }
    # Later edits to the recipe do not change what the run says it baked.
    Recipe.objects.filter(pk=spec_world.cookies.pk).update(name="Renamed")
    assert ProductionRun.objects.get(pk=run["id"]).recipe_snapshot["recipe_name"] == "Sugar Cookies"


def test_run_can_be_linked_to_an_event(spec_world, tx):
    event = make_event(spec_world.household)
    run = bake(tx, spec_world, event_id=event.pk, notes="for the party")
    assert run["event_id"] == event.pk
    assert run["notes"] == "for the party"
    assert ProductionRun.objects.get(pk=run["id"]).event_id == event.pk


def test_other_households_event_is_not_found_and_changes_nothing(
    spec_world, tx, outsider_household
):
    theirs = make_event(outsider_household, name="Their party")
    before = db_snapshot()
    with pytest.raises(NotFound):
        bake(tx, spec_world, event_id=theirs.pk)
    assert db_snapshot() == before


def test_recorded_by_and_produced_at_are_kept(spec_world, member, tx):
    when = dt.datetime(2026, 12, 1, 10, 30, tzinfo=timezone.get_current_timezone())
    run = bake(tx, spec_world, produced_at=when)
    stored = ProductionRun.objects.get(pk=run["id"])
    assert stored.recorded_by == member
    assert stored.produced_at == when
    assert dt.datetime.fromisoformat(run["produced_at"]) == when


# --- Yield, status and averages ---------------------------------------------------------------


def test_complete_run_has_no_loss(spec_world, tx):
    run = bake(tx, spec_world, actual=96, loss_category="burnt")
    assert run["status"] == "complete"
    assert run["loss_quantity"] == 0
    assert run["loss_cost"] == "0.00"
    assert run["loss_category"] is None


def test_total_loss_costs_everything_and_adds_nothing(spec_world, tx):
    run = bake(tx, spec_world, actual=0, loss_category="burnt", loss_notes="oven too hot")
    assert run["status"] == "total_loss"
    assert run["per_unit_cost"] == "0.00"
    assert run["loss_cost"] == "2.84"
    unit = FinishedUnit.objects.get(pk=spec_world.cookie.pk)
    assert unit.inventory_count == 0
    assert unit.average_unit_cost == 0
    assert ProductionRun.objects.get(pk=run["id"]).loss_notes == "oven too hot"


def test_expected_yield_rounds_down_with_scale(spec_world, tx):
    run = bake(tx, spec_world, batches=1, actual=23, scale="0.49")  # 48 × 0.49 = 23.52
    assert run["expected_yield"] == 23
    assert run["scale"] == "0.49"
    assert run["status"] == "complete"


def test_moving_average_folds_each_run_in(spec_world, tx):
    bake(tx, spec_world, batches=1, actual=48)  # 200 g × 0.002 + 40 g × 0.003 + 200 g × 0.004
    unit = FinishedUnit.objects.get(pk=spec_world.cookie.pk)
    assert unit.inventory_count == 48
    first_total = Decimal("0.40") + Decimal("0.12") + Decimal("0.80")
    assert unit.average_unit_cost == (first_total / 48).quantize(Decimal("0.000001"))
    bake(tx, spec_world, batches=1, actual=40)  # 240 g × 0.003 + 200 g × 0.004 = 1.52
    unit.refresh_from_db()
    assert unit.inventory_count == 88
    expected = (48 * (first_total / 48).quantize(Decimal("0.000001")) + Decimal("1.52")) / 88
    assert unit.average_unit_cost == expected.quantize(Decimal("0.000001"))


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("batches", "actual", "options"),
    [
        (0, 0, {}),
        (-1, 0, {}),
        ("abc", 0, {}),
        (1.5, 0, {}),
        (True, 0, {}),
        (10**9, 0, {}),
        (2, 97, {}),
        (2, -1, {}),
        (2, "many", {}),
        (2, 92, {"scale": 0}),
        (2, 92, {"scale": "-1"}),
        (2, 92, {"scale": "0.0001"}),
        (2, 92, {"scale": "1e6"}),
        (1, 0, {"scale": "0.01"}),  # 48 × 0.01 yields no whole cookie
        (2, 92, {"loss_category": "eaten"}),
        (2, 92, {"produced_at": "yesterday-ish"}),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(spec_world, tx, batches, actual, options):
    before = db_snapshot()
    with pytest.raises(ValidationFailed):
        bake(tx, spec_world, batches=batches, actual=actual, **options)
    assert db_snapshot() == before


def test_finished_unit_of_another_recipe_is_refused(spec_world, tx):
    _, finger = second_recipe(spec_world)
    with pytest.raises(ValidationFailed, match="not made by"):
        record_batch_production(tx, spec_world.cookies.pk, finger.pk, 1, 20)


def test_other_households_ids_are_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            record_batch_production(tx, spec_world.cookies.pk, spec_world.cookie.pk, 1, 48)
        with pytest.raises(NotFound):
            check_can_produce(tx, spec_world.cookies.pk, 1)
    with unit_of_work(spec_world.household) as tx:
        run = bake(tx, spec_world)
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            get_production_run(tx, run["id"])
        with pytest.raises(NotFound):
            reverse_production_run(tx, run["id"], reason="not ours")
        assert get_production_history(tx) == []


# --- All or nothing -----------------------------------------------------------------------


def test_record_batch_production_is_all_or_nothing(spec_world):
    add_frosting(spec_world)
    event = make_event(spec_world.household)
    statements = assert_all_or_nothing(
        spec_world.household,
        lambda tx: bake(tx, spec_world, event_id=event.pk),
        expect_changed={
            "production.FinishedUnit",
            "production.InventoryLot",
            "production.ProductionConsumption",
            "production.ProductionRun",
        },
    )
    assert statements >= 8


def test_reverse_production_run_is_all_or_nothing(spec_world):
    with unit_of_work(spec_world.household) as tx:
        run = bake(tx, spec_world)
    statements = assert_all_or_nothing(
        spec_world.household,
        lambda tx: reverse_production_run(tx, run["id"], reason="recorded twice"),
        expect_changed={
            "production.FinishedUnit",
            "production.InventoryLot",
            "production.ProductionRun",
        },
    )
    assert statements >= 5


# --- History and visibility -------------------------------------------------------------------


def test_history_in_the_same_unit_of_work_sees_the_new_run(spec_world):
    with unit_of_work(spec_world.household) as tx:
        run = bake(tx, spec_world)
        history = get_production_history(tx)
        assert [r["id"] for r in history] == [run["id"]]
        assert get_production_run(tx, run["id"])["total_ingredient_cost"] == "2.84"


def test_rolled_back_run_is_gone_from_history(spec_world):
    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        with unit_of_work(spec_world.household) as tx:
            bake(tx, spec_world)
            assert len(get_production_history(tx)) == 1
            raise Abandon
    with unit_of_work(spec_world.household, read_only=True) as tx:
        assert get_production_history(tx) == []
    assert remaining(spec_world.lot1) == Decimal("200")


def test_history_is_newest_first_with_filters_and_paging(spec_world, tx):
    event = make_event(spec_world.household)
    shortbread, finger = second_recipe(spec_world, flour_grams=10)
    day = dt.datetime(2026, 12, 1, 9, 0, tzinfo=timezone.get_current_timezone())
    first = bake(tx, spec_world, batches=1, actual=48, produced_at=day)
    second = record_batch_production(
        tx,
        shortbread.pk,
        finger.pk,
        1,
        20,
        produced_at=day + dt.timedelta(days=1),
        event_id=event.pk,
    )
    third = bake(
        tx,
        spec_world,
        batches=1,
        actual=48,
        produced_at=day + dt.timedelta(days=2),
        event_id=event.pk,
    )
    ids = lambda runs: [r["id"] for r in runs]  # noqa: E731 - a local shorthand
    assert ids(get_production_history(tx)) == [third["id"], second["id"], first["id"]]
    assert ids(get_production_history(tx, recipe_id=spec_world.cookies.pk)) == [
        third["id"],
        first["id"],
    ]
    assert ids(get_production_history(tx, finished_unit_id=finger.pk)) == [second["id"]]
    assert ids(get_production_history(tx, event_id=event.pk)) == [third["id"], second["id"]]
    assert ids(get_production_history(tx, start="2026-12-02")) == [third["id"], second["id"]]
    assert ids(get_production_history(tx, end=dt.date(2026, 12, 2))) == [
        second["id"],
        first["id"],
    ]
    assert ids(get_production_history(tx, start="2026-12-02", end="2026-12-02")) == [second["id"]]
    assert ids(get_production_history(tx, limit=1, offset=1)) == [second["id"]]
    assert "consumptions" not in get_production_history(tx)[0]
    with_ledger = get_production_history(tx, limit=1, include_consumptions=True)[0]
    assert [row["quantity"] for row in with_ledger["consumptions"]] == ["240", "200"]
    assert set(get_production_run(tx, first["id"], include_consumptions=False)) == RUN_KEYS
    json.dumps(get_production_history(tx, include_consumptions=True))


@pytest.mark.parametrize(
    "options",
    [
        {"start": "12/01/2026"},
        {"start": "2026-12-05", "end": "2026-12-01"},
        {"limit": 0},
        {"offset": -1},
        {"limit": "ten"},
    ],
)
def test_history_refuses_bad_filters(spec_world, tx, options):
    with pytest.raises(ValidationFailed):
        get_production_history(tx, **options)


def test_history_filter_with_another_households_id_is_not_found(spec_world, outsider_household):
    theirs = Recipe.objects.create(household=outsider_household, name="Theirs")
    with unit_of_work(spec_world.household) as tx:
        with pytest.raises(NotFound):
            get_production_history(tx, recipe_id=theirs.pk)


def test_history_queries_do_not_grow_with_runs(spec_world, django_assert_max_num_queries):
    def count_for(runs):
        with unit_of_work(spec_world.household) as tx:
            for _ in range(runs):
                bake(tx, spec_world, batches=1, actual=4, scale="0.1")
        with unit_of_work(spec_world.household, read_only=True) as tx:
            with django_assert_max_num_queries(4):
                history = get_production_history(tx, include_consumptions=True)
        return len(history)

    assert count_for(1) == 1
    assert count_for(5) == 6


# --- Undo -----------------------------------------------------------------------------------


def test_undo_puts_the_exact_lot_quantities_back(spec_world, tx):
    run = bake(tx, spec_world)
    undone = reverse_production_run(tx, run["id"], reason="recorded by mistake")
    assert undone["reversed"] is True
    assert remaining(spec_world.lot1) == Decimal("200")
    assert remaining(spec_world.lot2) == Decimal("1000")
    assert remaining(spec_world.lot3) == Decimal("1000")
    unit = FinishedUnit.objects.get(pk=spec_world.cookie.pk)
    assert unit.inventory_count == 0
    stored = ProductionRun.objects.get(pk=run["id"])
    assert stored.reversed_at is not None
    assert stored.reversal_reason == "recorded by mistake"
    assert ProductionRun.objects.not_reversed().count() == 0
    # The ledger stays: history is never edited.
    assert ProductionConsumption.objects.filter(run_id=run["id"]).count() == 3
    assert get_production_run(tx, run["id"])["reversed"] is True


def test_undo_restores_the_average_of_what_was_there_before(spec_world, tx):
    bake(tx, spec_world, batches=1, actual=48)
    before = FinishedUnit.objects.get(pk=spec_world.cookie.pk)
    run = bake(tx, spec_world, batches=1, actual=40)
    reverse_production_run(tx, run["id"], reason="test batch")
    after = FinishedUnit.objects.get(pk=spec_world.cookie.pk)
    assert after.inventory_count == 48
    assert abs(after.average_unit_cost - before.average_unit_cost) <= Decimal("0.000001")


def test_undo_twice_is_refused(spec_world, tx):
    run = bake(tx, spec_world)
    reverse_production_run(tx, run["id"], reason="oops")
    before = db_snapshot()
    with pytest.raises(InvalidTransition, match="already undone"):
        reverse_production_run(tx, run["id"], reason="again")
    assert db_snapshot() == before


def test_undo_is_refused_once_the_cookies_have_been_used(spec_world, tx):
    run = bake(tx, spec_world)
    FinishedUnit.objects.filter(pk=spec_world.cookie.pk).update(inventory_count=50)
    before = db_snapshot()
    with pytest.raises(InUse, match="only 50 are left"):
        reverse_production_run(tx, run["id"], reason="oops")
    assert db_snapshot() == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_undo_needs_a_reason(spec_world, tx, reason):
    run = bake(tx, spec_world)
    with pytest.raises(ValidationFailed, match="why"):
        reverse_production_run(tx, run["id"], reason=reason)


def test_unknown_run_is_not_found(spec_world, tx):
    with pytest.raises(NotFound):
        get_production_run(tx, 999999)
    with pytest.raises(NotFound):
        reverse_production_run(tx, "abc", reason="x")  # type: ignore[arg-type]  # a malformed id


# --- Logs -------------------------------------------------------------------------------------


def _records(caplog, operation):
    return [r for r in caplog.records if getattr(r, "fields", {}).get("operation") == operation]


def test_success_log_carries_run_id_and_costs(spec_world, tx, caplog):
    caplog.set_level(logging.INFO, logger="bakeplanner")
    run = bake(tx, spec_world)
    [record] = [
        r for r in _records(caplog, "record_batch_production") if r.fields["outcome"] == "success"
    ]
    assert record.name == "bakeplanner.production.batch_production"
    assert record.levelno == logging.INFO
    assert record.fields["run_id"] == run["id"]
    assert record.fields["total_ingredient_cost"] == "2.84"
    assert record.fields["op_id"] == tx.op_id
    assert record.fields["household_id"] == spec_world.household.pk
    assert record.fields["recipe_id"] == spec_world.cookies.pk
    parsed = json.loads(JsonFormatter().format(record))
    assert parsed["run_id"] == run["id"] and parsed["total_ingredient_cost"] == "2.84"


def test_shortage_is_logged_as_a_warning_naming_each_ingredient(spec_world, tx, caplog):
    caplog.set_level(logging.INFO, logger="bakeplanner")
    bake(tx, spec_world)
    with pytest.raises(InsufficientInventory):
        bake(tx, spec_world, batches=10, actual=480)
    warnings = [
        r for r in _records(caplog, "record_batch_production") if r.levelno == logging.WARNING
    ]
    per_item = {
        r.fields["ingredient_name"]: (r.fields["needed"], r.fields["available"])
        for r in warnings
        if "ingredient_name" in r.fields
    }
    assert per_item == {"Flour": ("2400", "720"), "Sugar": ("2000", "600")}
    [summary] = [r for r in warnings if r.name == "bakeplanner.production.batch_production"]
    assert summary.fields["outcome"] == "rejected"
    assert {item["name"] for item in summary.fields["short"]} == {"Flour", "Sugar"}
    for record in warnings:
        parsed = json.loads(JsonFormatter().format(record))
        assert parsed["operation"] == "record_batch_production"


def test_checks_are_logged(spec_world, tx, caplog):
    caplog.set_level(logging.INFO, logger="bakeplanner")
    check_can_produce(tx, spec_world.cookies.pk, 10)
    [record] = _records(caplog, "check_can_produce")
    assert record.fields["can_produce"] is False
    assert [item["ingredient_name"] for item in record.fields["short"]] == ["Flour", "Sugar"]
    json.loads(JsonFormatter().format(record))


def test_undo_is_logged(spec_world, tx, caplog):
    caplog.set_level(logging.INFO, logger="bakeplanner")
    run = bake(tx, spec_world)
    reverse_production_run(tx, run["id"], reason="oops")
    [record] = _records(caplog, "reverse_production_run")
    assert record.fields["outcome"] == "success"
    assert record.fields["run_id"] == run["id"]
    assert record.fields["total_ingredient_cost"] == "2.84"
