"""Bake windows and freshness warnings (docs/allergens-and-freshness.md, "Bake windows").

The event is on Thursday 2026-12-24 and needs the Big hamper of the allergen world: a cookie
(Cookies), a shortbread finger (Shortbread) and a meringue kiss (Meringue). Worked by hand:

    Cookie          14 days, not frozen  → earliest 2026-12-24 − 14 = 2026-12-10
    Shortbread      21 days, frozen 90   → earliest 2026-12-24 − 90 = 2026-09-25 (freeze);
                                           without the freezer 2026-12-03
    Meringue kiss   no shelf life        → no window
    Latest for all: 2026-12-23.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bakeplanner.errors import NotFound
from bakeplanner.tx import unit_of_work
from events.models import Assignment, Package, PackageItem, ProductionTarget, Recipient
from events.services import get_bake_window, get_freshness_warnings
from events.tests.conftest import make_event
from production.models import FinishedUnit
from production.services import set_shelf_life
from production.tests.test_allergens import build_allergen_world
from production.tests.test_freshness import at, make_run


@pytest.fixture
def world(household):
    w = build_allergen_world(household)
    w.event = make_event(household, "Christmas 2026", dt.date(2026, 12, 24))
    w.package = Package.objects.create(household=household, name="Hamper package")
    PackageItem.objects.create(
        household=household, package=w.package, finished_good=w.big_hamper, quantity=1
    )
    w.anna = Recipient.objects.create(household=household, name="Anna")
    Assignment.objects.create(
        household=household, event=w.event, recipient=w.anna, package=w.package
    )
    return w


@pytest.fixture
def shelf_lives(tx, world):
    set_shelf_life(tx, world.cookie.pk, days=14)
    set_shelf_life(tx, world.finger.pk, days=21, frozen_days=90)


def _by_name(windows):
    return {w["recipe_name"]: w for w in windows}


def test_window_follows_the_shelf_life_of_the_item_the_event_needs(tx, world, shelf_lives):
    cookies = _by_name(get_bake_window(tx, world.event.pk))["Cookies"]
    assert (cookies["earliest"], cookies["latest"], cookies["freeze"]) == (
        "2026-12-10",
        "2026-12-23",
        False,
    )


def test_frozen_storage_moves_the_earliest_day_and_says_freeze(tx, world, shelf_lives):
    shortbread = _by_name(get_bake_window(tx, world.event.pk))["Shortbread"]
    assert shortbread["earliest"] == "2026-09-25"
    assert shortbread["earliest_fresh"] == "2026-12-03"
    assert shortbread["freeze"] is True


def test_recipe_without_shelf_life_has_no_window(tx, world, shelf_lives):
    meringue = _by_name(get_bake_window(tx, world.event.pk))["Meringue"]
    assert meringue["earliest"] is None
    assert meringue["without_shelf_life"] == ["Meringue kiss"]


def test_window_uses_the_shortest_shelf_life_among_needed_items(tx, world, shelf_lives):
    large = FinishedUnit.objects.create(
        household=world.household, recipe=world.cookies, name="Large cookie", items_per_batch=12
    )
    set_shelf_life(tx, large.pk, days=3)
    # The event needs no large cookies, so their three days do not count...
    assert _by_name(get_bake_window(tx, world.event.pk))["Cookies"]["earliest"] == "2026-12-10"
    # ...and a shorter-lived item the event does need sets the window.
    set_shelf_life(tx, world.cookie.pk, days=5)
    assert _by_name(get_bake_window(tx, world.event.pk))["Cookies"]["earliest"] == "2026-12-19"


def test_recipe_with_only_a_target_uses_all_its_items(tx, world, shelf_lives):
    from production.models import Recipe

    fudge = Recipe.objects.create(household=world.household, name="Fudge")
    square = FinishedUnit.objects.create(
        household=world.household, recipe=fudge, name="Fudge square", items_per_batch=36
    )
    set_shelf_life(tx, square.pk, days=30)
    ProductionTarget.objects.create(
        household=world.household, event=world.event, recipe=fudge, target_batches=2
    )
    assert _by_name(get_bake_window(tx, world.event.pk))["Fudge"]["earliest"] == "2026-11-24"


def test_bake_window_of_another_households_event_is_refused(world, outsider_household):
    with unit_of_work(outsider_household) as other_tx, pytest.raises(NotFound):
        get_bake_window(other_tx, world.event.pk)


def test_bake_window_query_count_is_constant(tx, world, shelf_lives, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        get_bake_window(tx, world.event.pk)


def test_run_past_its_best_on_the_event_day_is_warned(tx, world, shelf_lives):
    early = make_run(world.cookie, at(dt.date(2026, 12, 5)), event=world.event)
    make_run(world.cookie, at(dt.date(2026, 12, 15)), event=world.event)  # good until the 29th
    warnings = get_freshness_warnings(tx, world.event.pk)
    assert [(w["run_id"], w["best_before"], w["frozen_lasts"]) for w in warnings] == [
        (early.pk, "2026-12-19", False)
    ]


def test_frozen_run_says_it_keeps_if_frozen(tx, world, shelf_lives):
    make_run(world.finger, at(dt.date(2026, 11, 1)), event=world.event)
    (warning,) = get_freshness_warnings(tx, world.event.pk)
    assert (warning["best_before"], warning["frozen_best_before"], warning["frozen_lasts"]) == (
        "2026-11-22",
        "2027-01-30",
        True,
    )


def test_reversed_runs_and_items_without_shelf_life_are_not_warned(tx, world, shelf_lives):
    from django.utils import timezone

    run = make_run(world.cookie, at(dt.date(2026, 11, 1)), event=world.event)
    run.reversed_at = timezone.now()
    run.save()
    make_run(world.kiss, at(dt.date(2026, 1, 1)), event=world.event)
    assert get_freshness_warnings(tx, world.event.pk) == []
