"""The inventory read: per ingredient on hand, lots oldest first and value."""

import datetime as dt
import json

from production.models import Ingredient
from production.services import consume_fifo, create_ingredient, get_inventory, record_purchase


def test_inventory_lists_lots_oldest_first_with_value(spec_world, tx):
    consume_fifo(tx, spec_world.flour.pk, 50, "g")
    rows = {row["ingredient_name"]: row for row in get_inventory(tx)}
    flour = rows["Flour"]
    assert (flour["on_hand"], flour["unit"], flour["value"]) == ("1150", "g", "3.30")
    assert [
        (lot["lot_id"], lot["remaining"], lot["unit_cost"], lot["value"]) for lot in flour["lots"]
    ] == [
        (spec_world.lot1.pk, "150", "0.002", "0.30"),
        (spec_world.lot2.pk, "1000", "0.003", "3.00"),
    ]
    assert flour["lots"][0]["product_name"] == "Small bag (200 g)"
    assert rows["Sugar"]["value"] == "4.00"
    json.dumps(rows)


def test_empty_lots_drop_out_and_unbought_ingredients_show_zero(spec_world, tx):
    consume_fifo(tx, spec_world.flour.pk, 200, "g")
    create_ingredient(tx, name="Cinnamon", stock_family="weight")
    rows = {row["ingredient_name"]: row for row in get_inventory(tx)}
    assert [lot["lot_id"] for lot in rows["Flour"]["lots"]] == [spec_world.lot2.pk]
    assert (rows["Cinnamon"]["on_hand"], rows["Cinnamon"]["lots"]) == ("0", [])
    assert "Cinnamon" not in {r["ingredient_name"] for r in get_inventory(tx, in_stock_only=True)}


def test_inventory_filters_and_sorts(spec_world, tx):
    create_ingredient(tx, name="Tins", stock_family="count", kind="packaging")
    assert [r["ingredient_name"] for r in get_inventory(tx, kind="packaging")] == ["Tins"]
    assert [r["ingredient_name"] for r in get_inventory(tx, q="flo")] == ["Flour"]
    assert [r["ingredient_name"] for r in get_inventory(tx, sort="-value")] == [
        "Sugar",
        "Flour",
        "Tins",
    ]


def test_inventory_runs_the_same_queries_whatever_the_size(
    spec_world, tx, django_assert_num_queries
):
    with django_assert_num_queries(3):
        get_inventory(tx)
    for index in range(10):
        ingredient = Ingredient.objects.create(
            household=spec_world.household, name=f"Spice {index}", stock_family="weight"
        )
        product = ingredient.products.create(
            household=spec_world.household, package_quantity=50, package_unit="g"
        )
        record_purchase(
            tx,
            product.pk,
            packages=1,
            price_per_package=2,
            purchased_on=dt.date(2026, 1, index + 1),
        )
    with django_assert_num_queries(3):
        assert len(get_inventory(tx)) == 12
