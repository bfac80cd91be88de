"""Event pages."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bakeplanner.tx import request_tx
from events.models import Assignment, Event


def dashboard(request: HttpRequest) -> HttpResponse:
    """Home: upcoming events with their package counts by status."""
    today = timezone.localdate()
    with request_tx(request, read_only=True) as tx:
        events = list(
            tx.objects(Event)
            .filter(event_date__gte=today)
            .annotate(
                packages_total=Sum("assignments__quantity"),
                packages_delivered=Sum(
                    "assignments__quantity",
                    filter=Q(assignments__fulfillment_status=Assignment.DELIVERED),
                ),
                assignment_count=Count("assignments"),
            )
            .order_by("event_date", "name")
        )
    return render(request, "events/dashboard.html", {"events": events, "today": today})


def event_list(request: HttpRequest) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        events = list(tx.objects(Event).order_by("-event_date", "name"))
    return render(request, "events/event_list.html", {"events": events})
