"""What the run pages read besides the runs themselves: the choices of the record forms and
the history filter, and the details a run's page shows beyond its DTO."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Literal

from django.utils import timezone

from bakeplanner.tx import Tx
from production.models import AssemblyRun, FinishedGood, FinishedUnit, ProductionRun, Recipe

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


def get_production_run_extra(tx: Tx, run_id: int) -> Mapping[str, Any]:
    """What a production run's page shows beyond its DTO (snapshot, undo, who, event)."""
    tx.require()
    return (
        tx.objects(ProductionRun)
        .filter(pk=run_id)
        .values(
            "recipe_snapshot",
            "loss_notes",
            "reversed_at",
            "reversal_reason",
            "recorded_by__username",
            "event__name",
            "finished_unit__item_unit",
        )
        .get()
    )


def get_assembly_run_extra(tx: Tx, run_id: int) -> Mapping[str, Any]:
    """What an assembly run's page shows beyond its DTO (undo, who, event)."""
    tx.require()
    return (
        tx.objects(AssemblyRun)
        .filter(pk=run_id)
        .values("reversed_at", "reversal_reason", "recorded_by__username", "event__name")
        .get()
    )
