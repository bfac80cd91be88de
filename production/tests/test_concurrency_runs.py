"""Many people recording at once (docs/transactions.md), on PostgreSQL with real threads.

Each thread opens its own unit of work on its own connection. Stock covers only some of
them: the row locks must make the rest fail cleanly, with no lot or count below zero and
ledgers that add up to exactly what left the shelves.
"""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from bakeplanner.errors import InsufficientInventory, InsufficientStock
from bakeplanner.tx import unit_of_work
from production.models import (
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
)
from production.services import record_assembly, record_batch_production
from production.tests import run_fixtures
from production.tests.run_fixtures import second_recipe

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 10


def run_together(jobs):
    """Start every job at the same moment, each in its own thread; return their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[tuple[str, object]] = [("not run", None)] * len(jobs)

    def work(index, job):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", job())
        except (InsufficientInventory, InsufficientStock) as exc:
            outcomes[index] = (type(exc).__name__, exc)
        except Exception as exc:  # reported to the test, which fails on it
            outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a recorder hung"
    return outcomes


def lot_drop(lots):
    return {
        lot.pk: lot.quantity_initial - InventoryLot.objects.get(pk=lot.pk).quantity_remaining
        for lot in lots
    }


def test_concurrent_production_never_overdraws_a_lot(spec_world):
    w = spec_world
    shortbread, finger = second_recipe(w, flour_grams=300)  # competes for the same flour

    def cookies():
        with unit_of_work(w.household) as tx:
            return record_batch_production(tx, w.cookies.pk, w.cookie.pk, 1, 48)

    def fingers():
        with unit_of_work(w.household) as tx:
            return record_batch_production(tx, shortbread.pk, finger.pk, 1, 20)

    jobs = [cookies if i % 2 == 0 else fingers for i in range(THREADS)]
    outcomes = run_together(jobs)

    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["error"] == 0, outcomes
    assert kinds["ok"] >= 1 and kinds["InsufficientInventory"] >= 1, kinds
    assert kinds["ok"] + kinds["InsufficientInventory"] == THREADS

    won = Counter(result["recipe_id"] for kind, result in outcomes if kind == "ok")
    assert ProductionRun.objects.count() == kinds["ok"]
    lots = [w.lot1, w.lot2, w.lot3]
    assert all(InventoryLot.objects.get(pk=lot.pk).quantity_remaining >= 0 for lot in lots)
    # Every ledger sums to what left its lot.
    drop = lot_drop(lots)
    for lot in lots:
        ledger = ProductionConsumption.objects.filter(lot=lot).aggregate(q=Sum("quantity"))["q"]
        assert (ledger or Decimal(0)) == drop[lot.pk]
    # Winners × what one run needs = what was consumed.
    flour_used = drop[w.lot1.pk] + drop[w.lot2.pk]
    assert flour_used == 240 * won[w.cookies.pk] + 300 * won[shortbread.pk]
    assert drop[w.lot3.pk] == 200 * won[w.cookies.pk]
    assert FinishedUnit.objects.get(pk=w.cookie.pk).inventory_count == 48 * won[w.cookies.pk]
    assert FinishedUnit.objects.get(pk=finger.pk).inventory_count == 20 * won[shortbread.pk]
    # The losers were refused because the stock had really run out.
    flour_left = sum(
        InventoryLot.objects.get(pk=lot.pk).quantity_remaining for lot in (w.lot1, w.lot2)
    )
    sugar_left = InventoryLot.objects.get(pk=w.lot3.pk).quantity_remaining
    if won[w.cookies.pk] < THREADS // 2:
        assert flour_left < 240 or sugar_left < 200
    if won[shortbread.pk] < THREADS // 2:
        assert flour_left < 300


def test_concurrent_assembly_never_overdraws_finished_stock(assembly_world):
    w = assembly_world
    FinishedUnit.objects.filter(pk=w.cookie.pk).update(inventory_count=48)

    def two_bags():
        with unit_of_work(w.household) as tx:
            return record_assembly(tx, w.cookie_bag.pk, 2)  # 12 cookies, 2 bags

    outcomes = run_together([two_bags] * THREADS)
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["error"] == 0, outcomes
    assert kinds["ok"] == 4  # 48 cookies ÷ 12
    assert kinds["InsufficientStock"] == THREADS - 4

    cookie = FinishedUnit.objects.get(pk=w.cookie.pk)
    assert cookie.inventory_count == 0
    assert AssemblyRun.objects.count() == 4
    used = AssemblyFinishedUnitConsumption.objects.aggregate(q=Sum("quantity"))["q"]
    assert used == 48 - cookie.inventory_count == 12 * kinds["ok"]
    assert FinishedGood.objects.get(pk=w.cookie_bag.pk).inventory_count == 2 * kinds["ok"]
    drop = lot_drop([w.bag_lot1, w.bag_lot2])
    assert sum(drop.values()) == 2 * kinds["ok"]
    for lot in (w.bag_lot1, w.bag_lot2):
        ledger = AssemblyPackagingConsumption.objects.filter(lot=lot).aggregate(q=Sum("quantity"))[
            "q"
        ]
        assert (ledger or Decimal(0)) == drop[lot.pk]
        assert InventoryLot.objects.get(pk=lot.pk).quantity_remaining >= 0


def test_concurrent_production_and_assembly_of_the_same_cookies(assembly_world):
    """Bakers add cookies while packers take them: counts and averages stay consistent."""
    w = assembly_world
    start = FinishedUnit.objects.get(pk=w.cookie.pk).inventory_count  # 30

    def bake():
        with unit_of_work(w.household) as tx:
            return record_batch_production(tx, w.cookies.pk, w.cookie.pk, 1, 48)

    def pack():
        with unit_of_work(w.household) as tx:
            return record_assembly(tx, w.cookie_bag.pk, 1)

    outcomes = run_together([bake, pack] * (THREADS // 2))
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["error"] == 0, outcomes
    baked = ProductionRun.objects.count()
    packed = AssemblyRun.objects.count()
    assert kinds["ok"] == baked + packed
    cookie = FinishedUnit.objects.get(pk=w.cookie.pk)
    assert cookie.inventory_count == start + 48 * baked - 6 * packed
    assert cookie.inventory_count >= 0
