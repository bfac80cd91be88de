"""Fulfilment: pending → ready → delivered, forward only (docs/design.md, "Fulfilment").

Status changes are not gated on stock: a household may mark a package ready before it
records the assembly.
"""

from __future__ import annotations

import logging

from bakeplanner.errors import InvalidTransition, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import Assignment, Event
from production.services.lookup import get_owned

__all__ = ["get_packages_by_status", "update_fulfillment_status"]

logger = logging.getLogger("bakeplanner.events.fulfilment")

STATUSES = tuple(value for value, _label in Assignment.STATUS_CHOICES)


def allowed_next_statuses(current: str) -> list[str]:
    """The states an assignment may move to from `current` (none once delivered)."""
    following = Assignment.NEXT_STATUS.get(current)
    return [following] if following else []


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
    return assignment


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
