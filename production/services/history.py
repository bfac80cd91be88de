"""What the run pages read besides the runs themselves: the choices of the record forms and
the history filter, and the details a run's page shows beyond its DTO."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from django.utils import timezone

from bakeplanner.tx import Tx
from production.models import (
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    ProductionRun,
    Recipe,
    RunEventChange,
)

__all__ = [
    "get_assembly_run_choices",
    "get_assembly_run_extra",
    "get_history_filter_choices",
    "get_production_run_choices",
    "get_production_run_extra",
]

# Production never imports the events app: the model comes from the runs' foreign key.
Event: Any = ProductionRun._meta.get_field("event").related_model

Choices = list[tuple[int, str]]


def _event_choices(tx: Tx) -> list[tuple[str, Choices]]:
    """Upcoming events first (soonest first), then past ones (latest first)."""
    today = timezone.localdate()
    upcoming: Choices = []
    past: Choices = []
    for pk, name, on in (
        tx.objects(Event).order_by("event_date", "name").values_list("pk", "name", "event_date")
    ):
        (upcoming if on >= today else past).append((pk, f"{name} ({on:%Y-%m-%d})"))
    past.reverse()
    return [(label, rows) for label, rows in (("Upcoming", upcoming), ("Past", past)) if rows]


def get_production_run_choices(tx: Tx) -> dict[str, Any]:
    """The baked items of unarchived recipes grouped by recipe (with each one's batch size and
    recipe), and the events a run may count towards."""
    tx.require()
    groups: dict[str, Choices] = defaultdict(list)
    items_per_batch: dict[int, int] = {}
    recipe_of: dict[int, int] = {}
    units = (
        tx.objects(FinishedUnit)
        .filter(recipe__archived=False)
        .order_by("recipe__name", "name", "pk")
        .values_list("pk", "name", "items_per_batch", "recipe_id", "recipe__name")
    )
    for pk, name, per_batch, recipe_id, recipe_name in units:
        # The recipe is in the group heading too, but a chosen option shows only its own text.
        groups[recipe_name].append((pk, f"{recipe_name}: {name} ({per_batch} per batch)"))
        items_per_batch[pk] = per_batch
        recipe_of[pk] = recipe_id
    return {
        "units": list(groups.items()),
        "items_per_batch": items_per_batch,
        "recipe_of": recipe_of,
        "events": _event_choices(tx),
    }


def get_assembly_run_choices(tx: Tx) -> dict[str, Any]:
    """The boxes and tins to pack, and the events a run may count towards."""
    tx.require()
    goods = list(tx.objects(FinishedGood).order_by("name", "pk").values_list("pk", "name"))
    return {"goods": goods, "events": _event_choices(tx)}


def get_history_filter_choices(tx: Tx, kind: Literal["production", "assembly"]) -> dict[str, Any]:
    """The run history filter's items (recipes or boxes and tins) and every event's name."""
    tx.require()
    model: type[Recipe] | type[FinishedGood] = Recipe if kind == "production" else FinishedGood
    items = list(tx.objects(model).order_by("name", "pk").values_list("pk", "name"))
    return {"items": items, "event_names": dict(tx.objects(Event).values_list("pk", "name"))}


def get_production_run_extra(tx: Tx, run_id: int) -> dict[str, Any]:
    """What a production run's page shows beyond its DTO (snapshot, undo, who, event, the
    history of its event and the events it may be moved to)."""
    tx.require()
    extra = (
        tx.objects(ProductionRun)
        .filter(pk=run_id)
        .values(
            "recipe_snapshot",
            "loss_notes",
            "reversed_at",
            "reversal_reason",
            "recorded_by__username",
            "event_id",
            "event__name",
            "finished_unit__item_unit",
        )
        .get()
    )
    return {**extra, **_event_history(tx, production_run_id=run_id)}


def get_assembly_run_extra(tx: Tx, run_id: int) -> dict[str, Any]:
    """What an assembly run's page shows beyond its DTO (undo, who, event, the history of its
    event and the events it may be moved to)."""
    tx.require()
    extra = (
        tx.objects(AssemblyRun)
        .filter(pk=run_id)
        .values(
            "reversed_at", "reversal_reason", "recorded_by__username", "event_id", "event__name"
        )
        .get()
    )
    return {**extra, **_event_history(tx, assembly_run_id=run_id)}


def _event_history(tx: Tx, **run: int) -> dict[str, Any]:
    """A run's event changes, oldest first, and the event choices of its "Change event" form.

    Each change names the events as they are called now, or as they were called at the
    change when the event has since been deleted; an empty name is "stock for later".
    """
    changes = [
        {
            "changed_at": row["changed_at"],
            "changed_by": row["changed_by__username"] or "",
            "old_event": row["old_event__name"] or row["old_event_name"],
            "new_event": row["new_event__name"] or row["new_event_name"],
        }
        for row in tx.objects(RunEventChange)
        .filter(**run)
        .order_by("changed_at", "pk")
        .values(
            "changed_at",
            "changed_by__username",
            "old_event__name",
            "old_event_name",
            "new_event__name",
            "new_event_name",
        )
    ]
    return {"event_changes": changes, "event_choices": _event_choices(tx)}
