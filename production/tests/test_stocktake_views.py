"""The stock count page: counting, refusals beside their lines, viewers, size and queries.

See docs/design.md, "Stock counts". The world is the worked example (production/tests/
conftest.py): flour 1200 g and sugar 1000 g in stock, both in the "Baking" category.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from conftest import make_user
from production.models import Ingredient, InventoryLot, Product, Purchase, StockAdjustment
from production.tests.conftest import buy

URL = reverse("production:stock_count")


def _token(client: Client, url: str = URL) -> str:
    html = client.get(url).content.decode()
    match = re.search(r'name="submit_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _post(client: Client, data: dict[str, object], url: str = URL):
    return client.post(url, {"submit_token": _token(client, url), **data})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_page_lists_each_ingredient_by_category_with_its_stock_and_an_input(
    spec_world, member_client
):
    response = member_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Baking" in html
    flour = spec_world.flour.pk
    assert f'<label for="count-{flour}" class="fw-semibold">Flour</label>' in html
    assert "In stock: 1.2 kg (1,200 g)" in html
    assert re.search(rf'<input type="text" inputmode="decimal"[^>]* id="count-{flour}"', html)
    assert "Save the count" in html


def test_counting_records_shortfalls_and_surpluses_and_says_what_was_done(
    spec_world, member_client
):
    response = _post(
        member_client,
        {
            f"count_{spec_world.flour.pk}": "840",
            f"seen_{spec_world.flour.pk}": "1200",
            f"count_{spec_world.sugar.pk}": "1250",
            f"seen_{spec_world.sugar.pk}": "1000",
            "notes": "December count",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert _messages(response) == [
        "2 ingredients counted: 1 shortfall recorded (cost $0.88), "
        "1 surplus lot added (worth $1.00)."
    ]
    adjustment = StockAdjustment.objects.get()
    assert (adjustment.reason, adjustment.cost, adjustment.notes) == (
        "count",
        Decimal("0.88"),
        "December count",
    )
    assert Purchase.objects.get(found_in_count=True).lot.quantity_initial == Decimal("250")
    page = member_client.get(URL).content.decode()
    assert "In stock: 840 g" in page and "In stock: 1.25 kg" in page


def test_a_line_equal_to_the_stock_is_reported_and_changes_nothing(spec_world, member_client):
    before = db_snapshot()
    response = _post(
        member_client,
        {f"count_{spec_world.flour.pk}": "1200", f"count_{spec_world.sugar.pk}": ""},
    )
    assert _messages(response) == ["1 ingredient counted: 1 already matches the stock."]
    after = db_snapshot()
    assert after["production.StockAdjustment"] == before["production.StockAdjustment"]
    assert after["production.InventoryLot"] == before["production.InventoryLot"]


def test_a_bad_line_is_named_beside_its_input_and_nothing_is_recorded(spec_world, member_client):
    before = db_snapshot()
    response = _post(
        member_client,
        {f"count_{spec_world.flour.pk}": "840", f"count_{spec_world.sugar.pk}": "a lot"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was recorded: 1 line of the count needs fixing." in html
    assert (
        f'<div class="invalid-feedback d-block" id="error-{spec_world.sugar.pk}">'
        "The count of Sugar must be a number, not &#x27;a lot&#x27;.</div>"
    ) in html
    assert 'value="840"' in html  # what was typed is kept for the corrected submit
    after = db_snapshot()
    after.pop("bakeplanner.FormSubmission")
    before.pop("bakeplanner.FormSubmission")
    assert after == before


@pytest.mark.parametrize("typed", ["-3", "1e999999", "9" * 60, "1,5", "NaN"])
def test_bad_numbers_get_a_message_not_an_error_page(spec_world, member_client, typed):
    response = _post(member_client, {f"count_{spec_world.flour.pk}": typed})
    assert response.status_code == 200
    assert "The count of Flour" in response.content.decode()
    assert not StockAdjustment.objects.exists()


def test_another_households_ingredient_is_refused_and_not_named(
    spec_world, member_client, outsider_household
):
    theirs = Ingredient.objects.create(
        household=outsider_household, name="Their secret flour", stock_family="weight"
    )
    response = _post(
        member_client,
        {f"count_{theirs.pk}": "5", f"count_{spec_world.flour.pk}": "840"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Ingredient {theirs.pk} was not found." in html
    assert "Their secret flour" not in html
    assert not StockAdjustment.objects.exists()


def test_a_line_whose_stock_moved_since_the_page_was_shown_is_refused(spec_world, member_client):
    response = _post(
        member_client,
        {f"count_{spec_world.flour.pk}": "840", f"seen_{spec_world.flour.pk}": "1000"},
    )
    assert "the stock changed while you counted" in response.content.decode()
    assert not StockAdjustment.objects.exists()


def test_nothing_filled_in_asks_for_a_count(spec_world, member_client):
    response = _post(member_client, {f"count_{spec_world.flour.pk}": ""})
    assert "Nothing was counted: fill in at least one quantity." in response.content.decode()


def test_a_double_submit_records_the_count_once(spec_world, member_client):
    data = {"submit_token": _token(member_client), f"count_{spec_world.flour.pk}": "840"}
    first = member_client.post(URL, data)
    second = member_client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert StockAdjustment.objects.count() == 1
    assert "Nothing was added twice" in _messages(second)[-1]


def test_viewer_sees_the_stock_without_inputs_or_save_button(spec_world, viewer_client):
    response = viewer_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "In stock: 1.2 kg" in html
    assert "Save the count" not in html
    assert 'name="count_' not in html


def test_viewer_post_is_refused_and_changes_nothing(spec_world, viewer_client):
    before = db_snapshot()
    response = viewer_client.post(URL, {f"count_{spec_world.flour.pk}": "0"})
    assert response.status_code == 403
    assert db_snapshot() == before


def test_visitor_is_sent_to_log_in(spec_world, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_search_filters_by_name_or_category(spec_world, member_client):
    Ingredient.objects.create(
        household=spec_world.household,
        name="Cellophane bag",
        kind="packaging",
        stock_family="count",
        category="Wrapping",
    )
    html = member_client.get(URL, {"q": "wrap"}).content.decode()
    assert "Cellophane bag" in html and "Flour" not in html
    html = member_client.get(URL, {"kind": "food"}).content.decode()
    assert "Flour" in html and "Cellophane bag" not in html


def test_stock_and_adjustment_pages_link_to_the_count(spec_world, member_client):
    for name in (
        "production:inventory",
        "production:adjustment_list",
        "production:ingredient_list",
    ):
        assert f'href="{URL}"' in member_client.get(reverse(name)).content.decode()


def test_purchase_list_marks_a_purchase_found_in_a_count(spec_world, member_client):
    _post(member_client, {f"count_{spec_world.sugar.pk}": "1250"})
    html = member_client.get(reverse("production:purchase_list")).content.decode()
    assert html.count("Found in a stock count") == 1


def test_adjustment_list_shows_the_stock_count_reason(spec_world, member_client):
    _post(member_client, {f"count_{spec_world.flour.pk}": "840"})
    html = member_client.get(reverse("production:adjustment_list")).content.decode()
    assert "<td>Stock count</td>" in html


def _pantry(household, size: int) -> None:
    ingredients = Ingredient.objects.bulk_create(
        Ingredient(
            household=household,
            name=f"Pantry item {n:03}",
            category=f"Shelf {n % 9}",
            stock_family="weight",
        )
        for n in range(size)
    )
    products = Product.objects.bulk_create(
        Product(
            household=household,
            ingredient=ingredient,
            name="Bag",
            package_quantity=1,
            package_unit="kg",
        )
        for ingredient in ingredients
    )
    for product in products:
        buy(household, product, packages=1, price="2", on=dt.date(2026, 1, 1), base_quantity=1000)


@pytest.mark.parametrize("size", [5, 400])
def test_page_stays_small_whatever_the_pantry(household, member_client, size):
    _pantry(household, size)
    response = member_client.get(URL)
    assert response.status_code == 200
    assert len(response.content) < 200_000
    html = response.content.decode()
    assert html.count('name="count_') == min(size, 100)
    if size > 100:
        assert "Page 1 of 4 (400 ingredients)" in html


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow_with_the_pantry(household, member_client):
    _pantry(household, 5)
    small = _queries(member_client)
    Ingredient.objects.bulk_create(
        Ingredient(household=household, name=f"More {n}", stock_family="count") for n in range(300)
    )
    assert _queries(member_client) == small


def test_second_page_lists_the_next_ingredients(household, member_client):
    _pantry(household, 120)
    html = member_client.get(URL, {"page": 2}).content.decode()
    assert html.count('name="count_') == 20
    assert "Page 2 of 2" in html


def test_saving_a_later_page_returns_to_it(household, member_client):
    _pantry(household, 120)
    url = f"{URL}?page=2"
    item = Ingredient.objects.order_by("category", "name").last()
    assert item is not None
    response = _post(member_client, {f"count_{item.pk}": "1000"}, url=url)
    assert response["Location"] == url
    assert InventoryLot.objects.count() == 120


def test_admin_purchase_list_shows_which_purchases_were_found_in_a_count(spec_world, member_client):
    _post(member_client, {f"count_{spec_world.sugar.pk}": "1250"})
    staff = Client()
    staff.force_login(make_user("sam", is_staff=True, is_superuser=True))
    url = reverse("admin:production_purchase_changelist")
    html = staff.get(url, {"found_in_count__exact": "1"}).content.decode()
    assert "Found in a stock count" in html
    assert "1 purchase" in html


@pytest.mark.parametrize(
    "query", [{"page": "abc"}, {"page": "999"}, {"kind": "<b>"}, {"q": "x" * 500}]
)
def test_odd_addresses_still_show_the_page(spec_world, member_client, query):
    response = member_client.get(URL, query)
    assert response.status_code == 200
    assert "<b>" not in response.content.decode().split("<main", 1)[1]
