"""Ingredients and products: creation, checks, updates, deletes (docs/design.md, "Catalogue")."""

from decimal import Decimal

import pytest

from bakeplanner.errors import InUse, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import Ingredient, Product
from production.services import (
    create_ingredient,
    create_product,
    delete_ingredient,
    delete_product,
    list_ingredients,
    list_products,
    update_ingredient,
    update_product,
)


def test_create_ingredient_stores_what_was_given(tx):
    ingredient = create_ingredient(
        tx,
        name="  Flour <b>&</b> 'Ölmühle' ",
        stock_family="weight",
        density_g_per_cup="120",
        category="Baking",
        notes="unbleached",
    )
    stored = Ingredient.objects.get(pk=ingredient.pk)
    assert stored.name == "Flour <b>&</b> 'Ölmühle'"
    assert stored.density_g_per_cup == Decimal("120")
    assert stored.kind == "food"
    assert stored.base_unit == "g"
    assert stored.household == tx.household


def test_ingredient_names_collide_ignoring_case(tx):
    create_ingredient(tx, name="Flour", stock_family="weight")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_ingredient(tx, name="FLOUR", stock_family="weight")
    assert Ingredient.objects.count() == 1


def test_same_name_in_another_household_is_fine(household, outsider_household):
    with unit_of_work(household) as tx:
        create_ingredient(tx, name="Flour", stock_family="weight")
    with unit_of_work(outsider_household) as other:
        create_ingredient(other, name="flour", stock_family="weight")
    assert Ingredient.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "stock_family": "weight"}, "Name is required"),
        ({"name": "x" * 121, "stock_family": "weight"}, "too long"),
        ({"name": "Ribbon", "stock_family": "length"}, "Stock family must be one of"),
        ({"name": "Flour", "stock_family": "weight", "kind": "toy"}, "Kind must be one of"),
        ({"name": "Flour", "stock_family": "weight", "density_g_per_cup": 0}, "more than zero"),
        ({"name": "Flour", "stock_family": "weight", "density_g_per_cup": "-5"}, "more than zero"),
        ({"name": "Flour", "stock_family": "weight", "density_g_per_cup": "abc"}, "a number"),
        ({"name": "Flour", "stock_family": "weight", "density_g_per_cup": "1e9"}, "too large"),
        (
            {"name": "Flour", "stock_family": "weight", "density_g_per_cup": "1.123456"},
            "decimal places",
        ),
    ],
)
def test_bad_ingredient_input_is_refused_and_changes_nothing(tx, fields, message):
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match=message):
        create_ingredient(tx, **fields)
    assert db_snapshot() == before


def test_update_ingredient_refuses_unknown_fields(spec_world, tx):
    with pytest.raises(ValidationFailed, match="Unknown field"):
        update_ingredient(tx, spec_world.flour.pk, colour="white")


def test_update_ingredient_renames_and_checks_collisions(spec_world, tx):
    update_ingredient(tx, spec_world.flour.pk, name="Plain flour", category="Flours")
    assert Ingredient.objects.get(pk=spec_world.flour.pk).name == "Plain flour"
    with pytest.raises(ValidationFailed, match="already exists"):
        update_ingredient(tx, spec_world.flour.pk, name="sugar")


def test_stock_family_is_fixed_once_there_are_lots(spec_world, tx):
    with pytest.raises(ValidationFailed, match="cannot change"):
        update_ingredient(tx, spec_world.flour.pk, stock_family="volume")
    assert Ingredient.objects.get(pk=spec_world.flour.pk).stock_family == "weight"


def test_stock_family_can_change_while_unused(tx):
    ingredient = create_ingredient(tx, name="Vanilla", stock_family="weight")
    update_ingredient(tx, ingredient.pk, stock_family="volume")
    assert Ingredient.objects.get(pk=ingredient.pk).base_unit == "ml"


def test_density_cannot_be_removed_while_lines_need_it(spec_world, tx):
    # Sugar Cookies measures flour in cups and flour is stocked by weight.
    with pytest.raises(ValidationFailed, match="could no longer be converted"):
        update_ingredient(tx, spec_world.flour.pk, density_g_per_cup=None)
    update_ingredient(tx, spec_world.flour.pk, density_g_per_cup="125")
    assert Ingredient.objects.get(pk=spec_world.flour.pk).density_g_per_cup == Decimal("125")


def test_packaging_used_in_a_box_stays_packaging(tx, household):
    from production.models import FinishedGood, FinishedGoodComponent

    bag = create_ingredient(tx, name="Cellophane bag", stock_family="count", kind="packaging")
    box = FinishedGood.objects.create(household=household, name="Box")
    FinishedGoodComponent.objects.create(
        household=household,
        finished_good=box,
        component_type="packaging",
        packaging=bag,
        quantity=1,
    )
    with pytest.raises(ValidationFailed, match="packaging in 1 gift box"):
        update_ingredient(tx, bag.pk, kind="food")


def test_delete_ingredient_in_use_is_refused_with_what_uses_it(spec_world, tx):
    with pytest.raises(InUse) as exc:
        delete_ingredient(tx, spec_world.flour.pk)
    message = str(exc.value)
    assert "2 products" in message
    assert "2 inventory lots" in message
    assert "1 recipe line" in message
    assert Ingredient.objects.filter(pk=spec_world.flour.pk).exists()


def test_delete_unused_ingredient(tx):
    ingredient = create_ingredient(tx, name="Nutmeg", stock_family="weight")
    delete_ingredient(tx, ingredient.pk)
    assert not Ingredient.objects.filter(pk=ingredient.pk).exists()


def test_other_household_ingredient_is_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as other:
        with pytest.raises(NotFound):
            update_ingredient(other, spec_world.flour.pk, name="Mine")
        with pytest.raises(NotFound):
            delete_ingredient(other, spec_world.flour.pk)
        with pytest.raises(NotFound):
            create_product(other, spec_world.flour.pk, package_quantity=1, package_unit="kg")


def test_list_ingredients_searches_and_sorts_with_on_hand(spec_world, tx):
    rows = list_ingredients(tx, sort="-on_hand")
    assert [(r.name, r.on_hand) for r in rows] == [
        ("Flour", Decimal("1200")),
        ("Sugar", Decimal("1000")),
    ]
    assert [r.name for r in list_ingredients(tx, q="sug")] == ["Sugar"]
    assert [r.name for r in list_ingredients(tx, sort="bogus")] == ["Flour", "Sugar"]
    assert rows[0].product_count == 2


# --- Products ---------------------------------------------------------------------------------


def test_create_product_in_a_convertible_unit(spec_world, tx):
    product = create_product(
        tx,
        spec_world.flour.pk,
        package_quantity="5",
        package_unit="lb",
        brand="Mill & Co",
        name="Plain",
    )
    assert product.package_quantity == Decimal("5")
    assert product.ingredient_id == spec_world.flour.pk


def test_product_in_volume_for_weight_stock_needs_density(tx):
    nuts = create_ingredient(tx, name="Walnuts", stock_family="weight")
    with pytest.raises(ValidationFailed, match="density"):
        create_product(tx, nuts.pk, package_quantity=2, package_unit="cup")
    with pytest.raises(ValidationFailed, match="counted in g"):
        create_product(tx, nuts.pk, package_quantity=2, package_unit="each")


@pytest.mark.parametrize(
    ("quantity", "unit", "message"),
    [
        (0, "kg", "more than zero"),
        (-1, "kg", "more than zero"),
        ("x", "kg", "a number"),
        ("1e12", "kg", "too large"),
        (1, "stone", "Unknown unit"),
    ],
)
def test_bad_product_input_is_refused(spec_world, tx, quantity, unit, message):
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match=message):
        create_product(tx, spec_world.flour.pk, package_quantity=quantity, package_unit=unit)
    assert db_snapshot() == before


def test_duplicate_product_is_refused(spec_world, tx):
    with pytest.raises(ValidationFailed, match="already has the product"):
        create_product(
            tx, spec_world.flour.pk, package_quantity="1.000", package_unit="kg", name="big BAG"
        )


def test_preferring_a_product_unprefers_the_other(spec_world, tx):
    create_product(tx, spec_world.flour.pk, package_quantity=2, package_unit="kg", preferred=True)
    first = Product.objects.get(ingredient=spec_world.flour, preferred=True)
    update_product(tx, spec_world.flour_small.pk, preferred=True)
    preferred = list(Product.objects.filter(ingredient=spec_world.flour, preferred=True))
    assert preferred == [spec_world.flour_small]
    assert first.pk != spec_world.flour_small.pk


def test_package_size_is_fixed_once_bought(spec_world, tx):
    with pytest.raises(ValidationFailed, match="cannot change once"):
        update_product(tx, spec_world.flour_big.pk, package_quantity=2)
    update_product(tx, spec_world.flour_big.pk, brand="Miller")
    assert Product.objects.get(pk=spec_world.flour_big.pk).brand == "Miller"


def test_delete_product_that_was_bought_is_refused(spec_world, tx):
    with pytest.raises(InUse, match="1 purchase"):
        delete_product(tx, spec_world.flour_big.pk)
    product = create_product(tx, spec_world.flour.pk, package_quantity=5, package_unit="kg")
    delete_product(tx, product.pk)
    assert not Product.objects.filter(pk=product.pk).exists()


def test_list_products_shows_latest_price(spec_world, tx):
    rows = {p.pk: p for p in list_products(tx)}
    assert rows[spec_world.flour_big.pk].latest_price == Decimal("3.00")
    assert [p.pk for p in list_products(tx, q="small")] == [spec_world.flour_small.pk]


# --- All or nothing ------------------------------------------------------------------------------


def test_create_ingredient_is_all_or_nothing(household):
    assert_all_or_nothing(
        household,
        lambda tx: create_ingredient(
            tx, name="Cocoa", stock_family="weight", density_g_per_cup="85"
        ),
        expect_changed={"production.Ingredient"},
    )


def test_update_ingredient_is_all_or_nothing(spec_world):
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: update_ingredient(
            tx, spec_world.flour.pk, name="Bread flour", density_g_per_cup="130"
        ),
        expect_changed={"production.Ingredient"},
    )


def test_delete_ingredient_is_all_or_nothing(household):
    with unit_of_work(household) as tx:
        ingredient = create_ingredient(tx, name="Mace", stock_family="weight")
    assert_all_or_nothing(
        household,
        lambda tx: delete_ingredient(tx, ingredient.pk),
        expect_changed={"production.Ingredient"},
    )


def test_create_product_is_all_or_nothing(spec_world):
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: create_product(
            tx, spec_world.flour.pk, package_quantity=5, package_unit="lb", preferred=True
        ),
        expect_changed={"production.Product"},
    )


def test_update_product_is_all_or_nothing(spec_world):
    Product.objects.filter(pk=spec_world.flour_big.pk).update(preferred=True)
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: update_product(tx, spec_world.flour_small.pk, preferred=True, brand="Acme"),
        expect_changed={"production.Product"},
    )


def test_delete_product_is_all_or_nothing(spec_world):
    with unit_of_work(spec_world.household) as tx:
        product = create_product(tx, spec_world.sugar.pk, package_quantity=2, package_unit="kg")
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: delete_product(tx, product.pk),
        expect_changed={"production.Product"},
    )
