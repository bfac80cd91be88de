"""Fulfilment: pending → ready → delivered, and one step back with a reason
(docs/design.md, "Fulfilment").

Every move, forward or back, writes a `FulfillmentChange`, so an assignment's history says who
moved it, when, and why it was stepped back. Status changes are not gated on stock: a
household may mark a package ready before it records the packing run.
"""

from __future__ import annotations

import logging
from typing import Any

from bakeplanner.errors import InvalidTransition, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import normalize_name
from bakeplanner.tx import Tx
from events.models import Assignment, Event, FulfillmentChange
from production.services.lookup import get_owned

__all__ = [
    "get_fulfillment_history",
    "get_packages_by_status",
    "revert_fulfillment_status",
    "update_fulfillment_status",
]

logger = logging.getLogger("bakeplanner.events.fulfilment")

STATUSES = tuple(value for value, _label in Assignment.STATUS_CHOICES)
PREVIOUS_STATUS = {Assignment.READY: Assignment.PENDING, Assignment.DELIVERED: Assignment.READY}
REASON_MAX_LENGTH = FulfillmentChange.REASON_MAX_LENGTH


def allowed_next_statuses(current: str) -> list[str]:
    """The states an assignment may move to from `current` (none once delivered)."""
    following = Assignment.NEXT_STATUS.get(current)
    return [following] if following else []


def previous_status(current: str) -> str | None:
    """The status a step back from `current` lands on (None when pending)."""
    return PREVIOUS_STATUS.get(current)


def _record_change(
    tx: Tx, assignment: Assignment, from_status: str, to_status: str, reason: str
) -> FulfillmentChange:
    change = FulfillmentChange(
        household=tx.household,
        assignment=assignment,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        changed_by=tx.actor,
    )
    change.save(using=tx.using)
    return change


def _clean_reason(reason: Any) -> str:
    """A step back's reason: required text on one line, at most REASON_MAX_LENGTH characters."""
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise ValidationFailed("The reason must be text.", field="reason")
    text = normalize_name(reason)
    if not text:
        raise ValidationFailed("Say why the status is being stepped back.", field="reason")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationFailed(
            f"The reason is too long (at most {REASON_MAX_LENGTH} characters).", field="reason"
        )
    return text


def _whose(tx: Tx, assignment: Assignment) -> str:
    """How messages name one assignment: "Anna's Cookie tin"."""
    names = (
        tx.objects(Assignment)
        .filter(pk=assignment.pk)
        .values_list("recipient__name", "package__name")
        .get()
    )
    return f"{names[0]}'s {names[1]}"


def update_fulfillment_status(tx: Tx, assignment_id: int, new_status: str) -> Assignment:
    """Move an assignment one step forward; anything else is an `InvalidTransition`."""
    tx.require()
    with logged_operation(
        logger, tx, "update_fulfillment_status", assignment_id=assignment_id, new_status=new_status
    ) as op:
        # The row lock makes two people pressing "Mark ready" at once a clear refusal for
        # the second, not a silent double step.
        assignment = get_owned(tx, Assignment, assignment_id, lock=True)
        current = assignment.fulfillment_status
        allowed = allowed_next_statuses(current)
        op.add(event_id=assignment.event_id, previous_status=current)
        if new_status not in allowed:
            raise InvalidTransition(
                f"Cannot change from {current} to {new_status} "
                f"(allowed: {', '.join(allowed) or 'none'})",
                current=current,
                allowed=allowed,
            )
        assignment.fulfillment_status = new_status
        assignment.save(using=tx.using, update_fields=["fulfillment_status", "updated_at"])
        _record_change(tx, assignment, current, new_status, "")
    return assignment


def revert_fulfillment_status(
    tx: Tx, assignment_id: int, *, reason: str, expected_status: str | None = None
) -> Assignment:
    """Step an assignment back one status (delivered → ready → pending), saying why.

    With `expected_status` (the status the person saw), a step back is refused when the
    assignment has moved since, so two people stepping back at once do not take it back two
    steps.
    """
    tx.require()
    with logged_operation(
        logger, tx, "revert_fulfillment_status", assignment_id=assignment_id
    ) as op:
        why = _clean_reason(reason)
        # Locked like a forward move: a step back and a forward move of the same row take
        # turns, and the second sees the status the first left.
        assignment = get_owned(tx, Assignment, assignment_id, lock=True)
        current = assignment.fulfillment_status
        op.add(event_id=assignment.event_id, previous_status=current)
        if expected_status is not None and current != expected_status:
            raise InvalidTransition(
                f"{_whose(tx, assignment)} is no longer {expected_status}: it is {current} now "
                "(someone changed it meanwhile). Nothing was changed.",
                current=current,
                allowed=[s for s in [previous_status(current)] if s],
            )
        target = previous_status(current)
        if target is None:
            raise InvalidTransition(
                f"{_whose(tx, assignment)} is pending: there is no earlier status to step back to.",
                current=current,
                allowed=[],
            )
        assignment.fulfillment_status = target
        assignment.save(using=tx.using, update_fields=["fulfillment_status", "updated_at"])
        _record_change(tx, assignment, current, target, why)
        op.add(new_status=target)
    return assignment


def get_fulfillment_history(tx: Tx, assignment_id: int) -> list[FulfillmentChange]:
    """The assignment's status moves, oldest first, with who made each one."""
    tx.require()
    assignment = get_owned(tx, Assignment, assignment_id)
    return list(
        tx.objects(FulfillmentChange)
        .filter(assignment=assignment)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )


def get_packages_by_status(tx: Tx, event_id: int, status: str | None = None) -> list[Assignment]:
    """The event's assignments, optionally only those in one status; recipient and package
    loaded, by recipient then package."""
    tx.require()
    if status is not None and status not in STATUSES:
        raise ValidationFailed(
            f"Unknown status {status!r} (use {', '.join(STATUSES)}).", field="status"
        )
    event = get_owned(tx, Event, event_id)
    queryset = tx.objects(Assignment).filter(event=event)
    if status is not None:
        queryset = queryset.filter(fulfillment_status=status)
    return list(
        queryset.select_related("recipient", "package").order_by(
            "recipient__name", "package__name", "id"
        )
    )
