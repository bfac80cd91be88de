"""FIFO consumption and recipe trees: the core the catalogue and runs build on."""

from decimal import Decimal

import pytest

from bakeplanner.errors import ConversionError, InsufficientInventory, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import InventoryLot, Recipe, RecipeComponent, RecipeIngredient
from production.services import consume_fifo, get_on_hand, get_recipe_ingredients


def test_fifo_draws_oldest_lot_first_across_products(spec_world, tx):
    result = consume_fifo(tx, spec_world.flour.pk, 4, "cup")  # 480 g
    assert result["consumed"] == "480"
    assert [lot["lot_id"] for lot in result["lots"]] == [spec_world.lot1.pk, spec_world.lot2.pk]
    assert [lot["quantity"] for lot in result["lots"]] == ["200", "280"]
    assert [lot["cost"] for lot in result["lots"]] == ["0.40", "0.84"]
    assert result["total_cost"] == "1.24"
    assert get_on_hand(tx, spec_world.flour.pk) == Decimal("720")


def test_dry_run_changes_nothing_even_when_short(spec_world, tx):
    before = db_snapshot()
    result = consume_fifo(tx, spec_world.flour.pk, 5, "kg", dry_run=True)
    assert result["satisfied"] is False
    assert result["shortfall"] == "3800"
    assert db_snapshot() == before


def test_short_real_consumption_raises_and_leaves_lots(spec_world, tx):
    with pytest.raises(InsufficientInventory) as exc:
        consume_fifo(tx, spec_world.flour.pk, 2, "kg")
    assert exc.value.items[0]["needed"] == "2000"
    assert exc.value.items[0]["available"] == "1200"
    lot = InventoryLot.objects.get(pk=spec_world.lot1.pk)
    assert lot.quantity_remaining == Decimal("200")


def test_consume_fifo_is_all_or_nothing(spec_world):
    total = assert_all_or_nothing(
        spec_world.household,
        lambda tx: consume_fifo(tx, spec_world.flour.pk, 480, "g"),
        expect_changed={"production.InventoryLot"},
    )
    assert total >= 3


@pytest.mark.parametrize("bad", [0, -1, "abc"])
def test_bad_quantities_are_refused(spec_world, tx, bad):
    with pytest.raises(ValidationFailed):
        consume_fifo(tx, spec_world.flour.pk, bad, "g")


def test_other_household_ingredient_is_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            consume_fifo(tx, spec_world.flour.pk, 1, "g")


def test_count_unit_for_weight_stock_is_a_conversion_error(spec_world, tx):
    with pytest.raises(ConversionError):
        consume_fifo(tx, spec_world.flour.pk, 1, "each")


def test_recipe_ingredients_multiply_through_sub_recipes(spec_world, tx):
    h = spec_world.household
    frosting = Recipe.objects.create(household=h, name="Frosting")
    RecipeIngredient.objects.create(
        household=h, recipe=frosting, ingredient=spec_world.sugar, quantity=100, unit="g"
    )
    glaze = Recipe.objects.create(household=h, name="Glaze")
    RecipeIngredient.objects.create(
        household=h, recipe=glaze, ingredient=spec_world.sugar, quantity=1, unit="tbsp"
    )
    RecipeComponent.objects.create(
        household=h, recipe=spec_world.cookies, component_recipe=frosting, batches=Decimal("0.5")
    )
    RecipeComponent.objects.create(household=h, recipe=frosting, component_recipe=glaze, batches=2)
    lines = get_recipe_ingredients(tx, spec_world.cookies.pk, batches=2)
    by_name = {line["ingredient_name"]: line for line in lines}
    assert by_name["Flour"]["quantity"] == "480"
    # sugar: 2 × 1 cup (400 g) + 2 × 0.5 × 100 g + 2 × 0.5 × 2 × 1 tbsp at 200 g/cup (25 g)
    assert by_name["Sugar"]["quantity"] == "525"
    assert by_name["Sugar"]["recipes"] == ["Sugar Cookies", "Frosting", "Glaze"]
    assert by_name["Sugar"]["unit"] == "g"


def test_short_multi_ingredient_plan_names_every_short_ingredient(spec_world, tx):
    from decimal import Decimal as D

    from production.services.inventory import lots_for, plan_fifo, raise_if_short

    lots = lots_for(tx, [spec_world.flour.pk, spec_world.sugar.pk], lock=True)
    plans = [
        plan_fifo(spec_world.flour, D("2400"), lots[spec_world.flour.pk]),
        plan_fifo(spec_world.sugar, D("2000"), lots[spec_world.sugar.pk]),
    ]
    before = db_snapshot()
    with pytest.raises(InsufficientInventory) as exc:
        raise_if_short(tx, "test", plans)
    assert [(i["name"], i["needed"], i["available"]) for i in exc.value.items] == [
        ("Flour", "2400", "1200"),
        ("Sugar", "2000", "1000"),
    ]
    assert "Flour: needed 2400 g, available 1200 g" in str(exc.value)
    assert db_snapshot() == before


def test_fifo_draws_across_several_lots_of_one_product(spec_world, tx):
    from production.services import record_purchase

    # A second, later 200 g bag: flour now sits in three lots over two products.
    lot4 = record_purchase(
        tx,
        spec_world.flour_small.pk,
        packages=1,
        price_per_package="0.50",
        purchased_on="2026-03-01",
    )
    result = consume_fifo(tx, spec_world.flour.pk, 11, "cup")  # 1320 g
    assert [(lot["lot_id"], lot["quantity"], lot["cost"]) for lot in result["lots"]] == [
        (spec_world.lot1.pk, "200", "0.40"),
        (spec_world.lot2.pk, "1000", "3.00"),
        (lot4.pk, "120", "0.30"),
    ]
    assert InventoryLot.objects.get(pk=lot4.pk).quantity_remaining == Decimal("80")


def test_dry_run_never_changes_anything_even_when_it_could(spec_world, tx):
    before = db_snapshot()
    result = consume_fifo(tx, spec_world.flour.pk, 1, "cup", dry_run=True)
    assert result["satisfied"] is True
    assert result["consumed"] == "120"
    assert db_snapshot() == before
