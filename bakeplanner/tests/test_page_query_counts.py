"""Every page of an event, the dashboard and the long lists cost the same number of queries
for a small household and a large one (docs/performance.md): nothing is read per row."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Assignment
from events.tests.test_page_scale_planning import build_event_at_scale
from events.views.events import INLINE_ASSIGN_LIMIT

SMALL: dict[str, Any] = {"recipes": 2, "recipients": 3}
LARGE: dict[str, Any] = {"recipes": 20, "recipients": 300}


def on_event(name: str, query: str = "") -> Callable[[SimpleNamespace], str]:
    return lambda world: reverse(f"events:{name}", args=[world.event.pk]) + query


def fixed(name: str) -> Callable[[SimpleNamespace], str]:
    return lambda world: reverse(name)


PAGES = [
    pytest.param(on_event("event_detail"), id="event page"),
    pytest.param(on_event("event_needs"), id="recipe needs"),
    pytest.param(on_event("event_shopping_list"), id="shopping list"),
    pytest.param(on_event("event_shopping_list", "?all=1"), id="shopping list, all lines"),
    pytest.param(on_event("event_packaging"), id="packaging"),
    pytest.param(on_event("event_summary"), id="summary"),
    pytest.param(on_event("event_costs"), id="costs"),
    pytest.param(on_event("event_packing_list_csv"), id="packing-list CSV"),
    pytest.param(on_event("event_shopping_list_csv"), id="shopping CSV"),
    pytest.param(on_event("event_summary_csv"), id="summary CSV"),
    pytest.param(on_event("event_tags"), id="gift tags"),
    pytest.param(on_event("event_freshness"), id="allergens and freshness"),
    pytest.param(fixed("home"), id="dashboard"),
    pytest.param(fixed("events:recipient_list"), id="recipients"),
    pytest.param(fixed("events:package_list"), id="packages"),
    pytest.param(fixed("events:event_list"), id="events"),
    pytest.param(fixed("production:production_run_create"), id="record baking"),
    pytest.param(fixed("production:assembly_run_create"), id="record packing"),
    pytest.param(fixed("production:production_run_list"), id="baking runs"),
    pytest.param(fixed("production:assembly_run_list"), id="packing runs"),
    pytest.param(fixed("production:inventory"), id="stock"),
    pytest.param(fixed("production:stock_count"), id="stock count"),
    pytest.param(fixed("production:purchase_list"), id="purchases"),
    pytest.param(fixed("production:ingredient_list"), id="ingredients"),
    pytest.param(fixed("production:product_list"), id="products"),
    pytest.param(fixed("production:recipe_list"), id="recipes"),
    pytest.param(fixed("production:finished_unit_list"), id="baked items"),
    pytest.param(fixed("production:finished_good_list"), id="gift boxes"),
    pytest.param(fixed("household_settings"), id="settings"),
]


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_large_household_costs_the_same_queries_as_a_small_one(
    household, member_client, outsider_household, outsider_client, page
):
    small = build_event_at_scale(household, **SMALL)
    large = build_event_at_scale(outsider_household, **LARGE)
    queries_for(member_client, page(small))  # warm the per-process caches (content types …)
    counts = (queries_for(member_client, page(small)), queries_for(outsider_client, page(large)))
    assert counts[0] == counts[1]
    assert Assignment.objects.filter(event=large.event).count() == LARGE["recipients"]


def test_the_packages_tab_costs_the_same_queries_for_few_and_many_assignments(
    household, member_client, outsider_household, outsider_client
):
    # Up to INLINE_ASSIGN_LIMIT recipients the tab carries the assign form (two more queries
    # for its choices); above it the form has a page of its own. Both sides stay under it.
    small = build_event_at_scale(household, **SMALL)
    large = build_event_at_scale(outsider_household, recipes=20, recipients=INLINE_ASSIGN_LIMIT)
    page = on_event("event_detail", "?tab=packages")
    queries_for(member_client, page(small))
    assert queries_for(member_client, page(small)) == queries_for(outsider_client, page(large))
