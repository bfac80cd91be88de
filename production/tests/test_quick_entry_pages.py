"""Quick entry of purchases: matching lines to products, and the confirm page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from production.models import Ingredient, InventoryLot, Product, Purchase
from production.services import propose_purchases

QUICK = reverse("production:purchase_quick_add")
CONFIRM = reverse("production:purchase_quick_confirm")


def _ingredient(household, name, family="weight"):
    return Ingredient.objects.create(household=household, name=name, stock_family=family)


def _product(household, ingredient, quantity, unit, *, brand="", name="", preferred=False):
    return Product.objects.create(
        household=household,
        ingredient=ingredient,
        brand=brand,
        name=name,
        package_quantity=Decimal(quantity),
        package_unit=unit,
        preferred=preferred,
    )


@pytest.fixture
def shop(household):
    flour = _ingredient(household, "Flour")
    butter = _ingredient(household, "Butter")
    return {
        "flour": flour,
        "butter": butter,
        "king_arthur": _product(household, flour, "5", "lb", brand="King Arthur"),
        "store_flour": _product(household, flour, "5", "lb", brand="Store"),
        "flour_kg": _product(household, flour, "1", "kg", preferred=True),
        "butter_lb": _product(household, butter, "1", "lb", preferred=True),
    }


# --- Matching -------------------------------------------------------------------------------


def test_an_exact_product_is_matched_by_size_and_brand(tx, shop):
    [proposal] = propose_purchases(tx, "2 x 5 lb flour King Arthur 7.98")
    assert proposal.ready
    assert proposal.product_id == shop["king_arthur"].pk


def test_the_brand_words_choose_between_products_of_the_same_size(tx, shop):
    [proposal] = propose_purchases(tx, "flour Store 5 lb 6.50")
    assert proposal.product_id == shop["store_flour"].pk


def test_the_preferred_product_is_matched_when_its_size_is_the_same_converted(tx, shop):
    [proposal] = propose_purchases(tx, "butter 16 oz 5.49")
    assert proposal.ready
    assert proposal.product_id == shop["butter_lb"].pk


def test_no_product_of_that_size_asks_for_one(tx, shop):
    [proposal] = propose_purchases(tx, "butter 2 lb 9.00")
    assert proposal.status == "no_product"
    assert proposal.ingredient_id == shop["butter"].pk
    assert "add one" in proposal.message


def test_a_shortened_ingredient_name_finds_the_one_ingredient_it_fits(tx, household):
    flour = _ingredient(household, "All-purpose flour")
    bag = _product(household, flour, "5", "lb", preferred=True)
    _ingredient(household, "Brown sugar")
    [proposal] = propose_purchases(tx, "2 x 5 lb flour 7.98")
    assert proposal.ready
    assert proposal.product_id == bag.pk


def test_a_shortened_name_that_fits_several_ingredients_names_them(tx, household):
    _ingredient(household, "Brown sugar")
    _ingredient(household, "Powdered sugar")
    [proposal] = propose_purchases(tx, "sugar 1 kg 2.00")
    assert proposal.status == "not_understood"
    assert "Brown sugar or Powdered sugar" in proposal.message


def test_an_unknown_ingredient_is_not_understood(tx, shop):
    [proposal] = propose_purchases(tx, "saffron 1 g 9.00")
    assert proposal.status == "not_understood"
    assert proposal.product_id is None


def test_another_households_products_are_never_matched(tx, shop, outsider_household):
    cocoa = _ingredient(outsider_household, "Cocoa")
    _product(outsider_household, cocoa, "250", "g", preferred=True)
    [proposal] = propose_purchases(tx, "cocoa 250 g 4.00")
    assert proposal.status == "not_understood"


def test_an_unreadable_line_keeps_its_reason(tx, shop):
    [proposal] = propose_purchases(tx, "flour 5 lb")
    assert proposal.status == "unreadable"
    assert "no price" in proposal.message


# --- Pages ----------------------------------------------------------------------------------


def _proposals_page(client, text):
    return client.post(QUICK, {"lines": text})


def _confirm_data(page, **changes):
    """The confirm form's fields as the page rendered them, with `changes` applied."""
    html = page.content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            data[name.group(1)] = value.group(1) if value else ""
    for select in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
        data[select[0]] = chosen.group(1) if chosen else ""
    data.update(changes)
    return data


def test_the_purchase_list_has_the_quick_add_box_for_a_member(member_client):
    page = member_client.get(reverse("production:purchase_list"))
    assert f'action="{QUICK}"' in page.content.decode()


def test_the_purchase_list_has_no_quick_add_box_for_a_viewer(viewer_client):
    page = viewer_client.get(reverse("production:purchase_list"))
    assert QUICK not in page.content.decode()


def test_reading_lines_proposes_purchases_and_records_nothing(member_client, shop):
    page = _proposals_page(member_client, "2 x 5 lb flour King Arthur 7.98\nbutter 1 lb 5.49 total")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Record 2 purchases" in html
    assert f'<option value="{shop["king_arthur"].pk}" selected' in html
    assert 'value="7.98"' in html
    assert Purchase.objects.count() == 0


def test_a_line_without_a_product_links_to_the_product_form(member_client, shop):
    html = _proposals_page(member_client, "butter 2 lb 9.00").content.decode()
    assert reverse("production:product_create", args=[shop["butter"].pk]) in html
    assert reverse("production:purchase_create") in html
    assert "No product of that size" in html


def test_two_confirmed_lines_record_two_purchases_and_lots(member_client, shop):
    page = _proposals_page(member_client, "2 x 5 lb flour King Arthur 7.98\nbutter 1 lb 5.49 total")
    response = member_client.post(CONFIRM, _confirm_data(page))
    assert response.status_code == 302
    assert response["Location"] == reverse("production:purchase_list")
    flour = Purchase.objects.get(product=shop["king_arthur"])
    assert (flour.packages, flour.price_per_package) == (Decimal(2), Decimal("7.98"))
    assert Purchase.objects.get(product=shop["butter_lb"]).price_per_package == Decimal("5.49")
    assert InventoryLot.objects.count() == 2
    followed = member_client.get(response["Location"]).content.decode()
    assert "Recorded 2 purchases." in followed


def test_one_bad_row_records_nothing_and_shows_its_message(member_client, shop):
    page = _proposals_page(member_client, "2 x 5 lb flour King Arthur 7.98\nbutter 1 lb 5.49")
    response = member_client.post(
        CONFIRM, _confirm_data(page, **{"form-1-purchased_on": "1800-01-01"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1900" in html
    assert Purchase.objects.count() == 0 and InventoryLot.objects.count() == 0


def test_a_row_the_service_refuses_rolls_back_the_rows_before_it(member_client, household, shop):
    jar = _ingredient(household, "Jam", family="count")
    _product(household, jar, "1", "kg", preferred=True)  # cannot convert to each
    page = _proposals_page(member_client, "2 x 5 lb flour King Arthur 7.98\njam 1 kg 3.00")
    response = member_client.post(CONFIRM, _confirm_data(page))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cannot convert kg to each for Jam" in html
    assert Purchase.objects.count() == 0 and InventoryLot.objects.count() == 0


def test_a_replayed_confirm_records_nothing_twice(member_client, shop):
    page = _proposals_page(member_client, "2 x 5 lb flour King Arthur 7.98\nbutter 1 lb 5.49")
    data = _confirm_data(page)
    assert member_client.post(CONFIRM, data).status_code == 302
    replay = member_client.post(CONFIRM, data, follow=True)
    assert "Nothing was added twice" in replay.content.decode()
    assert Purchase.objects.count() == 2 and InventoryLot.objects.count() == 2


def test_a_viewer_cannot_read_or_confirm_lines(viewer_client, shop):
    assert viewer_client.post(QUICK, {"lines": "butter 1 lb 5.49"}).status_code == 403
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-packages": "1"}
    assert viewer_client.post(CONFIRM, data).status_code == 403
    assert Purchase.objects.count() == 0


def test_an_outsider_sees_none_of_the_members_products(outsider_client, shop):
    html = _proposals_page(outsider_client, "2 x 5 lb flour King Arthur 7.98").content.decode()
    assert "King Arthur" not in html.replace("2 x 5 lb flour King Arthur 7.98", "")
    assert f'value="{shop["king_arthur"].pk}"' not in html
    assert "Not understood" in html


def test_an_outsider_cannot_confirm_a_members_product(outsider_client, shop):
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-product_id": str(shop["king_arthur"].pk),
        "form-0-packages": "1",
        "form-0-price_per_package": "2.00",
        "form-0-purchased_on": "2026-11-20",
    }
    response = outsider_client.post(CONFIRM, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Purchase.objects.count() == 0


def test_an_empty_confirm_records_nothing(member_client, shop):
    data = {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0"}
    response = member_client.post(CONFIRM, data)
    assert response.status_code == 200
    assert Purchase.objects.count() == 0


def test_the_confirm_page_without_proposals_says_there_is_nothing_to_confirm(member_client):
    response = member_client.get(CONFIRM)
    assert response.status_code == 200
    assert "There is nothing to confirm" in response.content.decode()
    assert Purchase.objects.count() == 0
