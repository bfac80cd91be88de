"""Shelf lives and best-before dates (docs/allergens-and-freshness.md, "Freshness")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.tx import unit_of_work
from production.models import FinishedUnit, ProductionRun, Recipe
from production.services import get_run_best_before, set_shelf_life


@pytest.fixture
def cookie(household):
    recipe = Recipe.objects.create(household=household, name="Sugar Cookies")
    return FinishedUnit.objects.create(
        household=household, recipe=recipe, name="Sugar cookie", items_per_batch=48
    )


def make_run(unit, baked: dt.datetime, *, event=None):
    """A baking run row written directly (recording runs has its own tests)."""
    return ProductionRun.objects.create(
        household=unit.household,
        recipe=unit.recipe,
        finished_unit=unit,
        event=event,
        num_batches=1,
        expected_yield=unit.items_per_batch,
        actual_yield=unit.items_per_batch,
        status=ProductionRun.COMPLETE,
        produced_at=baked,
    )


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_set_shelf_life_stores_days_and_frozen_days(tx, cookie):
    set_shelf_life(tx, cookie.pk, days=14, frozen_days=90)
    cookie.refresh_from_db()
    assert (cookie.shelf_life_days, cookie.frozen_shelf_life_days) == (14, 90)


def test_set_shelf_life_without_frozen_days_means_it_does_not_keep_frozen(tx, cookie):
    set_shelf_life(tx, cookie.pk, days=14, frozen_days=90)
    set_shelf_life(tx, cookie.pk, days="10")
    cookie.refresh_from_db()
    assert (cookie.shelf_life_days, cookie.frozen_shelf_life_days) == (10, None)


def test_days_none_clears_the_shelf_life(tx, cookie):
    set_shelf_life(tx, cookie.pk, days=14, frozen_days=90)
    set_shelf_life(tx, cookie.pk, days=None)
    cookie.refresh_from_db()
    assert (cookie.shelf_life_days, cookie.frozen_shelf_life_days) == (None, None)


@pytest.mark.parametrize(
    ("days", "frozen", "message"),
    [
        (0, None, "at least 1"),
        (366, None, "too large"),
        ("two weeks", None, "whole number"),
        (1.5, None, "whole number"),
        (14, 731, "too large"),
        (14, 7, "cannot be shorter"),
        (None, 30, "keeps fresh"),
    ],
)
def test_out_of_bounds_shelf_life_is_refused_and_changes_nothing(tx, cookie, days, frozen, message):
    set_shelf_life(tx, cookie.pk, days=5)
    with pytest.raises(ValidationFailed, match=message):
        set_shelf_life(tx, cookie.pk, days=days, frozen_days=frozen)
    cookie.refresh_from_db()
    assert (cookie.shelf_life_days, cookie.frozen_shelf_life_days) == (5, None)


def test_another_households_baked_item_is_refused(cookie, outsider_household):
    with unit_of_work(outsider_household) as other_tx, pytest.raises(NotFound):
        set_shelf_life(other_tx, cookie.pk, days=3)
    cookie.refresh_from_db()
    assert cookie.shelf_life_days is None


def test_run_best_before_is_baked_day_plus_shelf_life(tx, cookie):
    set_shelf_life(tx, cookie.pk, days=14, frozen_days=90)
    run = make_run(cookie, at(dt.date(2026, 12, 1)))
    assert get_run_best_before(tx, [run.pk]) == {
        run.pk: {
            "baked_on": "2026-12-01",
            "best_before": "2026-12-15",
            "frozen_best_before": "2027-03-01",
        }
    }


def test_run_of_an_item_without_shelf_life_has_no_best_before(tx, cookie):
    run = make_run(cookie, at(dt.date(2026, 12, 1)))
    assert get_run_best_before(tx, [run.pk])[run.pk]["best_before"] is None


def test_run_best_before_leaves_out_another_households_runs(cookie, outsider_household):
    run = make_run(cookie, at(dt.date(2026, 12, 1)))
    with unit_of_work(outsider_household) as other_tx:
        assert get_run_best_before(other_tx, [run.pk]) == {}


def test_run_best_before_reads_any_number_of_runs_in_one_query(
    tx, cookie, django_assert_num_queries
):
    set_shelf_life(tx, cookie.pk, days=7)
    runs = [make_run(cookie, at(dt.date(2026, 12, day))) for day in range(1, 11)]
    with django_assert_num_queries(1):
        dates = get_run_best_before(tx, [run.pk for run in runs])
    assert dates[runs[-1].pk]["best_before"] == "2026-12-17"


def test_database_refuses_a_frozen_shelf_life_without_a_fresh_one(cookie):
    from django.db import IntegrityError, transaction

    cookie.frozen_shelf_life_days = 30
    with pytest.raises(IntegrityError), transaction.atomic():
        cookie.save()
