"""Run pages that need the events app: "Record baking" (it preselects the event the baking
counts towards), the suggestion as JSON for static/js/run_event.js, changing a recorded run's
event, and the production history CSV.

They keep their addresses under /production/ and their names in the `production` namespace
(bakeplanner/urls.py routes them there): production never imports events, so these views
live here and lend production's run pages what only events knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bakeplanner.decorators import member_required
from bakeplanner.errors import DomainError, NotFound
from bakeplanner.pages import or_404
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx, request_tx
from events.csv_export import PRODUCTION_HISTORY, default_filename, production_history_csv
from events.services import (
    get_event_by_id,
    set_assembly_run_event,
    set_production_run_event,
    suggest_event_for_baking,
)
from production import services as production_services
from production.forms.runs import ChangeRunEventForm
from production.models import RunEventChange
from production.services.history import get_assembly_run_extra, get_production_run_extra
from production.views.runs import record_baking_page

# --- Record baking --------------------------------------------------------------------------


def _suggested_event_id(tx: Tx, finished_unit_id: int) -> int | None:
    event = suggest_event_for_baking(tx, finished_unit_id)
    return event.pk if event is not None else None


@member_required
def production_run_create(request: HttpRequest) -> HttpResponse:
    """Record baking; the event is preselected for the chosen baked item (see
    `suggest_event_for_baking`) unless the link or the person chose one."""
    return record_baking_page(
        request,
        suggest_event=_suggested_event_id,
        suggest_url=reverse("production:production_run_suggest_event"),
    )


@require_GET
def production_run_suggest_event(request: HttpRequest) -> JsonResponse:
    """`{"event_id": …, "event_name": …}` for a baked item (`event_id` null: stock for later)."""
    unit_id = request.GET.get("finished_unit", "")
    if not unit_id:
        return JsonResponse({"error": "Choose a baked item."}, status=400)
    try:
        with request_tx(request, read_only=True) as tx:
            event = suggest_event_for_baking(tx, unit_id)
    except NotFound as exc:
        return JsonResponse({"error": str(exc)}, status=404)
    except DomainError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "event_id": event.pk if event is not None else None,
            "event_name": event.name if event is not None else "",
        }
    )


# --- Change a run's event -------------------------------------------------------------------


def _change_event(
    request: HttpRequest,
    run_id: int,
    *,
    read_run: Callable[..., dict[str, Any]],
    read_extra: Callable[[Tx, int], Mapping[str, Any]],
    change: Callable[[Tx, int, int | None], RunEventChange | None],
    label: str,
    detail: str,
) -> HttpResponse:
    """Bind the "Change event" form against the household's events, move the run, say so and
    go back to the run's page (a refusal is shown there as a message)."""
    with request_tx(request, read_only=True) as tx:
        or_404(read_run, tx, run_id, include_consumptions=False)
        choices = read_extra(tx, run_id)["event_choices"]
    form = ChangeRunEventForm(request.POST, events=choices)
    if not form.is_valid():
        messages.error(request, "Choose one of the events in the list, or stock for later.")
        return redirect(detail, run_id=run_id)
    event_id = form.cleaned_data["event"]
    try:
        with request_tx(request) as tx:
            changed = change(tx, run_id, event_id)
            new_name = get_event_by_id(tx, event_id).name if event_id is not None else ""
    except NotFound as exc:
        if exc.entity == label:
            raise Http404(str(exc)) from None
        messages.error(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if changed is None:
            where = f"already counts towards {new_name}" if new_name else "is already stock"
            messages.info(request, f"{label} {run_id} {where}.")
        else:
            where = f"now counts towards {new_name}" if new_name else "is now stock for later"
            messages.success(request, f"{label} {run_id} {where}.")
    return redirect(detail, run_id=run_id)


@member_required
@require_POST
def production_run_event(request: HttpRequest, run_id: int) -> HttpResponse:
    return _change_event(
        request,
        run_id,
        read_run=production_services.get_production_run,
        read_extra=get_production_run_extra,
        change=set_production_run_event,
        label="Baking run",
        detail="production:production_run_detail",
    )


@member_required
@require_POST
def assembly_run_event(request: HttpRequest, run_id: int) -> HttpResponse:
    return _change_event(
        request,
        run_id,
        read_run=production_services.get_assembly_run,
        read_extra=get_assembly_run_extra,
        change=set_assembly_run_event,
        label="Packing run",
        detail="production:assembly_run_detail",
    )


# --- Production history CSV -----------------------------------------------------------------


def production_history_csv_download(request: HttpRequest) -> HttpResponse:
    """The same bytes as `manage.py export_production_history`, with the history page's event
    and dates (`event`, `start`, `end`) as its `--event`, `--from` and `--to`."""
    event_text = request.GET.get("event", "").strip()
    event_id = whole_number_or_none(event_text)
    start = request.GET.get("start", "").strip() or None
    end = request.GET.get("end", "").strip() or None
    try:
        if event_text and event_id is None:
            raise NotFound("Event", event_text[:40])
        with request_tx(request, read_only=True) as tx:
            event = get_event_by_id(tx, event_id) if event_id is not None else None
            data = production_history_csv(
                tx, event_id=event.pk if event else None, start=start, end=end
            )
    except DomainError as exc:
        messages.error(request, f"The baking history cannot be downloaded: {exc}")
        return redirect("production:production_run_list")
    filename = default_filename(event, PRODUCTION_HISTORY) if event else f"{PRODUCTION_HISTORY}.csv"
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
