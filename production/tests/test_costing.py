"""Cost estimates at current prices: FIFO for stock on hand, latest price for the rest."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.testing import db_snapshot
from production.models import Ingredient, Recipe, RecipeComponent, RecipeIngredient
from production.services import estimate_recipe_cost, record_purchase
from production.services.costing import PricedNeed, price_needs


def test_estimate_charges_fifo_for_stock_on_hand(spec_world, tx):
    estimate = estimate_recipe_cost(tx, spec_world.cookies.pk)
    by_name = {line["ingredient_name"]: line for line in estimate["lines"]}
    # 240 g flour: 200 g at 0.002 + 40 g at 0.003; 200 g sugar at 0.004
    assert by_name["Flour"]["cost"] == "0.52"
    assert by_name["Sugar"]["cost"] == "0.80"
    assert estimate["total_cost"] == "1.32"
    assert estimate["cost_per_batch"] == "1.32"
    assert estimate["missing_prices"] == []
    json.dumps(estimate)


def test_estimate_uses_latest_price_beyond_stock(spec_world, tx):
    estimate = estimate_recipe_cost(tx, spec_world.cookies.pk, batches=10)
    by_name = {line["ingredient_name"]: line for line in estimate["lines"]}
    # flour 2400 g: 200 × 0.002 + 1000 × 0.003 + 1200 × 0.003 (latest) = 7.00
    assert by_name["Flour"]["cost"] == "7.00"
    # sugar 2000 g: 1000 × 0.004 + 1000 × 0.004 = 8.00
    assert by_name["Sugar"]["cost"] == "8.00"
    assert estimate["total_cost"] == "15.00"
    assert estimate["cost_per_batch"] == "1.50"
    assert estimate["finished_units"][0]["cost_per_item"] == "0.03"


def test_never_bought_ingredient_is_listed_as_missing_not_free(spec_world, tx):
    h = spec_world.household
    vanilla = Ingredient.objects.create(household=h, name="Vanilla", stock_family="volume")
    RecipeIngredient.objects.create(
        household=h, recipe=spec_world.cookies, ingredient=vanilla, quantity=1, unit="tsp"
    )
    estimate = estimate_recipe_cost(tx, spec_world.cookies.pk)
    line = next(line for line in estimate["lines"] if line["ingredient_name"] == "Vanilla")
    assert line["price_missing"] is True
    assert line["cost"] == "0.00"
    assert estimate["missing_prices"] == ["Vanilla"]


def test_estimate_covers_sub_recipes(spec_world, tx):
    h = spec_world.household
    frosting = Recipe.objects.create(household=h, name="Frosting")
    RecipeIngredient.objects.create(
        household=h, recipe=frosting, ingredient=spec_world.sugar, quantity=250, unit="g"
    )
    RecipeComponent.objects.create(
        household=h, recipe=spec_world.cookies, component_recipe=frosting, batches=2
    )
    estimate = estimate_recipe_cost(tx, spec_world.cookies.pk)
    sugar = next(line for line in estimate["lines"] if line["ingredient_name"] == "Sugar")
    assert sugar["quantity"] == "700"
    assert sugar["cost"] == "2.80"
    assert sugar["recipes"] == ["Sugar Cookies", "Frosting"]


def test_estimate_changes_nothing(spec_world, tx):
    before = db_snapshot()
    estimate_recipe_cost(tx, spec_world.cookies.pk, batches=50)
    assert db_snapshot() == before


@pytest.mark.parametrize("bad", [0, -2, "x", 1.5])
def test_estimate_refuses_bad_batches(spec_world, tx, bad):
    with pytest.raises(ValidationFailed):
        estimate_recipe_cost(tx, spec_world.cookies.pk, batches=bad)


def test_estimate_of_unknown_recipe_is_not_found(spec_world, tx):
    with pytest.raises(NotFound):
        estimate_recipe_cost(tx, 999_999)


def test_price_needs_prices_each_ingredient(spec_world, tx):
    priced = price_needs(
        tx, {spec_world.flour.pk: Decimal("1500"), spec_world.sugar.pk: Decimal(0)}
    )
    assert priced[spec_world.flour.pk] == PricedNeed(
        cost=Decimal("4.300000"),
        price_missing=False,
        quantity=Decimal("1500"),
        from_stock=Decimal("1200.000"),
        unit_price=Decimal("0.003000000000"),
    )
    assert priced[spec_world.sugar.pk].cost == 0
    assert priced[spec_world.sugar.pk].price_missing is False


def test_price_needs_runs_a_constant_number_of_queries(spec_world, tx, django_assert_num_queries):
    h = spec_world.household
    small = {spec_world.flour.pk: Decimal(10)}
    with django_assert_num_queries(2):
        price_needs(tx, small)
    many = {}
    for index in range(12):
        ingredient = Ingredient.objects.create(
            household=h, name=f"Spice {index}", stock_family="weight"
        )
        product = ingredient.products.create(household=h, package_quantity=50, package_unit="g")
        record_purchase(
            tx,
            product.pk,
            packages=2,
            price_per_package="1.50",
            purchased_on=dt.date(2026, 3, index + 1),
        )
        many[ingredient.pk] = Decimal(120)
    with django_assert_num_queries(2):
        priced = price_needs(tx, many)
    assert all(p.cost == Decimal("3.600000") for p in priced.values())  # 120 g at 0.03/g


def test_price_needs_refuses_unknown_ingredient(spec_world, tx):
    with pytest.raises(NotFound):
        price_needs(tx, {999_999: Decimal(1)})
