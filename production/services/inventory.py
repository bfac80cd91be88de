"""FIFO stock: on-hand quantities and consumption of inventory lots.

See docs/design.md, "FIFO consumption".

Every write that moves stock locks the lots it may draw (`select_for_update`, in primary
key order so two writers never wait on each other in opposite orders) before it checks
availability, and validates the whole draw before it changes any lot.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum

from bakeplanner.errors import InsufficientInventory, ValidationFailed
from bakeplanner.logs import log_debug, log_operation
from bakeplanner.money import cost_to_string, qty_to_string, to_decimal
from bakeplanner.tx import Tx
from bakeplanner.units import ingredient_to_base
from production.models import Ingredient, InventoryLot
from production.services.lookup import get_owned, household_lots

__all__ = ["consume_fifo", "get_inventory", "get_on_hand"]

logger = logging.getLogger("bakeplanner.production.inventory")

COST_PLACES = Decimal("0.000001")
INVENTORY_SORTS = ("name", "category", "on_hand", "value", "lots")


def line_cost(quantity: Decimal, unit_cost: Decimal) -> Decimal:
    """Cost of a draw, kept at 6 decimal places (only DTOs round to cents)."""
    return (quantity * unit_cost).quantize(COST_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Draw:
    lot: InventoryLot
    quantity: Decimal
    cost: Decimal


@dataclass
class FifoPlan:
    """What a FIFO consumption of one ingredient would take, lot by lot."""

    ingredient: Ingredient
    needed: Decimal
    available: Decimal
    draws: list[Draw] = field(default_factory=list)

    @property
    def consumed(self) -> Decimal:
        return sum((d.quantity for d in self.draws), Decimal(0))

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.needed - self.available)

    @property
    def satisfied(self) -> bool:
        return self.shortfall == 0

    @property
    def total_cost(self) -> Decimal:
        return sum((d.cost for d in self.draws), Decimal(0))

    def shortage_item(self) -> dict[str, Any]:
        return {
            "ingredient_id": self.ingredient.pk,
            "name": self.ingredient.name,
            "needed": qty_to_string(self.needed),
            "available": qty_to_string(self.available),
            "unit": self.ingredient.base_unit,
        }


def lots_for(tx: Tx, ingredient_ids: Iterable[int], *, lock: bool) -> dict[int, list[InventoryLot]]:
    """Lots with stock per ingredient, oldest first; locked in primary-key order when asked."""
    ids = sorted(set(ingredient_ids))
    queryset = household_lots(tx).with_stock().filter(ingredient_id__in=ids)
    if lock:
        # Locks are taken in id order, a fixed order that keeps concurrent recorders from
        # deadlocking; the rows are then put in FIFO order, the order of `fifo()`.
        rows = sorted(
            queryset.select_for_update().order_by("id"), key=lambda lot: (lot.received_on, lot.pk)
        )
    else:
        rows = list(queryset.fifo())
    by_ingredient: dict[int, list[InventoryLot]] = {i: [] for i in ids}
    for lot in rows:
        by_ingredient[lot.ingredient_id].append(lot)
    return by_ingredient


def plan_fifo(ingredient: Ingredient, needed: Decimal, lots: list[InventoryLot]) -> FifoPlan:
    """Draw `needed` (base unit) from `lots` (oldest first) without touching the database."""
    available = sum((lot.quantity_remaining for lot in lots), Decimal(0))
    plan = FifoPlan(ingredient=ingredient, needed=needed, available=available)
    left = needed
    for lot in lots:
        if left <= 0:
            break
        take = min(left, lot.quantity_remaining)
        if take > 0:
            plan.draws.append(Draw(lot=lot, quantity=take, cost=line_cost(take, lot.cost_per_unit)))
            left -= take
    return plan


def apply_plans(tx: Tx, plans: Iterable[FifoPlan]) -> None:
    """Take the planned quantities off their (locked) lots. Plans must be satisfied."""
    tx.require()
    for plan in plans:
        for draw in plan.draws:
            draw.lot.quantity_remaining -= draw.quantity
            draw.lot.save(using=tx.using, update_fields=["quantity_remaining"])


def raise_if_short(tx: Tx, operation: str, plans: Iterable[FifoPlan]) -> None:
    """Refuse with every short ingredient named, and log each shortage as a WARNING."""
    short = [plan for plan in plans if not plan.satisfied]
    if not short:
        return
    for plan in short:
        log_operation(
            logger,
            tx,
            operation,
            "rejected",
            message=(
                f"{operation}: not enough {plan.ingredient.name} "
                f"(needed {qty_to_string(plan.needed)} {plan.ingredient.base_unit}, "
                f"available {qty_to_string(plan.available)})"
            ),
            ingredient_id=plan.ingredient.pk,
            ingredient_name=plan.ingredient.name,
            needed=qty_to_string(plan.needed),
            available=qty_to_string(plan.available),
            unit=plan.ingredient.base_unit,
        )
    raise InsufficientInventory([plan.shortage_item() for plan in short])


def get_on_hand(tx: Tx, ingredient_id: int) -> Decimal:
    """Stock of an ingredient in its base unit: the sum of its lots' remaining quantities."""
    tx.require()
    ingredient = get_owned(tx, Ingredient, ingredient_id)
    total = (
        tx.objects(InventoryLot)
        .filter(ingredient=ingredient)
        .aggregate(total=Sum("quantity_remaining"))["total"]
    )
    return to_decimal(total)


def consume_fifo(
    tx: Tx,
    ingredient_id: int,
    quantity: Any,
    unit: str,
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Consume an ingredient oldest lot first; a real call that cannot be met changes nothing."""
    tx.require()
    ingredient = get_owned(tx, Ingredient, ingredient_id)
    try:
        amount = to_decimal(quantity)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{quantity!r} is not a number.", field="quantity") from None
    if amount <= 0:
        raise ValidationFailed("The quantity must be more than zero.", field="quantity")
    needed = ingredient_to_base(amount, unit, ingredient)
    lots = lots_for(tx, [ingredient.pk], lock=not dry_run)[ingredient.pk]
    plan = plan_fifo(ingredient, needed, lots)
    log_debug(
        logger,
        tx,
        "consume_fifo",
        ingredient_id=ingredient.pk,
        needed=needed,
        available=plan.available,
        dry_run=dry_run,
    )
    if not dry_run:
        raise_if_short(tx, "consume_fifo", [plan])
        apply_plans(tx, [plan])
        log_operation(
            logger,
            tx,
            "consume_fifo",
            "success",
            ingredient_id=ingredient.pk,
            consumed=qty_to_string(plan.consumed),
            total_cost=cost_to_string(plan.total_cost),
        )
    return fifo_dto(plan)


def fifo_dto(plan: FifoPlan) -> dict[str, Any]:
    return {
        "consumed": qty_to_string(plan.consumed),
        "shortfall": qty_to_string(plan.shortfall),
        "satisfied": plan.satisfied,
        "total_cost": cost_to_string(plan.total_cost),
        "unit": plan.ingredient.base_unit,
        "lots": [
            {
                "lot_id": d.lot.pk,
                "product_id": d.lot.product_id,
                "received_on": d.lot.received_on.isoformat(),
                "quantity": qty_to_string(d.quantity),
                "unit_cost": f"{d.lot.cost_per_unit.normalize():f}",
                "cost": cost_to_string(d.cost),
            }
            for d in plan.draws
        ],
    }


def product_label(product: Any, ingredient_name: str) -> str:
    """Label a product as "Brand name (5 lb)" without walking the product's ingredient relation."""
    label = " ".join(part for part in (product.brand, product.name) if part) or ingredient_name
    return f"{label} ({product.package_quantity.normalize():f} {product.package_unit})"


def unit_cost_to_string(value: Decimal) -> str:
    """A cost per base unit for display: six decimal places at most, no trailing zeros."""
    text = f"{value.quantize(COST_PLACES, rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def get_inventory(
    tx: Tx, *, q: str = "", kind: str = "", sort: str = "name", in_stock_only: bool = False
) -> list[dict[str, Any]]:
    """Per ingredient: on hand, base unit, lots with stock (oldest first) and their value.

    Two queries whatever the number of ingredients and lots.
    """
    tx.require()
    ingredients = tx.objects(Ingredient).order_by("name", "pk")
    if q.strip():
        term = q.strip()
        ingredients = ingredients.filter(Q(name__icontains=term) | Q(category__icontains=term))
    if kind in (Ingredient.FOOD, Ingredient.PACKAGING):
        ingredients = ingredients.filter(kind=kind)
    ingredient_list = list(ingredients)
    lots_by_ingredient: dict[int, list[InventoryLot]] = {i.pk: [] for i in ingredient_list}
    lots = (
        household_lots(tx)
        .with_stock()
        .filter(ingredient__in=ingredients)
        .select_related("product")
        .fifo()
    )
    for lot in lots:
        lots_by_ingredient[lot.ingredient_id].append(lot)
    rows: list[dict[str, Any]] = []
    for ingredient in ingredient_list:
        lots_here = lots_by_ingredient[ingredient.pk]
        if in_stock_only and not lots_here:
            continue
        on_hand = sum((lot.quantity_remaining for lot in lots_here), Decimal(0))
        value = sum((lot.quantity_remaining * lot.cost_per_unit for lot in lots_here), Decimal(0))
        rows.append(
            {
                "ingredient_id": ingredient.pk,
                "ingredient_name": ingredient.name,
                "kind": ingredient.kind,
                "category": ingredient.category,
                "unit": ingredient.base_unit,
                "on_hand": qty_to_string(on_hand),
                "value": cost_to_string(value),
                "lot_count": len(lots_here),
                # Its value leaves out lots brought in without a price (never counted free).
                "price_unknown": any(lot.price_unknown for lot in lots_here),
                "lots": [
                    {
                        "lot_id": lot.pk,
                        "product_id": lot.product_id,
                        "product_name": product_label(lot.product, ingredient.name),
                        "purchase_id": lot.purchase_id,
                        "received_on": lot.received_on.isoformat(),
                        "quantity_initial": qty_to_string(lot.quantity_initial),
                        "remaining": qty_to_string(lot.quantity_remaining),
                        "unit_cost": unit_cost_to_string(lot.cost_per_unit),
                        "value": cost_to_string(lot.quantity_remaining * lot.cost_per_unit),
                        "price_unknown": lot.price_unknown,
                    }
                    for lot in lots_here
                ],
                "_sort": (on_hand, value),
            }
        )
    key = sort.lstrip("-")
    reverse = sort.startswith("-") and key in INVENTORY_SORTS
    if key == "on_hand":
        rows.sort(key=lambda r: r["_sort"][0], reverse=reverse)
    elif key == "value":
        rows.sort(key=lambda r: r["_sort"][1], reverse=reverse)
    elif key == "lots":
        rows.sort(key=lambda r: r["lot_count"], reverse=reverse)
    elif key == "category":
        rows.sort(
            key=lambda r: (r["category"].lower(), r["ingredient_name"].lower()), reverse=reverse
        )
    else:
        rows.sort(key=lambda r: r["ingredient_name"].lower(), reverse=reverse)
    for row in rows:
        del row["_sort"]
    return rows
