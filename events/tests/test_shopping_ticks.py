"""The shared shopping checklist (docs/design.md, "Shopping list"): ticks saved per event and
shared by the household, and ticked lines recorded as purchases, all of them or none."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.households import add_member
from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.models import ShoppingTick
from events.services import (
    get_lines_to_record,
    get_shopping_list,
    get_shopping_ticks,
    record_ticked_purchases,
    set_shopping_tick,
)
from events.services.shopping_ticks import LineRefused
from events.tests.demand_fixtures import build_gift_world
from production.models import InventoryLot, Purchase
from production.services import create_ingredient, create_product

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def world(household):
    return build_gift_world(household)


def key(ingredient, kind="ingredient"):
    return f"{kind}-{ingredient.pk}"


def line_of(result, ingredient):
    return next(
        line
        for line in result["items"] + result["packaging"]
        if line["ingredient_id"] == ingredient.pk
    )


def tick(household, user, w, ingredient, kind="ingredient", ticked=True):
    with unit_of_work(household, actor=user) as tx:
        return set_shopping_tick(tx, w.event.pk, ingredient.pk, kind=kind, ticked=ticked)


# --- Ticks ---------------------------------------------------------------------------------


def test_a_tick_is_saved_with_who_ticked_it(world, household, member):
    result = tick(household, member, world, world.flour)
    assert result["ticked_by"] == "mia" and result["purchase_id"] is None
    row = ShoppingTick.objects.get()
    assert (row.event, row.ingredient, row.kind, row.ticked_by) == (
        world.event,
        world.flour,
        "ingredient",
        member,
    )


def test_ticking_a_ticked_line_keeps_the_first_tick(world, household, member):
    other = User.objects.create_user("ann", password="x")
    add_member(household, other, "member")
    tick(household, member, world, world.flour)
    again = tick(household, other, world, world.flour)
    assert again["ticked_by"] == "mia"
    assert ShoppingTick.objects.count() == 1


def test_every_member_sees_the_same_ticks(world, household, member):
    other = User.objects.create_user("ann", password="x")
    add_member(household, other, "member")
    tick(household, member, world, world.flour)
    with unit_of_work(household, actor=other, read_only=True) as tx:
        ticks = get_shopping_ticks(tx, world.event.pk)
    assert list(ticks) == [key(world.flour)]
    assert ticks[key(world.flour)]["ticked_by"] == "mia"


def test_unticking_removes_the_tick(world, household, member):
    tick(household, member, world, world.flour)
    assert tick(household, member, world, world.flour, ticked=False) is None
    assert not ShoppingTick.objects.exists()


def test_the_same_ingredient_is_ticked_apart_as_ingredient_and_as_packaging(
    world, household, member
):
    tick(household, member, world, world.ribbon, kind="packaging")
    tick(household, member, world, world.ribbon, kind="ingredient")
    assert ShoppingTick.objects.count() == 2


def test_an_unknown_kind_of_line_is_refused(world, tx):
    with pytest.raises(ValidationFailed):
        set_shopping_tick(tx, world.event.pk, world.flour.pk, kind="spices", ticked=True)
    assert not ShoppingTick.objects.exists()


def test_another_households_event_or_ingredient_is_not_found(world, outsider_household):
    with unit_of_work(outsider_household) as tx, pytest.raises(NotFound):
        set_shopping_tick(tx, world.event.pk, world.flour.pk, kind="ingredient", ticked=True)
    with unit_of_work(outsider_household) as tx:
        theirs = create_ingredient(tx, name="Flour", stock_family="weight")
    with unit_of_work(world.household) as tx, pytest.raises(NotFound):
        set_shopping_tick(tx, world.event.pk, theirs.pk, kind="ingredient", ticked=True)
    assert not ShoppingTick.objects.exists()


# --- Ticked lines become purchases ----------------------------------------------------------


def test_lines_to_record_are_filled_in_from_the_list(world, household, member):
    tick(household, member, world, world.flour)
    with unit_of_work(household, read_only=True) as tx:
        (line,) = get_lines_to_record(tx, world.event.pk)
        listed = line_of(get_shopping_list(tx, world.event.pk), world.flour)
    assert line["key"] == key(world.flour)
    assert line["product_id"] == listed["product_id"]
    assert line["packages"] == Decimal(listed["packages_to_buy"])
    assert {p["product_id"] for p in line["products"]} == {
        world.flour_small.pk,
        world.flour_big.pk,
    }
    latest = {p["product_id"]: p["latest_price"] for p in line["products"]}
    assert line["price_per_package"] == latest[line["product_id"]]


def test_recording_ticked_lines_adds_their_stock_and_covers_the_lines(world, household, member):
    tick(household, member, world, world.flour)
    tick(household, member, world, world.cellophane, kind="packaging")
    with unit_of_work(household, read_only=True) as tx:
        before = get_shopping_list(tx, world.event.pk)
    flour_to_buy = Decimal(line_of(before, world.flour)["to_buy"])
    with unit_of_work(household, actor=member) as tx:
        lots = record_ticked_purchases(
            tx,
            world.event.pk,
            [
                {
                    "line": key(world.flour),
                    "product_id": world.flour_big.pk,
                    "packages": "2",
                    "price_per_package": "3.10",
                },
                {
                    "line": key(world.cellophane, "packaging"),
                    "product_id": world.cellophane_pack.pk,
                    "packages": "1",
                    "price_per_package": "2.00",
                },
            ],
            purchased_on=TODAY,
            supplier="Market",
        )
    assert [lot.quantity_initial for lot in lots] == [Decimal(4000), Decimal(10)]
    flour = Purchase.objects.get(pk=lots[0].purchase_id)
    assert (flour.packages, flour.price_per_package, flour.supplier) == (
        Decimal(2),
        Decimal("3.10"),
        "Market",
    )
    assert lots[0].cost_per_unit == Decimal("3.10") * 2 / 4000
    ticks = {t.ingredient_id: t.purchase_id for t in ShoppingTick.objects.all()}
    assert ticks == {world.flour.pk: lots[0].purchase_id, world.cellophane.pk: lots[1].purchase_id}
    with unit_of_work(household, read_only=True) as tx:
        after = get_shopping_list(tx, world.event.pk)
        assert get_lines_to_record(tx, world.event.pk) == []
    assert flour_to_buy <= 4000
    assert line_of(after, world.flour)["to_buy"] == "0"


def test_a_refused_line_records_none_of_them(world, household, member):
    tick(household, member, world, world.flour)
    tick(household, member, world, world.sugar)
    before = db_snapshot()
    with pytest.raises(LineRefused) as refused, unit_of_work(household, actor=member) as tx:
        record_ticked_purchases(
            tx,
            world.event.pk,
            [
                {
                    "line": key(world.flour),
                    "product_id": world.flour_big.pk,
                    "packages": "1",
                    "price_per_package": "3",
                },
                # Sugar's line with a flour product: refused after flour was written.
                {
                    "line": key(world.sugar),
                    "product_id": world.flour_small.pk,
                    "packages": "1",
                    "price_per_package": "1",
                },
            ],
            purchased_on=TODAY,
        )
    assert refused.value.index == 1
    assert "is not a product of Sugar" in str(refused.value)
    assert db_snapshot() == before


def test_a_fault_after_the_first_purchase_keeps_nothing(world, household, member, monkeypatch):
    from events.services import shopping_ticks

    tick(household, member, world, world.flour)
    tick(household, member, world, world.sugar)
    real = shopping_ticks.record_purchase
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(shopping_ticks, "record_purchase", failing)
    before = db_snapshot()
    rows = [
        {"line": key(world.flour), "product_id": world.flour_big.pk, "packages": "1",
         "price_per_package": "3"},
        {"line": key(world.sugar), "product_id": world.sugar_bag.pk, "packages": "1",
         "price_per_package": "4"},
    ]  # fmt: skip
    with pytest.raises(RuntimeError), unit_of_work(household, actor=member) as tx:
        record_ticked_purchases(tx, world.event.pk, rows, purchased_on=TODAY)
    assert len(calls) == 2
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"line": "ingredient-x"}, "is not a line of the shopping list"),
        ({"line": "butter-1"}, "is not a line of the shopping list"),
        ({"packages": "-1"}, "Packages"),
        ({"packages": "abc"}, "Packages"),
        ({"price_per_package": "-2"}, "Price per package"),
        ({"product_id": 999999}, "not found"),
    ],
)
def test_bad_rows_are_refused_with_a_message(world, household, member, row, message):
    tick(household, member, world, world.flour)
    good = {
        "line": key(world.flour),
        "product_id": world.flour_big.pk,
        "packages": "1",
        "price_per_package": "3",
    }
    before = InventoryLot.objects.count()
    with pytest.raises(LineRefused, match=message), unit_of_work(household) as tx:
        record_ticked_purchases(tx, world.event.pk, [{**good, **row}], purchased_on=TODAY)
    assert InventoryLot.objects.count() == before


def test_another_households_product_is_refused(world, household, member, outsider_household):
    tick(household, member, world, world.flour)
    with unit_of_work(outsider_household) as tx:
        flour = create_ingredient(tx, name="Flour", stock_family="weight")
        theirs = create_product(tx, flour.pk, package_quantity="1", package_unit="kg")
    before = InventoryLot.objects.count()
    row = {"line": key(world.flour), "product_id": theirs.pk, "packages": "1",
           "price_per_package": "3"}  # fmt: skip
    with pytest.raises(LineRefused, match="not found"), unit_of_work(household) as tx:
        record_ticked_purchases(tx, world.event.pk, [row], purchased_on=TODAY)
    assert InventoryLot.objects.count() == before


# --- Pages ----------------------------------------------------------------------------------


def tick_url(w):
    return reverse("events:event_shopping_tick", args=[w.event.pk])


def list_url(w):
    return reverse("events:event_shopping_list", args=[w.event.pk])


def record_url(w):
    return reverse("events:event_shopping_record", args=[w.event.pk])


def test_the_pages_script_ticks_a_line_and_gets_its_text(world, member_client):
    response = member_client.post(
        tick_url(world), {"tick": key(world.flour)}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["line"] == key(world.flour) and data["ticked"] is True
    assert data["text"].startswith("Ticked by mia at ")
    assert ShoppingTick.objects.filter(ingredient=world.flour).exists()


def test_a_tick_without_the_script_returns_to_the_line(world, member_client):
    response = member_client.post(
        tick_url(world), {"tick": key(world.flour), "list_query": "all=1&page=2&evil=x"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{list_url(world)}?all=1&page=2#line-{key(world.flour)}"
    page = member_client.get(list_url(world)).content.decode()
    assert 'aria-pressed="true"' in page and "Ticked by mia at" in page
    member_client.post(tick_url(world), {"untick": key(world.flour)})
    assert not ShoppingTick.objects.exists()


def test_an_unreadable_tick_says_so_and_changes_nothing(world, member_client):
    response = member_client.post(
        tick_url(world), {"tick": "flour!"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "is not a line of the shopping list" in json.loads(response.content)["error"]
    both = member_client.post(tick_url(world), {"tick": key(world.flour), "untick": "x"})
    assert both.status_code == 302
    assert not ShoppingTick.objects.exists()


def test_a_viewer_sees_ticks_but_cannot_tick(world, household, member, viewer_client):
    tick(household, member, world, world.flour)
    page = viewer_client.get(list_url(world)).content.decode()
    assert "Ticked by mia at" in page
    assert 'aria-label="Ticked: Flour"' in page
    assert 'name="tick"' not in page and "Record the purchase" not in page
    response = viewer_client.post(tick_url(world), {"tick": key(world.sugar)})
    assert response.status_code == 403
    assert viewer_client.get(record_url(world)).status_code == 403
    assert ShoppingTick.objects.count() == 1


def test_the_ticks_feed_lists_every_tick(world, household, member, member_client):
    tick(household, member, world, world.flour)
    data = json.loads(
        member_client.get(reverse("events:event_shopping_ticks", args=[world.event.pk])).content
    )
    assert list(data["ticks"]) == [key(world.flour)]
    assert data["ticks"][key(world.flour)]["recorded"] is False


def test_the_record_page_records_the_kept_lines(world, household, member, member_client):
    tick(household, member, world, world.flour)
    tick(household, member, world, world.sugar)
    page = member_client.get(record_url(world)).content.decode()
    assert "Flour" in page and "Sugar" in page
    lots_before = InventoryLot.objects.count()
    response = member_client.post(
        record_url(world),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "purchased_on": "2026-12-01",
            "supplier": "Market",
            "form-0-line": key(world.flour),
            "form-0-record": "on",
            "form-0-product_id": str(world.flour_big.pk),
            "form-0-packages": "1",
            "form-0-price_per_package": "3.20",
            "form-1-line": key(world.sugar),  # left out: not recorded
            "form-1-product_id": "",
            "form-1-packages": "",
            "form-1-price_per_package": "",
        },
        follow=True,
    )
    assert "Recorded 1 purchase (Flour) for $3.20." in response.content.decode()
    assert InventoryLot.objects.count() == lots_before + 1
    sugar_tick = ShoppingTick.objects.get(ingredient=world.sugar)
    assert sugar_tick.purchase_id is None


def test_a_refused_row_shows_its_message_and_records_nothing(
    world, household, member, member_client
):
    tick(household, member, world, world.flour)
    before = db_snapshot()
    response = member_client.post(
        record_url(world),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "purchased_on": "2026-12-01",
            "form-0-line": key(world.flour),
            "form-0-record": "on",
            "form-0-product_id": str(world.flour_big.pk),
            "form-0-packages": "",
            "form-0-price_per_package": "3",
        },
    )
    assert response.status_code == 200
    assert "Say how many packages you bought." in response.content.decode()
    assert db_snapshot() == before


def test_the_shopping_list_reads_ticks_in_one_more_query(
    world, household, member, member_client, django_assert_num_queries
):
    member_client.get(list_url(world))  # warm the session and the user
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        member_client.get(list_url(world))
    for ingredient in (world.flour, world.sugar, world.butter):
        tick(household, member, world, ingredient)
    with CaptureQueriesContext(connection) as with_ticks:
        member_client.get(list_url(world))
    assert len(with_ticks.captured_queries) == len(without.captured_queries)
