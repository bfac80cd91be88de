"""Shopping list and packaging needs, against hand-computed figures.

The rules: docs/design.md, "Shopping list".

See `demand_fixtures` for the arithmetic of the gift world.
"""

from __future__ import annotations

import json

import pytest

from bakeplanner.errors import NotFound
from bakeplanner.tx import unit_of_work
from events.services import (
    get_event_packaging_breakdown,
    get_event_packaging_needs,
    get_shopping_list,
    get_shopping_list_by_category,
)
from events.tests.demand_fixtures import (
    assembly_run,
    assembly_target,
    build_gift_world,
    build_scaled_world,
    product,
    production_run,
    production_target,
    purchase,
)


@pytest.fixture
def gift_world(household):
    return build_gift_world(household)


def by_name(lines):
    return {line["ingredient_name"]: line for line in lines}


def figures(line):
    return (
        line["needed"],
        line["on_hand"],
        line["to_buy"],
        line["packages_to_buy"],
        line["estimated_cost"],
        line["price_missing"],
    )


def test_shopping_list_items_hand_computed(gift_world, tx):
    w = gift_world
    result = get_shopping_list(tx, w.event.pk)
    items = by_name(result["items"])
    assert list(items) == ["Butter", "Flour", "Sugar", "Vanilla"]
    # Flour: 2 × 2 cup (480 g) + 2 × 500 g; 200 g on hand; Big bag is cheaper per gram at
    # its latest price (3.00 / 2000 g) than the Small bag (1.00 / 500 g).
    assert figures(items["Flour"]) == ("1480", "200", "1280", 1, "3.00", False)
    assert items["Flour"]["product_id"] == w.flour_big.pk
    assert items["Flour"]["product_name"] == "Big bag"
    assert items["Flour"]["brand"] == "Mill & Co"
    assert items["Flour"]["package_size"] == "2000"
    assert items["Flour"]["unit"] == "g"
    assert items["Flour"]["recipes"] == ["Shortbread", "Sugar Cookies"]
    # Sugar: 2 cup (400 g) + Vanilla Sugar 1 batch (100 g); the preferred 400 g bag wins.
    assert figures(items["Sugar"]) == ("500", "0", "500", 2, "6.00", False)
    assert items["Sugar"]["product_id"] == w.sugar_organic.pk
    assert items["Sugar"]["package_size"] == "400"
    assert figures(items["Butter"]) == ("500", "250", "250", 1, "2.50", False)
    assert items["Butter"]["recipes"] == ["Shortbread"]
    # Vanilla: 1 tsp = 4.929 ml; a bottle that was never bought has no price.
    assert figures(items["Vanilla"]) == ("4.929", "0", "4.929", 1, "0.00", True)
    assert items["Vanilla"]["product_id"] == w.vanilla_bottle.pk
    assert items["Vanilla"]["unit"] == "ml"


def test_shopping_list_packaging_and_totals_hand_computed(gift_world, tx):
    result = get_shopping_list(tx, gift_world.event.pk)
    packaging = by_name(result["packaging"])
    assert list(packaging) == ["Cellophane bag", "Cookie tin", "Ribbon"]
    assert figures(packaging["Cellophane bag"]) == ("8", "5", "3", 1, "2.00", False)
    assert figures(packaging["Ribbon"]) == ("14", "0", "14", 1, "5.00", False)
    assert packaging["Ribbon"]["recipes"] == ["Cookie Bag", "Shortbread Tin"]
    # No product at all: nothing to recommend, the line says so.
    assert figures(packaging["Cookie tin"]) == ("3", "0", "3", None, "0.00", True)
    assert packaging["Cookie tin"]["product_id"] is None
    assert packaging["Cookie tin"]["package_size"] is None
    assert result["total_estimated_cost"] == "18.50"
    assert result["items_count"] == 7
    assert result["items_with_shortfall"] == 7
    assert result["missing_prices"] == ["Cookie tin", "Vanilla"]
    assert result["event_id"] == gift_world.event.pk
    json.dumps(result)


def test_without_packaging_the_total_covers_items_only(gift_world, tx):
    result = get_shopping_list(tx, gift_world.event.pk, include_packaging=False)
    assert result["packaging"] == []
    assert result["total_estimated_cost"] == "11.50"
    assert result["items_count"] == 4
    assert result["missing_prices"] == ["Vanilla"]


def test_dto_has_exactly_the_spec_keys(gift_world, tx):
    result = get_shopping_list(tx, gift_world.event.pk)
    assert set(result) == {
        "event_id",
        "items",
        "packaging",
        "total_estimated_cost",
        "items_count",
        "items_with_shortfall",
        "missing_prices",
    }
    expected_line = {
        "ingredient_id",
        "ingredient_name",
        "unit",
        "needed",
        "on_hand",
        "to_buy",
        "product_id",
        "product_name",
        "brand",
        "packages_to_buy",
        "package_size",
        "estimated_cost",
        "price_missing",
        "recipes",
    }
    for line in result["items"] + result["packaging"]:
        assert set(line) == expected_line


def test_a_production_target_overrides_the_need(gift_world, tx):
    w = gift_world
    production_target(w.household, w.event, w.cookies, 5)
    items = by_name(get_shopping_list(tx, w.event.pk)["items"])
    # Flour 5 × 240 + 2 × 500 = 2200 g, 200 on hand: exactly one 2 kg bag, not two.
    assert figures(items["Flour"]) == ("2200", "200", "2000", 1, "3.00", False)
    # Sugar 5 × 200 + 100 = 1100 g: ceil(1100 / 400) = 3 bags.
    assert figures(items["Sugar"]) == ("1100", "0", "1100", 3, "9.00", False)


def test_a_target_below_the_need_lowers_the_list(gift_world, tx):
    w = gift_world
    production_target(w.household, w.event, w.shortbread, 1)
    items = by_name(get_shopping_list(tx, w.event.pk)["items"])
    # Flour 480 + 500; butter 250 (all on hand); sugar 400 + 50; vanilla 0.5 tsp.
    assert figures(items["Flour"]) == ("980", "200", "780", 1, "3.00", False)
    assert figures(items["Butter"]) == ("250", "250", "0", 0, "0.00", False)
    assert figures(items["Sugar"]) == ("450", "0", "450", 2, "6.00", False)
    assert items["Vanilla"]["needed"] == "2.464"


def test_batches_produced_for_the_event_reduce_what_is_left_to_buy(gift_world, tx):
    w = gift_world
    h = w.household
    production_run(h, w.shortbread, w.finger, 1, event=w.event)
    # Runs that do not count: reversed, another event's, standalone.
    production_run(h, w.shortbread, w.finger, 1, event=w.event, reversed_=True)
    production_run(h, w.shortbread, w.finger, 1, event=w.other_event)
    production_run(h, w.shortbread, w.finger, 1)
    result = get_shopping_list(tx, w.event.pk)
    items = by_name(result["items"])
    assert figures(items["Flour"]) == ("980", "200", "780", 1, "3.00", False)
    assert figures(items["Butter"]) == ("250", "250", "0", 0, "0.00", False)
    assert figures(items["Sugar"]) == ("450", "0", "450", 2, "6.00", False)
    assert result["items_with_shortfall"] == 6  # butter is covered


def test_all_batches_produced_leaves_only_packaging(gift_world, tx):
    w = gift_world
    production_run(w.household, w.shortbread, w.finger, 2, event=w.event)
    production_run(w.household, w.cookies, w.cookie, 2, event=w.event)
    result = get_shopping_list(tx, w.event.pk)
    assert result["items"] == []
    assert result["total_estimated_cost"] == "7.00"


def test_assembled_goods_reduce_packaging(gift_world, tx):
    w = gift_world
    assembly_run(w.household, w.cookie_bag, 3, event=w.event)
    assembly_run(w.household, w.cookie_bag, 3, event=w.event, reversed_=True)
    packaging = by_name(get_event_packaging_needs(tx, w.event.pk))
    # 5 bags still to assemble: 5 cellophane (5 on hand) and 5 + 2 × 3 ribbon.
    assert figures(packaging["Cellophane bag"]) == ("5", "5", "0", 0, "0.00", False)
    assert figures(packaging["Ribbon"]) == ("11", "0", "11", 1, "5.00", False)


def test_assembly_target_overrides_packaging_need(gift_world, tx):
    w = gift_world
    assembly_target(w.household, w.event, w.shortbread_tin, 13)
    packaging = by_name(get_event_packaging_needs(tx, w.event.pk))
    assert packaging["Cookie tin"]["needed"] == "13"
    # Ribbon 8 × 1 + 13 × 2 = 34 → two spools of 25.
    assert figures(packaging["Ribbon"]) == ("34", "0", "34", 2, "10.00", False)


def test_latest_price_decides_the_cheapest_product(gift_world, tx):
    import datetime as dt

    w = gift_world
    # A newer, dearer purchase of the big bag: 8.00 / 2000 g is dearer than 1.00 / 500 g.
    purchase(
        w.household,
        w.flour_big,
        price="8.00",
        on=dt.date(2026, 3, 1),
        base_quantity=2000,
        remaining=0,
    )
    flour = by_name(get_shopping_list(tx, w.event.pk)["items"])["Flour"]
    # 1280 g in 500 g bags: ceil(2.56) = 3 × 1.00.
    assert flour["product_id"] == w.flour_small.pk
    assert figures(flour) == ("1480", "200", "1280", 3, "3.00", False)


def test_fractional_package_counts_round_up_in_pounds(gift_world, tx):
    import datetime as dt

    w = gift_world
    lb_bag = product(w.household, w.butter, "Pound", 1, "lb", preferred=True)
    purchase(
        w.household,
        lb_bag,
        price="4.00",
        on=dt.date(2026, 1, 1),
        base_quantity="453.592",
        remaining=0,
    )
    butter = by_name(get_shopping_list(tx, w.event.pk)["items"])["Butter"]
    # 250 g to buy in 453.592 g packages: one package, never zero.
    assert butter["package_size"] == "453.592"
    assert figures(butter) == ("500", "250", "250", 1, "4.00", False)


def test_packaging_breakdown_lists_each_good_that_needs_it(gift_world, tx):
    w = gift_world
    breakdown = get_event_packaging_breakdown(tx, w.event.pk)
    assert [b["ingredient_name"] for b in breakdown] == ["Cellophane bag", "Cookie tin", "Ribbon"]
    ribbon = breakdown[2]
    assert ribbon == {
        "ingredient_id": w.ribbon.pk,
        "ingredient_name": "Ribbon",
        "unit": "each",
        "total": "14",
        "sources": [
            {
                "finished_good_id": w.cookie_bag.pk,
                "finished_good_name": "Cookie Bag",
                "per_unit": "1",
                "count": 8,
                "total": "8",
                "packages": ["Deluxe", "Simple"],
            },
            {
                "finished_good_id": w.shortbread_tin.pk,
                "finished_good_name": "Shortbread Tin",
                "per_unit": "2",
                "count": 3,
                "total": "6",
                "packages": ["Deluxe"],
            },
        ],
    }
    json.dumps(breakdown)


def test_grouped_list_puts_categories_in_order_and_packaging_last(gift_world, tx):
    result = get_shopping_list_by_category(tx, gift_world.event.pk)
    groups = [
        (g["kind"], g["category"], [line["ingredient_name"] for line in g["lines"]])
        for g in result["groups"]
    ]
    assert groups == [
        ("ingredient", "Baking", ["Flour", "Sugar", "Vanilla"]),
        ("ingredient", "Dairy", ["Butter"]),
        ("packaging", "Packaging", ["Cellophane bag", "Ribbon"]),
        ("packaging", "", ["Cookie tin"]),
    ]
    assert result["total_estimated_cost"] == "18.50"
    json.dumps(result)


def test_event_without_assignments_has_an_empty_list(gift_world, tx):
    result = get_shopping_list(tx, gift_world.other_event.pk)
    assert result["items"] == [] and result["packaging"] == []
    assert result["total_estimated_cost"] == "0.00"
    assert result["items_count"] == 0
    assert result["missing_prices"] == []


def test_other_households_event_is_not_found(gift_world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        for service in (
            get_shopping_list,
            get_event_packaging_needs,
            get_event_packaging_breakdown,
        ):
            with pytest.raises(NotFound):
                service(tx, gift_world.event.pk)


SHOPPING_QUERY_BOUND = 15  # demand 8 + sub-recipe levels (≤ 4) + lines + on hand + products


@pytest.mark.parametrize("size", [1, 6])
def test_shopping_reports_use_a_constant_number_of_queries(
    household, size, django_assert_max_num_queries
):
    world = build_scaled_world(household, size)
    with unit_of_work(household, read_only=True) as tx:
        with django_assert_max_num_queries(SHOPPING_QUERY_BOUND):
            result = get_shopping_list(tx, world.event.pk)
        with django_assert_max_num_queries(SHOPPING_QUERY_BOUND):
            get_shopping_list_by_category(tx, world.event.pk)
        with django_assert_max_num_queries(10):
            get_event_packaging_needs(tx, world.event.pk)
        with django_assert_max_num_queries(8):
            get_event_packaging_breakdown(tx, world.event.pk)
    assert len(result["items"]) == 2 * size
    assert len(result["packaging"]) == size
