"""Assignments: a recipient receives a package at an event.

See docs/design.md, "Events, recipients and packages".

Writes lock rows in one order — event, then recipient(s) or the assignment, then package —
so the duplicate check and the insert cannot interleave with another writer, and deleting
a recipient or package (which locks that row) cannot slip in between.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from bakeplanner.errors import DuplicateAssignment, NotFound, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import Assignment, Event, Package, Recipient
from events.services.events import (
    clean_text,
    positive_count,
    reject_unknown_fields,
    save_changes,
)
from production.services.lookup import get_owned

__all__ = [
    "assign_package_to_recipient",
    "assign_package_to_recipients",
    "get_assignment",
    "get_event_assignments",
    "get_recipient_assignments_for_event",
    "remove_assignment",
    "update_assignment",
]

logger = logging.getLogger("bakeplanner.events.assignments")

ASSIGNMENT_FIELDS = frozenset({"package_id", "quantity", "notes"})
MAX_BULK_RECIPIENTS = 1000


def _refuse_inactive(recipients: list[Recipient]) -> None:
    inactive = [r.name for r in recipients if not r.active]
    if inactive:
        raise ValidationFailed(
            f"Inactive recipients cannot be given packages: {', '.join(inactive)}. "
            "Reactivate them first.",
            field="recipient",
        )


def assign_package_to_recipient(
    tx: Tx,
    event_id: int,
    recipient_id: int,
    package_id: int,
    *,
    quantity: Any = 1,
    notes: str = "",
) -> Assignment:
    """Give a recipient `quantity` of a package at an event; each triple at most once."""
    tx.require()
    with logged_operation(
        logger,
        tx,
        "assign_package_to_recipient",
        event_id=event_id,
        recipient_id=recipient_id,
        package_id=package_id,
    ) as op:
        count = positive_count(quantity, "quantity", field="quantity")
        text = clean_text(notes)
        event = get_owned(tx, Event, event_id, lock=True)
        recipient = get_owned(tx, Recipient, recipient_id, lock=True)
        package = get_owned(tx, Package, package_id, lock=True)
        _refuse_inactive([recipient])
        if (
            tx.objects(Assignment)
            .filter(event=event, recipient=recipient, package=package)
            .exists()
        ):
            raise DuplicateAssignment(
                f"{recipient.name} already has {package.name} at {event.name}; "
                "change that assignment's quantity instead.",
                field="package",
            )
        assignment = Assignment(
            household=tx.household,
            event=event,
            recipient=recipient,
            package=package,
            quantity=count,
            notes=text,
        )
        assignment.save(using=tx.using)
        op.add(assignment_id=assignment.pk, quantity=count)
    return assignment


def _recipient_ids(values: Any) -> list[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationFailed("Choose the recipients as a list.", field="recipients")
    ids: list[int] = []
    for value in values:
        try:
            key = int(value)
        except (TypeError, ValueError):
            raise NotFound("Recipient", value) from None
        if key not in ids:
            ids.append(key)
    if not ids:
        raise ValidationFailed("Choose at least one recipient.", field="recipients")
    if len(ids) > MAX_BULK_RECIPIENTS:
        raise ValidationFailed(
            f"Assign to at most {MAX_BULK_RECIPIENTS} recipients at once.", field="recipients"
        )
    return ids


def assign_package_to_recipients(
    tx: Tx,
    event_id: int,
    recipient_ids: Any,
    package_id: int,
    *,
    quantity: Any = 1,
    notes: str = "",
) -> list[Assignment]:
    """Give one package to many recipients at once: all of them or none.

    Refused, naming them, when any recipient already has the package at the event.
    """
    tx.require()
    with logged_operation(
        logger, tx, "assign_package_to_recipients", event_id=event_id, package_id=package_id
    ) as op:
        ids = _recipient_ids(recipient_ids)
        op.add(recipient_ids=ids)
        count = positive_count(quantity, "quantity", field="quantity")
        text = clean_text(notes)
        event = get_owned(tx, Event, event_id, lock=True)
        found = {
            r.pk: r
            for r in tx.objects(Recipient).filter(pk__in=ids).select_for_update().order_by("pk")
        }
        missing = [key for key in ids if key not in found]
        if missing:
            raise NotFound("Recipient", missing[0])
        package = get_owned(tx, Package, package_id, lock=True)
        recipients = sorted(found.values(), key=lambda r: (r.name.lower(), r.pk))
        _refuse_inactive(recipients)
        taken = set(
            tx.objects(Assignment)
            .filter(event=event, package=package, recipient_id__in=ids)
            .values_list("recipient_id", flat=True)
        )
        if taken:
            names = ", ".join(r.name for r in recipients if r.pk in taken)
            raise DuplicateAssignment(
                f"{package.name} is already assigned at {event.name} to: {names}. "
                "Nothing was assigned; untick them and try again.",
                field="recipients",
            )
        created = []
        for recipient in recipients:
            assignment = Assignment(
                household=tx.household,
                event=event,
                recipient=recipient,
                package=package,
                quantity=count,
                notes=text,
            )
            assignment.save(using=tx.using)
            created.append(assignment)
        op.add(assignment_ids=[a.pk for a in created], quantity=count)
    return created


def get_assignment(tx: Tx, assignment_id: int) -> Assignment:
    """One assignment with its event, recipient and package loaded."""
    tx.require()
    get_owned(tx, Assignment, assignment_id)
    return (
        tx.objects(Assignment)
        .select_related("event", "recipient", "package")
        .get(pk=int(assignment_id))
    )


def update_assignment(tx: Tx, assignment_id: int, **fields: Any) -> Assignment:
    """Change package_id, quantity and/or notes; other fields are refused."""
    tx.require()
    with logged_operation(logger, tx, "update_assignment", assignment_id=assignment_id) as op:
        reject_unknown_fields(fields, ASSIGNMENT_FIELDS, "assignment")
        changes: dict[str, Any] = {}
        if "quantity" in fields:
            changes["quantity"] = positive_count(fields["quantity"], "quantity", field="quantity")
        if "notes" in fields:
            changes["notes"] = clean_text(fields["notes"])
        current = get_owned(tx, Assignment, assignment_id)
        event = get_owned(tx, Event, current.event_id, lock=True)
        assignment = get_owned(tx, Assignment, assignment_id, lock=True)
        if "package_id" in fields:
            package = get_owned(tx, Package, fields["package_id"], lock=True)
            if package.pk != assignment.package_id:
                clash = tx.objects(Assignment).filter(
                    event=event, recipient_id=assignment.recipient_id, package=package
                )
                if clash.exists():
                    recipient = get_owned(tx, Recipient, assignment.recipient_id)
                    raise DuplicateAssignment(
                        f"{recipient.name} already has {package.name} at {event.name}.",
                        field="package",
                    )
                changes["package"] = package
        save_changes(tx, assignment, changes)
        op.add(changed=sorted(changes))
    return assignment


def remove_assignment(tx: Tx, assignment_id: int) -> None:
    """Take a package away from a recipient at an event."""
    tx.require()
    with logged_operation(logger, tx, "remove_assignment", assignment_id=assignment_id) as op:
        assignment = get_owned(tx, Assignment, assignment_id, lock=True)
        op.add(
            event_id=assignment.event_id,
            recipient_id=assignment.recipient_id,
            package_id=assignment.package_id,
        )
        assignment.delete(using=tx.using)


def get_event_assignments(tx: Tx, event_id: int) -> list[Assignment]:
    """The event's assignments by recipient then package, recipient and package loaded
    (one query, however many assignments)."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return list(
        tx.objects(Assignment)
        .filter(event=event)
        .select_related("recipient", "package")
        .order_by("recipient__name", "package__name", "id")
    )


def get_recipient_assignments_for_event(
    tx: Tx, event_id: int, recipient_id: int
) -> list[Assignment]:
    """What one recipient receives at an event, package loaded."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    recipient = get_owned(tx, Recipient, recipient_id)
    return list(
        tx.objects(Assignment)
        .filter(event=event, recipient=recipient)
        .select_related("recipient", "package")
        .order_by("package__name", "id")
    )
