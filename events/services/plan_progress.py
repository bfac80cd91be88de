"""Progress against the plan: what the home page and the event page show (docs/design.md,
"The plan").

An event's plan per recipe and per gift box is its target where one is set, otherwise what
the demand engine says the event needs; rows without a target are "suggested". The progress
services of events/services/progress.py keep reporting targets only; this module reads the
same runs and targets through the demand engine, for many events at once, in a constant
number of queries (the engine's seven, which bring the fulfilment counts along, one for
the events themselves, and one for the baked items to link to when a recipe is planned by
its target alone).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import Assignment, Event
from events.services.demand import Demand, by_name, load_demands
from events.services.progress import STATUSES, filtered_events
from events.services.targets import set_assembly_target, set_production_target
from production.models import FinishedUnit
from production.services.lookup import get_owned

__all__ = [
    "accept_suggested_plan",
    "get_event_plan_progress",
    "get_events_with_plan",
]

logger = logging.getLogger("bakeplanner.events.demand")


@dataclass
class PlanRow:
    """One recipe (batches) or one gift box (boxes) of an event's plan."""

    kind: str  # "bake" or "pack"
    item_id: int  # recipe id or finished good id
    name: str
    plan: int
    target: int | None
    needed: int
    done: int
    finished_unit_id: int | None = None  # the baked item a "Record baking" link chooses

    @property
    def suggested(self) -> bool:
        return self.target is None

    @property
    def remaining(self) -> int:
        return max(0, self.plan - self.done)

    @property
    def pct(self) -> float:
        # Whole numbers both: a float division is exact enough for a percentage to 2 places.
        return round(self.done * 100 / self.plan, 2) if self.plan else 100.0

    @property
    def is_complete(self) -> bool:
        return self.done >= self.plan

    def as_dict(self) -> dict[str, Any]:
        plan, done = self.plan, self.done
        return {
            "kind": self.kind,
            "item_id": self.item_id,
            "name": self.name,
            "plan": plan,
            "target": self.target,
            "needed": self.needed,
            "done": done,
            "remaining": plan - done if plan > done else 0,
            "suggested": self.target is None,
            "progress_pct": round(done * 100 / plan, 2) if plan else 100.0,
            "is_complete": done >= plan,
            "finished_unit_id": self.finished_unit_id,
        }


@dataclass
class EventPlan:
    event: Event
    baking: list[PlanRow] = field(default_factory=list)
    packing: list[PlanRow] = field(default_factory=list)
    packages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    assignments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))


def _needed_most(demand: Demand) -> dict[int, int]:
    """Recipe → the baked item of it the event needs most of (ties: the lowest id)."""
    needed_most: dict[int, tuple[int, int]] = {}  # recipe → (units needed, baked item)
    for unit in demand.units.values():
        if unit.units_needed and (
            unit.recipe_id not in needed_most
            or (unit.units_needed, -unit.finished_unit_id)
            > (needed_most[unit.recipe_id][0], -needed_most[unit.recipe_id][1])
        ):
            needed_most[unit.recipe_id] = (unit.units_needed, unit.finished_unit_id)
    return {recipe_id: unit_id for recipe_id, (_, unit_id) in needed_most.items()}


def _rows(
    demand: Demand, needed_most: dict[int, int], units_by_recipe: dict[int, int]
) -> tuple[list[PlanRow], list[PlanRow]]:
    # A recipe or gift box is in the plan when the event needs it or a target names it; a
    # target of zero is a decision too ("none this year") and stays visible.
    baking = [
        PlanRow(
            "bake",
            r.recipe_id,
            r.name,
            r.plan,
            r.target,
            r.batches_needed,
            r.produced,
            # The baked item the event needs most of, else the recipe's first.
            needed_most[r.recipe_id]
            if r.recipe_id in needed_most
            else units_by_recipe.get(r.recipe_id),
        )
        for r in by_name(list(demand.recipes.values()), "name", "recipe_id")
        if r.plan > 0 or r.target is not None
    ]
    packing = [
        PlanRow("pack", g.finished_good_id, g.name, g.plan, g.target, g.needed, g.assembled)
        for g in by_name(list(demand.goods.values()), "name", "finished_good_id")
        if g.plan > 0 or g.target is not None
    ]
    return baking, packing


def _plans(tx: Tx, events: list[Event]) -> dict[int, EventPlan]:
    demands = load_demands(tx, events)
    needed_most = {event_id: _needed_most(demand) for event_id, demand in demands.items()}
    # Only a recipe planned by its target alone (no baked item of it needed) links to its
    # first baked item; usually there are none, and then nothing is read.
    target_only = {
        recipe_id
        for event_id, demand in demands.items()
        for recipe_id, recipe in demand.recipes.items()
        if recipe.target is not None and recipe_id not in needed_most[event_id]
    }
    units_by_recipe: dict[int, int] = {}
    if target_only:
        for recipe_id, unit_id in (
            tx.objects(FinishedUnit)
            .filter(recipe__pk__in=target_only)
            .order_by("recipe_id", "name", "id")
            .values_list("recipe_id", "pk")
        ):
            units_by_recipe.setdefault(recipe_id, unit_id)
    plans: dict[int, EventPlan] = {}
    for event in events:
        baking, packing = _rows(demands[event.pk], needed_most[event.pk], units_by_recipe)
        plans[event.pk] = EventPlan(event, baking, packing)
        for status, (rows, packages) in demands[event.pk].fulfilment.items():
            plans[event.pk].assignments[status] = rows
            plans[event.pk].packages[status] = packages
    return plans


def _mean(rows: list[dict[str, Any]]) -> float:
    if not rows:
        return 0.0
    return round(sum(min(row["progress_pct"], 100.0) for row in rows) / len(rows), 2)


def _as_dict(plan: EventPlan, today: dt.date) -> dict[str, Any]:
    event = plan.event
    baking = [row.as_dict() for row in plan.baking]
    packing = [row.as_dict() for row in plan.packing]
    rows = baking + packing
    kinds = [part for part in (baking, packing) if part]
    anything_made = any(row["done"] for row in rows)
    if rows and anything_made and all(row["is_complete"] for row in rows):
        status = "complete"
    elif anything_made:
        status = "in_progress"
    else:
        status = "not_started"
    packages = plan.packages
    return {
        "event_id": event.pk,
        "event_name": event.name,
        "event_date": event.event_date.isoformat(),
        "days_left": (event.event_date - today).days,
        "baking": baking,
        "packing": packing,
        "overall": {
            "baking_pct": _mean(baking),
            "packing_pct": _mean(packing),
            "overall_pct": (
                round(sum(_mean(part) for part in kinds) / len(kinds), 2) if kinds else 0.0
            ),
            "baking_rows": len(baking),
            "baking_complete": sum(1 for row in baking if row["is_complete"]),
            "packing_rows": len(packing),
            "packing_complete": sum(1 for row in packing if row["is_complete"]),
            "suggested_rows": sum(1 for row in rows if row["suggested"]),
            "batches_left": sum(row["remaining"] for row in baking),
            "boxes_left": sum(row["remaining"] for row in packing),
            "packages_pending": packages[Assignment.PENDING],
            "packages_ready": packages[Assignment.READY],
            "packages_delivered": packages[Assignment.DELIVERED],
            "packages_total": sum(packages.values()),
            "assignments_pending": plan.assignments[Assignment.PENDING],
            "assignments_ready": plan.assignments[Assignment.READY],
            "assignments_delivered": plan.assignments[Assignment.DELIVERED],
            "assignments_total": sum(plan.assignments.values()),
            "status": status,
        },
    }


def get_events_with_plan(
    tx: Tx,
    *,
    filter: str = "active_future",  # shadows the builtin: the keyword every caller passes
    date_from: Any = None,
    date_to: Any = None,
) -> list[dict[str, Any]]:
    """Events by date then name, each with its plan rows (baking and packing) and progress.

    Same filters and refusals as `get_events_with_progress`; eight queries (nine when a recipe
    is planned by its target alone) whatever the number and size of the events.
    """
    tx.require()
    today = timezone.localdate()
    event_list = filtered_events(tx, filter, date_from, date_to)
    plans = _plans(tx, event_list)
    return [_as_dict(plans[event.pk], today) for event in event_list]


def get_event_plan_progress(tx: Tx, event_id: int) -> dict[str, Any]:
    """One event's plan rows and progress, in the shape of `get_events_with_plan`'s rows."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    return _as_dict(_plans(tx, [event])[event.pk], timezone.localdate())


def accept_suggested_plan(tx: Tx, event_id: int) -> dict[str, int]:
    """Turn every suggested row of the event's plan into a target of the same number.

    Rows that already have a target keep it: accepting the plan only fills the gaps.
    Returns how many baking and packing targets were set.
    """
    tx.require()
    with logged_operation(logger, tx, "accept_suggested_plan", event_id=event_id) as op:
        event = get_owned(tx, Event, event_id, label="Event", lock=True)
        plan = _plans(tx, [event])[event.pk]
        baking = [row for row in plan.baking if row.suggested and row.plan > 0]
        packing = [row for row in plan.packing if row.suggested and row.plan > 0]
        for row in baking:
            set_production_target(tx, event.pk, row.item_id, row.plan)
        for row in packing:
            set_assembly_target(tx, event.pk, row.item_id, row.plan)
        op.add(production_targets=len(baking), assembly_targets=len(packing))
    return {"baking": len(baking), "packing": len(packing)}


def plan_steps(
    events: list[dict[str, Any]], *, limit: int = 12, per_kind: int = 4
) -> list[dict[str, Any]]:
    """What to do next, from `get_events_with_plan` rows, earliest event first: bake what the
    plan still needs, pack gift boxes, mark packages ready, deliver ready ones.

    Within an event the rows with the most left come first, at most `per_kind` of each; the
    rest are summed up in one "more" step, so marking packages ready is never crowded out.
    Each step carries what its link needs (kind, ids, how many) and the days left; the page
    builds the link.
    """
    steps: list[dict[str, Any]] = []
    for event in events:
        base = {
            "event_id": event["event_id"],
            "event_name": event["event_name"],
            "days_left": event["days_left"],
        }
        for kind, rows in (("bake", event["baking"]), ("pack", event["packing"])):
            left = sorted(
                (row for row in rows if row["remaining"] > 0),
                key=lambda row: (-row["remaining"], row["name"].lower(), row["item_id"]),
            )
            for row in left[:per_kind]:
                steps.append({**base, "kind": kind, "count": row["remaining"], "row": row})
            if len(left) > per_kind:
                steps.append({**base, "kind": f"more_{kind}", "count": len(left) - per_kind})
        overall = event["overall"]
        if overall["packages_pending"]:
            steps.append({**base, "kind": "ready", "count": overall["packages_pending"]})
        if overall["packages_ready"]:
            steps.append({**base, "kind": "deliver", "count": overall["packages_ready"]})
    return steps[:limit]
