"""The shopping list shows what to buy first (docs/design.md, "Shopping list"): lines with
enough in stock are left out of the page, its print view and the CSV unless `all=1` /
`--all`, while the service keeps every line."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.csv_export import shopping_list_csv, to_buy_first
from events.services import get_shopping_list, get_shopping_list_by_category, get_shopping_page
from events.tests.demand_fixtures import build_gift_world, build_scaled_world, purchase
from production.models import Product

ON = dt.date(2026, 2, 1)


@pytest.fixture
def stocked_world(household):
    """The gift world with enough sugar and ribbon in stock: two lines with nothing to buy."""
    w = build_gift_world(household)
    purchase(household, w.sugar_bag, price="4.00", on=ON, base_quantity=1000)
    purchase(household, w.ribbon_spool, price="5.00", on=ON, base_quantity=25, remaining=20)
    return w


def page_url(w):
    return reverse("events:event_shopping_list", args=[w.event.pk])


def csv_url(w):
    return reverse("events:event_shopping_list_csv", args=[w.event.pk])


def command_bytes(tmp_path, *options):
    target = tmp_path / "list.csv"
    call_command("export_shopping_list", "Christmas 2026", *options, "--output", str(target),
                 "--force", stdout=io.StringIO())  # fmt: skip
    return target.read_bytes()


def ingredient_names(data: bytes) -> list[str]:
    lines = data.decode("utf-8-sig").split("\r\n")[1:]
    return [row.split(",")[2] for row in lines if row]


def test_the_service_still_returns_every_line(stocked_world, tx):
    result = get_shopping_list(tx, stocked_world.event.pk)
    names = {line["ingredient_name"] for line in result["items"] + result["packaging"]}
    assert {"Sugar", "Ribbon"} <= names
    assert result["items_count"] == 7
    assert result["items_with_shortfall"] == 5


def _names(groups):
    return [[line["ingredient_name"] for line in group["lines"]] for group in groups]


@pytest.mark.parametrize("show_all", [False, True])
def test_the_page_reading_shows_what_the_whole_list_filtered_shows(stocked_world, tx, show_all):
    whole = get_shopping_list_by_category(tx, stocked_world.event.pk)
    enough = to_buy_first(whole, show_all=show_all)

    page = get_shopping_page(tx, stocked_world.event.pk, show_all=show_all)

    assert _names(page["groups"]) == _names(whole["groups"])
    assert page["groups"] == whole["groups"]
    assert page["enough_in_stock"] == enough == 2
    for key in ("items_count", "items_with_shortfall", "total_estimated_cost", "missing_prices"):
        assert page[key] == whole[key]


def test_the_page_reading_keeps_a_line_it_is_told_to(stocked_world, tx):
    sugar = stocked_world.sugar_bag.ingredient_id

    page = get_shopping_page(
        tx, stocked_world.event.pk, keep=lambda kind, pk: (kind, pk) == ("ingredient", sugar)
    )

    assert "Sugar" in sum(_names(page["groups"]), [])
    assert "Ribbon" not in sum(_names(page["groups"]), [])
    assert page["enough_in_stock"] == 1


def test_page_hides_lines_with_enough_in_stock_and_says_how_many(stocked_world, member_client):
    before = db_snapshot()
    response = member_client.get(page_url(stocked_world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 lines with enough in stock are hidden" in page
    assert '<a href="?include_packaging=1&amp;all=1">show all</a>' in page
    assert ">Got Flour</span>" in page
    assert ">Got Cellophane bag</span>" in page
    assert db_snapshot() == before


def test_hidden_lines_are_not_in_the_html(stocked_world, member_client):
    page = member_client.get(page_url(stocked_world)).content.decode()
    assert f"line-ingredient-{stocked_world.sugar.pk}" not in page
    assert f"line-packaging-{stocked_world.ribbon.pk}" not in page
    assert ">Ribbon<" not in page
    assert ">Sugar<" not in page


def test_all_shows_every_line_with_a_link_back(stocked_world, member_client):
    page = member_client.get(page_url(stocked_world), {"all": "1"}).content.decode()
    assert ">Got Sugar</span>" in page
    assert ">Got Ribbon</span>" in page
    assert "nothing to buy: enough in stock" in page
    assert "including 2 with enough in stock" in page
    assert '<a href="?include_packaging=1">show only what to buy</a>' in page
    assert 'name="all" value="1"' in page  # the options form keeps the choice


def test_all_works_alongside_ingredients_only(stocked_world, member_client):
    response = member_client.get(page_url(stocked_world), {"include_packaging": "0", "all": "1"})
    page = response.content.decode()
    assert ">Got Sugar</span>" in page
    assert "Ribbon" not in page and "Cellophane bag" not in page
    assert "including 1 with enough in stock" in page
    assert f'href="{csv_url(stocked_world)}?include_packaging=0&amp;all=1"' in page


def test_ingredients_only_hides_the_stocked_ingredient_and_counts_it(stocked_world, member_client):
    response = member_client.get(page_url(stocked_world), {"include_packaging": "0"})
    page = response.content.decode()
    assert "1 line with enough in stock is hidden" in page
    assert ">Got Sugar</span>" not in page
    assert f'href="{csv_url(stocked_world)}?include_packaging=0"' in page


def test_print_view_leaves_hidden_lines_out_and_keeps_the_note(stocked_world, member_client):
    page = member_client.get(page_url(stocked_world)).content.decode()
    # The print view is this page printed: the tick boxes print, the toggle link does not.
    assert page.count('class="print-tick print-only"') == 5
    note = page[page.index('id="enough-in-stock"') :]
    note = note[: note.index("</p>")]
    assert "2 lines with enough in stock are hidden" in note
    assert '<span class="d-print-none"> — <a href=' in note


def test_print_view_with_all_has_a_tick_box_for_every_line(stocked_world, member_client):
    page = member_client.get(page_url(stocked_world), {"all": "1"}).content.decode()
    assert page.count('class="print-tick print-only"') == 7


def test_everything_in_stock_says_so_instead_of_an_empty_list(household, member_client):
    w = build_gift_world(household)
    for prod, size in [
        (w.flour_big, 2000),
        (w.sugar_bag, 1000),
        (w.vanilla_bottle, 59),
        (w.butter_block, 500),
        (w.cellophane_pack, 10),
        (w.ribbon_spool, 25),
    ]:
        purchase(household, prod, price="1.00", on=ON, base_quantity=size)  # fmt: skip
    tin = Product.objects.create(
        household=household, ingredient=w.tin, name="Tin", package_quantity=1, package_unit="each"
    )
    purchase(household, tin, price="1.00", on=ON, base_quantity=3)
    page = member_client.get(page_url(w)).content.decode()
    assert "7 lines with enough in stock are hidden" in page
    assert "Nothing to buy: everything needed is in stock." in page
    assert "print-tick" not in page


def test_no_note_when_nothing_is_hidden(household, member_client):
    w = build_gift_world(household)
    page = member_client.get(page_url(w)).content.decode()
    assert "enough in stock" not in page
    assert page.count('class="print-tick print-only"') == 7


def test_csv_leaves_out_lines_with_enough_in_stock_by_default(stocked_world, tx):
    names = ingredient_names(shopping_list_csv(tx, stocked_world.event.pk))
    assert names == ["Flour", "Vanilla", "Butter", "Cellophane bag", "Cookie tin"]


def test_csv_with_all_lists_every_line_with_the_same_columns(stocked_world, tx):
    data = shopping_list_csv(tx, stocked_world.event.pk, show_all=True)
    assert ingredient_names(data) == [
        "Flour", "Sugar", "Vanilla", "Butter", "Cellophane bag", "Ribbon", "Cookie tin",
    ]  # fmt: skip
    default = shopping_list_csv(tx, stocked_world.event.pk)
    assert data.split(b"\r\n")[0] == default.split(b"\r\n")[0]
    assert b"Sugar,500,1000,0,g," in data


def test_web_csv_and_command_give_the_same_bytes_by_default(stocked_world, member_client, tmp_path):
    response = member_client.get(csv_url(stocked_world))
    assert response.status_code == 200
    assert response.content == command_bytes(tmp_path)
    assert b",Sugar," not in response.content


def test_web_csv_all_and_command_all_give_the_same_bytes(stocked_world, member_client, tmp_path):
    response = member_client.get(csv_url(stocked_world), {"all": "1"})
    assert response.content == command_bytes(tmp_path, "--all")
    assert b",Sugar," in response.content and b",Ribbon," in response.content


def test_web_csv_and_command_match_with_all_and_no_packaging(
    stocked_world, member_client, tmp_path
):
    response = member_client.get(csv_url(stocked_world), {"all": "1", "include_packaging": "0"})
    data = command_bytes(tmp_path, "--all", "--no-packaging")
    assert response.content == data
    assert ingredient_names(data) == ["Flour", "Sugar", "Vanilla", "Butter"]


def test_command_default_matches_the_csv_function(stocked_world, tmp_path):
    data = command_bytes(tmp_path)
    with unit_of_work(stocked_world.household, read_only=True) as tx:
        assert data == shopping_list_csv(tx, stocked_world.event.pk)
        assert data != shopping_list_csv(tx, stocked_world.event.pk, show_all=True)


PAGE_QUERY_BOUND = 30


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("query", [{}, {"all": "1"}, {"all": "1", "include_packaging": "0"}])
def test_page_and_csv_use_a_constant_number_of_queries(
    household, member_client, size, query, django_assert_max_num_queries
):
    world = build_scaled_world(household, size)
    for name in ("events:event_shopping_list", "events:event_shopping_list_csv"):
        with django_assert_max_num_queries(PAGE_QUERY_BOUND):
            response = member_client.get(reverse(name, args=[world.event.pk]), query)
        assert response.status_code == 200


def test_a_purchase_found_in_a_stock_count_sets_no_price(stocked_world, tx):
    """Its price is worked out from other lots, not paid: the list keeps the last price paid."""
    w = stocked_world
    before = get_shopping_list(tx, w.event.pk)
    line = next(x for x in before["items"] if x["ingredient_id"] == w.flour.pk)
    assert line["to_buy"] != "0"
    found = purchase(
        w.household, w.flour_big, price="99.00", on=ON, base_quantity=2000, remaining=0
    )
    found.purchase.found_in_count = True
    found.purchase.save()
    after = get_shopping_list(tx, w.event.pk)
    again = next(x for x in after["items"] if x["ingredient_id"] == w.flour.pk)
    assert again["product_id"] == line["product_id"]
    assert again["estimated_cost"] == line["estimated_cost"]
