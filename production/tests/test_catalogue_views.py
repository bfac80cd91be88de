"""Catalogue and inventory pages: flows, bad input, isolation, viewers, query budgets."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from production import catalogue_urls
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    Purchase,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
    StockAdjustment,
)
from production.tests.conftest import buy


@pytest.fixture
def world(spec_world):
    """The worked example plus a sub-recipe, packaging and a gift box holding a nested tin."""
    h = spec_world.household
    frosting = Recipe.objects.create(household=h, name="Frosting")
    RecipeIngredient.objects.create(
        household=h, recipe=frosting, ingredient=spec_world.sugar, quantity=50, unit="g"
    )
    link = RecipeComponent.objects.create(
        household=h, recipe=spec_world.cookies, component_recipe=frosting, batches=1
    )
    bag = Ingredient.objects.create(
        household=h, name="Cellophane bag", stock_family="count", kind="packaging"
    )
    tin = FinishedGood.objects.create(household=h, name="Cookie tin")
    box = FinishedGood.objects.create(household=h, name="Gift box")
    unit_component = FinishedGoodComponent.objects.create(
        household=h,
        finished_good=tin,
        component_type="finished_unit",
        finished_unit=spec_world.cookie,
        quantity=12,
    )
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=box,
        component_type="finished_good",
        nested_good=tin,
        quantity=1,
    )
    FinishedGoodComponent.objects.create(
        household=h, finished_good=box, component_type="packaging", packaging=bag, quantity=2
    )
    line = RecipeIngredient.objects.filter(recipe=spec_world.cookies).order_by("id").first()
    return SimpleNamespace(
        **vars(spec_world),
        frosting=frosting,
        link=link,
        bag=bag,
        tin=tin,
        box=box,
        unit_component=unit_component,
        line=line,
    )


def _url_args(world) -> dict[str, int]:
    """A real object id of the household for every catalogue URL that takes one."""
    return {
        "ingredient_detail": world.flour.pk,
        "ingredient_edit": world.flour.pk,
        "ingredient_delete": world.bag.pk,
        "product_create": world.flour.pk,
        "product_edit": world.flour_big.pk,
        "product_delete": world.flour_big.pk,
        "purchase_edit": world.lot2.purchase_id,
        "purchase_delete": world.lot2.purchase_id,
        "purchase_correct": world.lot2.purchase_id,
        "recipe_detail": world.cookies.pk,
        "recipe_edit": world.cookies.pk,
        "recipe_delete": world.frosting.pk,
        "recipe_line_create": world.cookies.pk,
        "recipe_line_edit": world.line.pk,
        "recipe_line_delete": world.line.pk,
        "recipe_component_create": world.cookies.pk,
        "recipe_component_edit": world.link.pk,
        "recipe_component_delete": world.link.pk,
        "finished_unit_create": world.cookies.pk,
        "finished_unit_edit": world.cookie.pk,
        "finished_unit_delete": world.cookie.pk,
        "finished_unit_adjust": world.cookie.pk,
        "finished_good_detail": world.box.pk,
        "finished_good_edit": world.box.pk,
        "finished_good_delete": world.box.pk,
        "finished_good_adjust": world.box.pk,
        "component_create": world.box.pk,
        "component_edit": world.unit_component.pk,
        "component_delete": world.unit_component.pk,
    }


def _all_urls(world) -> list[tuple[str, str]]:
    args = _url_args(world)
    urls = []
    for pattern in catalogue_urls.urlpatterns:
        name = pattern.name
        assert name is not None  # every catalogue page has a URL name
        if "<int:pk>" in str(pattern.pattern):
            urls.append((name, reverse(f"production:{name}", args=[args[name]])))
        else:
            urls.append((name, reverse(f"production:{name}")))
    return urls


# --- Isolation and roles -----------------------------------------------------------------


def test_every_catalogue_page_renders_for_a_member(world, member_client):
    for name, url in _all_urls(world):
        response = member_client.get(url)
        assert response.status_code == 200, name


def test_outsider_gets_404_for_every_url_with_a_real_id(world, outsider_client):
    before = db_snapshot()
    with_ids = [(n, u) for n, u in _all_urls(world) if n in _url_args(world)]
    assert len(with_ids) == len(_url_args(world))
    for name, url in with_ids:
        assert outsider_client.get(url).status_code == 404, name
        assert outsider_client.post(url, {"name": "x", "quantity": 1}).status_code == 404, name
    assert db_snapshot() == before


def test_outsider_lists_show_only_their_household(world, outsider_client):
    for name in (
        "ingredient_list",
        "inventory",
        "recipe_list",
        "finished_good_list",
        "purchase_list",
        "product_list",
        "finished_unit_list",
    ):
        html = outsider_client.get(reverse(f"production:{name}")).content.decode()
        assert "Flour" not in html and "Sugar Cookies" not in html and "Gift box<" not in html


def test_viewer_reads_but_every_post_is_refused(world, viewer_client):
    before = db_snapshot()
    assert viewer_client.get(reverse("production:inventory")).status_code == 200
    html = viewer_client.get(reverse("production:recipe_detail", args=[world.cookies.pk]))
    assert b"Add ingredient" not in html.content
    for name, url in _all_urls(world):
        assert viewer_client.post(url, {"name": "x"}).status_code == 403, name
    assert db_snapshot() == before


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("production:inventory"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- Flows -------------------------------------------------------------------------------


def test_create_ingredient_product_and_purchase(member_client, household):
    response = member_client.post(
        reverse("production:ingredient_create"),
        {
            "name": "Cocoa <dark>",
            "kind": "food",
            "stock_family": "weight",
            "density_g_per_cup": "85",
            "category": "Baking",
            "notes": "",
        },
    )
    cocoa = Ingredient.objects.get(name="Cocoa <dark>")
    assert response.status_code == 302
    assert response["Location"] == reverse("production:ingredient_detail", args=[cocoa.pk])
    page = member_client.get(response["Location"]).content.decode()
    assert "Cocoa &lt;dark&gt;" in page and "Cocoa <dark>" not in page
    response = member_client.post(
        reverse("production:product_create", args=[cocoa.pk]),
        {
            "brand": "Dutch",
            "name": "Tin",
            "package_quantity": "250",
            "package_unit": "g",
            "preferred": "on",
            "notes": "",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(ingredient=cocoa)
    assert product.preferred is True
    response = member_client.post(
        reverse("production:purchase_create"),
        {
            "product_id": product.pk,
            "purchased_on": "2026-11-01",
            "packages": "2",
            "price_per_package": "5.00",
            "supplier": "Market",
            "notes": "",
        },
        follow=True,
    )
    lot = InventoryLot.objects.get(ingredient=cocoa)
    assert (lot.quantity_initial, lot.cost_per_unit) == (Decimal("500"), Decimal("0.02"))
    assert "500 g of Cocoa &lt;dark&gt; added" in response.content.decode()


def test_record_depletion_page(world, member_client):
    response = member_client.post(
        reverse("production:depletion_create"),
        {
            "ingredient_id": world.flour.pk,
            "quantity": "1",
            "unit": "cup",
            "reason": "spoilage",
            "notes": "",
        },
        follow=True,
    )
    assert "Took 120 g of Flour out of stock." in response.content.decode()
    assert InventoryLot.objects.get(pk=world.lot1.pk).quantity_remaining == Decimal("80")
    assert StockAdjustment.objects.get().change == Decimal("-120")
    history = member_client.get(reverse("production:adjustment_list")).content.decode()
    assert "Spoilage" in history and "-120 g" in history


def test_recipe_pages_build_a_recipe(world, member_client):
    response = member_client.post(
        reverse("production:recipe_create"), {"name": "Layer cake", "category": "", "notes": ""}
    )
    cake = Recipe.objects.get(name="Layer cake")
    assert response["Location"] == reverse("production:recipe_detail", args=[cake.pk])
    member_client.post(
        reverse("production:recipe_line_create", args=[cake.pk]),
        {"ingredient_id": world.flour.pk, "quantity": "3", "unit": "cup", "notes": "sifted"},
    )
    member_client.post(
        reverse("production:recipe_component_create", args=[cake.pk]),
        {"component_recipe_id": world.frosting.pk, "batches": "2"},
    )
    member_client.post(
        reverse("production:finished_unit_create", args=[cake.pk]),
        {"name": "Slice", "items_per_batch": "12", "item_unit": "slice"},
    )
    page = member_client.get(reverse("production:recipe_detail", args=[cake.pk])).content
    html = page.decode()
    assert "360 g" in html  # 3 cups of flour
    assert "Frosting" in html and "12 slices" in html
    # 360 g flour: 200 g at 0.002 + 160 g at 0.003 = 0.88; 100 g sugar at 0.004 = 0.40
    assert "1.28" in html
    assert FinishedUnit.objects.get(recipe=cake).items_per_batch == 12


def test_recipe_estimate_flags_missing_prices(world, member_client):
    vanilla = Ingredient.objects.create(
        household=world.household, name="Vanilla", stock_family="volume"
    )
    RecipeIngredient.objects.create(
        household=world.household, recipe=world.cookies, ingredient=vanilla, quantity=1, unit="tsp"
    )
    html = member_client.get(
        reverse("production:recipe_detail", args=[world.cookies.pk]) + "?batches=2"
    ).content.decode()
    assert "No price yet for Vanilla" in html
    assert "⚠ no price" in html
    listing = member_client.get(reverse("production:recipe_list")).content.decode()
    assert "price missing" in listing


def test_goods_pages_add_components_and_adjust_stock(world, member_client):
    response = member_client.post(
        reverse("production:component_create", args=[world.tin.pk]),
        {"item": f"packaging:{world.bag.pk}", "quantity": "1"},
    )
    assert response.status_code == 302
    assert FinishedGoodComponent.objects.filter(finished_good=world.tin, packaging=world.bag)
    member_client.post(
        reverse("production:finished_good_adjust", args=[world.tin.pk]),
        {"change": "4", "reason": "correction", "notes": "counted the shelf"},
    )
    assert FinishedGood.objects.get(pk=world.tin.pk).inventory_count == 4
    html = member_client.get(reverse("production:finished_good_detail", args=[world.box.pk]))
    assert b"Cookie tin" in html.content and b"Cellophane bag" in html.content


def test_edit_pages_save_changes(world, member_client):
    member_client.post(
        reverse("production:ingredient_edit", args=[world.flour.pk]),
        {
            "name": "Plain flour",
            "kind": "food",
            "stock_family": "weight",
            "density_g_per_cup": "120",
            "category": "Baking",
            "notes": "x",
        },
    )
    assert Ingredient.objects.get(pk=world.flour.pk).name == "Plain flour"
    member_client.post(
        reverse("production:recipe_line_edit", args=[world.line.pk]),
        {"ingredient_id": world.flour.pk, "quantity": "2.5", "unit": "cup", "notes": ""},
    )
    assert RecipeIngredient.objects.get(pk=world.line.pk).quantity == Decimal("2.5")
    member_client.post(
        reverse("production:purchase_edit", args=[world.lot2.purchase_id]),
        {
            "product_id": world.flour_big.pk,
            "purchased_on": "2026-02-02",
            "packages": "2",
            "price_per_package": "3.00",
            "supplier": "",
            "notes": "",
        },
    )
    assert InventoryLot.objects.get(pk=world.lot2.pk).quantity_initial == Decimal("2000")


def test_delete_pages_remove_unused_rows(world, member_client):
    product = Product.objects.create(
        household=world.household, ingredient=world.sugar, package_quantity=5, package_unit="kg"
    )
    response = member_client.post(reverse("production:product_delete", args=[product.pk]))
    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    member_client.post(reverse("production:component_delete", args=[world.unit_component.pk]))
    assert not FinishedGoodComponent.objects.filter(pk=world.unit_component.pk).exists()


def test_lists_search_and_sort(world, member_client):
    html = member_client.get(reverse("production:ingredient_list") + "?q=sug").content.decode()
    assert "Sugar" in html and ">Flour<" not in html
    html = member_client.get(reverse("production:recipe_list") + "?sort=-name").content.decode()
    assert html.index("Sugar Cookies") < html.index("Frosting")
    assert 'aria-sort="descending"' in html
    html = member_client.get(reverse("production:inventory") + "?sort=-value").content.decode()
    assert html.index(">Sugar<") < html.index(">Flour<")
    # An unknown sort key is ignored, never an error.
    assert member_client.get(reverse("production:purchase_list") + "?sort=drop").status_code == 200


@pytest.mark.parametrize(
    ("name", "noun", "row"),
    [
        ("ingredient_list", "ingredients", "Spice"),
        ("product_list", "products", "Spice"),
        ("finished_unit_list", "baked items", "Biscuit"),
    ],
)
def test_long_catalogue_lists_come_fifty_rows_a_page(world, member_client, name, noun, row):
    _grow(world.household, 0, 60)
    url = reverse(f"production:{name}")

    first = member_client.get(url + "?q=" + row.lower()).content.decode()
    second = member_client.get(url + "?q=" + row.lower() + "&page=2").content.decode()

    assert first.count(f">{row} ") == 50
    assert f"Showing 1–50 of 60 {noun} (page 1 of 2)." in first
    assert re.search(rf'href="\?q={row.lower()}[^"]*page=2"', first)  # keeps the search
    assert second.count(f">{row} ") == 10


# --- Query budgets ------------------------------------------------------------------------------


def _grow(household, index_from: int, count: int) -> None:
    """More ingredients with lots, and recipes with lines, sub-recipes and units."""
    previous = None
    for index in range(index_from, index_from + count):
        ingredient = Ingredient.objects.create(
            household=household, name=f"Spice {index}", stock_family="weight"
        )
        product = Product.objects.create(
            household=household, ingredient=ingredient, package_quantity=100, package_unit="g"
        )
        for month in (1, 2):
            buy(
                household,
                product,
                packages=1,
                price="2.00",
                on=dt.date(2026, month, 1),
                base_quantity=100,
            )
        recipe = Recipe.objects.create(household=household, name=f"Biscuit {index}")
        RecipeIngredient.objects.create(
            household=household, recipe=recipe, ingredient=ingredient, quantity=2, unit="g"
        )
        FinishedUnit.objects.create(
            household=household, recipe=recipe, name="biscuit", items_per_batch=20
        )
        if previous is not None:
            RecipeComponent.objects.create(
                household=household, recipe=recipe, component_recipe=previous, batches=1
            )
            previous = None
        else:
            previous = recipe


@pytest.mark.parametrize(
    "name",
    [
        "inventory",
        "recipe_list",
        "ingredient_list",
        "purchase_list",
        "finished_good_list",
        "product_list",
    ],
)
def test_list_pages_keep_their_query_count_as_data_grows(
    world, member_client, django_assert_max_num_queries, name
):
    url = reverse(f"production:{name}")
    member_client.get(url)  # warm the session
    _grow(world.household, 0, 3)
    with django_assert_max_num_queries(14):
        small = member_client.get(url)
    _grow(world.household, 3, 20)
    with django_assert_max_num_queries(14):
        large = member_client.get(url)
    assert small.status_code == large.status_code == 200
    if name in ("inventory", "recipe_list"):
        assert "Spice 22" in large.content.decode() or "Biscuit 22" in large.content.decode()


@pytest.mark.parametrize("name", ["recipe_detail", "ingredient_detail", "finished_good_detail"])
def test_detail_pages_keep_their_query_count(
    world, member_client, django_assert_max_num_queries, name
):
    target = {
        "recipe_detail": world.cookies.pk,
        "ingredient_detail": world.flour.pk,
        "finished_good_detail": world.box.pk,
    }[name]
    url = reverse(f"production:{name}", args=[target])
    member_client.get(url)
    with django_assert_max_num_queries(22):
        assert member_client.get(url).status_code == 200
    for month in range(3, 12):
        buy(
            world.household,
            world.flour_big,
            packages=1,
            price="3.00",
            on=dt.date(2026, month, 1),
            base_quantity=1000,
        )
    with django_assert_max_num_queries(22):
        assert member_client.get(url).status_code == 200


def test_purchase_page_lists_products_grouped_by_ingredient(world, member_client):
    html = member_client.get(reverse("production:purchase_create")).content.decode()
    assert '<optgroup label="Flour">' in html
    assert Purchase.objects.count() == 3
