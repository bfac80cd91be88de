"""Worlds for the production and assembly run tests (imported explicitly by those tests).

`assembly_world` extends the worked-example world with baked cookies on hand, a packaging
ingredient in two lots, a cookie bag (6 cookies + 1 cellophane bag) and a gift tin
(2 cookie bags + 1 tin).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Product,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.tests.conftest import buy


def make_event(household, name="Christmas 2026", on=dt.date(2026, 12, 24)):
    """An event row written directly (the events services are tested elsewhere)."""
    from events.models import Event

    return Event.objects.create(
        household=household, name=name, event_date=on, slug=name.lower().replace(" ", "-")
    )


def add_frosting(world):
    """A sub-recipe: Frosting (100 g sugar per batch), half a batch per batch of cookies."""
    h = world.household
    frosting = Recipe.objects.create(household=h, name="Frosting")
    RecipeIngredient.objects.create(
        household=h, recipe=frosting, ingredient=world.sugar, quantity=100, unit="g"
    )
    RecipeComponent.objects.create(
        household=h, recipe=world.cookies, component_recipe=frosting, batches=Decimal("0.5")
    )
    return frosting


@pytest.fixture
def assembly_world(spec_world):
    h = spec_world.household
    cookie = spec_world.cookie
    cookie.inventory_count = 30
    cookie.average_unit_cost = Decimal("0.05")
    cookie.save()
    bags = Ingredient.objects.create(
        household=h, name="Cellophane bag", kind="packaging", stock_family="count"
    )
    tins = Ingredient.objects.create(
        household=h, name="Tin", kind="packaging", stock_family="count"
    )
    bag_pack = Product.objects.create(
        household=h,
        ingredient=bags,
        name="Pack of 4",
        package_quantity=Decimal(4),
        package_unit="each",
    )
    bag_box = Product.objects.create(
        household=h,
        ingredient=bags,
        name="Box of 10",
        package_quantity=Decimal(10),
        package_unit="each",
    )
    tin_product = Product.objects.create(
        household=h, ingredient=tins, name="Tin", package_quantity=Decimal(1), package_unit="each"
    )
    bag_lot1 = buy(h, bag_pack, packages=1, price="0.40", on=dt.date(2026, 1, 5), base_quantity=4)
    bag_lot2 = buy(h, bag_box, packages=1, price="2.00", on=dt.date(2026, 2, 5), base_quantity=10)
    tin_lot = buy(h, tin_product, packages=3, price="1.50", on=dt.date(2026, 2, 5), base_quantity=3)
    cookie_bag = FinishedGood.objects.create(household=h, name="Cookie bag")
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=cookie_bag,
        component_type="finished_unit",
        finished_unit=cookie,
        quantity=6,
    )
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=cookie_bag,
        component_type="packaging",
        packaging=bags,
        quantity=1,
    )
    gift_tin = FinishedGood.objects.create(household=h, name="Gift tin")
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=gift_tin,
        component_type="finished_good",
        nested_good=cookie_bag,
        quantity=2,
    )
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=gift_tin,
        component_type="packaging",
        packaging=tins,
        quantity=1,
    )
    return SimpleNamespace(
        **vars(spec_world),
        bags=bags,
        tins=tins,
        bag_lot1=bag_lot1,
        bag_lot2=bag_lot2,
        tin_lot=tin_lot,
        cookie_bag=cookie_bag,
        gift_tin=gift_tin,
    )


def second_recipe(world, *, name="Shortbread", flour_grams=300, items_per_batch=20):
    """Another recipe drawing from the same flour lots (for lot contention)."""
    h = world.household
    recipe = Recipe.objects.create(household=h, name=name)
    RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=world.flour, quantity=flour_grams, unit="g"
    )
    unit = FinishedUnit.objects.create(
        household=h, recipe=recipe, name="finger", items_per_batch=items_per_batch
    )
    return recipe, unit
