"""The demand engine: goods → units → batches → plan, hand-computed.

See docs/design.md, "Demand engine", steps 1-5.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bakeplanner.errors import NotFound
from bakeplanner.testing import assert_all_or_nothing
from bakeplanner.tx import unit_of_work
from events.models import AssemblyTarget, ProductionTarget
from events.services import (
    apply_suggested_targets,
    get_event_plan,
    get_recipe_needs,
    suggest_targets,
)
from events.services.demand import ceil_div, load_demand, whole_packages
from events.tests.demand_fixtures import (
    assembly_run,
    assembly_target,
    build_gift_world,
    build_scaled_world,
    production_run,
    production_target,
)


@pytest.fixture
def gift_world(household):
    return build_gift_world(household)


def test_recipe_needs_explode_nested_goods_and_round_batches_up(gift_world, tx):
    needs = get_recipe_needs(tx, gift_world.event.pk)
    assert needs == [
        {
            "recipe_id": gift_world.shortbread.pk,
            "recipe_name": "Shortbread",
            "finished_unit_id": gift_world.finger.pk,
            "finished_unit_name": "shortbread finger",
            "units_needed": 30,
            "items_per_batch": 20,
            "batches_needed": 2,
        },
        {
            "recipe_id": gift_world.cookies.pk,
            "recipe_name": "Sugar Cookies",
            "finished_unit_id": gift_world.cookie.pk,
            "finished_unit_name": "cookie",
            "units_needed": 80,
            "items_per_batch": 48,
            "batches_needed": 2,
        },
    ]
    json.dumps(needs)


def test_nested_good_counts_come_from_packages_and_from_the_goods_holding_them(gift_world, tx):
    demand = load_demand(tx, gift_world.event.pk)
    # Deluxe × 3 holds a bag and a tin (which holds another bag); Simple × 1 holds 2 bags.
    assert demand.goods[gift_world.cookie_bag.pk].needed == 8
    assert demand.goods[gift_world.shortbread_tin.pk].needed == 3
    assert demand.goods[gift_world.cookie_bag.pk].packages == {"Deluxe", "Simple"}
    assert demand.goods[gift_world.shortbread_tin.pk].packages == {"Deluxe"}


def test_suggested_targets_cover_every_good_to_assemble_nested_included(gift_world, tx):
    assert suggest_targets(tx, gift_world.event.pk) == {
        "production": [
            {
                "recipe_id": gift_world.shortbread.pk,
                "recipe_name": "Shortbread",
                "target_batches": 2,
            },
            {
                "recipe_id": gift_world.cookies.pk,
                "recipe_name": "Sugar Cookies",
                "target_batches": 2,
            },
        ],
        "assembly": [
            {
                "finished_good_id": gift_world.cookie_bag.pk,
                "finished_good_name": "Cookie Bag",
                "target_quantity": 8,
            },
            {
                "finished_good_id": gift_world.shortbread_tin.pk,
                "finished_good_name": "Shortbread Tin",
                "target_quantity": 3,
            },
        ],
    }


def test_one_item_over_a_whole_batch_needs_another_batch(gift_world, tx):
    from production.models import FinishedUnit

    # 80 cookies: exactly one batch of 80, two batches of 79.
    def cookie_batches():
        needs = get_recipe_needs(tx, gift_world.event.pk)
        return next(n["batches_needed"] for n in needs if n["recipe_name"] == "Sugar Cookies")

    FinishedUnit.objects.filter(pk=gift_world.cookie.pk).update(items_per_batch=80)
    assert cookie_batches() == 1
    FinishedUnit.objects.filter(pk=gift_world.cookie.pk).update(items_per_batch=79)
    assert cookie_batches() == 2


def test_ceil_div_never_truncates():
    assert ceil_div(96, 48) == 2
    assert ceil_div(97, 48) == 3
    assert ceil_div(1, 48) == 1
    assert ceil_div(0, 48) == 0


def test_whole_packages_are_exact_decimal_ceilings():
    assert whole_packages(Decimal("2000"), Decimal("2000")) == 1
    assert whole_packages(Decimal("2000.001"), Decimal("2000")) == 2
    assert whole_packages(Decimal("0.001"), Decimal("453.592")) == 1
    assert whole_packages(Decimal("907.184"), Decimal("453.592")) == 2
    assert whole_packages(Decimal("907.185"), Decimal("453.592")) == 3
    assert whole_packages(Decimal("0"), Decimal("10")) == 0


def test_plan_shows_need_target_produced_and_remaining(gift_world, tx):
    h, w = gift_world.household, gift_world
    production_target(h, w.event, w.cookies, 5)
    production_run(h, w.cookies, w.cookie, 2, event=w.event)
    assembly_target(h, w.event, w.shortbread_tin, 4)
    assembly_run(h, w.shortbread_tin, 1, event=w.event)
    plan = get_event_plan(tx, w.event.pk)
    assert plan["production"] == [
        {
            "recipe_id": w.shortbread.pk,
            "recipe_name": "Shortbread",
            "batches_needed": 2,
            "target_batches": None,
            "produced_batches": 0,
            "plan_batches": 2,
            "remaining_batches": 2,
        },
        {
            "recipe_id": w.cookies.pk,
            "recipe_name": "Sugar Cookies",
            "batches_needed": 2,
            "target_batches": 5,
            "produced_batches": 2,
            "plan_batches": 5,
            "remaining_batches": 3,
        },
    ]
    assert plan["assembly"] == [
        {
            "finished_good_id": w.cookie_bag.pk,
            "finished_good_name": "Cookie Bag",
            "quantity_needed": 8,
            "target_quantity": None,
            "assembled_quantity": 0,
            "plan_quantity": 8,
            "remaining_quantity": 8,
        },
        {
            "finished_good_id": w.shortbread_tin.pk,
            "finished_good_name": "Shortbread Tin",
            "quantity_needed": 3,
            "target_quantity": 4,
            "assembled_quantity": 1,
            "plan_quantity": 4,
            "remaining_quantity": 3,
        },
    ]


def test_only_the_events_own_runs_that_are_not_reversed_count(gift_world, tx):
    h, w = gift_world.household, gift_world
    production_run(h, w.cookies, w.cookie, 1, event=w.event)
    production_run(h, w.cookies, w.cookie, 5, event=w.event, reversed_=True)
    production_run(h, w.cookies, w.cookie, 5, event=w.other_event)
    production_run(h, w.cookies, w.cookie, 5)
    assembly_run(h, w.cookie_bag, 2, event=w.event)
    assembly_run(h, w.cookie_bag, 9, event=w.event, reversed_=True)
    assembly_run(h, w.cookie_bag, 9, event=w.other_event)
    plan = get_event_plan(tx, w.event.pk)
    cookies = next(r for r in plan["production"] if r["recipe_id"] == w.cookies.pk)
    assert (cookies["produced_batches"], cookies["remaining_batches"]) == (1, 1)
    bag = next(g for g in plan["assembly"] if g["finished_good_id"] == w.cookie_bag.pk)
    assert (bag["assembled_quantity"], bag["remaining_quantity"]) == (2, 6)


def test_remaining_never_goes_below_zero(gift_world, tx):
    h, w = gift_world.household, gift_world
    production_run(h, w.cookies, w.cookie, 7, event=w.event)
    plan = get_event_plan(tx, w.event.pk)
    cookies = next(r for r in plan["production"] if r["recipe_id"] == w.cookies.pk)
    assert cookies["remaining_batches"] == 0


def test_a_target_for_a_recipe_nobody_needs_is_still_planned(gift_world, tx):
    h, w = gift_world.household, gift_world
    production_target(h, w.event, w.vanilla_sugar, 3)
    plan = get_event_plan(tx, w.event.pk)
    row = next(r for r in plan["production"] if r["recipe_id"] == w.vanilla_sugar.pk)
    assert row == {
        "recipe_id": w.vanilla_sugar.pk,
        "recipe_name": "Vanilla Sugar",
        "batches_needed": 0,
        "target_batches": 3,
        "produced_batches": 0,
        "plan_batches": 3,
        "remaining_batches": 3,
    }
    # Suggestions come from the needs only.
    assert w.vanilla_sugar.pk not in {
        r["recipe_id"] for r in suggest_targets(tx, w.event.pk)["production"]
    }


def test_an_event_without_assignments_needs_nothing(gift_world, tx):
    assert get_recipe_needs(tx, gift_world.other_event.pk) == []
    assert suggest_targets(tx, gift_world.other_event.pk) == {"production": [], "assembly": []}


def test_other_households_event_is_not_found(gift_world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            get_recipe_needs(tx, gift_world.event.pk)
        with pytest.raises(NotFound):
            suggest_targets(tx, gift_world.event.pk)


def test_unknown_event_id_is_not_found(tx, household):
    with pytest.raises(NotFound):
        get_event_plan(tx, 999999)
    with pytest.raises(NotFound):
        get_recipe_needs(tx, "abc")  # type: ignore[arg-type]  # a malformed id


def test_apply_suggested_targets_upserts_and_keeps_notes(gift_world, tx):
    h, w = gift_world.household, gift_world
    production_target(h, w.event, w.cookies, 9, notes="double for the office")
    production_target(h, w.event, w.vanilla_sugar, 1)
    result = apply_suggested_targets(tx, w.event.pk)
    assert result["production_count"] == 2
    assert result["assembly_count"] == 2
    production = {
        t.recipe_id: (t.target_batches, t.notes)
        for t in ProductionTarget.objects.filter(event=w.event)
    }
    assert production == {
        w.cookies.pk: (2, "double for the office"),
        w.shortbread.pk: (2, ""),
        w.vanilla_sugar.pk: (1, ""),  # not suggested: left alone
    }
    assembly = {
        t.finished_good_id: t.target_quantity for t in AssemblyTarget.objects.filter(event=w.event)
    }
    assert assembly == {w.cookie_bag.pk: 8, w.shortbread_tin.pk: 3}
    json.dumps(result)


def test_applying_suggested_targets_twice_changes_nothing_more(gift_world, tx):
    apply_suggested_targets(tx, gift_world.event.pk)
    first = list(ProductionTarget.objects.values_list("recipe_id", "target_batches"))
    apply_suggested_targets(tx, gift_world.event.pk)
    assert list(ProductionTarget.objects.values_list("recipe_id", "target_batches")) == first
    assert AssemblyTarget.objects.count() == 2


def test_apply_suggested_targets_is_all_or_nothing(gift_world):
    total = assert_all_or_nothing(
        gift_world.household,
        lambda tx: apply_suggested_targets(tx, gift_world.event.pk),
        expect_changed={"events.AssemblyTarget", "events.ProductionTarget"},
    )
    assert total > 10


def test_apply_suggested_targets_for_other_household_changes_nothing(
    gift_world, outsider_household
):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            apply_suggested_targets(tx, gift_world.event.pk)
    assert ProductionTarget.objects.count() == 0


# The same bound at two sizes: the engine reads in bulk.
DEMAND_QUERY_BOUND = 8


@pytest.mark.parametrize("size", [1, 6])
def test_demand_reports_use_a_constant_number_of_queries(
    household, size, django_assert_max_num_queries
):
    world = build_scaled_world(household, size)
    with unit_of_work(household, read_only=True) as tx:
        with django_assert_max_num_queries(DEMAND_QUERY_BOUND):
            needs = get_recipe_needs(tx, world.event.pk)
        with django_assert_max_num_queries(DEMAND_QUERY_BOUND):
            suggest_targets(tx, world.event.pk)
        with django_assert_max_num_queries(DEMAND_QUERY_BOUND):
            get_event_plan(tx, world.event.pk)
    assert len(needs) == size
