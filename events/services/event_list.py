"""What the event list and the delete page read: events with their counts, by year."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from bakeplanner.tx import Tx
from events.models import Assignment, Event
from events.services.events import get_available_years

__all__ = ["count_event_assignments", "get_event_list"]


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
