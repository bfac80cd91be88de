"""The reference world: flour and sugar, three purchases, Sugar Cookies (48 per batch).

See docs/design.md, "Worked example".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from production.models import (
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    Purchase,
    Recipe,
    RecipeIngredient,
)


def buy(household, product, *, packages, price, on, base_quantity):
    """A purchase and its lot, written directly (the purchase service has its own tests)."""
    purchase = Purchase.objects.create(
        household=household,
        product=product,
        purchased_on=on,
        packages=Decimal(packages),
        price_per_package=Decimal(price),
    )
    quantity = Decimal(base_quantity)
    return InventoryLot.objects.create(
        household=household,
        product=product,
        ingredient=product.ingredient,
        purchase=purchase,
        quantity_initial=quantity,
        quantity_remaining=quantity,
        cost_per_unit=Decimal(price) * Decimal(packages) / quantity,
        received_on=on,
    )


@pytest.fixture
def spec_world(household):
    """The worked example, built with the ORM so every service test can start from it."""
    h = household
    flour = Ingredient.objects.create(
        household=h,
        name="Flour",
        stock_family="weight",
        density_g_per_cup=Decimal("120"),
        category="Baking",
    )
    sugar = Ingredient.objects.create(
        household=h,
        name="Sugar",
        stock_family="weight",
        density_g_per_cup=Decimal("200"),
        category="Baking",
    )
    flour_small = Product.objects.create(
        household=h, ingredient=flour, name="Small bag", package_quantity=200, package_unit="g"
    )
    flour_big = Product.objects.create(
        household=h, ingredient=flour, name="Big bag", package_quantity=1, package_unit="kg"
    )
    sugar_bag = Product.objects.create(
        household=h, ingredient=sugar, name="Bag", package_quantity=1, package_unit="kg"
    )
    lot1 = buy(h, flour_small, packages=1, price="0.40", on=dt.date(2026, 1, 1), base_quantity=200)
    lot2 = buy(h, flour_big, packages=1, price="3.00", on=dt.date(2026, 2, 1), base_quantity=1000)
    lot3 = buy(h, sugar_bag, packages=1, price="4.00", on=dt.date(2026, 2, 1), base_quantity=1000)
    cookies = Recipe.objects.create(household=h, name="Sugar Cookies", category="Cookies")
    RecipeIngredient.objects.create(
        household=h, recipe=cookies, ingredient=flour, quantity=2, unit="cup"
    )
    RecipeIngredient.objects.create(
        household=h, recipe=cookies, ingredient=sugar, quantity=1, unit="cup"
    )
    cookie = FinishedUnit.objects.create(
        household=h, recipe=cookies, name="cookie", items_per_batch=48, item_unit="cookie"
    )
    return SimpleNamespace(
        household=h,
        flour=flour,
        sugar=sugar,
        flour_small=flour_small,
        flour_big=flour_big,
        sugar_bag=sugar_bag,
        lot1=lot1,
        lot2=lot2,
        lot3=lot3,
        cookies=cookies,
        cookie=cookie,
    )
