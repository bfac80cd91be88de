"""What the run pages read besides the runs themselves: the choices of the record forms and
the history filter, and the details a run's page shows beyond its DTO."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
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
from production.services.lookup import household_runs

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


def get_production_run_choices(
    tx: Tx,
    *,
    search: str = "",
    unit_id: int | None = None,
    recipe_id: int | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The record-baking form's baked items (of recipes not archived) grouped by recipe, each
    one's batch size and recipe, and the events a run may count towards.

    Only items whose name or recipe's name contains `search` are offered, and with `limit`
    at most that many (`shown`): all of them by recipe and name when they fit, else those an
    upcoming event's baking target still needs first (docs/record-forms.md). The item
    `unit_id` names, or else recipe `recipe_id`'s first one, is offered as well when it is
    the household's, and is `chosen`. `total` and `found` count the household's items and
    the matching ones. At most four queries, whatever the household's size.
    """
    tx.require()
    units = tx.objects(FinishedUnit).filter(recipe__archived=False)
    matching = (Q(name__icontains=search) | Q(recipe__name__icontains=search)) if search else Q()
    counts = units.aggregate(total=Count("pk"), found=Count("pk", filter=matching))
    rows = units.filter(matching)
    if limit is not None and counts["found"] > limit:
        needed = _needs_baking(tx)
        rows = rows.annotate(needed=needed).order_by("-needed", "recipe__name", "name", "pk")
        rows = rows[:limit]
    else:
        rows = rows.order_by("recipe__name", "name", "pk")
    fields = ("pk", "name", "items_per_batch", "recipe_id", "recipe__name")
    listed = list(rows.values_list(*fields))
    shown = len(listed)
    chosen = _chosen(units, _either(unit_id, recipe_id=recipe_id), unit_id, fields)
    if chosen is not None and all(row[0] != chosen[0] for row in listed):
        listed.append(chosen)
    groups: dict[str, Choices] = defaultdict(list)
    items_per_batch: dict[int, int] = {}
    recipe_of: dict[int, int] = {}
    for pk, name, per_batch, unit_recipe_id, recipe_name in listed:
        # The recipe is in the group heading too, but a chosen option shows only its own text.
        groups[recipe_name].append((pk, f"{recipe_name}: {name} ({per_batch} per batch)"))
        items_per_batch[pk] = per_batch
        recipe_of[pk] = unit_recipe_id
    return {
        "units": list(groups.items()),
        "items_per_batch": items_per_batch,
        "recipe_of": recipe_of,
        "chosen": chosen[0] if chosen is not None else None,
        "total": counts["total"],
        "found": counts["found"],
        "shown": shown,
        "events": _event_choices(tx),
    }


def get_assembly_run_choices(
    tx: Tx, *, search: str = "", good_id: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The record-packing form's boxes and tins, and the events a run may count towards.

    `search`, `limit` and the one always offered (`good_id`, `chosen`) work as for baking:
    by name when they fit, else those an upcoming event's packing target still needs first.
    At most four queries, whatever the household's size.
    """
    tx.require()
    goods = tx.objects(FinishedGood).all()
    matching = Q(name__icontains=search) if search else Q()
    counts = goods.aggregate(total=Count("pk"), found=Count("pk", filter=matching))
    rows = goods.filter(matching)
    if limit is not None and counts["found"] > limit:
        needed = _needs_packing(tx)
        rows = rows.annotate(needed=needed).order_by("-needed", "name", "pk")[:limit]
    else:
        rows = rows.order_by("name", "pk")
    listed: Choices = list(rows.values_list("pk", "name"))
    shown = len(listed)
    chosen = _chosen(goods, _either(good_id), good_id, ("pk", "name"))
    if chosen is not None and all(row[0] != chosen[0] for row in listed):
        listed.append((chosen[0], chosen[1]))
    return {
        "goods": listed,
        "chosen": chosen[0] if chosen is not None else None,
        "total": counts["total"],
        "found": counts["found"],
        "shown": shown,
        "events": _event_choices(tx),
    }


def _either(item_id: int | None, *, recipe_id: int | None = None) -> Q | None:
    """Rows that are the item `item_id` or (baked items) of recipe `recipe_id`; None: neither
    was asked for."""
    if item_id is None and recipe_id is None:
        return None
    wanted = Q()
    if item_id is not None:
        wanted |= Q(pk=item_id)
    if recipe_id is not None:
        wanted |= Q(recipe_id=recipe_id)
    return wanted


def _chosen(
    rows: QuerySet[Any], wanted: Q | None, item_id: int | None, fields: tuple[str, ...]
) -> tuple[Any, ...] | None:
    """The first row `wanted` picks: the item `item_id` itself when it is one, else the first
    by name (a link naming a recipe means its first baked item)."""
    if wanted is None:
        return None
    order: list[Any] = ["name", "pk"]
    if item_id is not None:
        order.insert(0, Case(When(pk=item_id, then=Value(0)), default=Value(1)))
    found: tuple[Any, ...] | None = (
        rows.filter(wanted).order_by(*order).values_list(*fields).first()
    )
    return found


def _targets(related_name: str) -> Any:
    """An event's target model, found through the event (production never imports events;
    reverse relations are known only once every app is loaded)."""
    return Event._meta.get_field(related_name).related_model


def _unmet_targets(
    tx: Tx, run_model: Any, targets: str, item: str, made: str, target: str
) -> QuerySet[Any]:
    """The `item` ids (recipe or gift box) an upcoming event's target in `targets` still
    needs: its `target` is above the runs' `made` counted towards that event (runs not
    undone).

    One subquery the database works out once, not once per listed row: a household has far
    fewer targets than items (docs/performance.md).
    """
    done = (
        household_runs(tx, run_model)
        .not_reversed()
        .filter(event=OuterRef("event"), **{item: OuterRef(item)})
        .order_by()
        .values("event")
        .annotate(total=Sum(made))
        .values("total")
    )
    return (
        tx.objects(_targets(targets))
        .filter(event__in=tx.objects(Event).filter(event_date__gte=timezone.localdate()))
        .annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), Value(0)))
        .filter(**{f"{target}__gt": F("done")})
        .values(f"{item}_id")
    )


def _needs_baking(tx: Tx) -> Case:
    """1 for a baked item whose recipe an upcoming event's baking target still needs, else 0."""
    unmet = _unmet_targets(
        tx, ProductionRun, "production_targets", "recipe", "num_batches", "target_batches"
    )
    return Case(When(recipe_id__in=unmet, then=Value(1)), default=Value(0))


def _needs_packing(tx: Tx) -> Case:
    """1 for a gift box an upcoming event's packing target still needs, else 0."""
    unmet = _unmet_targets(
        tx, AssemblyRun, "assembly_targets", "finished_good", "quantity", "target_quantity"
    )
    return Case(When(pk__in=unmet, then=Value(1)), default=Value(0))


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
