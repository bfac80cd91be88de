"""Stock counts: shortfalls taken out oldest lot first, surpluses added as found lots.

See docs/design.md, "Stock counts". The world is the worked example (production/tests/
conftest.py): flour 200 g at 0.002 and 1000 g at 0.003 per g, sugar 1000 g at 0.004 per g.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bakeplanner.errors import ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import (
    Ingredient,
    InventoryLot,
    Product,
    Purchase,
    StockAdjustment,
    StockAdjustmentLot,
)
from production.services import get_stock_count_sheet, record_stock_count, stocktake
from production.services.stocktake import StockCountRefused
from production.tests.conftest import buy


def _refusal(tx, counts, **kwargs) -> StockCountRefused:
    with pytest.raises(StockCountRefused) as exc:
        record_stock_count(tx, counts, **kwargs)
    return exc.value


def test_shortfall_is_taken_oldest_lot_first_at_each_lots_price(spec_world, tx, member):
    # 1200 g in stock, 840 g counted: 360 g short, 200 g from lot 1 (0.40), 160 g from
    # lot 2 at 0.003 (0.48): 0.88.
    result = record_stock_count(tx, {spec_world.flour.pk: "840"}, notes="Pantry count")
    adjustment = StockAdjustment.objects.get()
    assert result.shortfalls == [adjustment]
    assert (adjustment.reason, adjustment.change, adjustment.cost) == (
        "count",
        Decimal("-360"),
        Decimal("0.88"),
    )
    assert (adjustment.quantity_before, adjustment.quantity_after) == (
        Decimal("1200"),
        Decimal("840"),
    )
    assert (adjustment.notes, adjustment.recorded_by) == ("Pantry count", member)
    assert adjustment.get_reason_display() == "Stock count"
    assert list(
        StockAdjustmentLot.objects.filter(adjustment=adjustment)
        .order_by("id")
        .values_list("lot_id", "quantity", "cost")
    ) == [
        (spec_world.lot1.pk, Decimal("200"), Decimal("0.40")),
        (spec_world.lot2.pk, Decimal("160"), Decimal("0.48")),
    ]
    assert InventoryLot.objects.get(pk=spec_world.lot1.pk).quantity_remaining == 0
    assert InventoryLot.objects.get(pk=spec_world.lot2.pk).quantity_remaining == Decimal("840")
    assert result.shortfall_cost == Decimal("0.88")


def test_surplus_becomes_a_lot_found_in_a_count_at_the_latest_price(spec_world, tx):
    # Sugar: 1000 g in stock, 1250 g counted. The one product (1 kg bag) was last bought at
    # 4.00, 0.004 per g: the 250 g lot costs 1.00, stated as 0.25 bags at 4.00.
    result = record_stock_count(tx, {spec_world.sugar.pk: "1250"})
    lot = InventoryLot.objects.exclude(
        pk__in=[spec_world.lot1.pk, spec_world.lot2.pk, spec_world.lot3.pk]
    ).get()
    assert result.surpluses == [lot]
    assert (lot.ingredient_id, lot.product_id) == (spec_world.sugar.pk, spec_world.sugar_bag.pk)
    assert lot.quantity_initial == lot.quantity_remaining == Decimal("250")
    assert lot.cost_per_unit == Decimal("0.004")
    assert lot.quantity_initial * lot.cost_per_unit == Decimal("1.00")
    assert lot.received_on == timezone.localdate()
    purchase = lot.purchase
    assert purchase.found_in_count is True
    assert (purchase.packages, purchase.price_per_package) == (Decimal("0.25"), Decimal("4"))
    assert purchase.purchased_on == timezone.localdate()
    assert result.surplus_cost == Decimal("1.00")
    assert not StockAdjustment.objects.exists()


def test_surplus_uses_the_preferred_product(spec_world, tx):
    # The small bag (200 g at 0.40, 0.002 per g) is preferred though the big one is newer.
    Product.objects.filter(pk=spec_world.flour_small.pk).update(preferred=True)
    record_stock_count(tx, {spec_world.flour.pk: "1300"})
    lot = InventoryLot.objects.get(purchase__found_in_count=True)
    assert lot.product_id == spec_world.flour_small.pk
    assert (lot.quantity_initial, lot.cost_per_unit) == (Decimal("100"), Decimal("0.002"))
    assert (lot.purchase.packages, lot.purchase.price_per_package) == (
        Decimal("0.5"),
        Decimal("0.4"),
    )


def test_surplus_without_a_preferred_product_uses_the_most_recently_bought(spec_world, tx):
    # No product is preferred: the big bag was bought last (1 February, 0.003 per g).
    record_stock_count(tx, {spec_world.flour.pk: "1300"})
    lot = InventoryLot.objects.get(purchase__found_in_count=True)
    assert lot.product_id == spec_world.flour_big.pk
    assert lot.cost_per_unit == Decimal("0.003")
    assert lot.quantity_initial * lot.cost_per_unit == Decimal("0.3")


def test_preferred_product_never_bought_takes_the_ingredients_latest_price(spec_world, tx):
    sack = Product.objects.create(
        household=spec_world.household,
        ingredient=spec_world.flour,
        name="Sack",
        package_quantity=Decimal("5"),
        package_unit="kg",
        preferred=True,
    )
    record_stock_count(tx, {spec_world.flour.pk: "1700"})
    lot = InventoryLot.objects.get(purchase__found_in_count=True)
    assert lot.product_id == sack.pk
    assert (lot.quantity_initial, lot.cost_per_unit) == (Decimal("500"), Decimal("0.003"))
    # 500 g is 0.1 of a 5 kg sack, priced at 0.003 per g: 15.00 a sack.
    assert (lot.purchase.packages, lot.purchase.price_per_package) == (
        Decimal("0.1"),
        Decimal("15"),
    )


def test_surplus_of_an_ingredient_without_a_product_is_refused_by_name(spec_world, tx):
    vanilla = Ingredient.objects.create(
        household=spec_world.household, name="Vanilla", stock_family="volume"
    )
    before = db_snapshot()
    refusal = _refusal(tx, {vanilla.pk: "10"})
    assert refusal.line_errors == {
        vanilla.pk: "Vanilla has no product, so the extra stock cannot be added: "
        "add a product for it first."
    }
    assert db_snapshot() == before


def test_surplus_of_an_ingredient_never_bought_is_refused(spec_world, tx):
    ribbon = Ingredient.objects.create(
        household=spec_world.household, name="Ribbon", kind="packaging", stock_family="count"
    )
    Product.objects.create(
        household=spec_world.household,
        ingredient=ribbon,
        name="Roll",
        package_quantity=1,
        package_unit="each",
    )
    refusal = _refusal(tx, {ribbon.pk: "3"})
    assert refusal.line_errors[ribbon.pk] == (
        "Ribbon has no known purchase price, so the extra stock cannot be priced: "
        "record it as a purchase instead."
    )
    assert not Purchase.objects.filter(found_in_count=True).exists()


def test_a_lot_without_a_known_price_does_not_price_a_surplus(spec_world, tx):
    # Sugar's newest lot came in without a price (cost 0 as a placeholder): the surplus is
    # priced at the 1 February bag, 0.004 per g.
    newest = buy(
        spec_world.household,
        spec_world.sugar_bag,
        packages=1,
        price="0",
        on=dt.date(2026, 3, 1),
        base_quantity=1000,
    )
    InventoryLot.objects.filter(pk=newest.pk).update(price_unknown=True)
    record_stock_count(tx, {spec_world.sugar.pk: "2100"})
    lot = InventoryLot.objects.get(purchase__found_in_count=True)
    assert (lot.quantity_initial, lot.cost_per_unit) == (Decimal("100"), Decimal("0.004"))


def test_blank_lines_change_nothing(spec_world, tx):
    before = db_snapshot()
    result = record_stock_count(
        tx, {spec_world.flour.pk: "", spec_world.sugar.pk: "1000", spec_world.lot1.pk: None}
    )
    assert (result.counted, result.unchanged) == (1, 1)
    assert db_snapshot() == before


def test_count_equal_to_the_stock_changes_nothing(spec_world, tx):
    before = db_snapshot()
    result = record_stock_count(tx, {spec_world.flour.pk: "1200.000"})
    assert (result.counted, result.unchanged, result.shortfalls, result.surpluses) == (1, 1, [], [])
    assert db_snapshot() == before


def test_a_count_with_nothing_filled_in_is_refused(spec_world, tx):
    with pytest.raises(ValidationFailed, match="Nothing was counted"):
        record_stock_count(tx, {spec_world.flour.pk: " ", spec_world.sugar.pk: ""})


def test_one_bad_line_among_good_ones_writes_nothing(spec_world, tx):
    before = db_snapshot()
    refusal = _refusal(tx, {spec_world.flour.pk: "840", spec_world.sugar.pk: "-5", 999_999: "3"})
    assert refusal.line_errors == {
        spec_world.sugar.pk: "The count of Sugar cannot be negative.",
        999_999: "Ingredient 999999 was not found.",
    }
    assert str(refusal).startswith("Nothing was recorded: 2 lines of the count need fixing.")
    assert db_snapshot() == before


def test_a_fault_after_the_first_write_rolls_the_whole_count_back(
    spec_world, household, member, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # Flour's shortfall is written first; adding sugar's surplus lot then fails.
    monkeypatch.setattr(stocktake, "_add_surplus_lot", broken)
    before = db_snapshot()
    with pytest.raises(RuntimeError, match="disk full"):
        with unit_of_work(household, actor=member) as tx:
            record_stock_count(tx, {spec_world.flour.pk: "840", spec_world.sugar.pk: "1250"})
    assert db_snapshot() == before


def test_a_fault_at_any_statement_leaves_nothing_behind(spec_world, household, member):
    counts = {spec_world.flour.pk: "840", spec_world.sugar.pk: "1250"}
    assert_all_or_nothing(
        household,
        lambda tx: record_stock_count(tx, counts),
        expect_changed={
            "production.StockAdjustment",
            "production.StockAdjustmentLot",
            "production.InventoryLot",
            "production.Purchase",
        },
        actor=member,
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "The count of Flour cannot be negative."),
        ("lots", "The count of Flour must be a number, not 'lots'."),
        ("NaN", "The count of Flour must be a number"),
        ("1e400000", "The count of Flour is too large"),
        ("12345678901234", "The count of Flour is too large (at most 9999999999999.999)."),
        ("1.0005", "The count of Flour has too many decimal places (at most 3)."),
        ("1,5", "The count of Flour: write the number without commas"),
        ("x" * 200, "The count of Flour must be a number"),
    ],
)
def test_bad_count_gets_a_clear_message_and_changes_nothing(spec_world, tx, typed, message):
    before = db_snapshot()
    refusal = _refusal(tx, {spec_world.flour.pk: typed})
    assert refusal.line_errors[spec_world.flour.pk].startswith(message)
    assert db_snapshot() == before


def test_another_households_ingredient_is_refused_as_not_found(spec_world, tx, outsider_household):
    theirs = Ingredient.objects.create(
        household=outsider_household, name="Their flour", stock_family="weight"
    )
    before = db_snapshot()
    refusal = _refusal(tx, {theirs.pk: "5", spec_world.sugar.pk: "900"})
    assert refusal.line_errors == {theirs.pk: f"Ingredient {theirs.pk} was not found."}
    assert "Their flour" not in str(refusal)
    assert db_snapshot() == before


def test_an_id_no_row_can_have_is_refused_as_not_found(spec_world, tx):
    refusal = _refusal(tx, {10**30: "5", -3: "1", "flour": "2"})
    assert refusal.line_errors == {
        10**30: f"Ingredient {10**30!r} was not found.",
        -3: "Ingredient -3 was not found.",
        "flour": "Ingredient 'flour' was not found.",
    }


def test_the_same_ingredient_named_twice_is_refused(spec_world, tx):
    refusal = _refusal(tx, {spec_world.flour.pk: "840", str(spec_world.flour.pk): "800"})
    assert refusal.line_errors == {
        str(spec_world.flour.pk): f"Ingredient {spec_world.flour.pk} is counted twice; "
        "give one quantity."
    }
    assert not StockAdjustment.objects.exists()


def test_stock_that_moved_since_the_page_was_shown_is_refused(spec_world, tx):
    refusal = _refusal(tx, {spec_world.flour.pk: "840"}, seen={spec_world.flour.pk: "1000"})
    assert refusal.line_errors[spec_world.flour.pk] == (
        "Flour: the stock changed while you counted (the page showed 1 kg, it is now 1.2 kg); "
        "check the count and save again."
    )
    assert not StockAdjustment.objects.exists()


def test_stock_as_shown_on_the_page_is_settled(spec_world, tx):
    result = record_stock_count(
        tx, {spec_world.flour.pk: "840"}, seen={spec_world.flour.pk: "1200"}
    )
    assert len(result.shortfalls) == 1


def test_a_found_lot_is_drawn_after_the_older_lots(spec_world, tx):
    record_stock_count(tx, {spec_world.sugar.pk: "1250"})
    record_stock_count(tx, {spec_world.sugar.pk: "1100"})
    draws = StockAdjustmentLot.objects.values_list("lot_id", "quantity")
    assert list(draws) == [(spec_world.lot3.pk, Decimal("150"))]


def test_count_sheet_lists_ingredients_by_category_with_their_stock(spec_world, tx):
    Ingredient.objects.create(household=spec_world.household, name="Almonds", stock_family="weight")
    sheet = get_stock_count_sheet(tx)
    assert [(r.category, r.name, r.on_hand, r.unit) for r in sheet.rows] == [
        ("Baking", "Flour", Decimal("1200"), "g"),
        ("Baking", "Sugar", Decimal("1000"), "g"),
        ("", "Almonds", Decimal("0"), "g"),
    ]


def test_count_sheet_searches_name_and_category(spec_world, tx):
    assert [r.name for r in get_stock_count_sheet(tx, q="flo").rows] == ["Flour"]
    assert [r.name for r in get_stock_count_sheet(tx, q="bak").rows] == ["Flour", "Sugar"]


def _pantry(household, size: int) -> None:
    ingredients = Ingredient.objects.bulk_create(
        Ingredient(
            household=household,
            name=f"Item {n:03}",
            category=f"Shelf {n % 7}",
            stock_family="weight",
        )
        for n in range(size)
    )
    for ingredient in ingredients:
        product = Product.objects.create(
            household=household,
            ingredient=ingredient,
            name="Bag",
            package_quantity=1,
            package_unit="kg",
        )
        buy(household, product, packages=1, price="2", on=dt.date(2026, 1, 1), base_quantity=1000)


@pytest.mark.parametrize("size", [3, 150])
def test_count_sheet_reads_in_two_queries_whatever_the_size(
    household, member, size, django_assert_num_queries
):
    _pantry(household, size)
    with unit_of_work(household, actor=member, read_only=True) as tx:
        with django_assert_num_queries(2):
            sheet = get_stock_count_sheet(tx)
    assert len(sheet.rows) == min(size, 100)
    assert all(row.on_hand == Decimal("1000") for row in sheet.rows)


@pytest.mark.parametrize("size", [3, 40])
def test_checking_a_count_takes_the_same_queries_whatever_its_length(
    household, member, size, django_assert_max_num_queries
):
    _pantry(household, size)
    counts = {i: "1000" for i in Ingredient.objects.values_list("pk", flat=True)}
    with unit_of_work(household, actor=member) as tx:
        # Ingredients and lots, locked: nothing to write when every line matches.
        with django_assert_max_num_queries(2):
            result = record_stock_count(tx, counts)
    assert result.unchanged == size
