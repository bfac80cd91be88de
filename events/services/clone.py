"""Copy an event as the start of next year's plan.

See docs/design.md, "Events, recipients and packages".
"""

from __future__ import annotations

import logging
from typing import Any

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import AssemblyTarget, Assignment, Event, ProductionTarget
from events.services.events import create_event
from production.services.lookup import get_owned

__all__ = ["clone_event"]

logger = logging.getLogger("bakeplanner.events.clone")


def clone_event(
    tx: Tx,
    source_event_id: int,
    *,
    name: str,
    event_date: Any,
    copy_targets: bool = False,
) -> Event:
    """A new event with the source's notes and assignments (statuses back to pending).

    Assignments of inactive recipients are left behind; targets come along when asked.
    The caller's unit of work makes the copy all-or-nothing.
    """
    tx.require()
    with logged_operation(logger, tx, "clone_event", source_event_id=source_event_id) as op:
        source = get_owned(tx, Event, source_event_id)
        event = create_event(tx, name=name, event_date=event_date, notes=source.notes)
        assignments = [
            Assignment(
                household=tx.household,
                event=event,
                recipient_id=row.recipient_id,
                package_id=row.package_id,
                quantity=row.quantity,
                notes=row.notes,
                fulfillment_status=Assignment.PENDING,
            )
            for row in tx.objects(Assignment)
            .filter(event=source, recipient__active=True)
            .order_by("id")
        ]
        Assignment.objects.using(tx.using).bulk_create(assignments)
        production_targets: list[ProductionTarget] = []
        assembly_targets: list[AssemblyTarget] = []
        if copy_targets:
            production_targets = [
                ProductionTarget(
                    household=tx.household,
                    event=event,
                    recipe_id=target.recipe_id,
                    target_batches=target.target_batches,
                    notes=target.notes,
                )
                for target in tx.objects(ProductionTarget).filter(event=source).order_by("id")
            ]
            assembly_targets = [
                AssemblyTarget(
                    household=tx.household,
                    event=event,
                    finished_good_id=target.finished_good_id,
                    target_quantity=target.target_quantity,
                    notes=target.notes,
                )
                for target in tx.objects(AssemblyTarget).filter(event=source).order_by("id")
            ]
            ProductionTarget.objects.using(tx.using).bulk_create(production_targets)
            AssemblyTarget.objects.using(tx.using).bulk_create(assembly_targets)
        op.add(
            event_id=event.pk,
            assignments_copied=len(assignments),
            production_targets_copied=len(production_targets),
            assembly_targets_copied=len(assembly_targets),
        )
    return event
