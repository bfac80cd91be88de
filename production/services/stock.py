"""Manual stock changes, each with an audit row.

See docs/design.md, "Stock adjustments and depletions".

Ingredient stock only decreases by hand (spoilage, a gift, a correction, a stock count's
shortfall): the depletion is drawn FIFO like production, with one `StockAdjustmentLot` per
lot, always through `write_depletion`. Finished units and goods
can be adjusted either way, never below zero. Rows are locked before they are checked.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from bakeplanner.errors import InsufficientStock, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from bakeplanner.units import ingredient_to_base
from production.models import (
    FinishedGood,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    RecipeIngredient,
    StockAdjustment,
    StockAdjustmentLot,
)
from production.services.inventory import (
    FifoPlan,
    apply_plans,
    lots_for,
    plan_fifo,
    raise_if_short,
)
from production.services.lookup import (
    MAX_WHOLE_NUMBER,
    clean_choice,
    clean_decimal,
    clean_text,
    clean_whole_number,
    get_owned,
)

__all__ = ["adjust_finished_stock", "list_adjustments", "record_depletion"]

logger = logging.getLogger("bakeplanner.production.stock")

REASONS = tuple(code for code, _ in StockAdjustment.REASON_CHOICES)
FINISHED_KINDS = (StockAdjustment.FINISHED_UNIT, StockAdjustment.FINISHED_GOOD)
MAX_CHANGE = 1_000_000  # a household never counts a million cookies in one go


def _clean_reason_and_notes(reason: Any, notes: Any) -> tuple[str, str]:
    reason = clean_choice(reason, REASONS, "Reason", field="reason")
    notes = clean_text(notes, "Notes", field="notes")
    if reason in StockAdjustment.REASONS_NEEDING_NOTES and not notes:
        raise ValidationFailed(f"Say why in the notes (required for {reason}).", field="notes")
    return reason, notes


def record_depletion(
    tx: Tx, ingredient_id: int, quantity: Any, unit: str, *, reason: str, notes: str
) -> StockAdjustment:
    """Take stock out by hand, oldest lots first; refused (changing nothing) when short."""
    tx.require()
    with logged_operation(logger, tx, "record_depletion", ingredient_id=ingredient_id) as op:
        ingredient = get_owned(tx, Ingredient, ingredient_id)
        amount = clean_decimal(quantity, "Quantity", model=RecipeIngredient, column="quantity")
        reason, notes = _clean_reason_and_notes(reason, notes)
        needed = ingredient_to_base(amount, unit, ingredient)
        if needed <= 0:
            raise ValidationFailed(
                f"That is less than 0.001 {ingredient.base_unit} of {ingredient.name}.",
                field="quantity",
            )
        # Locks every lot with stock (by id) before the availability check.
        lots = lots_for(tx, [ingredient.pk], lock=True)[ingredient.pk]
        adjustment, plan = write_depletion(
            tx, ingredient, needed, lots, reason=reason, notes=notes, operation="record_depletion"
        )
        op.add(
            adjustment_id=adjustment.pk,
            quantity=needed,
            unit=ingredient.base_unit,
            cost=plan.total_cost,
            lot_ids=[d.lot.pk for d in plan.draws],
        )
        return adjustment


def write_depletion(
    tx: Tx,
    ingredient: Ingredient,
    needed: Decimal,
    lots: list[InventoryLot],
    *,
    reason: str,
    notes: str,
    operation: str,
) -> tuple[StockAdjustment, FifoPlan]:
    """Draw `needed` (base unit) from `lots` oldest first and write the audit rows.

    The one path for every manual ingredient depletion (a depletion, a stock count's
    shortfall). `lots` are the ingredient's lots with stock, locked by the caller, oldest
    first; a draw they cannot meet is refused before anything changes. `reason` and `notes`
    are already checked.
    """
    tx.require()
    plan = plan_fifo(ingredient, needed, lots)
    raise_if_short(tx, operation, [plan])
    before = plan.available
    apply_plans(tx, [plan])
    adjustment = StockAdjustment(
        household=tx.household,
        item_type=StockAdjustment.INGREDIENT,
        ingredient=ingredient,
        change=-needed,
        quantity_before=before,
        quantity_after=before - needed,
        reason=reason,
        notes=notes,
        cost=plan.total_cost,
        recorded_by=tx.actor,
    )
    adjustment.save(using=tx.using)
    tx.raw_objects(StockAdjustmentLot).bulk_create(
        [
            StockAdjustmentLot(
                household=tx.household,
                adjustment=adjustment,
                lot=draw.lot,
                quantity=draw.quantity,
                cost=draw.cost,
            )
            for draw in plan.draws
        ]
    )
    return adjustment, plan


def adjust_finished_stock(
    tx: Tx, kind: str, item_id: int, change: Any, *, reason: str, notes: str
) -> StockAdjustment:
    """Add to or take from a finished unit's or good's count (never below zero), audited."""
    tx.require()
    with logged_operation(logger, tx, "adjust_finished_stock", kind=kind, item_id=item_id) as op:
        kind = clean_choice(kind, FINISHED_KINDS, "Kind", field="kind")
        amount = clean_whole_number(
            change,
            "Change",
            field="change",
            minimum=-MAX_CHANGE,
            maximum=MAX_CHANGE,
            allow_zero=False,
        )
        reason, notes = _clean_reason_and_notes(reason, notes)
        model: type[FinishedUnit] | type[FinishedGood] = (
            FinishedUnit if kind == StockAdjustment.FINISHED_UNIT else FinishedGood
        )
        # Lock the row: a run recording at the same moment must not interleave the counts.
        item = get_owned(tx, model, item_id, lock=True)
        before = item.inventory_count
        after = before + amount
        if after < 0:
            item_unit = getattr(item, "item_unit", "") or "each"
            raise InsufficientStock(
                [
                    {
                        "component_type": kind,
                        "component_id": item.pk,
                        "name": item.name,
                        "needed": str(-amount),
                        "available": str(before),
                        "unit": item_unit,
                    }
                ]
            )
        if after > MAX_WHOLE_NUMBER:
            raise ValidationFailed("That would make the count too large.", field="change")
        item.inventory_count = after
        item.save(using=tx.using, update_fields=["inventory_count", "updated_at"])
        adjustment = StockAdjustment(
            household=tx.household,
            item_type=kind,
            finished_unit=item if isinstance(item, FinishedUnit) else None,
            finished_good=item if isinstance(item, FinishedGood) else None,
            change=Decimal(amount),
            quantity_before=Decimal(before),
            quantity_after=Decimal(after),
            reason=reason,
            notes=notes,
            # Informational: what the change is worth at the item's average cost.
            cost=item.average_unit_cost * amount,
            recorded_by=tx.actor,
        )
        adjustment.save(using=tx.using)
        op.add(adjustment_id=adjustment.pk, change=amount, before=before, after=after)
        return adjustment


def list_adjustments(tx: Tx, *, limit: int = 200) -> list[StockAdjustment]:
    """The latest manual stock changes, newest first, with what they changed and who did it."""
    tx.require()
    return list(
        tx.objects(StockAdjustment)
        .select_related("ingredient", "finished_unit", "finished_good", "recorded_by")
        .order_by("-created_at", "-id")[: max(1, min(int(limit), 1000))]
    )
