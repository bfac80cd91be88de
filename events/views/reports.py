"""Event cost analysis and cloning."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bakeplanner.decorators import member_required
from bakeplanner.errors import DomainError
from bakeplanner.pages import read_context, read_or_404
from bakeplanner.tx import Tx, request_tx
from events.forms.reports import CloneEventForm
from events.services import (
    clone_event,
    get_event_by_id,
    get_event_cost_analysis,
    get_recipe_cost_breakdown,
)


def _bars(rows: list[dict], keys: tuple[str, str]) -> list[dict]:
    """Widths (percent of the largest amount) for a server-drawn bar chart."""
    largest = max((Decimal(row[key]) for row in rows for key in keys), default=Decimal(0))
    charted = []
    for row in rows:
        widths = {
            key: float(Decimal(row[key]) * 100 / largest) if largest > 0 else 0.0 for key in keys
        }
        charted.append({**row, "widths": widths})
    return charted


def event_costs(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        event = get_event_by_id(tx, pk)
        return {
            "event": event,
            "analysis": get_event_cost_analysis(tx, event.pk),
            "breakdown": get_recipe_cost_breakdown(tx, event.pk),
        }

    ctx = read_context(request, build)
    ctx["breakdown"] = _bars(ctx["breakdown"], ("estimated_cost", "actual_cost"))
    return render(request, "events/reports/event_costs.html", ctx)


@member_required
def event_clone(request: HttpRequest, pk: int) -> HttpResponse:
    event = read_or_404(request, get_event_by_id, pk)
    form = CloneEventForm(request.POST or None, initial=CloneEventForm.suggested_initial(event))
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                new_event = clone_event(tx, event.pk, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Created {new_event.name} from {event.name}. Statuses start at pending."
            )
            return redirect("events:event_detail", pk=new_event.pk)
    return render(request, "events/reports/event_clone.html", {"event": event, "form": form})
