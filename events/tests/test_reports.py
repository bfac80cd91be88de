"""Event summary, estimates (docs/design.md, "Estimated and actual costs") and the packing list."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bakeplanner.errors import NotFound
from bakeplanner.tx import unit_of_work
from events.services import (
    get_event_cost_overview,
    get_event_estimate,
    get_event_package_count,
    get_event_packing_list,
    get_event_recipient_count,
    get_event_summary,
    get_event_total_cost,
)
from events.tests.demand_fixtures import (
    build_estimate_world,
    build_gift_world,
    build_scaled_world,
    ingredient,
    line,
    product,
    purchase,
)


@pytest.fixture
def estimate_world(household):
    return build_estimate_world(household)


def test_summary_hand_computed(estimate_world, tx):
    w = estimate_world
    summary = get_event_summary(tx, w.event.pk)
    assert summary == {
        "event_id": w.event.pk,
        "total_cost": "9.60",
        "recipient_count": 2,
        "package_count": 6,
        "assignment_count": 3,
        "cost_by_recipient": [
            {"recipient_id": w.ann.pk, "recipient_name": "Ann", "cost": "6.90"},
            {"recipient_id": w.ben.pk, "recipient_name": "Ben", "cost": "2.70"},
        ],
        "missing_prices": [],
    }
    json.dumps(summary)


def test_estimate_builds_up_from_units_to_assignments(estimate_world, tx):
    w = estimate_world
    estimate = get_event_estimate(tx, w.event.pk)
    assert estimate["recipes"] == [
        {"recipe_id": w.bread.pk, "recipe_name": "Bread", "batch_cost": "1.00"}
    ]
    goods = {g["finished_good_name"]: g for g in estimate["finished_goods"]}
    assert goods["Roll Box"]["unit_cost"] == "0.90"
    assert goods["Roll Box"]["quantity_needed"] == 8
    assert goods["Hamper"]["unit_cost"] == "2.10"
    assert {p["package_name"]: p["cost"] for p in estimate["packages"]} == {
        "Big": "3.00",
        "Small": "0.90",
    }
    assert {a["assignment_id"]: a["cost"] for a in estimate["assignments"]} == {
        w.ann_big.pk: "6.00",
        w.ann_small.pk: "0.90",
        w.ben_small.pk: "2.70",
    }
    assert estimate["total_cost"] == "9.60"
    json.dumps(estimate)


def test_counts_and_total_cost(estimate_world, tx):
    w = estimate_world
    assert get_event_total_cost(tx, w.event.pk) == "9.60"
    assert get_event_recipient_count(tx, w.event.pk) == 2
    assert get_event_package_count(tx, w.event.pk) == 6


def test_stock_on_hand_is_priced_first_in_first_out(estimate_world, tx):
    w = estimate_world
    # An older, cheaper lot (500 g at 0.001/g) is used first: the event's 1800 g of flour
    # costs 0.50 + 1000 × 0.002 + 300 × 0.002 (the latest price) = 3.10; boxes 12 × 0.50.
    purchase(
        w.household,
        w.flour_bag,
        price="1.00",
        on=dt.date(2025, 12, 1),
        base_quantity=1000,
        remaining=500,
    )
    assert get_event_summary(tx, w.event.pk)["total_cost"] == "9.10"


def test_missing_prices_are_listed_not_silently_free(estimate_world, tx):
    w = estimate_world
    sesame = ingredient(w.household, "Sesame", "weight")
    product(w.household, sesame, "Jar", 100, "g")
    line(w.household, w.bread, sesame, 10, "g")
    summary = get_event_summary(tx, w.event.pk)
    assert summary["missing_prices"] == ["Sesame"]
    assert summary["total_cost"] == "9.60"  # what could be priced


def test_gift_world_recipients_add_up_to_the_total(household, tx):
    w = build_gift_world(household)
    summary = get_event_summary(tx, w.event.pk)
    assert [r["recipient_name"] for r in summary["cost_by_recipient"]] == ["Ann", "Ben", "Cat"]
    assert summary["package_count"] == 4
    assert summary["recipient_count"] == 3
    assert summary["missing_prices"] == ["Cookie tin", "Vanilla"]
    # Ann has twice Ben's package.
    costs = {r["recipient_name"]: r["cost"] for r in summary["cost_by_recipient"]}
    estimate = get_event_estimate(tx, w.event.pk)
    deluxe = next(p for p in estimate["packages"] if p["package_name"] == "Deluxe")
    assert costs["Ben"] == deluxe["cost"]


def test_empty_event_summary(household, tx):
    w = build_gift_world(household)
    summary = get_event_summary(tx, w.other_event.pk)
    assert summary["total_cost"] == "0.00"
    assert summary["cost_by_recipient"] == []
    assert (summary["recipient_count"], summary["package_count"]) == (0, 0)
    assert get_event_packing_list(tx, w.other_event.pk) == []


def test_packing_list_by_recipient(household, tx):
    w = build_gift_world(household)
    rows = get_event_packing_list(tx, w.event.pk)
    assert [(r["recipient_name"], r["package_name"], r["quantity"]) for r in rows] == [
        ("Ann", "Deluxe", 2),
        ("Ben", "Deluxe", 1),
        ("Cat", "Simple", 1),
    ]
    assert rows[0]["address"] == "1 Elm St"
    assert rows[1]["household_name"] == "The Bens"
    assert rows[0]["contents"] == [
        {"finished_good_id": w.cookie_bag.pk, "finished_good_name": "Cookie Bag", "quantity": 1},
        {
            "finished_good_id": w.shortbread_tin.pk,
            "finished_good_name": "Shortbread Tin",
            "quantity": 1,
        },
    ]
    assert rows[0]["fulfillment_status"] == "pending"
    json.dumps(rows)


def test_reports_refuse_other_households_event(estimate_world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        for service in (
            get_event_summary,
            get_event_estimate,
            get_event_total_cost,
            get_event_recipient_count,
            get_event_package_count,
            get_event_packing_list,
        ):
            with pytest.raises(NotFound):
                service(tx, estimate_world.event.pk)


REPORT_QUERY_BOUND = 16  # demand 8 + recipe tree ≤ 5 + prices 2 + recipient names 1


@pytest.mark.parametrize("size", [1, 6])
def test_reports_use_a_constant_number_of_queries(household, size, django_assert_max_num_queries):
    world = build_scaled_world(household, size)
    with unit_of_work(household, read_only=True) as tx:
        with django_assert_max_num_queries(REPORT_QUERY_BOUND):
            summary = get_event_summary(tx, world.event.pk)
        with django_assert_max_num_queries(REPORT_QUERY_BOUND):
            get_event_estimate(tx, world.event.pk)
        with django_assert_max_num_queries(3):
            get_event_packing_list(tx, world.event.pk)
        with django_assert_max_num_queries(2):
            get_event_package_count(tx, world.event.pk)
    assert summary["recipient_count"] == 2 * size


def test_cost_overview_is_the_summary_and_the_estimate_from_one_pricing(estimate_world, tx):
    w = estimate_world
    overview = get_event_cost_overview(tx, w.event.pk)
    assert overview == {
        "summary": get_event_summary(tx, w.event.pk),
        "estimate": get_event_estimate(tx, w.event.pk),
    }
