"""A purchase corrected while a baking run draws from it (PostgreSQL, real threads).

Whichever commits first, both end consistent: every ledger row on the lot is priced at the
lot's cost per unit, every run's total is the sum of its rows, and the lot's remaining
stock is what it started with minus every draw (docs/design.md, "Corrections").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from bakeplanner.tx import unit_of_work
from production.models import (
    AssemblyPackagingConsumption,
    FinishedUnit,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
    PurchaseCorrection,
)
from production.services import correct_purchase, record_batch_production
from production.services.corrections import ConcurrentUse
from production.services.inventory import line_cost
from production.services.run_inputs import money
from production.tests.test_corrections import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4  # the world's sugar covers four more batches


def _together(*works: Callable[[], str]) -> list[str]:
    """Run each work in its own thread, released at once; their outcomes in order."""
    barrier = threading.Barrier(len(works))
    outcomes = [""] * len(works)

    def run(index: int, work: Callable[[], str]) -> None:
        try:
            barrier.wait()
            outcomes[index] = work()
        except ConcurrentUse:
            outcomes[index] = "busy"
        except Exception as exc:  # recorded so the test shows it
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _assert_consistent(world) -> None:
    lot = InventoryLot.objects.get(pk=world.lot.pk)
    drawn = Decimal(0)
    for model in (ProductionConsumption, AssemblyPackagingConsumption):
        for row in model.objects.filter(lot=lot):
            assert row.cost == line_cost(row.quantity, lot.cost_per_unit), row.pk
            drawn += row.quantity
    assert lot.quantity_remaining == lot.quantity_initial - drawn
    for run in ProductionRun.objects.filter(household=world.household):
        total = ProductionConsumption.objects.filter(run=run).aggregate(s=Sum("cost"))["s"]
        assert run.total_ingredient_cost == total, run.pk
        assert run.per_unit_cost == money(total / run.actual_yield), run.pk


def test_correction_racing_a_baking_run_ends_consistent(household, member):
    world = build_world(household, member)
    prices = ["4.50", "5.00", "4.00", "6.00"]
    seen: list[list[str]] = []
    for round_number in range(ROUNDS):
        price = prices[round_number]

        def correct(price: str = price) -> str:
            with unit_of_work(household, actor=member) as tx:
                correct_purchase(tx, world.purchase_id, price_per_package=price, reason="Receipt")
            return "corrected"

        def bake() -> str:
            with unit_of_work(household, actor=member) as tx:
                record_batch_production(tx, world.recipe.pk, world.cookie.pk, 1, 10)
            return "baked"

        outcomes = _together(correct, bake)
        seen.append(outcomes)
        assert outcomes[1] == "baked", outcomes
        assert outcomes[0] in {"corrected", "busy"}, outcomes
        _assert_consistent(world)
    assert PurchaseCorrection.objects.count() == sum(o[0] == "corrected" for o in seen)
    # 8 from the first run, 4 of them packed, then 10 a round.
    assert FinishedUnit.objects.get(pk=world.cookie.pk).inventory_count == 4 + 10 * ROUNDS


def _bake_slowly_while_correcting(world, household, member, unit_id: int) -> list[str]:
    """The baking run draws and holds its locks; the correction starts, waits, then runs."""
    recorded = threading.Event()

    def bake() -> str:
        with unit_of_work(household, actor=member) as tx:
            record_batch_production(tx, world.recipe.pk, unit_id, 1, 10)
            recorded.set()
            time.sleep(0.5)  # the correction is waiting on our locks meanwhile
        return "baked"

    def correct() -> str:
        recorded.wait(10)
        with unit_of_work(household, actor=member) as tx:
            correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
        return "corrected"

    return _together(bake, correct)


def test_run_committed_while_the_correction_waited_is_restated_too(household, member):
    world = build_world(household, member)
    outcomes = _bake_slowly_while_correcting(world, household, member, world.cookie.pk)
    assert outcomes == ["baked", "corrected"]
    late = ProductionRun.objects.exclude(pk=world.baking_id).get()
    assert late.total_ingredient_cost == Decimal("1.55")  # 30 g × 0.045 + 200 g × 0.001
    summary = PurchaseCorrection.objects.get().summary
    assert {run["id"] for run in summary["runs"]} == {world.baking_id, world.packing_id, late.pk}
    _assert_consistent(world)


def test_late_run_of_another_baked_item_is_restated_too(household, member):
    world = build_world(household, member)
    big = FinishedUnit.objects.create(
        household=household, recipe=world.recipe, name="big cookie", items_per_batch=10
    )
    outcomes = _bake_slowly_while_correcting(world, household, member, big.pk)
    assert outcomes == ["baked", "corrected"]
    big.refresh_from_db()
    # 10 big cookies came in at 1.10 and were restated by +0.45: 1.55 ÷ 10 = 0.155.
    assert big.average_unit_cost == Decimal("0.155")
    _assert_consistent(world)
