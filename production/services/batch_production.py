"""Batch production: baking runs that consume the whole recipe tree FIFO (SPEC §5.2).

A run draws every ingredient of the recipe and its sub-recipes oldest lot first, writes one
ledger row per lot drawn, stores what the recipe said when it was baked, adds the items that
came out to the finished unit and folds the run's cost into the unit's moving average.
Rows that change are locked in one fixed order (finished unit, then lots by id) before any
availability check, so two people recording at once can never double-spend a lot.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bakeplanner.errors import InUse, InvalidTransition, NotFound, ValidationFailed
from bakeplanner.logs import log_debug, logged_operation
from bakeplanner.money import cost_to_string, qty_to_string, to_decimal
from bakeplanner.tx import Tx
from production.models import (
    FinishedUnit,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services.inventory import apply_plans, lots_for, plan_fifo, raise_if_short
from production.services.lookup import get_owned
from production.services.recipe_tree import MAX_DEPTH, IngredientNeed, TreeNode, recipe_needs

__all__ = [
    "check_can_produce",
    "get_production_history",
    "get_production_run",
    "record_batch_production",
    "reverse_production_run",
]

logger = logging.getLogger("bakeplanner.production.batch_production")

COST_PLACES = Decimal("0.000001")  # money columns keep 6 decimal places
SCALE_PLACES = Decimal("0.001")  # the run's scale column
MAX_BATCHES = 1000  # more than a household bakes in a season; larger is a typing slip
MAX_SCALE = Decimal("100")
MAX_COUNT = 2_147_483_647  # the largest value the yield and count columns hold
MAX_HISTORY_LIMIT = 1000


# --- Input checks shared with assembly (plain functions, not services) ---------------------


def whole_number(value: Any, label: str, *, minimum: int, maximum: int) -> int:
    """A whole number between `minimum` and `maximum`, or a `ValidationFailed` naming it."""
    if isinstance(value, bool):
        raise ValidationFailed(f"{label} must be a whole number.", field=_field_name(label))
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{label} must be a whole number.", field=_field_name(label)
        ) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ValidationFailed(f"{label} must be a whole number.", field=_field_name(label))
    number = int(amount)
    if number < minimum:
        lowest = "zero or more" if minimum == 0 else f"at least {minimum}"
        raise ValidationFailed(f"{label} must be {lowest}.", field=_field_name(label))
    if number > maximum:
        raise ValidationFailed(f"{label} must be at most {maximum}.", field=_field_name(label))
    return number


def _field_name(label: str) -> str:
    return label.lower().replace(" ", "_")


def positive_scale(value: Any) -> Decimal:
    """The run's scale: more than zero, at most `MAX_SCALE`, at most three decimals."""
    if isinstance(value, bool):
        raise ValidationFailed("Scale must be a number.", field="scale")
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed("Scale must be a number.", field="scale") from None
    if not amount.is_finite():
        raise ValidationFailed("Scale must be a number.", field="scale")
    if amount <= 0:
        raise ValidationFailed("Scale must be more than zero.", field="scale")
    if amount > MAX_SCALE:
        raise ValidationFailed(f"Scale must be at most {MAX_SCALE}.", field="scale")
    if amount != amount.quantize(SCALE_PLACES):
        raise ValidationFailed("Scale has at most three decimal places.", field="scale")
    return amount


def moment(value: Any, label: str) -> dt.datetime:
    """A timezone-aware time: now when `None`; dates and ISO strings are accepted."""
    if value is None or value == "":
        return timezone.now()
    if isinstance(value, str):
        text = value.strip()
        parsed = _parse_when(text)
        if parsed is None:
            raise ValidationFailed(f"{label} {value!r} is not a date and time.")
        value = parsed
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return timezone.make_aware(value)
        return value
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
    raise ValidationFailed(f"{label} {value!r} is not a date and time.")


def _parse_when(value: str) -> dt.date | dt.datetime | None:
    """A date ("2026-12-24", a whole day) or a date and time; `None` when it does not parse."""
    try:
        # Dates first: parse_datetime would read "2026-12-24" as midnight, not the whole day.
        return parse_date(value) or parse_datetime(value)
    except ValueError:
        return None


def text(value: Any, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label} must be text.")
    return value


def resolve_event(tx: Tx, run_model: type[models.Model], event_id: Any) -> Any:
    """The run's optional event, checked to belong to `tx.household`.

    Production never imports the events app: the model comes from the run's foreign key.
    """
    tx.require()
    if event_id is None or event_id == "":
        return None
    event_model = run_model._meta.get_field("event").related_model
    return get_owned(tx, event_model, event_id, label="Event")  # type: ignore[arg-type]


def day_bounds(start: Any, end: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """History filters: `start` and `end` are inclusive days (or exact times)."""

    def parse(value: Any, label: str) -> dt.date | dt.datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            parsed = _parse_when(value.strip())
            if parsed is not None:
                return parsed
        raise ValidationFailed(f"The {label} date {value!r} does not parse (use YYYY-MM-DD).")

    lower, upper = parse(start, "start"), parse(end, "end")
    low: dt.datetime | None = None
    high: dt.datetime | None = None
    if isinstance(lower, dt.datetime):
        low = lower if timezone.is_aware(lower) else timezone.make_aware(lower)
    elif lower is not None:
        low = timezone.make_aware(dt.datetime.combine(lower, dt.time.min))
    if isinstance(upper, dt.datetime):
        high = upper if timezone.is_aware(upper) else timezone.make_aware(upper)
    elif upper is not None:
        # Inclusive: everything before the start of the next day.
        high = timezone.make_aware(dt.datetime.combine(upper + dt.timedelta(days=1), dt.time.min))
    if low is not None and high is not None and high < low:
        raise ValidationFailed("The end date is before the start date.")
    return low, high


def page_bounds(limit: Any, offset: Any) -> tuple[int, int]:
    size = whole_number(limit, "Limit", minimum=1, maximum=MAX_HISTORY_LIMIT)
    skip = whole_number(offset, "Offset", minimum=0, maximum=MAX_COUNT)
    return size, skip


def money(value: Decimal) -> Decimal:
    """Round a stored cost to the 6 places the money columns keep."""
    return value.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def exact(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros (snapshots keep 0.0625)."""
    return format(value.normalize(), "f")


def folded_average(
    old_count: int, old_average: Decimal, added_cost: Decimal, new_count: int
) -> Decimal:
    """Moving weighted average after adding stock worth `added_cost`.

    With nothing left on hand the old average is kept (there is nothing to average over).
    """
    if new_count <= 0:
        return old_average
    return money((Decimal(old_count) * old_average + added_cost) / Decimal(new_count))


def unfolded_average(
    old_count: int, old_average: Decimal, removed_cost: Decimal, new_count: int
) -> Decimal:
    """Average after taking stock worth `removed_cost` back out (the inverse of folding)."""
    if new_count <= 0:
        return old_average
    value = Decimal(old_count) * old_average - removed_cost
    # Items used since may have carried part of that cost away at the old average.
    return money(max(Decimal(0), value) / Decimal(new_count))


def expected_yield_for(items_per_batch: int, num_batches: int, scale: Decimal) -> int:
    """items_per_batch × batches × scale, rounded down (half a cookie is not a cookie)."""
    product = Decimal(items_per_batch) * Decimal(num_batches) * scale
    return int(product.to_integral_value(rounding=ROUND_FLOOR))


# --- Snapshot ------------------------------------------------------------------------------


def _recipe_snapshot(
    tx: Tx,
    recipe: Recipe,
    nodes: list[TreeNode],
    needs: list[IngredientNeed],
    num_batches: int,
    scale: Decimal,
) -> dict[str, Any]:
    """What the recipe said when it was baked: lines, sub-recipes with batches, totals."""
    recipe_ids = {node.recipe_id for node in nodes}
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in (
        tx.objects(RecipeIngredient)
        .filter(recipe_id__in=recipe_ids)
        .select_related("ingredient")
        .order_by("id")
    ):
        lines[line.recipe_id].append(
            {
                "ingredient_id": line.ingredient_id,
                "ingredient_name": line.ingredient.name,
                "quantity": exact(line.quantity),
                "unit": line.unit,
            }
        )
    components: dict[int, list[RecipeComponent]] = defaultdict(list)
    for component in (
        tx.objects(RecipeComponent)
        .filter(recipe_id__in=recipe_ids)
        .select_related("component_recipe")
        .order_by("id")
    ):
        components[component.recipe_id].append(component)

    def build(recipe_id: int, depth: int) -> list[dict[str, Any]]:
        if depth > MAX_DEPTH:
            return []
        return [
            {
                "recipe_id": component.component_recipe_id,
                "recipe_name": component.component_recipe.name,
                "batches": exact(component.batches),
                "lines": lines.get(component.component_recipe_id, []),
                "sub_recipes": build(component.component_recipe_id, depth + 1),
            }
            for component in components.get(recipe_id, [])
        ]

    return {
        "recipe_id": recipe.pk,
        "recipe_name": recipe.name,
        "num_batches": num_batches,
        "scale": exact(scale),
        "lines": lines.get(recipe.pk, []),
        "sub_recipes": build(recipe.pk, 2),
        "totals": [
            {
                "ingredient_id": need.ingredient.pk,
                "ingredient_name": need.ingredient.name,
                "quantity": qty_to_string(need.quantity),
                "unit": need.ingredient.base_unit,
            }
            for need in needs
        ],
    }


# --- DTOs ------------------------------------------------------------------------------------


def consumption_dto(row: ProductionConsumption) -> dict[str, Any]:
    return {
        "ingredient_id": row.ingredient_id,
        "ingredient_name": row.ingredient.name,
        "lot_id": row.lot_id,
        "quantity": qty_to_string(row.quantity),
        "unit": row.ingredient.base_unit,
        "cost": cost_to_string(row.cost),
    }


def run_dto(
    run: ProductionRun, *, consumptions: list[ProductionConsumption] | None = None
) -> dict[str, Any]:
    """The run DTO of SPEC §5.2 (recipe and finished unit must be loaded)."""
    dto: dict[str, Any] = {
        "id": run.pk,
        "recipe_id": run.recipe_id,
        "recipe_name": run.recipe.name,
        "finished_unit_id": run.finished_unit_id,
        "finished_unit_name": run.finished_unit.name,
        "event_id": run.event_id,
        "num_batches": run.num_batches,
        "scale": qty_to_string(run.scale),
        "expected_yield": run.expected_yield,
        "actual_yield": run.actual_yield,
        "loss_quantity": run.loss_quantity,
        "loss_category": run.loss_category or None,
        "status": run.status,
        "produced_at": run.produced_at.isoformat(),
        "total_ingredient_cost": cost_to_string(run.total_ingredient_cost),
        "per_unit_cost": cost_to_string(run.per_unit_cost),
        "loss_cost": cost_to_string(run.loss_cost),
        "notes": run.notes,
        "reversed": run.reversed_at is not None,
    }
    if consumptions is not None:
        dto["consumptions"] = [consumption_dto(row) for row in consumptions]
    return dto


# --- Services --------------------------------------------------------------------------------


def _plans_for(tx: Tx, needs: list[IngredientNeed], *, lock: bool) -> list[Any]:
    lots = lots_for(tx, [need.ingredient.pk for need in needs], lock=lock)
    return [plan_fifo(need.ingredient, need.quantity, lots[need.ingredient.pk]) for need in needs]


def check_can_produce(
    tx: Tx, recipe_id: int, num_batches: int, *, scale: Any = 1
) -> dict[str, Any]:
    """Whether stock covers `num_batches` of the recipe's whole tree, and what is missing."""
    tx.require()
    with logged_operation(
        logger, tx, "check_can_produce", recipe_id=recipe_id, num_batches=num_batches
    ) as op:
        batches = whole_number(num_batches, "Batches", minimum=1, maximum=MAX_BATCHES)
        factor = positive_scale(scale)
        _, _, needs = recipe_needs(tx, recipe_id, batches=batches, scale=factor)
        plans = _plans_for(tx, needs, lock=False)
        missing = [
            {
                "ingredient_id": plan.ingredient.pk,
                "ingredient_name": plan.ingredient.name,
                "needed": qty_to_string(plan.needed),
                "available": qty_to_string(plan.available),
                "unit": plan.ingredient.base_unit,
            }
            for plan in plans
            if not plan.satisfied
        ]
        op.add(can_produce=not missing, short=missing)
    return {"can_produce": not missing, "missing": missing}


def record_batch_production(
    tx: Tx,
    recipe_id: int,
    finished_unit_id: int,
    num_batches: int,
    actual_yield: int,
    *,
    scale: Any = 1,
    produced_at: Any = None,
    event_id: int | None = None,
    loss_category: str | None = None,
    loss_notes: str = "",
    notes: str = "",
) -> dict[str, Any]:
    """Record a baking run: consume the whole tree FIFO, add the yield, keep the ledger."""
    tx.require()
    with logged_operation(
        logger,
        tx,
        "record_batch_production",
        recipe_id=recipe_id,
        finished_unit_id=finished_unit_id,
        event_id=event_id,
        num_batches=num_batches,
    ) as op:
        batches = whole_number(num_batches, "Batches", minimum=1, maximum=MAX_BATCHES)
        factor = positive_scale(scale)
        actual = whole_number(actual_yield, "Actual yield", minimum=0, maximum=MAX_COUNT)
        category = loss_category or ""
        if category and category not in dict(ProductionRun.LOSS_CHOICES):
            allowed = ", ".join(choice for choice, _ in ProductionRun.LOSS_CHOICES)
            raise ValidationFailed(
                f"Unknown loss category {category!r} (use one of: {allowed}).",
                field="loss_category",
            )
        loss_text = text(loss_notes, "Loss notes")
        run_notes = text(notes, "Notes")
        when = moment(produced_at, "Produced at")

        recipe = get_owned(tx, Recipe, recipe_id)
        # Locked first: the count and average change at the end, and every writer of this
        # unit takes its lock before any lot's (SPEC §2 fixed order).
        unit = get_owned(tx, FinishedUnit, finished_unit_id, label="Finished unit", lock=True)
        if unit.recipe_id != recipe.pk:
            raise ValidationFailed(
                f"{unit.name!r} is not made by the recipe {recipe.name!r}.",
                field="finished_unit_id",
            )
        event = resolve_event(tx, ProductionRun, event_id)
        expected = expected_yield_for(unit.items_per_batch, batches, factor)
        if expected <= 0:
            raise ValidationFailed(
                f"{batches} batch(es) at scale {exact(factor)} yield no whole {unit.name}.",
                field="scale",
            )
        if expected > MAX_COUNT:
            raise ValidationFailed("That run would yield more items than can be counted.")
        if actual > expected:
            raise ValidationFailed(
                f"Actual yield {actual} is more than the expected {expected}.",
                field="actual_yield",
            )
        loss = expected - actual
        if loss == 0:
            category = ""  # nothing was lost, so there is no loss to categorise
        status = (
            ProductionRun.COMPLETE
            if loss == 0
            else ProductionRun.TOTAL_LOSS
            if actual == 0
            else ProductionRun.PARTIAL_LOSS
        )

        _, nodes, needs = recipe_needs(tx, recipe.pk, batches=batches, scale=factor)
        plans = _plans_for(tx, needs, lock=True)
        log_debug(
            logger,
            tx,
            "record_batch_production",
            needs={plan.ingredient.name: qty_to_string(plan.needed) for plan in plans},
            available={plan.ingredient.name: qty_to_string(plan.available) for plan in plans},
        )
        raise_if_short(tx, "record_batch_production", plans)
        snapshot = _recipe_snapshot(tx, recipe, nodes, needs, batches, factor)
        apply_plans(tx, plans)

        total = sum((plan.total_cost for plan in plans), Decimal(0))
        per_unit = money(total / actual) if actual else Decimal(0)
        loss_cost = money(Decimal(loss) * total / Decimal(expected))
        run = ProductionRun(
            household=tx.household,
            recipe=recipe,
            finished_unit=unit,
            event=event,
            num_batches=batches,
            scale=factor,
            expected_yield=expected,
            actual_yield=actual,
            loss_quantity=loss,
            loss_category=category,
            loss_notes=loss_text,
            status=status,
            produced_at=when,
            notes=run_notes,
            total_ingredient_cost=money(total),
            per_unit_cost=per_unit,
            loss_cost=loss_cost,
            recipe_snapshot=snapshot,
            recorded_by=tx.actor,
        )
        run.save(using=tx.using, force_insert=True)
        ledger = [
            ProductionConsumption(
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
        tx.objects(ProductionConsumption).bulk_create(ledger)

        old_count = unit.inventory_count
        unit.inventory_count = old_count + actual
        unit.average_unit_cost = folded_average(
            old_count, unit.average_unit_cost, total, unit.inventory_count
        )
        unit.save(
            using=tx.using, update_fields=["inventory_count", "average_unit_cost", "updated_at"]
        )

        op.add(
            run_id=run.pk,
            status=status,
            expected_yield=expected,
            actual_yield=actual,
            total_ingredient_cost=cost_to_string(total),
            per_unit_cost=cost_to_string(per_unit),
            loss_cost=cost_to_string(loss_cost),
            finished_unit_count=unit.inventory_count,
            average_unit_cost=str(unit.average_unit_cost),
            lot_ids=[row.lot_id for row in ledger],
        )
    run.recipe, run.finished_unit = recipe, unit
    return run_dto(run, consumptions=ledger)


def _consumptions_prefetch(tx: Tx) -> Prefetch:
    return Prefetch(
        "consumptions",
        queryset=tx.raw_objects(ProductionConsumption).select_related("ingredient").order_by("id"),
    )


def _runs(tx: Tx) -> models.QuerySet[ProductionRun]:
    return tx.objects(ProductionRun).select_related("recipe", "finished_unit")


def get_production_history(
    tx: Tx,
    *,
    recipe_id: int | None = None,
    finished_unit_id: int | None = None,
    event_id: int | None = None,
    start: Any = None,
    end: Any = None,
    limit: int = 100,
    offset: int = 0,
    include_consumptions: bool = False,
) -> list[dict[str, Any]]:
    """Runs newest first, read through `tx` so runs recorded earlier in it are included."""
    tx.require()
    size, skip = page_bounds(limit, offset)
    low, high = day_bounds(start, end)
    runs = _runs(tx)
    if recipe_id is not None:
        runs = runs.filter(recipe=get_owned(tx, Recipe, recipe_id))
    if finished_unit_id is not None:
        runs = runs.filter(
            finished_unit=get_owned(tx, FinishedUnit, finished_unit_id, label="Finished unit")
        )
    if event_id is not None:
        runs = runs.filter(event=resolve_event(tx, ProductionRun, event_id))
    if low is not None:
        runs = runs.filter(produced_at__gte=low)
    if high is not None:
        runs = runs.filter(produced_at__lt=high)
    if include_consumptions:
        runs = runs.prefetch_related(_consumptions_prefetch(tx))
    page = list(runs.order_by("-produced_at", "-id")[skip : skip + size])
    return [
        run_dto(run, consumptions=list(run.consumptions.all()) if include_consumptions else None)
        for run in page
    ]


def get_production_run(tx: Tx, run_id: int, *, include_consumptions: bool = True) -> dict[str, Any]:
    """One run (with its ledger unless asked not to), seen through `tx`."""
    tx.require()
    runs = _runs(tx)
    if include_consumptions:
        runs = runs.prefetch_related(_consumptions_prefetch(tx))
    run = _get_run(runs, run_id)
    return run_dto(run, consumptions=list(run.consumptions.all()) if include_consumptions else None)


def _get_run(runs: models.QuerySet[ProductionRun], run_id: Any) -> ProductionRun:
    try:
        return runs.get(pk=int(run_id))
    except (TypeError, ValueError, ProductionRun.DoesNotExist):
        raise NotFound("Production run", run_id) from None


def reverse_production_run(tx: Tx, run_id: int, *, reason: str) -> dict[str, Any]:
    """Undo a run: lots get back exactly what they gave, the unit loses the run's yield."""
    tx.require()
    with logged_operation(logger, tx, "reverse_production_run", run_id=run_id) as op:
        why = text(reason, "Reason").strip()
        if not why:
            raise ValidationFailed("Say why the run is being undone.", field="reason")
        # The run first: a second undo of the same run waits here and then sees it reversed.
        run = _get_run(
            tx.objects(ProductionRun).select_related("recipe").select_for_update(of=("self",)),
            run_id,
        )
        if run.reversed_at is not None:
            raise InvalidTransition(
                f"Production run {run.pk} was already undone on "
                f"{timezone.localtime(run.reversed_at):%Y-%m-%d %H:%M}.",
                current="reversed",
            )
        unit = tx.objects(FinishedUnit).select_for_update().get(pk=run.finished_unit_id)
        op.add(finished_unit_id=unit.pk, actual_yield=run.actual_yield)
        if unit.inventory_count < run.actual_yield:
            raise InUse(
                f"Production run {run.pk} cannot be undone: it added {run.actual_yield} "
                f"{unit.name}, but only {unit.inventory_count} are left; the rest have been "
                "used since. Undo what used them first, or record a stock adjustment."
            )
        ledger = list(
            tx.objects(ProductionConsumption)
            .filter(run=run)
            .select_related("ingredient")
            .order_by("id")
        )
        returned: dict[int, Decimal] = defaultdict(Decimal)
        for row in ledger:
            returned[row.lot_id] += row.quantity
        lots = tx.objects(InventoryLot).select_for_update().filter(pk__in=returned).order_by("id")
        for lot in lots:
            lot.quantity_remaining += returned[lot.pk]
            lot.save(using=tx.using, update_fields=["quantity_remaining"])

        old_count = unit.inventory_count
        unit.inventory_count = old_count - run.actual_yield
        unit.average_unit_cost = unfolded_average(
            old_count, unit.average_unit_cost, run.total_ingredient_cost, unit.inventory_count
        )
        unit.save(
            using=tx.using, update_fields=["inventory_count", "average_unit_cost", "updated_at"]
        )

        run.reversed_at = timezone.now()
        run.reversal_reason = why
        run.save(using=tx.using, update_fields=["reversed_at", "reversal_reason"])
        op.add(
            total_ingredient_cost=cost_to_string(run.total_ingredient_cost),
            finished_unit_count=unit.inventory_count,
            average_unit_cost=str(unit.average_unit_cost),
            lot_ids=sorted(returned),
        )
    run.finished_unit = unit
    return run_dto(run, consumptions=ledger)
