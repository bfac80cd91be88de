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


def _copy_rows(
    tx: Tx,
    model: type[models.Model],
    source: Event,
    event: Event,
    copied: list[str],
    *,
    fixed: dict[str, Any] | None = None,
    active_recipients_only: bool = False,
) -> int:
    """Copy `model`'s rows of the source event into `event` inside the database.

    One INSERT … SELECT, so the statement count stays the same however many rows the event
    has (a bulk insert from Python would be split into several statements on SQLite, which
    caps the parameters of one statement). `copied` columns come from the source row,
    `fixed` ones get the given value. Returns the number of rows copied.
    """
    connection = tx.connection
    quote = connection.ops.quote_name

    def column(name: str, owner: type[models.Model] = model) -> str:
        field = owner._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:
            raise LookupError(f"{owner.__name__}.{name} is not a column")
        return quote(field.column)

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    given = {"household": tx.household.pk, "event": event.pk, **(fixed or {})}
    given |= {"created_at": now, "updated_at": now}
    table = quote(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ("
        + ", ".join(column(name) for name in [*given, *copied])
        + ") SELECT "
        + ", ".join(["%s"] * len(given) + [f"a.{column(name)}" for name in copied])
        + f" FROM {table} a"
    )
    params = list(given.values())
    if active_recipients_only:
        sql += (
            f" JOIN {quote(Recipient._meta.db_table)} r"
            f" ON r.{column('id', Recipient)} = a.{column('recipient')}"
            f" AND r.{column('active', Recipient)} = %s"
        )
        params.append(True)
    sql += (
        f" WHERE a.{column('event')} = %s AND a.{column('household')} = %s"
        f" ORDER BY a.{column('id')}"
    )
    params += [source.pk, tx.household.pk]
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
        assignments_copied = _copy_rows(
            tx,
            Assignment,
            source,
            event,
            ["recipient", "package", "quantity", "notes"],
            fixed={"fulfillment_status": Assignment.PENDING},
            active_recipients_only=True,
        )
        production_targets = assembly_targets = 0
        if copy_targets:
            production_targets = _copy_rows(
                tx, ProductionTarget, source, event, ["recipe", "target_batches", "notes"]
            )
            assembly_targets = _copy_rows(
                tx, AssemblyTarget, source, event, ["finished_good", "target_quantity", "notes"]
            )
        op.add(
            event_id=event.pk,
            assignments_copied=assignments_copied,
            production_targets_copied=production_targets,
            assembly_targets_copied=assembly_targets,
        )
    return event
