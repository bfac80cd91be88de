"""The home page: what each upcoming event still needs by its plan, and what to do next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bakeplanner.display import percent_text, plural
from bakeplanner.households import membership_of
from bakeplanner.pages import url_maker
from bakeplanner.tx import request_tx
from events.forms.home import DashboardFilterForm
from events.services import get_events_with_plan
from events.services.plan_progress import plan_steps
from events.views.plan_rows import bake_rows, days_left_text, pack_rows, step_links

# A card shows the rows with the most left to do; the event page has all of them.
ROWS_PER_CARD = 8
# Next steps shown at once; the rest fold away so a phone reaches the events quickly.
STEPS_SHOWN = 6


def _more_text(rows: int, one: str, many: str) -> str:
    more = rows - ROWS_PER_CARD
    return f"and {plural(more, one, many)} on the event page" if more > 0 else ""


def _card(event: dict[str, Any], event_url: Callable[[int], str]) -> dict[str, Any]:
    """One event's card, every figure and address already text."""
    event_id, overall = event["event_id"], event["overall"]
    baking = sorted(event["baking"], key=lambda row: (row["is_complete"], -row["remaining"]))
    packing = sorted(event["packing"], key=lambda row: (row["is_complete"], -row["remaining"]))
    return {
        **event,
        "anchor": f"ev-{event_id}",
        "url": event_url(event_id),
        "when": days_left_text(event["days_left"]),
        "overall_text": percent_text(overall["overall_pct"]),
        "baking_rows": bake_rows(event_id, baking[:ROWS_PER_CARD], links=False),
        "baking_more": _more_text(len(baking), "more recipe", "more recipes"),
        "packing_rows": pack_rows(event_id, packing[:ROWS_PER_CARD], links=False),
        "packing_more": _more_text(len(packing), "more gift box", "more gift boxes"),
        "suggested_text": plural(overall["suggested_rows"], "row"),
        "packages_text": (
            f"{overall['packages_pending']} pending · {overall['packages_ready']} ready · "
            f"{overall['packages_delivered']} delivered of "
            f"{plural(overall['packages_total'], 'package')}"
        ),
    }


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard; an account without a household is told so instead."""
    if membership_of(request.user) is None:
        return render(request, "no_household.html", status=403)
    form = DashboardFilterForm(request.GET or None)
    filters: dict[str, Any] = {"filter": "active_future", "date_from": None, "date_to": None}
    if form.is_bound and form.is_valid():
        filters = {key: form.cleaned_data.get(key) for key in filters}
    with request_tx(request, read_only=True) as tx:
        events = get_events_with_plan(tx, **filters)
        upcoming = (
            events
            if filters["filter"] == "active_future" and not filters["date_from"]
            else get_events_with_plan(tx)
        )
    steps = step_links(plan_steps(upcoming))
    event_url = url_maker("events:event_detail")
    ctx = {
        "form": form,
        "events": [_card(event, event_url) for event in events],
        "steps": steps[:STEPS_SHOWN],
        "more_steps": steps[STEPS_SHOWN:],
        "filter": filters["filter"],
    }
    return render(request, "events/dashboard_home.html", ctx)
