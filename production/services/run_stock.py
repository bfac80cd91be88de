"""What production and assembly runs share when they write: items going into and out of a
finished unit's or good's stock at a cost, the ledger rows of lots drawn, lots given back when
a run is undone, and the checks before an undo.

Not services: the run services call `tx.require()` before reaching these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone

from bakeplanner.display import datetime_text
from bakeplanner.errors import InUse, InvalidTransition, NotFound, ValidationFailed
from bakeplanner.tx import Tx
from production.models import FinishedGood, FinishedUnit, InventoryLot
from production.services.inventory import FifoPlan
from production.services.run_inputs import folded_average, text, unfolded_average

__all__: list[str] = []

R = TypeVar("R", bound=models.Model)
L = TypeVar("L", bound=models.Model)

STOCK_FIELDS = ["inventory_count", "average_unit_cost", "updated_at"]


class _LotLedgerRow(Protocol):
    lot_id: int
    quantity: Decimal


def stock_in(tx: Tx, item: FinishedUnit | FinishedGood, count: int, cost: Decimal) -> None:
    """Add `count` items worth `cost` to the item's stock, folding the cost into its average."""
    before = item.inventory_count
    item.inventory_count = before + count
    item.average_unit_cost = folded_average(
        before, item.average_unit_cost, cost, item.inventory_count
    )
    item.save(using=tx.using, update_fields=STOCK_FIELDS)


def stock_out(tx: Tx, item: FinishedUnit | FinishedGood, count: int, cost: Decimal) -> None:
    """Take out `count` items that came in worth `cost` (undoes `stock_in`)."""
    before = item.inventory_count
    item.inventory_count = before - count
    item.average_unit_cost = unfolded_average(
        before, item.average_unit_cost, cost, item.inventory_count
    )
    item.save(using=tx.using, update_fields=STOCK_FIELDS)


def draw_rows(tx: Tx, model: type[L], run: models.Model, plans: Iterable[FifoPlan]) -> list[L]:
    """One unsaved ledger row of `model` per lot drawn by the plans."""
    return [
        model(
            household=tx.household,
            run=run,
            lot=draw.lot,
            ingredient=plan.ingredient,
            quantity=draw.quantity,
            cost=draw.cost,
        )
        for plan in plans
        for draw in plan.draws
    ]


def return_to_lots(tx: Tx, rows: Iterable[_LotLedgerRow]) -> list[int]:
    """Give each lot back exactly what the ledger rows took from it; the lots' ids.

    The lots are locked by id, the same fixed order the runs take them in.
    """
    returned: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        returned[row.lot_id] += row.quantity
    for lot in tx.objects(InventoryLot).select_for_update().filter(pk__in=returned).order_by("id"):
        lot.quantity_remaining += returned[lot.pk]
        lot.save(using=tx.using, update_fields=["quantity_remaining"])
    return sorted(returned)


def get_run(runs: models.QuerySet[R], run_id: Any, label: str) -> R:
    """The run with this id among `runs`, or `NotFound` naming it (`label`, e.g. "Assembly run")."""
    try:
        return runs.get(pk=int(run_id))
    except (TypeError, ValueError, ObjectDoesNotExist):
        raise NotFound(label, run_id) from None


def undo_reason(reason: Any, what: str) -> str:
    """The reason given for undoing `what` ("the run"), required."""
    why = text(reason, "Reason").strip()
    if not why:
        raise ValidationFailed(f"Say why {what} is being undone.", field="reason")
    return why


def refuse_if_undone(run: Any, label: str) -> None:
    """A run is undone once: a second undo is refused, saying when the first one was."""
    if run.reversed_at is not None:
        raise InvalidTransition(
            f"{label} {run.pk} was already undone on {datetime_text(run.reversed_at)}.",
            current="reversed",
        )


def refuse_if_used_since(
    label: str, run_pk: int, verb: str, count: int, item: FinishedUnit | FinishedGood
) -> None:
    """An undo takes back what the run `verb` ("added", "made"): refused once some is used."""
    if item.inventory_count < count:
        raise InUse(
            f"{label} {run_pk} cannot be undone: it {verb} {count} × "
            f"{item.name}, but only {item.inventory_count} are left; the rest have been "
            "used since. Undo what used them first, or record a stock adjustment."
        )


def mark_undone(tx: Tx, run: Any, why: str) -> None:
    run.reversed_at = timezone.now()
    run.reversal_reason = why
    run.save(using=tx.using, update_fields=["reversed_at", "reversal_reason"])
