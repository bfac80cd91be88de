"""Assembly: finished units and nested goods at average cost, packaging FIFO.

See docs/design.md, "Assembly runs".
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

import pytest

from bakeplanner.errors import (
    InsufficientInventory,
    InsufficientStock,
    InUse,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from bakeplanner.logs import JsonFormatter
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import (
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    InventoryLot,
)
from production.services import (
    check_can_assemble,
    get_assembly_history,
    get_assembly_run,
    record_assembly,
    reverse_assembly_run,
)
from production.tests import run_fixtures
from production.tests.run_fixtures import make_event

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests

ASSEMBLY_KEYS = {
    "id",
    "finished_good_id",
    "finished_good_name",
    "event_id",
    "quantity",
    "assembled_at",
    "component_cost",
    "packaging_cost",
    "total_cost",
    "per_unit_cost",
    "notes",
    "reversed",
}
LEDGER_KEYS = {"finished_unit_consumptions", "finished_good_consumptions", "packaging_consumptions"}


def count_of(model, obj):
    return model.objects.get(pk=obj.pk).inventory_count


def remaining(lot):
    return InventoryLot.objects.get(pk=lot.pk).quantity_remaining


def test_assembly_takes_units_at_average_cost_and_packaging_fifo(assembly_world, tx):
    w = assembly_world
    run = record_assembly(tx, w.cookie_bag.pk, 5, notes="first bags")
    assert run["quantity"] == 5
    assert run["component_cost"] == "1.50"  # 30 cookies × 0.05
    assert run["packaging_cost"] == "0.60"  # 4 bags × 0.10 + 1 bag × 0.20
    assert run["total_cost"] == "2.10"
    assert run["per_unit_cost"] == "0.42"
    assert run["notes"] == "first bags"
    assert count_of(FinishedUnit, w.cookie) == 0
    bag = FinishedGood.objects.get(pk=w.cookie_bag.pk)
    assert bag.inventory_count == 5
    assert bag.average_unit_cost == Decimal("0.42")
    assert remaining(w.bag_lot1) == 0
    assert remaining(w.bag_lot2) == Decimal("9")
    assert run["finished_unit_consumptions"] == [
        {
            "finished_unit_id": w.cookie.pk,
            "finished_unit_name": "cookie",
            "quantity": 30,
            "unit_cost": "0.05",
            "cost": "1.50",
        },
    ]
    assert run["finished_good_consumptions"] == []
    assert [
        (r["lot_id"], r["quantity"], r["unit"], r["cost"]) for r in run["packaging_consumptions"]
    ] == [
        (w.bag_lot1.pk, "4", "each", "0.40"),
        (w.bag_lot2.pk, "1", "each", "0.20"),
    ]
    assert set(run) == ASSEMBLY_KEYS | LEDGER_KEYS
    json.dumps(run)


def test_nested_goods_are_consumed_at_their_average(assembly_world, tx):
    w = assembly_world
    record_assembly(tx, w.cookie_bag.pk, 5)
    run = record_assembly(tx, w.gift_tin.pk, 2)
    assert run["component_cost"] == "1.68"  # 4 cookie bags × 0.42
    assert run["packaging_cost"] == "3.00"
    assert run["total_cost"] == "4.68"
    assert run["per_unit_cost"] == "2.34"
    assert run["finished_good_consumptions"] == [
        {
            "finished_good_id": w.cookie_bag.pk,
            "finished_good_name": "Cookie bag",
            "quantity": 4,
            "unit_cost": "0.42",
            "cost": "1.68",
        },
    ]
    assert count_of(FinishedGood, w.cookie_bag) == 1
    assert count_of(FinishedGood, w.gift_tin) == 2
    assert remaining(w.tin_lot) == Decimal("1")


def test_short_finished_stock_names_every_short_component(assembly_world, tx):
    w = assembly_world
    before = db_snapshot()
    with pytest.raises(InsufficientStock) as refused:
        record_assembly(tx, w.gift_tin.pk, 4)
    items = {
        (i["component_type"], i["name"]): (i["needed"], i["available"], i["unit"])
        for i in refused.value.items
    }
    assert items == {
        ("finished_good", "Cookie bag"): (8, 0, "each"),
        ("packaging", "Tin"): ("4", "3", "each"),
    }
    assert "Cookie bag: needed 8 each, available 0 each" in str(refused.value)
    assert "Tin: needed 4 each, available 3 each" in str(refused.value)
    assert db_snapshot() == before


def test_short_packaging_is_insufficient_inventory(assembly_world, tx):
    w = assembly_world
    FinishedUnit.objects.filter(pk=w.cookie.pk).update(inventory_count=200)
    before = db_snapshot()
    with pytest.raises(InsufficientInventory) as refused:
        record_assembly(tx, w.cookie_bag.pk, 20)
    [item] = refused.value.items
    assert (item["component_type"], item["component_id"], item["needed"], item["available"]) == (
        "packaging",
        w.bags.pk,
        "20",
        "14",
    )
    assert db_snapshot() == before


def test_check_can_assemble(assembly_world, tx):
    w = assembly_world
    assert check_can_assemble(tx, w.cookie_bag.pk, 5) == {"can_assemble": True, "missing": []}
    before = db_snapshot()
    result = check_can_assemble(tx, w.cookie_bag.pk, 6)
    assert result == {
        "can_assemble": False,
        "missing": [
            {
                "component_type": "finished_unit",
                "component_id": w.cookie.pk,
                "component_name": "cookie",
                "needed": 36,
                "available": 30,
                "unit": "cookie",
            },
        ],
    }
    assert db_snapshot() == before
    json.dumps(result)


def test_good_without_components_is_refused(assembly_world, tx):
    empty = FinishedGood.objects.create(household=assembly_world.household, name="Empty box")
    with pytest.raises(ValidationFailed, match="no components"):
        record_assembly(tx, empty.pk, 1)
    with pytest.raises(ValidationFailed, match="no components"):
        check_can_assemble(tx, empty.pk, 1)


@pytest.mark.parametrize("quantity", [0, -2, "x", 1.5, True, 10**9])
def test_bad_quantity_is_refused(assembly_world, tx, quantity):
    before = db_snapshot()
    with pytest.raises(ValidationFailed):
        record_assembly(tx, assembly_world.cookie_bag.pk, quantity)
    assert db_snapshot() == before


def test_other_households_ids_are_not_found(assembly_world, outsider_household):
    w = assembly_world
    theirs = make_event(outsider_household, name="Theirs")
    with unit_of_work(w.household) as tx:
        with pytest.raises(NotFound):
            record_assembly(tx, w.cookie_bag.pk, 1, event_id=theirs.pk)
        run = record_assembly(tx, w.cookie_bag.pk, 1)
    with unit_of_work(outsider_household) as tx:
        for call in (
            lambda: record_assembly(tx, w.cookie_bag.pk, 1),
            lambda: check_can_assemble(tx, w.cookie_bag.pk, 1),
            lambda: get_assembly_run(tx, run["id"]),
            lambda: reverse_assembly_run(tx, run["id"], reason="not ours"),
        ):
            with pytest.raises(NotFound):
                call()
        assert get_assembly_history(tx) == []


def test_assembly_links_an_event(assembly_world, tx):
    event = make_event(assembly_world.household)
    run = record_assembly(tx, assembly_world.cookie_bag.pk, 1, event_id=event.pk)
    assert run["event_id"] == event.pk
    assert AssemblyRun.objects.get(pk=run["id"]).event_id == event.pk


def test_record_assembly_is_all_or_nothing(assembly_world):
    w = assembly_world
    with unit_of_work(w.household) as tx:
        record_assembly(tx, w.cookie_bag.pk, 4)
    statements = assert_all_or_nothing(
        w.household,
        lambda tx: record_assembly(tx, w.gift_tin.pk, 2),
        expect_changed={
            "production.AssemblyFinishedGoodConsumption",
            "production.AssemblyPackagingConsumption",
            "production.AssemblyRun",
            "production.FinishedGood",
            "production.InventoryLot",
        },
    )
    assert statements >= 8
    statements = assert_all_or_nothing(
        w.household,
        lambda tx: record_assembly(tx, w.cookie_bag.pk, 1),
        expect_changed={
            "production.AssemblyFinishedUnitConsumption",
            "production.AssemblyPackagingConsumption",
            "production.AssemblyRun",
            "production.FinishedGood",
            "production.FinishedUnit",
            "production.InventoryLot",
        },
    )
    assert statements >= 8


def test_reverse_assembly_run_is_all_or_nothing(assembly_world):
    w = assembly_world
    with unit_of_work(w.household) as tx:
        record_assembly(tx, w.cookie_bag.pk, 4)
        run = record_assembly(tx, w.gift_tin.pk, 2)
    statements = assert_all_or_nothing(
        w.household,
        lambda tx: reverse_assembly_run(tx, run["id"], reason="wrong tin"),
        expect_changed={
            "production.AssemblyRun",
            "production.FinishedGood",
            "production.InventoryLot",
        },
    )
    assert statements >= 8


# --- Undo -----------------------------------------------------------------------------------


def test_undo_restores_components_packaging_and_the_good(assembly_world, tx):
    w = assembly_world
    first = record_assembly(tx, w.cookie_bag.pk, 5)
    run = record_assembly(tx, w.gift_tin.pk, 2)
    undone = reverse_assembly_run(tx, run["id"], reason="packed the wrong tin")
    assert undone["reversed"] is True
    assert count_of(FinishedGood, w.gift_tin) == 0
    assert count_of(FinishedGood, w.cookie_bag) == 5
    assert remaining(w.tin_lot) == Decimal("3")
    bag = FinishedGood.objects.get(pk=w.cookie_bag.pk)
    assert bag.average_unit_cost == Decimal("0.42")
    reverse_assembly_run(tx, first["id"], reason="start over")
    assert count_of(FinishedUnit, w.cookie) == 30
    assert FinishedUnit.objects.get(pk=w.cookie.pk).average_unit_cost == Decimal("0.05")
    assert remaining(w.bag_lot1) == Decimal("4")
    assert remaining(w.bag_lot2) == Decimal("10")
    assert AssemblyRun.objects.not_reversed().count() == 0
    assert AssemblyPackagingConsumption.objects.count() == 3  # ledgers are kept
    assert AssemblyFinishedUnitConsumption.objects.count() == 1
    stored = AssemblyRun.objects.get(pk=run["id"])
    assert stored.reversal_reason == "packed the wrong tin"


def test_undo_is_refused_once_the_goods_have_been_used(assembly_world, tx):
    w = assembly_world
    first = record_assembly(tx, w.cookie_bag.pk, 5)
    record_assembly(tx, w.gift_tin.pk, 1)  # uses 2 of the 5 bags
    before = db_snapshot()
    with pytest.raises(InUse, match="only 3 are left"):
        reverse_assembly_run(tx, first["id"], reason="oops")
    assert db_snapshot() == before


def test_undo_twice_is_refused(assembly_world, tx):
    run = record_assembly(tx, assembly_world.cookie_bag.pk, 1)
    reverse_assembly_run(tx, run["id"], reason="oops")
    with pytest.raises(InvalidTransition):
        reverse_assembly_run(tx, run["id"], reason="again")


def test_undo_needs_a_reason(assembly_world, tx):
    run = record_assembly(tx, assembly_world.cookie_bag.pk, 1)
    with pytest.raises(ValidationFailed):
        reverse_assembly_run(tx, run["id"], reason="  ")


# --- History and visibility -------------------------------------------------------------------


def test_history_sees_this_unit_of_works_runs_and_not_rolled_back_ones(assembly_world):
    w = assembly_world

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        with unit_of_work(w.household) as tx:
            run = record_assembly(tx, w.cookie_bag.pk, 2)
            assert [r["id"] for r in get_assembly_history(tx)] == [run["id"]]
            assert get_assembly_run(tx, run["id"])["total_cost"] == "0.80"
            raise Abandon
    with unit_of_work(w.household, read_only=True) as tx:
        assert get_assembly_history(tx) == []
    assert count_of(FinishedUnit, w.cookie) == 30


def test_history_filters_and_paging(assembly_world, tx):
    w = assembly_world
    event = make_event(w.household)
    day = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    a = record_assembly(tx, w.cookie_bag.pk, 3, assembled_at=day)
    b = record_assembly(
        tx, w.gift_tin.pk, 1, assembled_at=day + dt.timedelta(days=1), event_id=event.pk
    )
    c = record_assembly(
        tx, w.cookie_bag.pk, 1, assembled_at=day + dt.timedelta(days=2), event_id=event.pk
    )
    ids = lambda runs: [r["id"] for r in runs]  # noqa: E731 - a local shorthand
    assert ids(get_assembly_history(tx)) == [c["id"], b["id"], a["id"]]
    assert ids(get_assembly_history(tx, finished_good_id=w.cookie_bag.pk)) == [c["id"], a["id"]]
    assert ids(get_assembly_history(tx, event_id=event.pk)) == [c["id"], b["id"]]
    assert ids(get_assembly_history(tx, start="2026-12-02", end="2026-12-02")) == [b["id"]]
    assert ids(get_assembly_history(tx, limit=2, offset=1)) == [b["id"], a["id"]]
    plain = get_assembly_history(tx)[0]
    assert set(plain) == ASSEMBLY_KEYS
    full = get_assembly_history(tx, include_consumptions=True)
    assert set(full[1]) == ASSEMBLY_KEYS | LEDGER_KEYS
    assert full[1]["finished_good_consumptions"][0]["quantity"] == 2
    json.dumps(full)


def test_history_queries_do_not_grow(assembly_world, django_assert_max_num_queries):
    w = assembly_world

    def count_for(runs):
        with unit_of_work(w.household) as tx:
            for _ in range(runs):
                record_assembly(tx, w.cookie_bag.pk, 1)
        with unit_of_work(w.household, read_only=True) as tx:
            with django_assert_max_num_queries(6):
                return len(get_assembly_history(tx, include_consumptions=True))

    assert count_for(1) == 1
    assert count_for(3) == 4


# --- Logs -------------------------------------------------------------------------------------


def test_assembly_logs_success_and_each_shortage(assembly_world, tx, caplog):
    caplog.set_level(logging.INFO, logger="bakeplanner")
    run = record_assembly(tx, assembly_world.cookie_bag.pk, 2)
    with pytest.raises(InsufficientStock):
        record_assembly(tx, assembly_world.gift_tin.pk, 4)
    records = [r for r in caplog.records if r.name == "bakeplanner.production.assembly"]
    [ok] = [r for r in records if r.fields["outcome"] == "success"]
    assert ok.fields["run_id"] == run["id"]
    assert ok.fields["total_cost"] == "0.80"
    short = {
        r.fields["component_name"]: (r.fields["needed"], r.fields["available"])
        for r in records
        if r.levelno == logging.WARNING and "component_name" in r.fields
    }
    assert short == {"Cookie bag": ("8", "2"), "Tin": ("4", "3")}
    for record in records:
        json.loads(JsonFormatter().format(record))
