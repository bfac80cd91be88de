"""Event pages: the list by year, create, the event page itself, edit and delete.

The event page shows its assignments (a page at a time, with status buttons), the forms to
assign packages and set targets, and the targets with their progress.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.pages import form_page, posted_data, read_context, read_or_404
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx
from events.forms import events as forms
from events.models import Assignment
from events.services import (
    create_event,
    delete_event,
    get_assembly_targets,
    get_event_assignments,
    get_event_by_id,
    get_event_progress,
    get_production_targets,
    update_event,
)
from events.services.event_list import count_event_assignments, get_event_list
from events.views.choices import good_choices, package_choices, recipe_choices, recipient_choices

ASSIGNMENTS_PER_PAGE = 100

STATUS_BUTTONS = {
    Assignment.PENDING: ("ready", "Mark ready"),
    Assignment.READY: ("delivered", "Mark delivered"),
}

STATUS_BADGES = {
    Assignment.PENDING: ("text-bg-secondary", "○", "Pending"),
    Assignment.READY: ("text-bg-info", "◐", "Ready"),
    Assignment.DELIVERED: ("text-bg-success", "✓", "Delivered"),
}


def event_url(event_id: int, anchor: str = "") -> str:
    """The event page, at one of its sections when `anchor` names it."""
    url = reverse("events:event_detail", args=[event_id])
    return f"{url}#{anchor}" if anchor else url


def _url_maker(name: str) -> Callable[[int], str]:
    """`reverse` once, then fill in ids by string: a long table would otherwise spend most of
    its time resolving the same few URL patterns again and again."""
    marker = 987654321
    template = reverse(name, args=[marker])
    head, tail = template.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _assignment_rows(assignments: list[Assignment]) -> list[dict[str, Any]]:
    recipient_url = _url_maker("events:recipient_detail")
    package_url = _url_maker("events:package_detail")
    status_url = _url_maker("events:assignment_status")
    update_url = _url_maker("events:assignment_update")
    delete_url = _url_maker("events:assignment_delete")
    return [
        {
            "assignment": a,
            "button": STATUS_BUTTONS.get(a.fulfillment_status),
            "badge": STATUS_BADGES[a.fulfillment_status],
            "recipient_url": recipient_url(a.recipient_id),
            "package_url": package_url(a.package_id),
            "status_url": status_url(a.pk),
            "update_url": update_url(a.pk),
            "delete_url": delete_url(a.pk),
        }
        for a in assignments
    ]


# --- Event list and create ------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    """Every event grouped by year (newest first), with a form to create one."""
    year = whole_number_or_none(request.GET.get("year", ""))

    def build(tx: Tx) -> dict[str, Any]:
        return {
            **get_event_list(tx, year=year),
            "form": forms.EventForm(submit="Create event", action=reverse("events:event_create")),
        }

    return render(request, "events/event_list.html", read_context(request, build))


@member_required
def event_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        "events/event_create.html",
        forms.EventForm(posted_data(request), submit="Create event"),
        {},
        lambda tx, data: create_event(tx, **data),
        success=lambda event: f"Created the event {event.name}.",
        next_url=lambda event: event_url(event.pk),
    )


# --- Event page, edit, delete ---------------------------------------------------------------


def _event_page(request: HttpRequest, tx: Tx, pk: int) -> dict[str, Any]:
    event = get_event_by_id(tx, pk)
    assignments = get_event_assignments(tx, event.pk)
    # A long packing list is shown a page at a time; the counts above it cover them all.
    assignment_page = Paginator(assignments, ASSIGNMENTS_PER_PAGE).get_page(request.GET.get("page"))
    production_targets = get_production_targets(tx, event.pk)
    assembly_targets = get_assembly_targets(tx, event.pk)
    progress = get_event_progress(tx, event.pk)
    production_progress = {r["recipe_id"]: r for r in progress["production"]}
    assembly_progress = {r["finished_good_id"]: r for r in progress["assembly"]}
    recipients = recipient_choices(tx)
    packages = package_choices(tx)
    recipes = recipe_choices(tx)
    goods = good_choices(tx)
    rows_by_status = Counter(a.fulfillment_status for a in assignments)
    packages_by_status: Counter[str] = Counter()
    for a in assignments:
        packages_by_status[a.fulfillment_status] += a.quantity
    return {
        "event": event,
        "overall": progress["overall"],
        "assignment_rows": _assignment_rows(list(assignment_page)),
        "assignment_page": assignment_page,
        "status_summary": [
            {
                "status": status,
                "label": label,
                "assignments": rows_by_status[status],
                "packages": packages_by_status[status],
            }
            for status, label in Assignment.STATUS_CHOICES
        ],
        "packages_total": sum(packages_by_status.values()),
        "production_rows": [
            {"target": t, "progress": production_progress.get(t.recipe_id)}
            for t in production_targets
        ],
        "assembly_rows": [
            {"target": t, "progress": assembly_progress.get(t.finished_good_id)}
            for t in assembly_targets
        ],
        "assignment_form": forms.AssignmentForm(
            recipients=recipients,
            packages=packages,
            action=reverse("events:assignment_create", args=[event.pk]),
            prefix_id="assign",
        ),
        "bulk_form": forms.BulkAssignmentForm(
            recipients=recipients,
            packages=packages,
            action=reverse("events:assignment_bulk_create", args=[event.pk]),
            prefix_id="bulk",
        ),
        "production_target_form": forms.ProductionTargetForm(
            choices=recipes,
            action=reverse("events:production_target_set", args=[event.pk]),
            prefix_id="production",
        ),
        "assembly_target_form": forms.AssemblyTargetForm(
            choices=goods,
            action=reverse("events:assembly_target_set", args=[event.pk]),
            prefix_id="assembly",
        ),
    }


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event shell: assignments with status buttons, bulk assign, targets, planning."""
    ctx = read_context(request, lambda tx: _event_page(request, tx, pk))
    return render(request, "events/event_detail.html", ctx)


@member_required
def event_update(request: HttpRequest, pk: int) -> HttpResponse:
    event = read_or_404(request, get_event_by_id, pk)
    initial = {"name": event.name, "event_date": event.event_date, "notes": event.notes}
    return form_page(
        request,
        "events/event_update.html",
        forms.EventForm(posted_data(request), initial=initial),
        {"event": event},
        lambda tx, data: update_event(tx, pk, **data),
        success=lambda saved: f"Saved the event {saved.name}.",
        next_url=lambda saved: event_url(saved.pk),
    )


@member_required
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation page; assignments go only when the box is ticked."""

    def build(tx: Tx) -> dict[str, Any]:
        event = get_event_by_id(tx, pk)
        return {"event": event, "assignment_count": count_event_assignments(tx, event.pk)}

    ctx = read_context(request, build)
    form = forms.EventDeleteForm(posted_data(request), assignment_count=ctx["assignment_count"])

    def delete(tx: Tx, data: dict[str, Any]) -> int:
        return delete_event(tx, pk, cascade_assignments=bool(data.get("cascade_assignments")))

    def said(deleted: int) -> str:
        extra = f" and {deleted} assignment(s)" if deleted else ""
        return f"Deleted the event {ctx['event'].name}{extra}."

    return form_page(
        request,
        "events/event_delete.html",
        form,
        ctx,
        delete,
        success=said,
        next_url=lambda deleted: reverse("events:event_list"),
    )
