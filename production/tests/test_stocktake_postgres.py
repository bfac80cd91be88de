"""Stock counts racing each other (PostgreSQL, real threads; docs/design.md, "Stock counts").

Each count locks its ingredients, then their lots, before it reads the stock: the first
count of an ingredient settles it and the others, waiting behind it, find the stock
already equal to what they counted and change nothing.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connections

from bakeplanner.households import create_household
from bakeplanner.tx import unit_of_work
from production.models import Ingredient, InventoryLot, Product, Purchase, StockAdjustment
from production.services import record_purchase, record_stock_count

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _race(work) -> list[str]:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            outcome = work()
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


@pytest.fixture
def flour():
    household = create_household("Counting Bakers")
    with unit_of_work(household) as tx:
        flour = Ingredient.objects.create(household=household, name="Flour", stock_family="weight")
        bag = Product.objects.create(
            household=household, ingredient=flour, package_quantity=500, package_unit="g"
        )
        for day in (1, 2, 3):
            record_purchase(
                tx, bag.pk, packages=1, price_per_package="1.00", purchased_on=f"2026-01-0{day}"
            )
    return flour


def _count(flour: Ingredient, found: str) -> str:
    with unit_of_work(flour.household) as tx:
        result = record_stock_count(tx, {flour.pk: found})
    return "changed" if result.shortfalls or result.surpluses else "unchanged"


def test_racing_counts_of_a_shortfall_take_it_out_once(flour):
    outcomes = _race(lambda: _count(flour, "900"))
    assert sorted(outcomes) == ["changed"] + ["unchanged"] * (THREADS - 1)
    adjustment = StockAdjustment.objects.get(ingredient=flour)
    assert (adjustment.change, adjustment.cost) == (Decimal("-600"), Decimal("1.2"))
    stock = sum(lot.quantity_remaining for lot in InventoryLot.objects.filter(ingredient=flour))
    assert stock == Decimal("900")


def test_racing_counts_of_a_surplus_add_one_lot(flour):
    outcomes = _race(lambda: _count(flour, "2000"))
    assert sorted(outcomes) == ["changed"] + ["unchanged"] * (THREADS - 1)
    found = Purchase.objects.get(found_in_count=True)
    assert found.lot.quantity_initial == Decimal("500")
    stock = sum(lot.quantity_remaining for lot in InventoryLot.objects.filter(ingredient=flour))
    assert stock == Decimal("2000")
