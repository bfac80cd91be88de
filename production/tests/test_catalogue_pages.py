"""A page of the ingredient or product list equals the same slice of the whole list, in
every order, although only the page's rows are summed and priced."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from production.models import Ingredient, Product
from production.services.catalogue import (
    INGREDIENT_SORTS,
    PRODUCT_SORTS,
    list_ingredients,
    list_ingredients_page,
    list_products,
    list_products_page,
)
from production.tests.conftest import buy


@pytest.fixture
def catalogue(household):
    for index in range(23):
        ingredient = Ingredient.objects.create(
            household=household,
            name=f"Spice {index:02d}",
            stock_family="weight",
            category="spices" if index % 3 else "baking",
        )
        for size in range(index % 3):
            product = Product.objects.create(
                household=household,
                ingredient=ingredient,
                brand=f"Brand {index % 4}",
                package_quantity=100 + size,
                package_unit="g",
            )
            if (index + size) % 2:
                buy(
                    household,
                    product,
                    packages=1,
                    price=f"{index % 5 + 1}.50",
                    on=dt.date(2026, 1, 1 + size),
                    base_quantity=(index % 7 + 1) * 10,
                )


def _ingredient_rows(rows):
    return [(row.pk, row.on_hand, row.product_count) for row in rows]


def _product_rows(rows):
    return [(row.pk, row.ingredient.name, row.latest_price, row.purchase_count) for row in rows]


@pytest.mark.parametrize("sort", [*INGREDIENT_SORTS, *(f"-{key}" for key in INGREDIENT_SORTS)])
def test_an_ingredient_page_is_the_slice_of_the_whole_list(catalogue, tx, sort):
    whole = _ingredient_rows(list_ingredients(tx, sort=sort))
    pages = [list_ingredients_page(tx, sort=sort, page=n, per_page=10) for n in (1, 2, 3)]
    assert [p.paginator.count for p in pages] == [23, 23, 23]
    assert _ingredient_rows([row for p in pages for row in p.object_list]) == whole


@pytest.mark.parametrize("sort", [*PRODUCT_SORTS, *(f"-{key}" for key in PRODUCT_SORTS)])
def test_a_product_page_is_the_slice_of_the_whole_list(catalogue, tx, sort):
    whole = _product_rows(list_products(tx, sort=sort))
    per_page = 7
    pages = [
        list_products_page(tx, sort=sort, page=n, per_page=per_page)
        for n in range(1, len(whole) // per_page + 2)
    ]
    assert _product_rows([row for p in pages for row in p.object_list]) == whole


def test_a_searched_page_keeps_the_search_and_a_page_out_of_range_gives_the_last(catalogue, tx):
    page = list_ingredients_page(tx, q="baking", page=99, per_page=5)
    assert page.paginator.count == 8 and page.number == 2
    assert [row.name for row in page.object_list] == ["Spice 15", "Spice 18", "Spice 21"]


def test_only_the_pages_rows_are_summed(catalogue, tx):
    with CaptureQueriesContext(connection) as queries:
        page = list_ingredients_page(tx, page=1, per_page=5)
    summed = [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"].upper()]
    # One read sums the stock, for the page's five ingredients named by id.
    assert len(summed) == 1
    assert all(str(row.pk) in summed[0] for row in page.object_list)
    assert '"production_ingredient"."id" IN (' in summed[0]
