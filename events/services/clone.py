"""Copy an event as the start of next year's plan.

See docs/design.md, "Events, recipients and packages".
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import models
from django.utils import timezone

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import AssemblyTarget, Assignment, Event, ProductionTarget, Recipient
from events.services.events import create_event
from production.services.lookup import get_owned

__all__ = ["clone_event"]

logger = logging.getLogger("bakeplanner.events.clone")


def _copy_assignments(tx: Tx, source: Event, event: Event) -> int:
    """Copy the source's assignments of active recipients into `event`, all pending.

    One INSERT … SELECT inside the database, so the statement count stays the same however
    many assignments the event has (a bulk insert from Python would be split into several
    statements on SQLite, which caps the parameters of one statement). Returns the rows copied.
    """
    connection = tx.connection
    quote = connection.ops.quote_name
    meta = Assignment._meta

    def column(name: str, model: type[models.Model] = Assignment) -> str:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:
            raise LookupError(f"{model.__name__}.{name} is not a column")
        return quote(field.column)

    now = meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    copied = ["recipient", "package", "quantity", "notes"]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ("
        + ", ".join(column(name) for name in ["household", "event", "fulfillment_status"])
        + ", "
        + ", ".join(column(name) for name in copied + ["created_at", "updated_at"])
        + ") SELECT %s, %s, %s, "
        + ", ".join(f"a.{column(name)}" for name in copied)
        + ", %s, %s"
        + f" FROM {quote(meta.db_table)} a"
        + f" JOIN {quote(Recipient._meta.db_table)} r"
        + f" ON r.{column('id', Recipient)} = a.{column('recipient')}"
        + f" WHERE a.{column('event')} = %s AND a.{column('household')} = %s"
        + f" AND r.{column('active', Recipient)} = %s"
        + f" ORDER BY a.{column('id')}"
    )
    params = [tx.household.pk, event.pk, Assignment.PENDING, now, now]
    params += [source.pk, tx.household.pk, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


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
        assignments_copied = _copy_assignments(tx, source, event)
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
            assignments_copied=assignments_copied,
            production_targets_copied=len(production_targets),
            assembly_targets_copied=len(assembly_targets),
        )
    return event
