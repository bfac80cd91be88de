"""FIFO follows the date a lot was received, not the order lots were entered.

A purchase entered today for flour bought last month must be used before flour bought
last week, even though its lot has the higher id.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from production.models import InventoryLot, ProductionConsumption
from production.services import consume_fifo, record_batch_production
from production.tests.conftest import buy


@pytest.fixture
def back_dated(spec_world):
    """300 g of flour entered after every other lot but received before all of them."""
    lot = buy(
        spec_world.household,
        spec_world.flour_big,
        packages=1,
        price="1.50",
        on=dt.date(2025, 12, 1),
        base_quantity=300,
    )
    assert lot.pk > max(spec_world.lot1.pk, spec_world.lot2.pk, spec_world.lot3.pk)
    return lot


def remaining(lot: InventoryLot) -> Decimal:
    return InventoryLot.objects.get(pk=lot.pk).quantity_remaining


def test_baking_run_uses_the_back_dated_lot_first(spec_world, back_dated, tx):
    # Two batches of Sugar Cookies need 4 cups = 480 g of flour.
    run = record_batch_production(tx, spec_world.cookies.pk, spec_world.cookie.pk, 2, 96)
    flour_draws = ProductionConsumption.objects.filter(
        run_id=run["id"], ingredient=spec_world.flour
    ).order_by("id")
    assert [(c.lot_id, c.quantity) for c in flour_draws] == [
        (back_dated.pk, Decimal("300")),
        (spec_world.lot1.pk, Decimal("180")),
    ]
    assert remaining(back_dated) == 0
    assert remaining(spec_world.lot1) == Decimal("20")
    assert remaining(spec_world.lot2) == Decimal("1000")


def test_baking_run_costs_the_back_dated_lot_at_its_price(spec_world, back_dated, tx):
    run = record_batch_production(tx, spec_world.cookies.pk, spec_world.cookie.pk, 2, 96)
    # 300 g at 0.005 + 180 g at 0.002 of flour, 400 g at 0.004 of sugar.
    assert run["total_ingredient_cost"] == "3.46"


def test_consume_fifo_draws_the_back_dated_lot_first(spec_world, back_dated, tx):
    result = consume_fifo(tx, spec_world.flour.pk, 400, "g")
    assert [(lot["lot_id"], lot["quantity"]) for lot in result["lots"]] == [
        (back_dated.pk, "300"),
        (spec_world.lot1.pk, "100"),
    ]
    assert remaining(back_dated) == 0
    assert remaining(spec_world.lot1) == Decimal("100")


def test_lots_received_the_same_day_are_used_in_the_order_entered(spec_world, tx):
    same_day = buy(
        spec_world.household,
        spec_world.flour_small,
        packages=1,
        price="0.40",
        on=spec_world.lot2.received_on,
        base_quantity=200,
    )
    result = consume_fifo(tx, spec_world.flour.pk, 300, "g")
    assert [lot["lot_id"] for lot in result["lots"]] == [spec_world.lot1.pk, spec_world.lot2.pk]
    assert remaining(same_day) == Decimal("200")
