"""The stock page shows fifty ingredients a page: every row is summed and sorted, but only
the shown rows read their lots (docs/performance.md)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from bakeplanner.tx import unit_of_work
from production.models import Ingredient, InventoryLot
from production.services import get_inventory, get_inventory_page, record_purchase
from production.views.ingredients import INVENTORY_PER_PAGE


def _spices(household, tx, count):
    for index in range(count):
        ingredient = Ingredient.objects.create(
            household=household, name=f"Spice {index:03}", stock_family="weight"
        )
        product = ingredient.products.create(
            household=household, package_quantity=50, package_unit="g"
        )
        record_purchase(
            tx, product.pk, packages=1, price_per_package=2, purchased_on=dt.date(2026, 1, 2)
        )


def test_a_page_lists_its_rows_with_lots_and_the_total_of_every_row(spec_world, tx):
    _spices(spec_world.household, tx, 60)
    every = get_inventory(tx)
    listed = get_inventory_page(tx, page=2, per_page=50)
    assert [row["ingredient_name"] for row in listed["rows"]] == [
        row["ingredient_name"] for row in every[50:]
    ]
    assert [row["lots"] for row in listed["rows"]] == [row["lots"] for row in every[50:]]
    assert listed["page"].paginator.count == len(every) == Ingredient.objects.count()
    exact = sum(
        (lot.quantity_remaining * lot.cost_per_unit for lot in InventoryLot.objects.all()),
        Decimal(0),
    )
    assert listed["total_value"] == exact


def test_a_page_costs_the_same_queries_for_few_and_many_ingredients(
    spec_world, tx, django_assert_num_queries
):
    with django_assert_num_queries(3):
        get_inventory_page(tx)
    _spices(spec_world.household, tx, 80)
    with django_assert_num_queries(3):
        listed = get_inventory_page(tx, sort="-value")
    assert len(listed["rows"]) == 50


def test_the_stock_page_shows_one_page_and_links_the_next(spec_world, member_client):
    with unit_of_work(spec_world.household) as tx:
        _spices(spec_world.household, tx, INVENTORY_PER_PAGE + 5)
    url = reverse("production:inventory")
    first = member_client.get(url, {"kind": "food"}).content.decode()
    assert "Spice 000" in first and "Spice 054" not in first
    assert "(page 1 of 2)" in first
    assert "kind=food&amp;page=2" in first
    second = member_client.get(url, {"kind": "food", "page": 2}).content.decode()
    assert "Spice 054" in second and "Spice 000" not in second
    # The total still covers every listed ingredient, not only the shown page.
    assert first.count("Total value of what is listed") == 1


def test_a_page_number_past_the_end_shows_the_last_page(spec_world, member_client):
    response = member_client.get(reverse("production:inventory"), {"page": "999"})
    assert response.status_code == 200
    assert "Flour" in response.content.decode()


def test_lot_dates_follow_the_household_locale(spec_world, member_client):
    with unit_of_work(spec_world.household) as tx:
        _spices(spec_world.household, tx, 1)
    spec_world.household.locale = "de-DE"
    spec_world.household.save(update_fields=["locale"])
    html = member_client.get(reverse("production:inventory"), {"q": "Spice"}).content.decode()
    assert "02.01.2026 ·" in html and "2026-01-02" not in html
