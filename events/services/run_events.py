"""Which event a run counts towards: the event "Record baking" suggests, and moving a recorded
run to another event (or to stock for later) afterwards.

Progress, plans and shopping lists read the runs' `event_id`, so moving a run changes them at
once; each move is kept in the run's history (`RunEventChange`: who, when, from, to).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bakeplanner.display import datetime_text
from bakeplanner.errors import DomainError, InvalidTransition
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import Assignment, Event, ProductionTarget
from events.services.demand import load_demands
from production.models import AssemblyRun, FinishedUnit, ProductionRun, RunEventChange
from production.services.lookup import get_owned, household_runs

__all__ = [
    "set_assembly_run_event",
    "set_production_run_event",
    "suggest_event_for_baking",
]

logger = logging.getLogger("bakeplanner.events.run_events")

# How many upcoming events the suggestion looks at closely. Events whose target for the
# recipe is already met, or that have neither a target nor any assignment, are left out by
# the first query and do not count towards it.
MAX_EVENTS_CHECKED = 5


def suggest_event_for_baking(tx: Tx, finished_unit_id: Any) -> Event | None:
    """The nearest upcoming event (today or later) whose plan still needs batches of the baked
    item's recipe, or None.

    The plan of a recipe is the event's production target where one is set, else the batches
    its demand needs (docs/design.md, "Demand engine"); it still needs some while fewer
    batches were baked for the event. Only the nearest `MAX_EVENTS_CHECKED` events that may
    still need it are looked at. Queries: two (the baked item; those events with their target,
    batches baked and whether anything is assigned), plus one bulk demand load (seven) when
    the nearest of them have no target: at most nine, whatever the household's size.
    """
    tx.require()
    unit = get_owned(tx, FinishedUnit, finished_unit_id, label="Baked item")
    recipe_id = unit.recipe_id
    targets = tx.objects(ProductionTarget).filter(event=OuterRef("pk"), recipe_id=recipe_id)
    baked = (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=OuterRef("pk"), recipe_id=recipe_id)
        .order_by()
        .values("event")
        .annotate(total=Sum("num_batches"))
        .values("total")
    )
    candidates = (
        tx.objects(Event)
        .filter(event_date__gte=timezone.localdate())
        .annotate(
            target_batches=Subquery(targets.values("target_batches")[:1]),
            baked_batches=Coalesce(
                Subquery(baked, output_field=IntegerField()), Value(0), output_field=IntegerField()
            ),
            has_assignments=Exists(tx.objects(Assignment).filter(event=OuterRef("pk"))),
        )
        # A target met, or no target and nothing assigned: nothing left to bake there.
        .filter(
            Q(target_batches__gt=F("baked_batches"))
            | Q(target_batches__isnull=True, has_assignments=True)
        )
        .order_by("event_date", "name", "pk")[:MAX_EVENTS_CHECKED]
    )
    events = list(candidates)
    # Events without a target, nearest first, up to the first one whose target is not met:
    # their demand decides, read for all of them at once.
    undecided: list[Event] = []
    for event in events:
        if event.target_batches is not None:
            break
        undecided.append(event)
    if undecided:
        try:
            demands = load_demands(tx, undecided)
        except DomainError:
            # Demand that cannot be worked out (a gift box that contains itself) is said on
            # the event pages; the suggestion just names no event.
            return None
        for nearer in undecided:
            plan = demands[nearer.pk].recipes.get(recipe_id)
            if plan is not None and plan.remaining > 0:
                return nearer
    # The first event the filter kept for its target, if it comes within the few checked.
    return events[len(undecided)] if len(undecided) < len(events) else None


def set_production_run_event(tx: Tx, run_id: Any, event_id: Any) -> RunEventChange | None:
    """Count a baking run towards another event (`event_id` None: stock for later).

    Returns the history row written, or None when the run already had that event.
    """
    tx.require()
    return _set_run_event(tx, ProductionRun, run_id, event_id, label="Baking run")


def set_assembly_run_event(tx: Tx, run_id: Any, event_id: Any) -> RunEventChange | None:
    """Count a packing run towards another event (`event_id` None: stock for later).

    Returns the history row written, or None when the run already had that event.
    """
    tx.require()
    return _set_run_event(tx, AssemblyRun, run_id, event_id, label="Packing run")


def _set_run_event(
    tx: Tx,
    model: type[ProductionRun] | type[AssemblyRun],
    run_id: Any,
    event_id: Any,
    *,
    label: str,
) -> RunEventChange | None:
    operation = f"set_{'production' if model is ProductionRun else 'assembly'}_run_event"
    with logged_operation(logger, tx, operation, run_id=run_id, event_id=event_id) as op:
        # The run first, as the undo services take it: an undo at the same moment either
        # waits for this change or makes this one wait and then see the run undone.
        run = get_owned(tx, model, run_id, label=label, lock=True)
        if run.reversed_at is not None:
            raise InvalidTransition(
                f"{label} {run.pk} was undone on "
                f"{datetime_text(run.reversed_at)}; an undone run counts "
                "towards no event, so its event cannot be changed.",
                current="reversed",
            )
        # Locked so that deleting the event waits for this change and then sees the run.
        new_event = (
            None
            if event_id is None or event_id == ""
            else get_owned(tx, Event, event_id, label="Event", lock=True)
        )
        new_event_id = new_event.pk if new_event is not None else None
        if run.event_id == new_event_id:
            op.add(changed=False)
            return None
        old_event = (
            tx.objects(Event).filter(pk=run.event_id).first() if run.event_id is not None else None
        )
        run.event = new_event
        run.save(using=tx.using, update_fields=["event"])
        change = RunEventChange(
            household=tx.household,
            old_event=old_event,
            new_event=new_event,
            old_event_name=old_event.name if old_event is not None else "",
            new_event_name=new_event.name if new_event is not None else "",
            changed_by=tx.actor,
            changed_at=timezone.now(),
        )
        if isinstance(run, ProductionRun):
            change.production_run = run
        else:
            change.assembly_run = run
        change.save(using=tx.using)
        op.add(
            changed=True,
            old_event_id=old_event.pk if old_event is not None else None,
            change_id=change.pk,
        )
    return change
