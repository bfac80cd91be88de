"""The home page: events with their progress, and what to do next."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bakeplanner.households import membership_of
from bakeplanner.tx import request_tx
from events.forms.home import DashboardFilterForm
from events.services import get_events_with_progress
from events.services.progress import next_steps


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard; an account without a household is told so instead."""
    if membership_of(request.user) is None:
        return render(request, "no_household.html", status=403)
    form = DashboardFilterForm(request.GET or None)
    filters: dict[str, Any] = {"filter": "active_future", "date_from": None, "date_to": None}
    if form.is_bound and form.is_valid():
        filters = {key: form.cleaned_data.get(key) for key in filters}
    with request_tx(request, read_only=True) as tx:
        events = get_events_with_progress(tx, **filters)
        upcoming = (
            events
            if filters["filter"] == "active_future" and not filters["date_from"]
            else get_events_with_progress(tx)
        )
    ctx = {
        "form": form,
        "events": events,
        "steps": next_steps(upcoming),
        "filter": filters["filter"],
    }
    return render(request, "events/dashboard_home.html", ctx)
