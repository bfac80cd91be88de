"""What an event's baking actually cost, and whether its packages can be packed now.

See docs/design.md, "Estimated and actual costs".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from bakeplanner.money import cost_to_string, percent, to_decimal
from bakeplanner.tx import Tx
from events.models import Assignment, Event, PackageItem
from events.services.progress import overall_of, progress_for
from events.services.reports import estimate_event
from production.models import AssemblyRun, ProductionRun, Recipe
from production.services.lookup import get_owned, household_runs

__all__ = [
    "can_assemble_package",
    "get_dashboard_summary",
    "get_event_cost_analysis",
    "get_production_total",
    "get_recipe_cost_breakdown",
]


def get_production_total(tx: Tx, event_id: int, recipe_id: int) -> dict[str, Any]:
    """Batches of a recipe produced for an event (non-reversed runs) and their cost."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    recipe = get_owned(tx, Recipe, recipe_id)
    totals = (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=event, recipe=recipe)
        .aggregate(batches=Sum("num_batches"), cost=Sum("total_ingredient_cost"))
    )
    return {
        "batches_produced": int(totals["batches"] or 0),
        "total_ingredient_cost": cost_to_string(totals["cost"]),
    }


def can_assemble_package(tx: Tx, assignment_id: int) -> dict[str, Any]:
    """Whether the assignment's packages can be packed from finished-good stock now."""
    tx.require()
    assignment = get_owned(tx, Assignment, assignment_id)
    missing = []
    items = (
        tx.objects(PackageItem)
        .filter(package_id=assignment.package_id)
        .select_related("finished_good")
        .order_by("finished_good__name", "id")
    )
    for item in items:
        needed = item.quantity * assignment.quantity
        available = item.finished_good.inventory_count
        if available < needed:
            missing.append(
                {
                    "finished_good_id": item.finished_good_id,
                    "finished_good_name": item.finished_good.name,
                    "needed": needed,
                    "available": available,
                }
            )
    return {"assignment_id": assignment.pk, "can_assemble": not missing, "missing": missing}


def get_event_cost_analysis(tx: Tx, event_id: int) -> dict[str, Any]:
    """Actual cost of the event's runs against its estimate.

    The grand total is ingredients plus packaging actually consumed for the event; an
    assembly's component cost is production cost moving on, so it is reported, never added.
    """
    tx.require()
    event = get_owned(tx, Event, event_id)
    production = list(
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=event)
        .values("recipe_id", "recipe__name")
        .annotate(run_count=Count("id"), total=Sum("total_ingredient_cost"))
        .order_by("recipe__name", "recipe_id")
    )
    assembly = list(
        household_runs(tx, AssemblyRun)
        .not_reversed()
        .filter(event=event)
        .values("finished_good_id", "finished_good__name")
        .annotate(
            run_count=Count("id"),
            packaging=Sum("packaging_cost"),
            components=Sum("component_cost"),
        )
        .order_by("finished_good__name", "finished_good_id")
    )
    ingredients = sum((to_decimal(row["total"]) for row in production), Decimal(0))
    packaging = sum((to_decimal(row["packaging"]) for row in assembly), Decimal(0))
    grand_total = ingredients + packaging
    estimate = estimate_event(tx, event.pk).total
    return {
        "event_id": event.pk,
        "production_costs": [
            {
                "recipe_id": row["recipe_id"],
                "recipe_name": row["recipe__name"],
                "run_count": row["run_count"],
                "total_cost": cost_to_string(row["total"]),
            }
            for row in production
        ],
        "assembly_costs": [
            {
                "finished_good_id": row["finished_good_id"],
                "finished_good_name": row["finished_good__name"],
                "run_count": row["run_count"],
                "packaging_cost": cost_to_string(row["packaging"]),
                "component_cost": cost_to_string(row["components"]),
            }
            for row in assembly
        ],
        "total_ingredient_cost": cost_to_string(ingredients),
        "total_packaging_cost": cost_to_string(packaging),
        "grand_total": cost_to_string(grand_total),
        "estimated_cost": cost_to_string(estimate),
        "variance": cost_to_string(estimate - grand_total),
    }


def _actual_costs_by_event(tx: Tx, event_ids: list[int]) -> dict[int, Decimal]:
    """Ingredients plus packaging actually consumed per event (non-reversed runs)."""
    totals: dict[int, Decimal] = dict.fromkeys(event_ids, Decimal(0))
    for row in (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event_id__in=event_ids)
        .values("event_id")
        .annotate(total=Sum("total_ingredient_cost"))
    ):
        totals[row["event_id"]] += to_decimal(row["total"])
    for row in (
        household_runs(tx, AssemblyRun)
        .not_reversed()
        .filter(event_id__in=event_ids)
        .values("event_id")
        .annotate(total=Sum("packaging_cost"))
    ):
        totals[row["event_id"]] += to_decimal(row["total"])
    return totals


def get_dashboard_summary(tx: Tx) -> list[dict[str, Any]]:
    """Per event with assignments (soonest first): progress, packages by status, costs.

    Progress and actual costs are read for all events at once; the estimate is priced per
    event, so this costs a few queries per event (the dashboard page does not use it).
    """
    tx.require()
    events = list(
        tx.objects(Event)
        .filter(assignments__isnull=False)
        .distinct()
        .order_by("event_date", "name", "id")
    )
    ids = [event.pk for event in events]
    progress = progress_for(tx, ids)
    actual = _actual_costs_by_event(tx, ids)
    rows = []
    for event in events:
        overall = overall_of(progress[event.pk])
        estimated = estimate_event(tx, event.pk).total
        rows.append(
            {
                "event_id": event.pk,
                "event_name": event.name,
                "event_date": event.event_date.isoformat(),
                "progress": overall,
                "packages_by_status": {
                    "pending": overall["packages_pending"],
                    "ready": overall["packages_ready"],
                    "delivered": overall["packages_delivered"],
                },
                "actual_cost": cost_to_string(actual[event.pk]),
                "estimated_cost": cost_to_string(estimated),
            }
        )
    return rows


def _variance_pct(estimated: Decimal, actual: Decimal) -> float:
    if estimated == 0:
        return 0.0 if actual == 0 else 100.0
    return percent(estimated - actual, estimated)


def get_recipe_cost_breakdown(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Per recipe: batches needed and produced, estimated and actual cost, variance."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    estimate = estimate_event(tx, event.pk)
    actual_by_recipe = {
        row["recipe_id"]: to_decimal(row["total"])
        for row in household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=event)
        .values("recipe_id")
        .annotate(total=Sum("total_ingredient_cost"))
    }
    rows = []
    plans = sorted(estimate.demand.recipes.values(), key=lambda r: (r.name.lower(), r.recipe_id))
    for plan in plans:
        estimated = estimate.batch_cost.get(plan.recipe_id, Decimal(0)) * plan.batches_needed
        actual = actual_by_recipe.get(plan.recipe_id, Decimal(0))
        rows.append(
            {
                "recipe_id": plan.recipe_id,
                "recipe_name": plan.name,
                "batches_needed": plan.batches_needed,
                "batches_produced": plan.produced,
                "estimated_cost": cost_to_string(estimated),
                "actual_cost": cost_to_string(actual),
                "variance": cost_to_string(estimated - actual),
                "variance_pct": _variance_pct(estimated, actual),
            }
        )
    return rows
