"""Depletions and finished-stock adjustments racing each other (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections

from bakeplanner.errors import InsufficientInventory, InsufficientStock
from bakeplanner.households import create_household
from bakeplanner.tx import unit_of_work
from production.models import (
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    Recipe,
    StockAdjustment,
    StockAdjustmentLot,
)
from production.services import adjust_finished_stock, record_depletion, record_purchase

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _race(work) -> list[str]:
    """Run `work()` in THREADS threads released at once; each returns an outcome string."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            outcome = work()
        except (InsufficientInventory, InsufficientStock):
            outcome = "short"
        except Exception as exc:  # recorded so the test shows it
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_racing_depletions_never_drive_a_lot_below_zero():
    household = create_household("Racing Bakers")
    with unit_of_work(household) as tx:
        flour = Ingredient.objects.create(household=household, name="Flour", stock_family="weight")
        bag = Product.objects.create(
            household=household, ingredient=flour, package_quantity=500, package_unit="g"
        )
        for day in (1, 2, 3):
            record_purchase(
                tx, bag.pk, packages=1, price_per_package="1.00", purchased_on=f"2026-01-0{day}"
            )

    def deplete() -> str:
        with unit_of_work(household) as tx:
            record_depletion(tx, flour.pk, 400, "g", reason="spoilage", notes="")
        return "ok"

    outcomes = _race(deplete)
    # 1500 g covers three depletions of 400 g, not four.
    assert sorted(outcomes) == ["ok"] * 3 + ["short"] * (THREADS - 3)
    lots = InventoryLot.objects.filter(ingredient=flour)
    assert all(lot.quantity_remaining >= 0 for lot in lots)
    remaining = sum(lot.quantity_remaining for lot in lots)
    assert remaining == Decimal("300")
    drawn = sum(row.quantity for row in StockAdjustmentLot.objects.all())
    assert drawn == Decimal("1200")
    assert StockAdjustment.objects.count() == 3


def test_racing_adjustments_never_drive_a_count_below_zero():
    household = create_household("Counting Bakers")
    recipe = Recipe.objects.create(household=household, name="Cookies")
    unit = FinishedUnit.objects.create(
        household=household, recipe=recipe, name="cookie", items_per_batch=24, inventory_count=10
    )

    def take_three() -> str:
        with unit_of_work(household) as tx:
            adjust_finished_stock(tx, "finished_unit", unit.pk, -3, reason="gift", notes="")
        return "ok"

    outcomes = _race(take_three)
    assert sorted(outcomes) == ["ok"] * 3 + ["short"] * (THREADS - 3)
    unit.refresh_from_db()
    assert unit.inventory_count == 1
    changes = [a.change for a in StockAdjustment.objects.filter(finished_unit=unit)]
    assert sum(changes) == Decimal("-9")
