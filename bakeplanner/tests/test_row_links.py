"""Row links that a list page fills in from one reversed pattern (`url_maker`) lead where the
row says: every one answers 200 for a member."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Event
from production.models import FinishedGood, FinishedUnit, Recipe


@pytest.fixture
def listed(household):
    cookies = Recipe.objects.create(household=household, name="Sugar Cookies")
    fudge = Recipe.objects.create(household=household, name="Fudge")
    for recipe, name in ((cookies, "cookie"), (fudge, "fudge square")):
        FinishedUnit.objects.create(
            household=household, recipe=recipe, name=name, items_per_batch=24
        )
    for name in ("Cookie Tin", "Fudge Box"):
        FinishedGood.objects.create(household=household, name=name)
    for name, date in (
        ("Winter 2025", dt.date(2025, 12, 20)),
        ("Winter 2026", dt.date(2026, 12, 20)),
    ):
        Event.objects.create(household=household, name=name, event_date=date, slug=name.lower())


def _row_links(html: str) -> list[str]:
    """The links in the page's table rows, in order."""
    rows = html[html.index("<tbody>") : html.rindex("</tbody>")]
    return re.findall(r'href="([^"]*)"', rows)


def _all_answer(client: Client, links: list[str]) -> None:
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_gift_box_lists_links_open_each_gift_box(listed, member_client):
    html = member_client.get(reverse("production:finished_good_list")).content.decode()

    links = _row_links(html)
    assert sorted(links) == sorted(
        reverse("production:finished_good_detail", args=[good.pk])
        for good in FinishedGood.objects.all()
    )
    _all_answer(member_client, links)


def test_the_baked_item_lists_links_open_each_recipe_and_its_stock_form(listed, member_client):
    html = member_client.get(reverse("production:finished_unit_list")).content.decode()

    units = FinishedUnit.objects.all()
    recipes = [reverse("production:recipe_detail", args=[unit.recipe_id]) for unit in units]
    adjusts = [reverse("production:finished_unit_adjust", args=[unit.pk]) for unit in units]
    links = _row_links(html)
    assert sorted(links) == sorted(recipes + adjusts)
    _all_answer(member_client, recipes + adjusts)


def test_the_event_lists_links_open_each_event(listed, member_client):
    html = member_client.get(reverse("events:event_list")).content.decode()

    links = _row_links(html)
    assert sorted(links) == sorted(
        reverse("events:event_detail", args=[event.pk]) for event in Event.objects.all()
    )
    _all_answer(member_client, links)
