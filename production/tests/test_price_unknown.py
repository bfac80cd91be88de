"""Stock brought in without a price (docs/import-baketracker.md, "Price unknown") is never
shown as free: the stock page and a baking run that drew from it say "price unknown", and
entering the price by hand makes it a price known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from bakeplanner.tx import unit_of_work
from production.models import InventoryLot
from production.services import (
    add_recipe_ingredient,
    create_finished_unit,
    create_ingredient,
    create_product,
    create_recipe,
    estimate_recipe_cost,
    record_batch_production,
    record_purchase,
    update_purchase,
)

BOUGHT = dt.date(2026, 11, 1)


@pytest.fixture
def unpriced(household):
    """2 kg of flour brought in without a price, and a recipe that uses 240 g a batch."""
    with unit_of_work(household) as tx:
        flour = create_ingredient(tx, name="Flour", stock_family="weight")
        bag = create_product(tx, flour.pk, package_quantity="2", package_unit="kg")
        lot = record_purchase(tx, bag.pk, packages="1", price_per_package="0", purchased_on=BOUGHT)
        lot.price_unknown = True
        lot.save()
        cookies = create_recipe(tx, name="Cookies")
        add_recipe_ingredient(tx, cookies.pk, flour.pk, "240", "g")
        cookie = create_finished_unit(tx, cookies.pk, name="cookie", items_per_batch=24)
    return lot, cookies, cookie


def test_the_stock_page_says_the_price_is_unknown(unpriced, member_client):
    page = member_client.get(reverse("production:inventory")).content.decode()
    assert "price unknown" in page


def test_a_run_from_an_unpriced_lot_says_its_cost_is_unknown(unpriced, household, member_client):
    _, cookies, cookie = unpriced
    with unit_of_work(household) as tx:
        run = record_batch_production(tx, cookies.pk, cookie.pk, 1, 24)
    page = member_client.get(
        reverse("production:production_run_detail", args=[run["id"]])
    ).content.decode()
    assert "price unknown" in page and "Price unknown" in page


def test_a_price_entered_by_hand_is_a_price_known(unpriced, household):
    lot, _, _ = unpriced
    with unit_of_work(household) as tx:
        update_purchase(tx, lot.purchase_id, price_per_package="3.40")
    lot = InventoryLot.objects.get(pk=lot.pk)
    assert lot.price_unknown is False
    assert lot.cost_per_unit * 2000 == Decimal("3.40")


def test_an_estimate_from_unpriced_stock_says_the_price_is_missing(unpriced, household):
    _, cookies, _ = unpriced
    with unit_of_work(household, read_only=True) as tx:
        estimate = estimate_recipe_cost(tx, cookies.pk, batches=1)
    (line,) = estimate["lines"]
    assert line["price_missing"] is True
    assert estimate["missing_prices"] == ["Flour"]


def test_once_priced_the_estimate_counts_it(unpriced, household):
    lot, cookies, _ = unpriced
    with unit_of_work(household) as tx:
        update_purchase(tx, lot.purchase_id, price_per_package="4.00")
    with unit_of_work(household, read_only=True) as tx:
        estimate = estimate_recipe_cost(tx, cookies.pk, batches=1)
    assert estimate["missing_prices"] == []
    assert estimate["total_cost"] == "0.48"  # 240 g at 4.00 for 2 kg


def test_the_event_cost_page_says_which_stock_had_no_price(unpriced, household, member_client):
    from events.services import create_event

    _, cookies, cookie = unpriced
    with unit_of_work(household) as tx:
        event = create_event(tx, name="Christmas", event_date=dt.date(2026, 12, 24))
        record_batch_production(tx, cookies.pk, cookie.pk, 1, 24, event_id=event.pk)
    page = member_client.get(reverse("events:event_costs", args=[event.pk])).content.decode()
    assert "Price unknown for stock the runs used: Flour." in page
