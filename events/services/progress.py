"""Progress of events against their targets, and the multi-event dashboard.

See docs/design.md, "Progress".

Everything is computed for a set of events at once with a fixed number of queries, so a
dashboard of fifty events costs what a dashboard of one does. Only an event's own,
non-reversed runs count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from bakeplanner.dates import check_in_range
from bakeplanner.errors import ValidationFailed
from bakeplanner.money import percent
from bakeplanner.tx import Tx
from events.models import AssemblyTarget, Assignment, Event, ProductionTarget
from production.models import AssemblyRun, ProductionRun
from production.services.lookup import get_owned, household_runs

__all__ = [
    "get_assembly_progress",
    "get_event_overall_progress",
    "get_event_progress",
    "get_events_with_progress",
    "get_production_progress",
]

EVENT_FILTERS = ("active_future", "past", "all")
STATUSES = (Assignment.PENDING, Assignment.READY, Assignment.DELIVERED)


@dataclass
class _EventProgress:
    production: list[dict[str, Any]] = field(default_factory=list)
    assembly: list[dict[str, Any]] = field(default_factory=list)
    anything_made: bool = False
    packages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    assignments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))


def _mean_capped(rows: list[dict[str, Any]]) -> float:
    if not rows:
        return 0.0
    capped = [min(row["progress_pct"], 100.0) for row in rows]
    return round(sum(capped) / len(capped), 2)


def progress_for(tx: Tx, event_ids: list[int]) -> dict[int, _EventProgress]:
    """Targets, what was made, and fulfilment for many events: six queries in all."""
    result = {event_id: _EventProgress() for event_id in event_ids}
    if not event_ids:
        return result

    produced: dict[tuple[int, int], tuple[int, int]] = {}
    for row in (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event_id__in=event_ids)
        .values("event_id", "recipe_id")
        .annotate(batches=Sum("num_batches"), yield_total=Sum("actual_yield"))
    ):
        produced[(row["event_id"], row["recipe_id"])] = (row["batches"], row["yield_total"])
        result[row["event_id"]].anything_made = True

    assembled: dict[tuple[int, int], int] = {}
    for packed in (
        household_runs(tx, AssemblyRun)
        .not_reversed()
        .filter(event_id__in=event_ids)
        .values("event_id", "finished_good_id")
        .annotate(quantity=Sum("quantity"))
    ):
        assembled[(packed["event_id"], packed["finished_good_id"])] = packed["quantity"]
        result[packed["event_id"]].anything_made = True

    for target in (
        tx.objects(ProductionTarget)
        .filter(event_id__in=event_ids)
        .select_related("recipe")
        .order_by("recipe__name", "recipe_id")
    ):
        batches, yield_total = produced.get((target.event_id, target.recipe_id), (0, 0))
        result[target.event_id].production.append(
            {
                "recipe_id": target.recipe_id,
                "recipe_name": target.recipe.name,
                "target_batches": target.target_batches,
                "produced_batches": int(batches),
                "produced_yield": int(yield_total),
                "progress_pct": percent(batches, target.target_batches),
                "is_complete": batches >= target.target_batches,
            }
        )

    for assembly_target in (
        tx.objects(AssemblyTarget)
        .filter(event_id__in=event_ids)
        .select_related("finished_good")
        .order_by("finished_good__name", "finished_good_id")
    ):
        quantity = assembled.get((assembly_target.event_id, assembly_target.finished_good_id), 0)
        result[assembly_target.event_id].assembly.append(
            {
                "finished_good_id": assembly_target.finished_good_id,
                "finished_good_name": assembly_target.finished_good.name,
                "target_quantity": assembly_target.target_quantity,
                "assembled_quantity": int(quantity),
                "progress_pct": percent(quantity, assembly_target.target_quantity),
                "is_complete": quantity >= assembly_target.target_quantity,
            }
        )

    for assignment_row in (
        tx.objects(Assignment)
        .filter(event_id__in=event_ids)
        .values("event_id", "fulfillment_status")
        .annotate(rows=Count("id"), packages=Sum("quantity"))
    ):
        progress = result[assignment_row["event_id"]]
        progress.assignments[assignment_row["fulfillment_status"]] = assignment_row["rows"]
        progress.packages[assignment_row["fulfillment_status"]] = int(
            assignment_row["packages"] or 0
        )
    return result


def overall_of(progress: _EventProgress) -> dict[str, Any]:
    production, assembly = progress.production, progress.assembly
    kinds = [rows for rows in (production, assembly) if rows]
    overall = round(sum(_mean_capped(rows) for rows in kinds) / len(kinds), 2) if kinds else 0.0
    all_complete = bool(kinds) and all(row["is_complete"] for row in production + assembly)
    if not progress.anything_made:
        status = "not_started"
    elif all_complete:
        status = "complete"
    else:
        status = "in_progress"
    packages, assignments = progress.packages, progress.assignments
    return {
        "production_targets_count": len(production),
        "production_complete_count": sum(1 for row in production if row["is_complete"]),
        "assembly_targets_count": len(assembly),
        "assembly_complete_count": sum(1 for row in assembly if row["is_complete"]),
        "production_pct": _mean_capped(production),
        "assembly_pct": _mean_capped(assembly),
        "overall_pct": overall,
        "packages_pending": packages[Assignment.PENDING],
        "packages_ready": packages[Assignment.READY],
        "packages_delivered": packages[Assignment.DELIVERED],
        "packages_total": sum(packages.values()),
        "assignments_pending": assignments[Assignment.PENDING],
        "assignments_ready": assignments[Assignment.READY],
        "assignments_delivered": assignments[Assignment.DELIVERED],
        "assignments_total": sum(assignments.values()),
        "status": status,
    }


def get_production_progress(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Per production target: batches produced for the event against the target."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return progress_for(tx, [event.pk])[event.pk].production


def get_assembly_progress(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Per assembly target: goods assembled for the event against the target."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return progress_for(tx, [event.pk])[event.pk].assembly


def get_event_overall_progress(tx: Tx, event_id: int) -> dict[str, Any]:
    """Targets complete, capped mean percentages, fulfilment counts and a status word."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return overall_of(progress_for(tx, [event.pk])[event.pk])


def get_event_progress(tx: Tx, event_id: int) -> dict[str, Any]:
    """All three progress DTOs of one event from one read: `{production, assembly, overall}`."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    progress = progress_for(tx, [event.pk])[event.pk]
    return {
        "production": progress.production,
        "assembly": progress.assembly,
        "overall": overall_of(progress),
    }


def _as_date(value: Any, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif len(str(value)) <= 40:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            pass
    if day is None:
        raise ValidationFailed(f"{label} {str(value)[:40]!r} is not a date (use YYYY-MM-DD).")
    check_in_range(day, label)
    return day


def filtered_events(tx: Tx, filter: str, date_from: Any, date_to: Any) -> list[Event]:
    """The dashboard's events: upcoming (today or later), past or all, within the dates, by
    date then name. An unknown filter or a bad date range is refused."""
    if filter not in EVENT_FILTERS:
        raise ValidationFailed(
            f"Unknown filter {filter!r}: use {', '.join(EVENT_FILTERS)}.", field="filter"
        )
    start, end = _as_date(date_from, "From date"), _as_date(date_to, "To date")
    if start and end and start > end:
        raise ValidationFailed("The from date is after the to date.")
    events = tx.objects(Event)
    today = timezone.localdate()
    if filter == "active_future":
        events = events.filter(event_date__gte=today)
    elif filter == "past":
        events = events.filter(event_date__lt=today)
    if start:
        events = events.filter(event_date__gte=start)
    if end:
        events = events.filter(event_date__lte=end)
    return list(events.order_by("event_date", "name", "id"))


def get_events_with_progress(
    tx: Tx,
    *,
    filter: str = "active_future",  # shadows the builtin: the keyword every caller passes
    date_from: Any = None,
    date_to: Any = None,
) -> list[dict[str, Any]]:
    """Events ordered by date then name, each with its three progress DTOs."""
    tx.require()
    event_list = filtered_events(tx, filter, date_from, date_to)
    progress = progress_for(tx, [event.pk for event in event_list])
    return [
        {
            "event_id": event.pk,
            "event_name": event.name,
            "event_date": event.event_date.isoformat(),
            "production_progress": progress[event.pk].production,
            "assembly_progress": progress[event.pk].assembly,
            "overall_progress": overall_of(progress[event.pk]),
        }
        for event in event_list
    ]


def next_steps(events: list[dict[str, Any]], *, limit: int = 12) -> list[dict[str, Any]]:
    """What to do next, from `get_events_with_progress` rows: bake, assemble, pack, deliver.

    Earliest event first; within an event baking comes before assembly, assembly before
    marking packages ready, and ready packages before delivery.
    """
    steps: list[dict[str, Any]] = []
    for event in events:
        base = {"event_id": event["event_id"], "event_name": event["event_name"]}
        for row in event["production_progress"]:
            left = row["target_batches"] - row["produced_batches"]
            if left > 0:
                batches = "batch" if left == 1 else "batches"
                steps.append(
                    {
                        **base,
                        "kind": "bake",
                        "count": left,
                        "text": f"Bake {left} more {batches} of {row['recipe_name']}",
                    }
                )
        for row in event["assembly_progress"]:
            left = row["target_quantity"] - row["assembled_quantity"]
            if left > 0:
                steps.append(
                    {
                        **base,
                        "kind": "assemble",
                        "count": left,
                        "text": f"Assemble {left} more {row['finished_good_name']}",
                    }
                )
        overall = event["overall_progress"]
        if overall["packages_pending"]:
            count = overall["packages_pending"]
            steps.append(
                {
                    **base,
                    "kind": "ready",
                    "count": count,
                    "text": f"Pack {count} package{'s' if count != 1 else ''} and mark them ready",
                }
            )
        if overall["packages_ready"]:
            count = overall["packages_ready"]
            steps.append(
                {
                    **base,
                    "kind": "deliver",
                    "count": count,
                    "text": f"Deliver {count} ready package{'s' if count != 1 else ''}",
                }
            )
    return steps[:limit]
