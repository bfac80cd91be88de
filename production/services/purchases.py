"""Purchases and the inventory lots they create (docs/design.md, "Purchases and lots").

Recording a purchase creates exactly one lot in the ingredient's base unit. Once any of its
stock has been drawn (by baking, packing or a depletion) the edit and delete here refuse:
its lot's figures are history that ledgers point at, changed only by a correction
(production/services/corrections.py, docs/design.md "Corrections").
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.core.paginator import Page
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q

from bakeplanner.errors import ConversionError, InUse, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.money import MILLI
from bakeplanner.tx import Tx
from bakeplanner.units import ML_PER_CUP, UNITS, VOLUME, WEIGHT
from production.models import (
    AssemblyPackagingConsumption,
    Ingredient,
    InventoryLot,
    Product,
    ProductionConsumption,
    Purchase,
    StockAdjustmentLot,
)
from production.services.lookup import (
    check_fields,
    clean_date,
    clean_decimal,
    clean_text,
    get_owned,
    page_of,
    sort_ordering,
)

__all__ = ["delete_purchase", "list_purchases", "record_purchase", "update_purchase"]

logger = logging.getLogger("bakeplanner.production.purchases")

UNIT_COST_STEP = Decimal("1e-12")  # the lot's cost column keeps 12 decimal places
PURCHASE_FIELDS = (
    "product_id",
    "packages",
    "price_per_package",
    "purchased_on",
    "supplier",
    "notes",
)
PURCHASE_SORTS = {
    "date": ("-purchased_on", "-id"),
    "ingredient": ("product__ingredient__name", "-purchased_on"),
    "supplier": ("supplier", "-purchased_on"),
    "price": ("price_per_package", "-purchased_on"),
}


def base_units_per_package(product: Product, ingredient: Ingredient) -> Decimal:
    """A package's size in the ingredient's base unit, exact (not rounded to 0.001).

    The lot's cost per base unit divides by this, so a 1 oz package at 1.00 costs exactly
    1 ÷ 28.349523125 per gram rather than 1 ÷ 28.35.
    """
    family, factor = UNITS[product.package_unit]
    amount = product.package_quantity * factor
    if family == ingredient.stock_family:
        return amount
    density = ingredient.density_g_per_cup
    if {family, ingredient.stock_family} != {VOLUME, WEIGHT} or not density:
        raise ConversionError(
            f"Cannot convert {product.package_unit} to {ingredient.base_unit} for "
            f"{ingredient.name}"
            + (
                "."
                if {family, ingredient.stock_family} != {VOLUME, WEIGHT}
                else ": no density (grams per cup) is set."
            )
        )
    # Multiply before dividing, as the unit conversions do.
    if family == VOLUME:
        return amount * density / ML_PER_CUP
    return amount * ML_PER_CUP / density


def _drawn_lot(tx: Tx, lot: str) -> Q:
    """The lot at `lot` (a path from the rows filtered) has lost some of its stock, or a
    ledger row points at it."""
    return (
        Q(**{f"{lot}quantity_remaining__lt": F(f"{lot}quantity_initial")})
        | Q(Exists(tx.raw_objects(ProductionConsumption).filter(lot=OuterRef(f"{lot}pk"))))
        | Q(Exists(tx.raw_objects(AssemblyPackagingConsumption).filter(lot=OuterRef(f"{lot}pk"))))
        | Q(Exists(tx.raw_objects(StockAdjustmentLot).filter(lot=OuterRef(f"{lot}pk"))))
    )


def _is_drawn(tx: Tx, lot: InventoryLot) -> bool:
    if lot.quantity_remaining < lot.quantity_initial:
        return True
    return (
        tx.raw_objects(ProductionConsumption).filter(lot=lot).exists()
        or tx.raw_objects(AssemblyPackagingConsumption).filter(lot=lot).exists()
        or tx.raw_objects(StockAdjustmentLot).filter(lot=lot).exists()
    )


def _lot_figures(
    product: Product, ingredient: Ingredient, packages: Decimal, price: Decimal
) -> tuple[Decimal, Decimal]:
    """(quantity in base unit rounded to 0.001, cost per base unit to 12 places)."""
    per_package = base_units_per_package(product, ingredient)
    quantity = (packages * per_package).quantize(MILLI, rounding=ROUND_HALF_EVEN)
    if quantity <= 0:
        raise ValidationFailed(
            f"This purchase adds less than 0.001 {ingredient.base_unit} of {ingredient.name}.",
            field="packages",
        )
    lot_field = InventoryLot._meta.get_field("quantity_initial")
    if quantity >= Decimal(10) ** (lot_field.max_digits - lot_field.decimal_places):
        raise ValidationFailed(
            f"This purchase would add {quantity:f} {ingredient.base_unit}: too large to record.",
            field="packages",
        )
    cost_per_unit = (price / per_package).quantize(UNIT_COST_STEP, rounding=ROUND_HALF_EVEN)
    cost_field = InventoryLot._meta.get_field("cost_per_unit")
    if cost_per_unit >= Decimal(10) ** (cost_field.max_digits - cost_field.decimal_places):
        raise ValidationFailed(
            "The price per base unit is too large to record.", field="price_per_package"
        )
    return quantity, cost_per_unit


def record_purchase(
    tx: Tx,
    product_id: int,
    *,
    packages: Any,
    price_per_package: Any,
    purchased_on: Any,
    supplier: str = "",
    notes: str = "",
) -> InventoryLot:
    """Record a purchase and create its inventory lot (received on the purchase date)."""
    tx.require()
    with logged_operation(logger, tx, "record_purchase", product_id=product_id) as op:
        product = get_owned(tx, Product, product_id)
        ingredient = get_owned(tx, Ingredient, product.ingredient_id)
        count = clean_decimal(packages, "Packages", model=Purchase, column="packages")
        price = clean_decimal(
            price_per_package,
            "Price per package",
            model=Purchase,
            column="price_per_package",
            allow_zero=True,
        )
        day = clean_date(purchased_on, "Purchase date", field="purchased_on")
        supplier = clean_text(supplier, "Supplier", field="supplier", max_length=120)
        notes = clean_text(notes, "Notes", field="notes")
        quantity, cost_per_unit = _lot_figures(product, ingredient, count, price)
        purchase = Purchase(
            household=tx.household,
            product=product,
            purchased_on=day,
            packages=count,
            price_per_package=price,
            supplier=supplier,
            notes=notes,
        )
        purchase.save(using=tx.using)
        lot = InventoryLot(
            household=tx.household,
            product=product,
            ingredient=ingredient,
            purchase=purchase,
            quantity_initial=quantity,
            quantity_remaining=quantity,
            cost_per_unit=cost_per_unit,
            received_on=day,
        )
        lot.save(using=tx.using)
        op.add(
            purchase_id=purchase.pk,
            lot_id=lot.pk,
            ingredient_id=ingredient.pk,
            quantity=quantity,
            cost_per_unit=cost_per_unit,
        )
        return lot


def _purchase_and_lot(tx: Tx, purchase_id: int) -> tuple[Purchase, InventoryLot]:
    purchase = get_owned(tx, Purchase, purchase_id)
    # Lock the lot: a run drawing from it at the same moment must not race the change.
    lot = tx.objects(InventoryLot).select_for_update().get(purchase=purchase)
    return purchase, lot


def update_purchase(tx: Tx, purchase_id: int, **fields: Any) -> InventoryLot:
    """Correct a purchase nothing has drawn from yet; its lot is recounted."""
    tx.require()
    with logged_operation(logger, tx, "update_purchase", purchase_id=purchase_id) as op:
        check_fields(fields, PURCHASE_FIELDS, "purchase")
        purchase, lot = _purchase_and_lot(tx, purchase_id)
        if _is_drawn(tx, lot):
            raise InUse(
                "This purchase cannot be changed: some of its stock has already been used. "
                "Record a depletion or a new purchase instead."
            )
        product = purchase.product
        if "product_id" in fields:
            product = get_owned(tx, Product, fields["product_id"])
        ingredient = get_owned(tx, Ingredient, product.ingredient_id)
        count = purchase.packages
        price = purchase.price_per_package
        if "packages" in fields:
            count = clean_decimal(fields["packages"], "Packages", model=Purchase, column="packages")
        if "price_per_package" in fields:
            price = clean_decimal(
                fields["price_per_package"],
                "Price per package",
                model=Purchase,
                column="price_per_package",
                allow_zero=True,
            )
        if "purchased_on" in fields:
            purchase.purchased_on = clean_date(
                fields["purchased_on"], "Purchase date", field="purchased_on"
            )
        if "supplier" in fields:
            purchase.supplier = clean_text(
                fields["supplier"], "Supplier", field="supplier", max_length=120
            )
        if "notes" in fields:
            purchase.notes = clean_text(fields["notes"], "Notes", field="notes")
        quantity, cost_per_unit = _lot_figures(product, ingredient, count, price)
        purchase.product = product
        purchase.packages, purchase.price_per_package = count, price
        purchase.save(using=tx.using)
        lot.product, lot.ingredient = product, ingredient
        lot.quantity_initial = lot.quantity_remaining = quantity
        lot.cost_per_unit = cost_per_unit
        lot.received_on = purchase.purchased_on
        if "price_per_package" in fields:
            lot.price_unknown = False  # a price entered by hand is a price known
        lot.save(using=tx.using)
        op.add(lot_id=lot.pk, quantity=quantity, cost_per_unit=cost_per_unit)
        return lot


def delete_purchase(tx: Tx, purchase_id: int) -> None:
    """Delete a purchase (and its lot) nothing has drawn from."""
    tx.require()
    with logged_operation(logger, tx, "delete_purchase", purchase_id=purchase_id) as op:
        purchase, lot = _purchase_and_lot(tx, purchase_id)
        if _is_drawn(tx, lot):
            raise InUse("This purchase cannot be deleted: some of its stock has already been used.")
        op.add(lot_id=lot.pk)
        lot.delete(using=tx.using)
        purchase.delete(using=tx.using)


def list_purchases(
    tx: Tx, *, q: str = "", sort: str = "date", page: Any = 1, per_page: int = 50
) -> Page:
    """A page of purchases, newest first by default, each with its `lot` and a `drawn` flag."""
    tx.require()
    # Checked on each shown row's own lot: the database looks up the ledgers of fifty lots
    # instead of working out which of all the household's lots were drawn from.
    queryset = (
        tx.objects(Purchase)
        .select_related("product__ingredient", "lot")
        .annotate(drawn=ExpressionWrapper(_drawn_lot(tx, "lot__"), output_field=BooleanField()))
    )
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(product__ingredient__name__icontains=term)
            | Q(product__brand__icontains=term)
            | Q(product__name__icontains=term)
            | Q(supplier__icontains=term)
            | Q(notes__icontains=term)
        )
    queryset = queryset.order_by(*sort_ordering(sort, PURCHASE_SORTS, "date"), "-pk")
    return page_of(queryset, per_page, page)
