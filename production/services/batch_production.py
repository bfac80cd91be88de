"""Batch production: baking runs that consume the whole recipe tree FIFO.

See docs/design.md, "Production runs".

A run draws every ingredient of the recipe and its sub-recipes oldest lot first, writes one
ledger row per lot drawn, stores what the recipe said when it was baked, adds the items that
came out to the finished unit and folds the run's cost into the unit's moving average.
Rows that change are locked in one fixed order (finished unit, then lots by id) before any
availability check, so two people recording at once can never double-spend a lot.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Prefetch

from bakeplanner.display import plural
from bakeplanner.errors import ValidationFailed
from bakeplanner.logs import log_debug, logged_operation
from bakeplanner.money import cost_to_string, qty_to_string
from bakeplanner.tx import Tx
from production.models import (
    FinishedUnit,
    ProductionConsumption,
    ProductionRun,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services.inventory import apply_plans, lots_for, plan_fifo, raise_if_short
from production.services.lookup import get_owned
from production.services.recipe_tree import MAX_DEPTH, IngredientNeed, TreeNode, recipe_needs
from production.services.run_inputs import (
    MAX_BATCHES,
    MAX_COUNT,
    day_bounds,
    exact,
    expected_yield_for,
    moment,
    money,
    page_bounds,
    positive_scale,
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
    "check_can_produce",
    "get_production_history",
    "get_production_run",
    "record_batch_production",
    "reverse_production_run",
]

logger = logging.getLogger("bakeplanner.production.batch_production")


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
    """A run as a DTO, money and quantities as strings (recipe and finished unit loaded)."""
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
    tx: Tx, recipe_id: int, num_batches: int | str, *, scale: Any = 1
) -> dict[str, Any]:
    """Whether stock covers `num_batches` of the recipe's whole tree, and what is missing.

    `num_batches` may be the text of the live check's query string; it is validated here."""
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
        # unit takes its lock before any lot's (docs/design.md, "Units of work").
        unit = get_owned(tx, FinishedUnit, finished_unit_id, label="Baked item", lock=True)
        if unit.recipe_id != recipe.pk:
            raise ValidationFailed(
                f"{unit.name!r} is not made by the recipe {recipe.name!r}.",
                field="finished_unit_id",
            )
        event = resolve_event(tx, ProductionRun, event_id)
        expected = expected_yield_for(unit.items_per_batch, batches, factor)
        if expected <= 0:
            raise ValidationFailed(
                f"{plural(batches, 'batch', 'batches')} at scale {exact(factor)} yield no whole "
                f"{unit.name}.",
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
        ledger = draw_rows(tx, ProductionConsumption, run, plans)
        tx.objects(ProductionConsumption).bulk_create(ledger)
        stock_in(tx, unit, actual, total)

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
            finished_unit=get_owned(tx, FinishedUnit, finished_unit_id, label="Baked item")
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
    run = get_run(runs, run_id, "Baking run")
    return run_dto(run, consumptions=list(run.consumptions.all()) if include_consumptions else None)


def reverse_production_run(tx: Tx, run_id: int, *, reason: str) -> dict[str, Any]:
    """Undo a run: lots get back exactly what they gave, the unit loses the run's yield."""
    tx.require()
    with logged_operation(logger, tx, "reverse_production_run", run_id=run_id) as op:
        why = undo_reason(reason, "the run")
        # The run first: a second undo of the same run waits here and then sees it reversed.
        run = get_run(
            tx.objects(ProductionRun).select_related("recipe").select_for_update(of=("self",)),
            run_id,
            "Baking run",
        )
        refuse_if_undone(run, "Baking run")
        unit = tx.objects(FinishedUnit).select_for_update().get(pk=run.finished_unit_id)
        op.add(finished_unit_id=unit.pk, actual_yield=run.actual_yield)
        refuse_if_used_since("Baking run", run.pk, "added", run.actual_yield, unit)
        ledger = list(
            tx.objects(ProductionConsumption)
            .filter(run=run)
            .select_related("ingredient")
            .order_by("id")
        )
        lot_ids = return_to_lots(tx, ledger)
        stock_out(tx, unit, run.actual_yield, run.total_ingredient_cost)
        mark_undone(tx, run, why)
        op.add(
            total_ingredient_cost=cost_to_string(run.total_ingredient_cost),
            finished_unit_count=unit.inventory_count,
            average_unit_cost=str(unit.average_unit_cost),
            lot_ids=lot_ids,
        )
    run.finished_unit = unit
    return run_dto(run, consumptions=ledger)
