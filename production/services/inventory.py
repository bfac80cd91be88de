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

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, F, Q, Sum

from bakeplanner.errors import InsufficientInventory, ValidationFailed
from bakeplanner.logs import log_debug, log_operation
from bakeplanner.money import cost_to_string, qty_to_string, to_decimal
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, ingredient_to_base
from production.models import Ingredient, InventoryLot
from production.services.lookup import get_owned, household_lots

__all__ = ["consume_fifo", "get_inventory", "get_inventory_page", "get_on_hand"]

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

    Three queries whatever the number of ingredients and lots.
    """
    tx.require()
    rows = _stock_rows(tx, q=q, kind=kind, sort=sort, in_stock_only=in_stock_only)
    _add_lots(tx, rows)
    return rows


def get_inventory_page(
    tx: Tx,
    *,
    q: str = "",
    kind: str = "",
    sort: str = "name",
    in_stock_only: bool = False,
    page: Any = 1,
    per_page: int = 50,
) -> dict[str, Any]:
    """One page of `get_inventory` and the total value of every row it lists.

    Every ingredient is summed in the database (on hand, value, lots) so the page can be
    sorted by any column, but only the page's rows read their lots with their products:
    three queries, and the lots of a page at most (docs/performance.md). The total is the
    database's sum, to the cent; a shown row's value is summed exactly from its lots.
    """
    tx.require()
    rows = _stock_rows(tx, q=q, kind=kind, sort=sort, in_stock_only=in_stock_only)
    total_value = sum((row["value"] for row in rows), Decimal(0))
    shown = Paginator(rows, per_page).get_page(page)
    page_rows = list(shown.object_list)
    _add_lots(tx, page_rows)
    return {"page": shown, "rows": page_rows, "total_value": total_value}


def _stock_rows(
    tx: Tx, *, q: str, kind: str, sort: str, in_stock_only: bool
) -> list[dict[str, Any]]:
    """Every listed ingredient with its on-hand quantity, value and lot count, sorted; two
    queries of plain values, no lot or product built."""
    ingredients = tx.objects(Ingredient).order_by("name", "pk")
    if q.strip():
        term = q.strip()
        ingredients = ingredients.filter(Q(name__icontains=term) | Q(category__icontains=term))
    if kind in (Ingredient.FOOD, Ingredient.PACKAGING):
        ingredients = ingredients.filter(kind=kind)
    # Sums per ingredient in the database: one row per ingredient, not one per lot. The shown
    # rows' values are then worked out again exactly from their lots (`_add_lots`).
    totals = {
        row["ingredient_id"]: (
            row["on_hand"] or Decimal(0),
            row["value"] or Decimal(0),
            row["lot_count"],
            bool(row["unknown"]),
        )
        for row in household_lots(tx)
        .with_stock()
        .filter(ingredient__in=ingredients)
        .order_by()
        .values("ingredient_id")
        .annotate(
            on_hand=Sum("quantity_remaining"),
            value=Sum(
                F("quantity_remaining") * F("cost_per_unit"),
                output_field=DecimalField(max_digits=30, decimal_places=12),
            ),
            lot_count=Count("id"),
            unknown=Count("id", filter=Q(price_unknown=True)),
        )
    }
    rows: list[dict[str, Any]] = []
    empty = (Decimal(0), Decimal(0), 0, False)
    for pk, name, ingredient_kind, category, stock_family in ingredients.values_list(
        "pk", "name", "kind", "category", "stock_family"
    ):
        on_hand, value, lot_count, price_unknown = totals.get(pk, empty)
        if in_stock_only and not lot_count:
            continue
        rows.append(
            {
                "ingredient_id": pk,
                "ingredient_name": name,
                "kind": ingredient_kind,
                "category": category,
                "unit": BASE_UNIT[stock_family],
                "on_hand": on_hand,  # figures become text for the rows shown only
                "value": value,
                "lot_count": lot_count,
                # Its value leaves out lots brought in without a price (never counted free).
                "price_unknown": price_unknown,
            }
        )
    key = sort.lstrip("-")
    reverse = sort.startswith("-") and key in INVENTORY_SORTS
    if key == "on_hand":
        rows.sort(key=lambda r: r["on_hand"], reverse=reverse)
    elif key == "value":
        rows.sort(key=lambda r: r["value"], reverse=reverse)
    elif key == "lots":
        rows.sort(key=lambda r: r["lot_count"], reverse=reverse)
    elif key == "category":
        rows.sort(
            key=lambda r: (r["category"].lower(), r["ingredient_name"].lower()), reverse=reverse
        )
    else:
        rows.sort(key=lambda r: r["ingredient_name"].lower(), reverse=reverse)
    return rows


def _add_lots(tx: Tx, rows: list[dict[str, Any]]) -> None:
    """Each row's figures as text and its lots with stock, oldest first, with their product:
    one query."""
    by_ingredient: dict[int, list[dict[str, Any]]] = {}
    values: dict[int, Decimal] = {}
    for row in rows:
        row["on_hand"] = qty_to_string(row["on_hand"])
        row["lots"] = by_ingredient.setdefault(row["ingredient_id"], [])
    if not rows:
        return
    names = {row["ingredient_id"]: row["ingredient_name"] for row in rows}
    for lot in (
        household_lots(tx)
        .with_stock()
        .filter(ingredient_id__in=names)
        .select_related("product")
        .order_by("ingredient_id", "received_on", "id")
    ):
        value = lot.quantity_remaining * lot.cost_per_unit
        values[lot.ingredient_id] = values.get(lot.ingredient_id, Decimal(0)) + value
        by_ingredient[lot.ingredient_id].append(
            {
                "lot_id": lot.pk,
                "product_id": lot.product_id,
                "product_name": product_label(lot.product, names[lot.ingredient_id]),
                "purchase_id": lot.purchase_id,
                "received_on": lot.received_on.isoformat(),
                "quantity_initial": qty_to_string(lot.quantity_initial),
                "remaining": qty_to_string(lot.quantity_remaining),
                "unit_cost": unit_cost_to_string(lot.cost_per_unit),
                "value": cost_to_string(value),
                "price_unknown": lot.price_unknown,
            }
        )
    for row in rows:
        row["value"] = cost_to_string(values.get(row["ingredient_id"], Decimal(0)))
