"""What the event list and the delete page read: events with their counts, by year."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from bakeplanner.tx import Tx
from events.models import Assignment, Event
from events.services.events import get_available_years

__all__ = ["count_event_assignments", "get_event_assignment_page", "get_event_list"]

STATUSES = frozenset(value for value, _label in Assignment.STATUS_CHOICES)


def get_event_list(tx: Tx, *, year: int | None = None) -> dict[str, Any]:
    """Every event newest first, each with its assignment and package counts, and the years
    that have events; `year` (when one of them) keeps only that year's events."""
    tx.require()
    years = get_available_years(tx)
    events = tx.objects(Event).annotate(
        assignment_count=Count("assignments"),
        packages_total=Sum("assignments__quantity"),
        packages_delivered=Sum(
            "assignments__quantity",
            filter=Q(assignments__fulfillment_status=Assignment.DELIVERED),
        ),
    )
    selected = year if year in years else None
    if selected is not None:
        events = events.filter(event_date__year=selected)
    return {
        "events": list(events.order_by("-event_date", "name", "id")),
        "years": years,
        "selected_year": selected,
    }


def count_event_assignments(tx: Tx, event_id: int) -> int:
    """How many assignments the event has (what deleting it with them would remove)."""
    tx.require()
    return tx.objects(Assignment).filter(event_id=event_id).count()


def get_event_assignment_page(
    tx: Tx, event_id: int, *, page: int = 1, per_page: int = 100, status: str | None = None
) -> dict[str, Any]:
    """One page of the event's assignments (by recipient, then package), recipient and
    package loaded, with how many there are in all: two queries, however long the event.

    `status` keeps one fulfilment status; an unknown one is ignored. A page past the end
    shows the last page.
    """
    tx.require()
    rows = tx.objects(Assignment).filter(event_id=event_id)
    if status in STATUSES:
        rows = rows.filter(fulfillment_status=status)
    else:
        status = None
    total = rows.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    assignments = list(
        rows.select_related("recipient", "package").order_by(
            "recipient__name", "package__name", "id"
        )[start : start + per_page]
    )
    return {
        "assignments": assignments,
        "total": total,
        "page": page,
        "pages": pages,
        "status": status,
        "first": start + 1 if assignments else 0,
        "last": start + len(assignments),
    }
