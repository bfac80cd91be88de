"""Purchases create lots; purchases are immutable once drawn from.

See docs/design.md, "Purchases and lots".
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bakeplanner.errors import ConversionError, InUse, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import InventoryLot, Purchase
from production.services import (
    consume_fifo,
    create_ingredient,
    create_product,
    delete_purchase,
    list_purchases,
    record_depletion,
    record_purchase,
    update_purchase,
)


@pytest.fixture
def pantry(household):
    """The worked example's ingredients and products, no purchases yet (list it before `tx`)."""
    with unit_of_work(household) as tx:
        return _pantry(tx)


def _pantry(tx):
    flour = create_ingredient(tx, name="Flour", stock_family="weight", density_g_per_cup=120)
    sugar = create_ingredient(tx, name="Sugar", stock_family="weight", density_g_per_cup=200)
    return {
        "flour": flour,
        "sugar": sugar,
        "flour_small": create_product(tx, flour.pk, package_quantity=200, package_unit="g"),
        "flour_big": create_product(tx, flour.pk, package_quantity=1, package_unit="kg"),
        "sugar_bag": create_product(tx, sugar.pk, package_quantity=1, package_unit="kg"),
    }


def test_spec_purchases_make_the_spec_lots(pantry, tx):
    lot1 = record_purchase(
        tx,
        pantry["flour_small"].pk,
        packages=1,
        price_per_package="0.40",
        purchased_on=dt.date(2026, 1, 1),
    )
    lot2 = record_purchase(
        tx, pantry["flour_big"].pk, packages=1, price_per_package="3.00", purchased_on="2026-02-01"
    )
    lot3 = record_purchase(
        tx, pantry["sugar_bag"].pk, packages=1, price_per_package="4.00", purchased_on="2026-02-01"
    )
    figures = [
        (lot.quantity_initial, lot.quantity_remaining, lot.cost_per_unit, lot.received_on)
        for lot in InventoryLot.objects.filter(pk__in=[lot1.pk, lot2.pk, lot3.pk]).order_by("pk")
    ]
    assert figures == [
        (Decimal("200"), Decimal("200"), Decimal("0.002"), dt.date(2026, 1, 1)),
        (Decimal("1000"), Decimal("1000"), Decimal("0.003"), dt.date(2026, 2, 1)),
        (Decimal("1000"), Decimal("1000"), Decimal("0.004"), dt.date(2026, 2, 1)),
    ]
    assert lot1.ingredient_id == pantry["flour"].pk
    assert Purchase.objects.get(pk=lot1.purchase_id).price_per_package == Decimal("0.40")


def test_spec_consumption_after_purchases_through_the_services(pantry, tx):
    record_purchase(
        tx,
        pantry["flour_small"].pk,
        packages=1,
        price_per_package="0.40",
        purchased_on="2026-01-01",
    )
    record_purchase(
        tx, pantry["flour_big"].pk, packages=1, price_per_package="3.00", purchased_on="2026-02-01"
    )
    result = consume_fifo(tx, pantry["flour"].pk, 4, "cup")
    assert [(lot["quantity"], lot["cost"]) for lot in result["lots"]] == [
        ("200", "0.40"),
        ("280", "0.84"),
    ]


def test_several_packages_and_fractional_packages(pantry, tx):
    lot = record_purchase(
        tx,
        pantry["flour_big"].pk,
        packages="2.5",
        price_per_package="3.00",
        purchased_on="2026-03-01",
        supplier="Corner shop",
        notes="on sale",
    )
    assert lot.quantity_initial == Decimal("2500")
    assert lot.cost_per_unit == Decimal("0.003")


def test_cost_per_unit_is_kept_unrounded(tx):
    chocolate = create_ingredient(tx, name="Chocolate", stock_family="weight")
    bar = create_product(tx, chocolate.pk, package_quantity=1, package_unit="oz")
    lot = record_purchase(
        tx, bar.pk, packages=3, price_per_package="1.00", purchased_on="2026-03-01"
    )
    stored = InventoryLot.objects.get(pk=lot.pk)
    assert stored.quantity_initial == Decimal("85.049")  # 3 × 28.349523125 g, to 0.001
    # 1.00 ÷ 28.349523125 g, to the 12 places the column keeps
    assert stored.cost_per_unit == Decimal("0.035273961950")


def test_volume_product_for_weight_stock_uses_density(pantry, tx):
    cup_pack = create_product(tx, pantry["flour"].pk, package_quantity=10, package_unit="cup")
    lot = record_purchase(
        tx, cup_pack.pk, packages=1, price_per_package="2.40", purchased_on="2026-03-01"
    )
    assert lot.quantity_initial == Decimal("1200")
    assert lot.cost_per_unit == Decimal("0.002")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"packages": 0}, "Packages must be more than zero"),
        ({"packages": -1}, "Packages must be more than zero"),
        ({"packages": "lots"}, "Packages must be a number"),
        ({"packages": "1e10"}, "too large"),
        ({"price_per_package": "-0.01"}, "cannot be negative"),
        ({"price_per_package": "1e9"}, "too large"),
        ({"purchased_on": "2026-02-30"}, "is not a date"),
        ({"purchased_on": "yesterday"}, "is not a date"),
        ({"supplier": "s" * 121}, "too long"),
    ],
)
def test_bad_purchase_input_is_refused_and_changes_nothing(pantry, tx, fields, message):
    arguments: dict[str, Any] = {
        "packages": 1,
        "price_per_package": "1.00",
        "purchased_on": "2026-01-01",
    }
    arguments.update(fields)
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match=message):
        record_purchase(tx, pantry["flour_big"].pk, **arguments)
    assert db_snapshot() == before


def test_free_purchase_is_allowed(pantry, tx):
    lot = record_purchase(
        tx, pantry["sugar_bag"].pk, packages=1, price_per_package=0, purchased_on="2026-01-01"
    )
    assert lot.cost_per_unit == 0


def test_unknown_product_is_not_found(pantry, tx):
    with pytest.raises(NotFound):
        record_purchase(tx, 999_999, packages=1, price_per_package=1, purchased_on="2026-01-01")


def test_other_household_product_is_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as other:
        with pytest.raises(NotFound):
            record_purchase(
                other,
                spec_world.flour_big.pk,
                packages=1,
                price_per_package=1,
                purchased_on="2026-01-01",
            )
        with pytest.raises(NotFound):
            delete_purchase(other, spec_world.lot1.purchase_id)


def test_untouched_purchase_can_be_corrected_and_its_lot_recounted(pantry, tx):
    lot = record_purchase(
        tx, pantry["flour_big"].pk, packages=1, price_per_package="3.00", purchased_on="2026-02-01"
    )
    update_purchase(
        tx, lot.purchase_id, packages=2, price_per_package="2.50", purchased_on="2026-02-03"
    )
    stored = InventoryLot.objects.get(pk=lot.pk)
    assert (stored.quantity_initial, stored.quantity_remaining) == (
        Decimal("2000"),
        Decimal("2000"),
    )
    assert stored.cost_per_unit == Decimal("0.0025")
    assert stored.received_on == dt.date(2026, 2, 3)


def test_drawn_purchase_is_immutable(spec_world, tx):
    consume_fifo(tx, spec_world.flour.pk, 10, "g")
    before = db_snapshot()
    with pytest.raises(InUse, match="already been used"):
        update_purchase(tx, spec_world.lot1.purchase_id, notes="edited")
    with pytest.raises(InUse, match="already been used"):
        delete_purchase(tx, spec_world.lot1.purchase_id)
    assert db_snapshot() == before


def test_purchase_with_a_ledger_row_stays_immutable_even_when_refilled(spec_world, tx):
    record_depletion(tx, spec_world.sugar.pk, 10, "g", reason="spoilage", notes="")
    InventoryLot.objects.filter(pk=spec_world.lot3.pk).update(quantity_remaining=1000)
    with pytest.raises(InUse):
        delete_purchase(tx, spec_world.lot3.purchase_id)


def test_update_purchase_refuses_unknown_fields(spec_world, tx):
    with pytest.raises(ValidationFailed, match="Unknown field"):
        update_purchase(tx, spec_world.lot2.purchase_id, quantity_initial=5)


def test_delete_untouched_purchase_removes_its_lot(spec_world, tx):
    delete_purchase(tx, spec_world.lot2.purchase_id)
    assert not InventoryLot.objects.filter(pk=spec_world.lot2.pk).exists()
    assert not Purchase.objects.filter(pk=spec_world.lot2.purchase_id).exists()


def test_purchase_is_refused_when_density_is_missing(tx):
    nuts = create_ingredient(tx, name="Walnuts", stock_family="weight", density_g_per_cup=100)
    cups = create_product(tx, nuts.pk, package_quantity=2, package_unit="cup")
    # Written around the service guard (which refuses to drop a density still in use).
    type(nuts).objects.filter(pk=nuts.pk).update(density_g_per_cup=None)
    with pytest.raises(ConversionError, match="no density"):
        record_purchase(tx, cups.pk, packages=1, price_per_package=1, purchased_on="2026-01-01")


def test_list_purchases_marks_drawn_ones_and_searches(spec_world, tx):
    consume_fifo(tx, spec_world.flour.pk, 10, "g")
    page = list_purchases(tx)
    drawn = {p.pk: p.drawn for p in page.object_list}
    assert drawn == {
        spec_world.lot1.purchase_id: True,
        spec_world.lot2.purchase_id: False,
        spec_world.lot3.purchase_id: False,
    }
    assert [p.pk for p in list_purchases(tx, q="sugar").object_list] == [
        spec_world.lot3.purchase_id
    ]


def test_list_purchases_marks_a_lot_with_a_ledger_row_drawn_even_when_refilled(spec_world, tx):
    record_depletion(tx, spec_world.sugar.pk, 10, "g", reason="spoilage", notes="")
    InventoryLot.objects.filter(pk=spec_world.lot3.pk).update(quantity_remaining=1000)

    drawn = {p.pk: p.drawn for p in list_purchases(tx).object_list}

    assert drawn[spec_world.lot3.purchase_id] is True
    assert drawn[spec_world.lot2.purchase_id] is False


def test_record_purchase_is_all_or_nothing(pantry, household):
    product_id = pantry["flour_big"].pk
    assert_all_or_nothing(
        household,
        lambda tx: record_purchase(
            tx, product_id, packages=2, price_per_package="3.10", purchased_on="2026-02-01"
        ),
        expect_changed={"production.InventoryLot", "production.Purchase"},
    )


def test_update_purchase_is_all_or_nothing(spec_world):
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: update_purchase(tx, spec_world.lot2.purchase_id, packages=3, supplier="Mill"),
        expect_changed={"production.InventoryLot", "production.Purchase"},
    )


def test_delete_purchase_is_all_or_nothing(spec_world):
    assert_all_or_nothing(
        spec_world.household,
        lambda tx: delete_purchase(tx, spec_world.lot2.purchase_id),
        expect_changed={"production.InventoryLot", "production.Purchase"},
    )
