"""What each recipient received, event by event, newest event first."""

from __future__ import annotations

from typing import Any

from bakeplanner.tx import Tx
from events.models import Assignment, Recipient
from production.services.lookup import get_owned

__all__ = ["get_recipient_history"]


def get_recipient_history(tx: Tx, recipient_id: int) -> list[dict[str, Any]]:
    """Every assignment of a recipient, newest event first, in one query."""
    tx.require()
    recipient = get_owned(tx, Recipient, recipient_id)
    rows = (
        tx.objects(Assignment)
        .filter(recipient=recipient)
        .select_related("event", "package")
        .order_by("-event__event_date", "event__name", "package__name", "id")
    )
    return [
        {
            "event_id": row.event_id,
            "event_name": row.event.name,
            "event_date": row.event.event_date.isoformat(),
            "package_id": row.package_id,
            "package_name": row.package.name,
            "quantity": row.quantity,
            "fulfillment_status": row.fulfillment_status,
            "notes": row.notes,
        }
        for row in rows
    ]
