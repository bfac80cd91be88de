"""Production and assembly targets of an event (docs/design.md, "Events, recipients and packages").

`set_production_target` and `set_assembly_target` are upserts: one target per (event,
recipe) and per (event, finished good). The suggested-targets service calls them.
"""

from __future__ import annotations

import logging
from typing import Any

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import AssemblyTarget, Event, ProductionTarget
from events.services.events import clean_text, positive_count
from production.models import FinishedGood, Recipe
from production.services.lookup import get_owned

__all__ = [
    "delete_assembly_target",
    "delete_production_target",
    "get_assembly_targets",
    "get_production_targets",
    "set_assembly_target",
    "set_production_target",
]

logger = logging.getLogger("bakeplanner.events.targets")


def set_production_target(
    tx: Tx, event_id: int, recipe_id: int, target_batches: Any, *, notes: str = ""
) -> ProductionTarget:
    """Create or replace the event's batch target for a recipe."""
    tx.require()
    with logged_operation(
        logger, tx, "set_production_target", event_id=event_id, recipe_id=recipe_id
    ) as op:
        batches = positive_count(target_batches, "target batches", field="target_batches")
        text = clean_text(notes)
        # The event row lock serialises upserts on the event, so two people setting the
        # same target at once never collide on the unique constraint.
        event = get_owned(tx, Event, event_id, lock=True)
        recipe = get_owned(tx, Recipe, recipe_id)
        target, created = tx.objects(ProductionTarget).update_or_create(
            household=tx.household,
            event=event,
            recipe=recipe,
            defaults={"target_batches": batches, "notes": text},
        )
        target.recipe = recipe
        op.add(created=created, target_id=target.pk, target_batches=batches)
    return target


def set_assembly_target(
    tx: Tx, event_id: int, finished_good_id: int, target_quantity: Any, *, notes: str = ""
) -> AssemblyTarget:
    """Create or replace the event's assembly target for a finished good."""
    tx.require()
    with logged_operation(
        logger, tx, "set_assembly_target", event_id=event_id, finished_good_id=finished_good_id
    ) as op:
        quantity = positive_count(target_quantity, "target quantity", field="target_quantity")
        text = clean_text(notes)
        event = get_owned(tx, Event, event_id, lock=True)  # serialises upserts, as above
        good = get_owned(tx, FinishedGood, finished_good_id, label="Gift box")
        target, created = tx.objects(AssemblyTarget).update_or_create(
            household=tx.household,
            event=event,
            finished_good=good,
            defaults={"target_quantity": quantity, "notes": text},
        )
        target.finished_good = good
        op.add(created=created, target_id=target.pk, target_quantity=quantity)
    return target


def get_production_targets(tx: Tx, event_id: int) -> list[ProductionTarget]:
    """The event's production targets, recipe loaded, by recipe name."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return list(
        tx.objects(ProductionTarget)
        .filter(event=event)
        .select_related("recipe")
        .order_by("recipe__name", "id")
    )


def get_assembly_targets(tx: Tx, event_id: int) -> list[AssemblyTarget]:
    """The event's assembly targets, finished good loaded, by name."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return list(
        tx.objects(AssemblyTarget)
        .filter(event=event)
        .select_related("finished_good")
        .order_by("finished_good__name", "id")
    )


def delete_production_target(tx: Tx, event_id: int, recipe_id: int) -> bool:
    """Remove the event's target for a recipe; False when there was none."""
    tx.require()
    with logged_operation(
        logger, tx, "delete_production_target", event_id=event_id, recipe_id=recipe_id
    ) as op:
        event = get_owned(tx, Event, event_id, lock=True)
        deleted, _ = (
            tx.objects(ProductionTarget).filter(event=event, recipe_id=_as_id(recipe_id)).delete()
        )
        op.add(deleted=bool(deleted))
    return bool(deleted)


def delete_assembly_target(tx: Tx, event_id: int, finished_good_id: int) -> bool:
    """Remove the event's target for a finished good; False when there was none."""
    tx.require()
    with logged_operation(
        logger, tx, "delete_assembly_target", event_id=event_id, finished_good_id=finished_good_id
    ) as op:
        event = get_owned(tx, Event, event_id, lock=True)
        deleted, _ = (
            tx.objects(AssemblyTarget)
            .filter(event=event, finished_good_id=_as_id(finished_good_id))
            .delete()
        )
        op.add(deleted=bool(deleted))
    return bool(deleted)


def _as_id(value: Any) -> int:
    """An id that is not a whole number matches nothing (-1 is never a primary key)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
