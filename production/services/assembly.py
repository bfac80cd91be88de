"""Assembly: turning baked items, nested boxes and packaging into finished goods.

See docs/design.md, "Assembly runs".

Finished units and nested goods leave their counts at their average unit cost; packaging
leaves its lots oldest first. The good gains `quantity` and folds the cost into its average.
Rows that change are locked in one fixed order before any availability check: finished
units by id, then finished goods by id, then lots by id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db.models import Prefetch

from bakeplanner.errors import (
    InsufficientInventory,
    InsufficientStock,
    ValidationFailed,
)
from bakeplanner.logs import log_operation, logged_operation
from bakeplanner.money import cost_to_string, qty_to_string
from bakeplanner.tx import Tx
from bakeplanner.units import round_base
from production.models import (
    AssemblyFinishedGoodConsumption,
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
)
from production.services.inventory import FifoPlan, apply_plans, lots_for, plan_fifo
from production.services.lookup import get_owned
from production.services.run_inputs import (
    day_bounds,
    moment,
    money,
    page_bounds,
    resolve_event,
    text,
    whole_number,
)
from production.services.run_stock import (
    draw_rows,
    get_run,
    mark_undone,
    refuse_if_undone,
    refuse_if_used_since,
    return_to_lots,
    stock_in,
    stock_out,
    undo_reason,
)

__all__ = [
    "check_can_assemble",
    "get_assembly_history",
    "get_assembly_run",
    "record_assembly",
    "reverse_assembly_run",
]

logger = logging.getLogger("bakeplanner.production.assembly")

MAX_ASSEMBLY_QUANTITY = 100_000  # a household never packs more; larger is a typing slip

FINISHED_UNIT = FinishedGoodComponent.FINISHED_UNIT
FINISHED_GOOD = FinishedGoodComponent.FINISHED_GOOD
PACKAGING = FinishedGoodComponent.PACKAGING


@dataclass
class _Need:
    """One component of an assembly: how many (or how much) it takes and what there is."""

    component_type: str
    item: Any  # the locked FinishedUnit / FinishedGood, or the packaging Ingredient
    needed: Any  # int for items, Decimal (base unit) for packaging
    available: Any
    plan: FifoPlan | None = None

    @property
    def short(self) -> bool:
        return self.available < self.needed

    @property
    def unit(self) -> str:
        if self.component_type == PACKAGING:
            return self.item.base_unit
        if self.component_type == FINISHED_UNIT:
            return self.item.item_unit or "each"
        return "each"

    def missing_item(self) -> dict[str, Any]:
        """The DTO line of `check_can_assemble` and of the shortage errors."""
        whole = self.component_type != PACKAGING
        return {
            "component_type": self.component_type,
            "component_id": self.item.pk,
            "component_name": self.item.name,
            "name": self.item.name,
            "needed": int(self.needed) if whole else qty_to_string(self.needed),
            "available": int(self.available) if whole else qty_to_string(self.available),
            "unit": self.unit,
            **({"ingredient_id": self.item.pk} if not whole else {}),
        }


def _components(tx: Tx, good: FinishedGood) -> list[FinishedGoodComponent]:
    components = list(
        tx.objects(FinishedGoodComponent)
        .filter(finished_good=good)
        .select_related("finished_unit", "nested_good", "packaging")
        .order_by("id")
    )
    if not components:
        raise ValidationFailed(
            f"{good.name!r} has no components yet: add its baked items, nested gift boxes or "
            "packaging supplies before packing it.",
            field="finished_good_id",
        )
    return components


def _whole(component: FinishedGoodComponent) -> int:
    quantity = component.quantity
    if quantity != quantity.to_integral_value():
        raise ValidationFailed(
            f"{component.item} is listed as {quantity.normalize():f} per box; baked items and "
            "boxes are counted in whole numbers."
        )
    return int(quantity)


def _needs(
    tx: Tx, good: FinishedGood, quantity: int, *, lock: bool
) -> tuple[FinishedGood, list[_Need]]:
    """Every component's requirement for `quantity` goods, against (locked) current stock.

    With `lock`, rows are locked in the fixed order finished units → finished goods (the
    good itself included, its count and average change too) → lots, each by id.
    """
    components = _components(tx, good)
    unit_ids = sorted({c.finished_unit_id for c in components if c.finished_unit_id})
    nested_ids = {c.nested_good_id for c in components if c.nested_good_id}
    packaging_ids = sorted({c.packaging_id for c in components if c.packaging_id})

    units_qs = tx.objects(FinishedUnit).filter(pk__in=unit_ids).order_by("pk")
    goods_qs = tx.objects(FinishedGood).filter(pk__in=nested_ids | {good.pk}).order_by("pk")
    if lock:
        units_qs = units_qs.select_for_update()
        goods_qs = goods_qs.select_for_update()
    units = {unit.pk: unit for unit in units_qs}
    goods = {item.pk: item for item in goods_qs}
    lots = lots_for(tx, packaging_ids, lock=lock)

    needs: list[_Need] = []
    # The component's type names its one non-null column (the fg_component_one_target check).
    for component in components:
        if component.component_type == FINISHED_UNIT:
            unit = units[cast(int, component.finished_unit_id)]
            needed = _whole(component) * quantity
            needs.append(_Need(FINISHED_UNIT, unit, needed, unit.inventory_count))
        elif component.component_type == FINISHED_GOOD:
            nested = goods[cast(int, component.nested_good_id)]
            needed = _whole(component) * quantity
            needs.append(_Need(FINISHED_GOOD, nested, needed, nested.inventory_count))
        else:
            ingredient = cast(Ingredient, component.packaging)
            # Packaging quantities are kept in the ingredient's own (base) unit.
            needed_base = round_base(component.quantity * quantity)
            plan = plan_fifo(ingredient, needed_base, lots[ingredient.pk])
            needs.append(_Need(PACKAGING, ingredient, needed_base, plan.available, plan))
    return goods[good.pk], needs


def _refuse_if_short(tx: Tx, operation: str, needs: list[_Need]) -> None:
    """Name every short component; finished stock short → InsufficientStock."""
    short = [need for need in needs if need.short]
    if not short:
        return
    items = [need.missing_item() for need in short]
    for item in items:
        log_operation(
            logger,
            tx,
            operation,
            "rejected",
            message=(
                f"{operation}: not enough {item['name']} (needed {item['needed']} "
                f"{item['unit']}, available {item['available']})"
            ),
            component_type=item["component_type"],
            component_id=item["component_id"],
            component_name=item["name"],
            needed=str(item["needed"]),
            available=str(item["available"]),
            unit=item["unit"],
        )
    if any(need.component_type != PACKAGING for need in short):
        # Packaging shortages (if any) are listed too, so one message names everything.
        raise InsufficientStock(items)
    raise InsufficientInventory(items)


# --- DTOs ------------------------------------------------------------------------------------


def assembly_dto(
    run: AssemblyRun, *, ledgers: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    """An assembly run as a DTO, money and quantities as strings (the good loaded)."""
    dto: dict[str, Any] = {
        "id": run.pk,
        "finished_good_id": run.finished_good_id,
        "finished_good_name": run.finished_good.name,
        "event_id": run.event_id,
        "quantity": run.quantity,
        "assembled_at": run.assembled_at.isoformat(),
        "component_cost": cost_to_string(run.component_cost),
        "packaging_cost": cost_to_string(run.packaging_cost),
        "total_cost": cost_to_string(run.total_cost),
        "per_unit_cost": cost_to_string(run.per_unit_cost),
        "notes": run.notes,
        "reversed": run.reversed_at is not None,
    }
    if ledgers is not None:
        dto["finished_unit_consumptions"] = [
            {
                "finished_unit_id": row.finished_unit_id,
                "finished_unit_name": row.finished_unit.name,
                "quantity": row.quantity,
                "unit_cost": cost_to_string(row.unit_cost),
                "cost": cost_to_string(row.cost),
            }
            for row in ledgers["finished_units"]
        ]
        dto["finished_good_consumptions"] = [
            {
                "finished_good_id": row.finished_good_id,
                "finished_good_name": row.finished_good.name,
                "quantity": row.quantity,
                "unit_cost": cost_to_string(row.unit_cost),
                "cost": cost_to_string(row.cost),
            }
            for row in ledgers["finished_goods"]
        ]
        dto["packaging_consumptions"] = [
            {
                "ingredient_id": row.ingredient_id,
                "ingredient_name": row.ingredient.name,
                "lot_id": row.lot_id,
                "quantity": qty_to_string(row.quantity),
                "unit": row.ingredient.base_unit,
                "cost": cost_to_string(row.cost),
            }
            for row in ledgers["packaging"]
        ]
    return dto


# --- Services --------------------------------------------------------------------------------


def check_can_assemble(tx: Tx, finished_good_id: int | str, quantity: int | str) -> dict[str, Any]:
    """Whether stock covers `quantity` goods, and every component that is short.

    Both may be the text of the live check's query string; they are validated here."""
    tx.require()
    with logged_operation(
        logger, tx, "check_can_assemble", finished_good_id=finished_good_id, quantity=quantity
    ) as op:
        count = whole_number(quantity, "Quantity", minimum=1, maximum=MAX_ASSEMBLY_QUANTITY)
        good = get_owned(tx, FinishedGood, finished_good_id, label="Gift box")
        _, needs = _needs(tx, good, count, lock=False)
        missing = [
            {key: value for key, value in need.missing_item().items() if key in _MISSING_KEYS}
            for need in needs
            if need.short
        ]
        op.add(can_assemble=not missing, short=missing)
    return {"can_assemble": not missing, "missing": missing}


_MISSING_KEYS = (
    "component_type",
    "component_id",
    "component_name",
    "needed",
    "available",
    "unit",
)


def record_assembly(
    tx: Tx,
    finished_good_id: int,
    quantity: int,
    *,
    assembled_at: Any = None,
    event_id: int | None = None,
    notes: str = "",
) -> dict[str, Any]:
    """Assemble `quantity` goods from their components; all or nothing."""
    tx.require()
    with logged_operation(
        logger,
        tx,
        "record_assembly",
        finished_good_id=finished_good_id,
        event_id=event_id,
        quantity=quantity,
    ) as op:
        count = whole_number(quantity, "Quantity", minimum=1, maximum=MAX_ASSEMBLY_QUANTITY)
        run_notes = text(notes, "Notes")
        when = moment(assembled_at, "Packed at")
        good = get_owned(tx, FinishedGood, finished_good_id, label="Gift box")
        event = resolve_event(tx, AssemblyRun, event_id)
        good, needs = _needs(tx, good, count, lock=True)
        _refuse_if_short(tx, "record_assembly", needs)

        run = AssemblyRun(
            household=tx.household,
            finished_good=good,
            event=event,
            quantity=count,
            assembled_at=when,
            notes=run_notes,
            recorded_by=tx.actor,
        )
        unit_rows: list[AssemblyFinishedUnitConsumption] = []
        good_rows: list[AssemblyFinishedGoodConsumption] = []
        component_cost = Decimal(0)
        for need in needs:
            if need.component_type == PACKAGING:
                continue
            unit_cost = need.item.average_unit_cost
            cost = money(Decimal(need.needed) * unit_cost)
            component_cost += cost
            row_model = (
                AssemblyFinishedUnitConsumption
                if need.component_type == FINISHED_UNIT
                else AssemblyFinishedGoodConsumption
            )
            target = "finished_unit" if need.component_type == FINISHED_UNIT else "finished_good"
            row = row_model(
                household=tx.household,
                run=run,
                quantity=need.needed,
                unit_cost=unit_cost,
                cost=cost,
                **{target: need.item},
            )
            if isinstance(row, AssemblyFinishedUnitConsumption):
                unit_rows.append(row)
            else:
                good_rows.append(row)
        plans = [need.plan for need in needs if need.plan is not None]
        packaging_cost = sum((plan.total_cost for plan in plans), Decimal(0))
        total = component_cost + packaging_cost

        run.component_cost = money(component_cost)
        run.packaging_cost = money(packaging_cost)
        run.total_cost = money(total)
        run.per_unit_cost = money(total / count)
        run.save(using=tx.using, force_insert=True)

        # Components leave at their average cost, so their averages do not move.
        for need in needs:
            if need.component_type != PACKAGING:
                need.item.inventory_count -= need.needed
                need.item.save(using=tx.using, update_fields=["inventory_count", "updated_at"])
        apply_plans(tx, plans)
        packaging_rows = draw_rows(tx, AssemblyPackagingConsumption, run, plans)
        for model, rows in (
            (AssemblyFinishedUnitConsumption, unit_rows),
            (AssemblyFinishedGoodConsumption, good_rows),
            (AssemblyPackagingConsumption, packaging_rows),
        ):
            if rows:
                tx.objects(model).bulk_create(rows)

        stock_in(tx, good, count, total)
        op.add(
            run_id=run.pk,
            component_cost=cost_to_string(component_cost),
            packaging_cost=cost_to_string(packaging_cost),
            total_cost=cost_to_string(total),
            per_unit_cost=cost_to_string(run.per_unit_cost),
            finished_good_count=good.inventory_count,
            average_unit_cost=str(good.average_unit_cost),
        )
    return assembly_dto(
        run,
        ledgers={
            "finished_units": unit_rows,
            "finished_goods": good_rows,
            "packaging": packaging_rows,
        },
    )


def _ledger_prefetches(tx: Tx) -> list[Prefetch]:
    return [
        Prefetch(
            "finished_unit_consumptions",
            queryset=tx.raw_objects(AssemblyFinishedUnitConsumption)
            .select_related("finished_unit")
            .order_by("id"),
        ),
        Prefetch(
            "finished_good_consumptions",
            queryset=tx.raw_objects(AssemblyFinishedGoodConsumption)
            .select_related("finished_good")
            .order_by("id"),
        ),
        Prefetch(
            "packaging_consumptions",
            queryset=tx.raw_objects(AssemblyPackagingConsumption)
            .select_related("ingredient")
            .order_by("id"),
        ),
    ]


def _ledgers_of(run: AssemblyRun) -> dict[str, list[Any]]:
    return {
        "finished_units": list(run.finished_unit_consumptions.all()),
        "finished_goods": list(run.finished_good_consumptions.all()),
        "packaging": list(run.packaging_consumptions.all()),
    }


def get_assembly_history(
    tx: Tx,
    *,
    finished_good_id: int | None = None,
    event_id: int | None = None,
    start: Any = None,
    end: Any = None,
    limit: int = 100,
    offset: int = 0,
    include_consumptions: bool = False,
) -> list[dict[str, Any]]:
    """Assembly runs newest first, read through `tx` (sees this unit of work's runs)."""
    tx.require()
    size, skip = page_bounds(limit, offset)
    low, high = day_bounds(start, end)
    runs = tx.objects(AssemblyRun).select_related("finished_good")
    if finished_good_id is not None:
        runs = runs.filter(
            finished_good=get_owned(tx, FinishedGood, finished_good_id, label="Gift box")
        )
    if event_id is not None:
        runs = runs.filter(event=resolve_event(tx, AssemblyRun, event_id))
    if low is not None:
        runs = runs.filter(assembled_at__gte=low)
    if high is not None:
        runs = runs.filter(assembled_at__lt=high)
    if include_consumptions:
        runs = runs.prefetch_related(*_ledger_prefetches(tx))
    page = list(runs.order_by("-assembled_at", "-id")[skip : skip + size])
    return [
        assembly_dto(run, ledgers=_ledgers_of(run) if include_consumptions else None)
        for run in page
    ]


def get_assembly_run(tx: Tx, run_id: int, *, include_consumptions: bool = True) -> dict[str, Any]:
    """One assembly run (with its ledgers unless asked not to), seen through `tx`."""
    tx.require()
    runs = tx.objects(AssemblyRun).select_related("finished_good")
    if include_consumptions:
        runs = runs.prefetch_related(*_ledger_prefetches(tx))
    run = get_run(runs, run_id, "Packing run")
    return assembly_dto(run, ledgers=_ledgers_of(run) if include_consumptions else None)


def reverse_assembly_run(tx: Tx, run_id: int, *, reason: str) -> dict[str, Any]:
    """Undo an assembly: components and packaging go back, the good loses the quantity."""
    tx.require()
    with logged_operation(logger, tx, "reverse_assembly_run", run_id=run_id) as op:
        why = undo_reason(reason, "the packing")
        # The run first: a second undo of the same run waits here and then sees it reversed.
        run = get_run(tx.objects(AssemblyRun).select_for_update(), run_id, "Packing run")
        refuse_if_undone(run, "Packing run")
        unit_rows = list(tx.objects(AssemblyFinishedUnitConsumption).filter(run=run).order_by("id"))
        good_rows = list(tx.objects(AssemblyFinishedGoodConsumption).filter(run=run).order_by("id"))
        packaging_rows = list(
            tx.objects(AssemblyPackagingConsumption)
            .filter(run=run)
            .select_related("ingredient")
            .order_by("id")
        )
        # Fixed lock order, as in record_assembly: finished units, finished goods, lots.
        units = {
            unit.pk: unit
            for unit in tx.objects(FinishedUnit)
            .select_for_update()
            .filter(pk__in={row.finished_unit_id for row in unit_rows})
            .order_by("pk")
        }
        goods = {
            item.pk: item
            for item in tx.objects(FinishedGood)
            .select_for_update()
            .filter(pk__in={row.finished_good_id for row in good_rows} | {run.finished_good_id})
            .order_by("pk")
        }
        good = goods[run.finished_good_id]
        refuse_if_used_since("Packing run", run.pk, "made", run.quantity, good)
        stock_out(tx, good, run.quantity, run.total_cost)
        # Components come back at the cost they left with.
        for row in unit_rows:
            stock_in(tx, units[row.finished_unit_id], row.quantity, row.cost)
        for nested_row in good_rows:
            stock_in(tx, goods[nested_row.finished_good_id], nested_row.quantity, nested_row.cost)
        # The lots last: the lock order is finished units, finished goods, then lots.
        lot_ids = return_to_lots(tx, packaging_rows)
        mark_undone(tx, run, why)
        op.add(
            finished_good_id=good.pk,
            quantity=run.quantity,
            total_cost=cost_to_string(run.total_cost),
            finished_good_count=good.inventory_count,
            lot_ids=lot_ids,
        )
    for unit_row in unit_rows:
        unit_row.finished_unit = units[unit_row.finished_unit_id]
    for good_row in good_rows:
        good_row.finished_good = goods[good_row.finished_good_id]
    run.finished_good = good
    return assembly_dto(
        run,
        ledgers={
            "finished_units": unit_rows,
            "finished_goods": good_rows,
            "packaging": packaging_rows,
        },
    )
