"""The stock page folds each ingredient's lots under its row (a `<details>` whose summary says
how many and since when), and shows every lot open when asked, keeping the list's search,
filters and page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from bakeplanner.tx import unit_of_work
from production.models import Ingredient
from production.services import record_purchase
from production.views.ingredients import INVENTORY_PER_PAGE


@pytest.fixture
def spices(household):
    with unit_of_work(household) as tx:
        for index in range(INVENTORY_PER_PAGE + 5):
            ingredient = Ingredient.objects.create(
                household=household, name=f"Spice {index:03}", stock_family="weight"
            )
            product = ingredient.products.create(
                household=household, package_quantity=50, package_unit="g"
            )
            for day in (2, 9):
                record_purchase(
                    tx,
                    product.pk,
                    packages=1,
                    price_per_package=2,
                    purchased_on=dt.date(2026, 1, day),
                )


def test_each_ingredients_lots_are_folded_under_a_summary(spices, member_client):
    html = member_client.get(reverse("production:inventory"), {"q": "spice"}).content.decode()

    assert html.count("<details>") == INVENTORY_PER_PAGE  # one per ingredient, all closed
    assert "<details open>" not in html
    summary = re.search(r"<summary>(.*?)</summary>", html, re.S)
    assert summary
    text = re.sub(r"<[^>]+>", "", summary.group(1))
    assert text == "2 lots of Spice 000, oldest from 01/02/2026"
    assert html.count("01/09/2026 ·") == INVENTORY_PER_PAGE  # the lots are still on the page


def test_show_every_lot_opens_them_and_keeps_the_search_filters_and_page(spices, member_client):
    url = reverse("production:inventory")
    folded = member_client.get(url, {"q": "spice", "kind": "food", "page": 2}).content.decode()
    show = re.search(r'href="([^"]*)">Show every lot</a>', folded)
    assert show
    assert show.group(1) == "?q=spice&amp;sort=name&amp;kind=food&amp;lots=all&amp;page=2"

    response = member_client.get(url + show.group(1).replace("&amp;", "&"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<details open>") == 5 and "<details>" not in html  # page 2: five rows
    assert 'href="?q=spice&amp;sort=name&amp;kind=food&amp;page=2">Fold the lots</a>' in html
    assert 'href="?q=spice&amp;sort=name&amp;kind=food&amp;lots=all&amp;page=1" rel="prev"' in html
