"""The planning pages and the lists stay light with thousands of recipients: a page shows
totals and one page of rows, whatever the size of the household."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils.text import slugify

from events.models import Assignment, Event, Package, PackageItem, Recipient
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Product,
    Purchase,
    Recipe,
    RecipeIngredient,
)

PAGE_BYTES_LIMIT = 200_000


def build_event_at_scale(household, *, recipes: int, recipients: int, name: str = "Big Christmas"):
    """One event with `recipients` recipients, each given one package of one gift box.

    Per recipe: an ingredient (a priced product, nothing on hand, so all of it is to buy),
    a baked item, a gift box of three of them in a bag, and a package holding the box.
    Recipient k gets package k mod `recipes`, once or twice. Bulk inserts keep it quick.
    """
    h = household
    event = Event.objects.create(
        household=h, name=name, slug=slugify(name), event_date=dt.date(2026, 12, 24)
    )
    foods = Ingredient.objects.bulk_create(
        [
            Ingredient(
                household=h, name=f"Food {n:03}", stock_family="weight", category=f"Cat {n % 4}"
            )
            for n in range(recipes)
        ]
    )
    bag = Ingredient.objects.create(
        household=h, name="Bag", stock_family="count", kind="packaging", category="Packaging"
    )
    products = Product.objects.bulk_create(
        [
            Product(household=h, ingredient=food, name="Sack", package_quantity=Decimal(1000),
                    package_unit="g")
            for food in foods
        ]
    )  # fmt: skip
    Purchase.objects.bulk_create(
        [
            Purchase(household=h, product=product, purchased_on=dt.date(2026, 1, 1),
                     packages=Decimal(1), price_per_package=Decimal("3.00"))
            for product in products
        ]
    )  # fmt: skip
    made = Recipe.objects.bulk_create(
        [Recipe(household=h, name=f"Recipe {n:03}") for n in range(recipes)]
    )
    RecipeIngredient.objects.bulk_create(
        [
            RecipeIngredient(household=h, recipe=recipe, ingredient=food, quantity=Decimal(200),
                             unit="g")
            for recipe, food in zip(made, foods, strict=True)
        ]
    )  # fmt: skip
    units = FinishedUnit.objects.bulk_create(
        [
            FinishedUnit(household=h, recipe=recipe, name=f"Piece {n:03}", items_per_batch=12)
            for n, recipe in enumerate(made)
        ]
    )
    goods = FinishedGood.objects.bulk_create(
        [FinishedGood(household=h, name=f"Box {n:03}") for n in range(recipes)]
    )
    components = []
    for good, unit in zip(goods, units, strict=True):
        components.append(
            FinishedGoodComponent(household=h, finished_good=good, component_type="finished_unit",
                                  finished_unit=unit, quantity=Decimal(3))
        )  # fmt: skip
        components.append(
            FinishedGoodComponent(household=h, finished_good=good, component_type="packaging",
                                  packaging=bag, quantity=Decimal(1))
        )  # fmt: skip
    FinishedGoodComponent.objects.bulk_create(components)
    packages = Package.objects.bulk_create(
        [Package(household=h, name=f"Package {n:03}") for n in range(recipes)]
    )
    PackageItem.objects.bulk_create(
        [
            PackageItem(household=h, package=package, finished_good=good, quantity=1)
            for package, good in zip(packages, goods, strict=True)
        ]
    )
    people = Recipient.objects.bulk_create(
        [Recipient(household=h, name=f"Recipient {k:04}") for k in range(recipients)]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(household=h, event=event, recipient=person,
                       package=packages[k % recipes], quantity=1 + k % 2)
            for k, person in enumerate(people)
        ]
    )  # fmt: skip
    return SimpleNamespace(household=h, event=event, recipients=people, recipes=made)


def get(client, url, **query):
    """The page's HTML with runs of white space made one space."""
    return " ".join(client.get(url, query).content.decode().split())


def event_url(name, world, query=""):
    return reverse(f"events:{name}", args=[world.event.pk]) + query


def test_no_page_passes_200_kb_at_a_large_event(household, member_client):
    world = build_event_at_scale(household, recipes=300, recipients=2000)
    pages = [
        event_url("event_shopping_list", world),
        event_url("event_shopping_list", world, "?all=1"),
        event_url("event_summary", world),
        event_url("event_needs", world),
        event_url("event_packaging", world),
        event_url("production_target_set", world),
        event_url("assembly_target_set", world),
        reverse("events:recipient_list"),
        reverse("events:package_list"),
    ]
    sizes = {url: len(member_client.get(url).content) for url in pages}
    assert {url: size for url, size in sizes.items() if size > PAGE_BYTES_LIMIT} == {}
    assert Assignment.objects.filter(event=world.event).count() == 2000


def test_shopping_list_shows_150_lines_a_page_with_totals_for_all(household, member_client):
    world = build_event_at_scale(household, recipes=160, recipients=160)
    first = get(member_client, event_url("event_shopping_list", world))
    second = get(member_client, event_url("event_shopping_list", world), page=2)
    assert "161 lines, 161 with something to buy." in first
    assert "Showing 1–150 of 161 lines" in first and "Showing 151–161 of 161 lines" in second
    assert first.count('class="shop-tick') == 150 and second.count('class="shop-tick') == 11
    assert ">Food 000</div>" in first and ">Food 000</div>" not in second
    assert ">Bag</div>" in second  # packaging comes after the ingredients
    assert Recipe.objects.filter(household=household).count() == 160


def test_summary_shows_recipients_100_at_a_time_with_totals_for_all(household, member_client):
    world = build_event_at_scale(household, recipes=3, recipients=250)
    first = get(member_client, event_url("event_summary", world))
    third = get(member_client, event_url("event_summary", world), page=3)
    assert "Showing 1–100 of 250 recipients" in first
    assert ">Recipient 0099</a>" in first and ">Recipient 0100</a>" not in first
    assert ">Recipient 0249</a>" in third and ">Recipient 0199</a>" not in third
    assert '<tr><th scope="row">Recipients</th><td class="num">250</td></tr>' in first
    # Package 000 goes to recipients 0, 3, … 249: 84 assignments, 42 once and 42 twice.
    assert '<td>Package 000</td><td class="num">84</td><td class="num">126</td>' in first
    assert Assignment.objects.filter(event=world.event).count() == 250


def test_summary_page_past_the_end_shows_the_last_page(household, member_client):
    world = build_event_at_scale(household, recipes=2, recipients=120)
    page = get(member_client, event_url("event_summary", world), page=99)
    assert "Showing 101–120 of 120 recipients" in page
    assert Recipient.objects.count() == 120


def test_recipe_needs_tables_are_paged_on_their_own(household, member_client):
    world = build_event_at_scale(household, recipes=130, recipients=130)
    first = get(member_client, event_url("event_needs", world))
    assert "Showing 1–100 of 130 baked items" in first
    assert "Showing 1–100 of 130 recipes" in first
    assert "Showing 1–100 of 130 gift boxes" in first
    later = get(member_client, event_url("event_needs", world), baking_page=2)
    assert "Showing 101–130 of 130 recipes" in later
    assert "Showing 1–100 of 130 baked items" in later
    assert Recipe.objects.count() == 130


def test_recipient_list_shows_100_a_page_with_totals_and_search(household, member_client):
    build_event_at_scale(household, recipes=2, recipients=230)
    Recipient.objects.filter(name="Recipient 0229").update(active=False)
    url = reverse("events:recipient_list")
    first = get(member_client, url)
    assert "230 recipients in all, 229 active." in first
    assert "Showing 1–100 of 230 recipients" in first
    assert ">Recipient 0099</a>" in first and ">Recipient 0100</a>" not in first
    found = get(member_client, url, q="recipient 02", inactive="on")
    assert "Showing 1–30 of 30 recipients" in found and ">Recipient 0229</a>" in found
    active = get(member_client, url, q="recipient 02")
    assert "Showing 1–29 of 29 recipients" in active and ">Recipient 0229</a>" not in active
    assert Recipient.objects.filter(active=True).count() == 229


def test_package_list_shows_100_a_page_with_totals_and_search(household, member_client):
    build_event_at_scale(household, recipes=120, recipients=5)
    url = reverse("events:package_list")
    first = get(member_client, url)
    assert "120 packages in all." in first and "Showing 1–100 of 120 packages" in first
    assert "1 × Box 000" in first and ">Package 100</a>" not in first
    found = get(member_client, url, q="age 11")
    assert "Showing 1–10 of 10 packages" in found and ">Package 119</a>" in found
    assert Package.objects.count() == 120
