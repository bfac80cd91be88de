"""Shelf lives on the pages: set on a baked item's edit page, shown as a run's best-before
date on its page and in the baking history (docs/allergens-and-freshness.md, "Freshness")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bakeplanner.tx import unit_of_work
from production.models import FinishedUnit, Recipe
from production.services import set_shelf_life
from production.tests.test_freshness import at, make_run

BAKED = dt.date(2026, 12, 1)


@pytest.fixture
def cookie(household):
    recipe = Recipe.objects.create(household=household, name="Sugar Cookies")
    return FinishedUnit.objects.create(
        household=household, recipe=recipe, name="Sugar cookie", items_per_batch=48
    )


def test_the_edit_page_sets_a_shelf_life(cookie, member_client):
    response = member_client.post(
        reverse("production:finished_unit_edit", args=[cookie.pk]),
        {
            "name": cookie.name,
            "items_per_batch": "48",
            "item_unit": "cookie",
            "shelf_life_days": "14",
            "frozen_shelf_life_days": "60",
        },
    )
    assert response.status_code == 302
    cookie.refresh_from_db()
    assert (cookie.shelf_life_days, cookie.frozen_shelf_life_days) == (14, 60)


def test_a_frozen_life_shorter_than_the_fresh_one_is_refused_on_the_page(
    cookie,
    member_client,
):
    response = member_client.post(
        reverse("production:finished_unit_edit", args=[cookie.pk]),
        {"name": cookie.name, "items_per_batch": "48", "item_unit": "",
         "shelf_life_days": "30", "frozen_shelf_life_days": "10"},
    )  # fmt: skip
    assert response.status_code == 200
    assert FinishedUnit.objects.get(pk=cookie.pk).shelf_life_days is None


def test_a_run_shows_its_best_before_date(cookie, household, member_client):
    with unit_of_work(household) as tx:
        set_shelf_life(tx, cookie.pk, days=14)
    run = make_run(cookie, at(BAKED))
    page = member_client.get(
        reverse("production:production_run_detail", args=[run.pk])
    ).content.decode()
    assert "Best before" in page and "12/15/2026" in page
    history = member_client.get(reverse("production:production_run_list")).content.decode()
    assert "best before 12/15/2026" in history


def test_a_run_without_a_shelf_life_says_so(cookie, member_client):
    run = make_run(cookie, at(BAKED))
    page = member_client.get(
        reverse("production:production_run_detail", args=[run.pk])
    ).content.decode()
    assert "no shelf life set for this baked item" in page
