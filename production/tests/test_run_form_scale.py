"""The record forms do work in proportion to what they show: the same queries for a household
with 3 baked items (or gift boxes) as for one with 120, and a short page for the large one.

See docs/record-forms.md.
"""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bakeplanner.pages import SEARCH_LIMIT
from production.models import FinishedGood, FinishedUnit, ProductionRun, Recipe
from production.tests import run_fixtures

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests

BAKE = reverse("production:production_run_create")
PACK = reverse("production:assembly_run_create")
SMALL, LARGE = 3, 120
# A page of 50 options weighs about 15 KB (the full list of 640 was about 80 KB).
MAX_PAGE_BYTES = 25_000


def grow_baked_items(household, to: int) -> None:
    """Recipes, each with one baked item, until the household has `to` baked items."""
    have = FinishedUnit.objects.filter(household=household).count()
    recipes = Recipe.objects.bulk_create(
        Recipe(household=household, name=f"Recipe {number:03}") for number in range(have, to)
    )
    FinishedUnit.objects.bulk_create(
        FinishedUnit(household=household, recipe=recipe, name="piece", items_per_batch=12)
        for recipe in recipes
    )
    assert FinishedUnit.objects.filter(household=household).count() == to


def grow_gift_boxes(household, to: int) -> None:
    have = FinishedGood.objects.filter(household=household).count()
    FinishedGood.objects.bulk_create(
        FinishedGood(household=household, name=f"Box {number:03}") for number in range(have, to)
    )
    assert FinishedGood.objects.filter(household=household).count() == to


def queries_of(client, method: str, url: str, data: dict) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data)
    assert response.status_code in (200, 302)
    return len(captured), response.content.decode()


def option_count(page: str, name: str) -> int:
    select = re.search(rf'<select\b[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return select.group(1).count("<option")


def test_record_baking_costs_the_same_queries_for_3_or_120_baked_items(spec_world, member_client):
    grow_baked_items(spec_world.household, SMALL)
    small, _ = queries_of(member_client, "get", BAKE, {})
    grow_baked_items(spec_world.household, LARGE)
    large, _ = queries_of(member_client, "get", BAKE, {})
    assert large == small


def test_record_baking_with_a_chosen_item_costs_the_same_queries_at_any_size(
    spec_world, member_client
):
    query = {"finished_unit": spec_world.cookie.pk, "q": "cookie"}
    grow_baked_items(spec_world.household, SMALL)
    small, _ = queries_of(member_client, "get", BAKE, query)
    grow_baked_items(spec_world.household, LARGE)
    large, _ = queries_of(member_client, "get", BAKE, query)
    assert large == small


def test_a_refused_baking_post_costs_the_same_queries_at_any_size(spec_world, member_client):
    data = {"finished_unit": spec_world.cookie.pk, "num_batches": 0, "scale": "1", "event": ""}
    grow_baked_items(spec_world.household, SMALL)
    small, _ = queries_of(member_client, "post", BAKE, data)
    grow_baked_items(spec_world.household, LARGE)
    large, _ = queries_of(member_client, "post", BAKE, data)
    assert large == small
    assert not ProductionRun.objects.exists()


def test_the_large_record_baking_page_is_short(spec_world, member_client):
    grow_baked_items(spec_world.household, LARGE)
    _, page = queries_of(member_client, "get", BAKE, {})
    assert option_count(page, "finished_unit") == SEARCH_LIMIT + 1  # and "Choose a baked item…"
    assert len(page.encode()) < MAX_PAGE_BYTES
    assert FinishedUnit.objects.filter(household=spec_world.household).count() == LARGE


def test_record_packing_costs_the_same_queries_for_3_or_120_gift_boxes(
    assembly_world, member_client
):
    query = {"finished_good": assembly_world.cookie_bag.pk}
    grow_gift_boxes(assembly_world.household, SMALL)
    small, _ = queries_of(member_client, "get", PACK, query)
    grow_gift_boxes(assembly_world.household, LARGE)
    large, _ = queries_of(member_client, "get", PACK, query)
    assert large == small


def test_the_large_record_packing_page_is_short(assembly_world, member_client):
    grow_gift_boxes(assembly_world.household, LARGE)
    _, page = queries_of(member_client, "get", PACK, {})
    assert option_count(page, "finished_good") == SEARCH_LIMIT + 1  # and "Choose a gift box…"
    assert len(page.encode()) < MAX_PAGE_BYTES
    assert FinishedGood.objects.filter(household=assembly_world.household).count() == LARGE
