"""Event cost analysis and cloning."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bakeplanner.decorators import member_required
from bakeplanner.errors import DomainError
from bakeplanner.pages import or_404, page_links, read_or_404
from bakeplanner.tx import Tx, request_tx
from events.forms.reports import CloneEventForm
from events.services import (
    clone_event,
    get_event_by_id,
    get_event_cost_analysis,
)
from production.models import AssemblyPackagingConsumption, ProductionConsumption

# Rows per page of each table, as on the event's plan tab (the totals above cover all rows).
ROWS_PER_PAGE = 30

# Over is a warning, under good news; the word beside the amount says which, so the colour
# is never the only signal.
TONES = {"over": "text-danger-emphasis", "under": "text-success-emphasis", "on estimate": ""}


def _told(row: dict[str, Any]) -> dict[str, Any]:
    """A row (or the totals) with its over-or-under amount unsigned and the tone to show it in."""
    return {
        **row,
        "over_under_amount": abs(Decimal(row["over_under"])),
        "tone": TONES[row["over_under_word"]],
    }


def unpriced_draws(tx: Tx, event_id: int) -> list[str]:
    """The ingredients the event's runs drew from lots brought in without a price: the actual
    cost leaves them out, and the page says so (docs/import-baketracker.md, "Price unknown")."""
    baked = (
        tx.objects(ProductionConsumption)
        .filter(run__event_id=event_id, run__reversed_at__isnull=True, lot__price_unknown=True)
        .values_list("ingredient__name", flat=True)
    )
    packed = (
        tx.objects(AssemblyPackagingConsumption)
        .filter(run__event_id=event_id, run__reversed_at__isnull=True, lot__price_unknown=True)
        .values_list("ingredient__name", flat=True)
    )
    return sorted(set(baked) | set(packed), key=str.lower)


def event_costs(request: HttpRequest, pk: int) -> HttpResponse:
    """What was made cost against its estimate, what is left, and the projected cost."""
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        ctx: dict[str, Any] = {"event": event, "analysis": None, "error": ""}
        try:
            analysis = get_event_cost_analysis(tx, event.pk)
        except DomainError as exc:
            ctx["error"] = str(exc)
        else:
            ctx["analysis"] = analysis
            ctx["unpriced"] = unpriced_draws(tx, event.pk)
            # A long plan is shown a page at a time per table (the totals above cover all).
            recipes = Paginator(analysis["recipe_costs"], ROWS_PER_PAGE).get_page(
                request.GET.get("recipes")
            )
            boxes = Paginator(analysis["gift_box_costs"], ROWS_PER_PAGE).get_page(
                request.GET.get("boxes")
            )
            ctx.update(
                {
                    "analysis": _told(analysis),
                    "recipe_rows": [_told(row) for row in recipes],
                    "recipe_pager": page_links(request, recipes, param="recipes"),
                    "box_rows": [_told(row) for row in boxes],
                    "box_pager": page_links(request, boxes, param="boxes"),
                }
            )
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
