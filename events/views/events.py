"""Event pages: the list by year, create, the event page itself, edit and delete.

The event page shows its assignments (a page at a time, with status buttons), the forms to
assign packages and set targets, and the targets with their progress.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from bakeplanner.decorators import member_required
from bakeplanner.display import percent_text, plural
from bakeplanner.pages import (
    Refused,
    form_page,
    posted_data,
    read_context,
    read_or_404,
    run_action,
    url_maker,
)
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx
from events.forms import events as forms
from events.models import Assignment, Event, Package, Recipient
from events.services import (
    accept_suggested_plan,
    create_event,
    delete_event,
    get_event_assignment_page,
    get_event_by_id,
    get_event_plan_progress,
    update_event,
)
from events.services.event_list import count_event_assignments, get_event_list
from events.services.plan_progress import plan_steps
from events.views.choices import package_choices, recipient_choices
from events.views.plan_rows import bake_rows, days_left_text, pack_rows, step_links
from events.views.tags import allergen_panel

ASSIGNMENTS_PER_PAGE = 100
# Recipes and gift boxes of the plan tab shown at once (each kind); more are paged. Thirty
# of each is a long scroll on a phone already, and the page's time is mostly these rows.
PLAN_ROWS_PER_PAGE = 30

# The event page's tabs: each shows one part, so a phone never scrolls past the others.
TABS = (("plan", "Plan"), ("packages", "Packages"))

# Above this many recipients the single-assign form moves to its own page (a select of
# thousands of options is heavy to send and useless to scroll).
INLINE_ASSIGN_LIMIT = 200

STATUS_BUTTONS = {
    Assignment.PENDING: ("ready", "Mark ready"),
    Assignment.READY: ("delivered", "Mark delivered"),
}

STATUS_BADGES = {
    Assignment.PENDING: ("text-bg-secondary", "○", "Pending"),
    Assignment.READY: ("text-bg-info", "◐", "Ready"),
    Assignment.DELIVERED: ("text-bg-success", "✓", "Delivered"),
}


# The sections other pages send people back to, and the tab each lives on.
SECTION_TABS = {"assignments": "packages", "assign": "packages", "bulk": "packages"}


def event_url(event_id: int, anchor: str = "") -> str:
    """The event page, on the tab of one of its sections when `anchor` names it ("assignments"
    opens the packages tab, "targets" the plan)."""
    url = reverse("events:event_detail", args=[event_id])
    if not anchor:
        return url
    tab = SECTION_TABS.get(anchor, "plan")
    return f"{url}?tab={tab}#{anchor}" if tab != "plan" else f"{url}#plan"


def _assignment_rows(assignments: list[Assignment], back: str) -> list[dict[str, Any]]:
    recipient_url = url_maker("events:recipient_detail")
    package_url = url_maker("events:package_detail")
    status_url = url_maker("events:assignment_status")
    update_url = url_maker("events:assignment_update")
    delete_url = url_maker("events:assignment_delete")
    revert_url = url_maker("events:assignment_revert")
    next_query = urlencode({"next": back})
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
            "revert_url": (
                f"{revert_url(a.pk)}?{next_query}"
                if a.fulfillment_status != Assignment.PENDING
                else ""
            ),
        }
        for a in assignments
    ]


# --- Event list and create ------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    """Every event grouped by year (newest first), with a form to create one."""
    year = whole_number_or_none(request.GET.get("year", ""))

    def build(tx: Tx) -> dict[str, Any]:
        listed = get_event_list(tx, year=year)
        detail = url_maker("events:event_detail")
        return {
            **listed,
            "rows": [{"event": event, "url": detail(event.pk)} for event in listed["events"]],
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


def recipient_count(tx: Tx) -> int:
    return tx.objects(Recipient).filter(active=True).count()


def package_count(tx: Tx) -> int:
    return tx.objects(Package).count()


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "")
    return tab if tab in dict(TABS) else "plan"


def _plan_part(request: HttpRequest, event_id: int, plan: dict[str, Any]) -> dict[str, Any]:
    steps = step_links(plan_steps([plan], limit=6))
    longest = max(len(plan["baking"]), len(plan["packing"]))
    pages = max(1, -(-longest // PLAN_ROWS_PER_PAGE))
    page = min(max(1, whole_number_or_none(request.GET.get("page", "")) or 1), pages)
    shown = slice((page - 1) * PLAN_ROWS_PER_PAGE, page * PLAN_ROWS_PER_PAGE)
    return {
        "baking_rows": bake_rows(event_id, plan["baking"][shown]),
        "packing_rows": pack_rows(event_id, plan["packing"][shown]),
        "plan_page": page,
        "plan_rows_per_page": PLAN_ROWS_PER_PAGE,
        "plan_page_numbers": range(1, pages + 1) if pages > 1 else [],
        "steps": [step for step in steps if step["kind"] in ("bake", "pack")][:4],
    }


def _packages_part(request: HttpRequest, tx: Tx, event: Event) -> dict[str, Any]:
    page = get_event_assignment_page(
        tx,
        event.pk,
        page=whole_number_or_none(request.GET.get("page", "")) or 1,
        per_page=ASSIGNMENTS_PER_PAGE,
        status=request.GET.get("status") or None,
    )
    recipients = recipient_count(tx)
    part: dict[str, Any] = {
        "assignment_rows": _assignment_rows(page["assignments"], request.get_full_path()),
        "assignment_page": page,
        "page_numbers": range(1, page["pages"] + 1) if page["pages"] > 1 else [],
        "status_filter": page["status"],
        "recipient_total": recipients,
        "package_total": package_count(tx),
        "assign_inline": 0 < recipients <= INLINE_ASSIGN_LIMIT,
    }
    if part["assign_inline"] and part["package_total"]:
        part["assignment_form"] = forms.AssignmentForm(
            recipients=recipient_choices(tx),
            packages=package_choices(tx),
            action=reverse("events:assignment_create", args=[event.pk]),
            prefix_id="assign",
        )
    return part


def _event_page(request: HttpRequest, tx: Tx, pk: int) -> dict[str, Any]:
    event = get_event_by_id(tx, pk)
    tab = _tab(request)
    plan = get_event_plan_progress(tx, event.pk)
    overall = plan["overall"]
    ctx: dict[str, Any] = {
        "event": event,
        "tab": tab,
        "tabs": TABS,
        "plan": plan,
        "overall": overall,
        "when": days_left_text(plan["days_left"]),
        "is_past": plan["days_left"] < 0,
        "overall_text": percent_text(overall["overall_pct"]),
        "status_summary": [
            {
                "status": status,
                "label": label,
                "badge": STATUS_BADGES[status],
                "assignments": overall[f"assignments_{status}"],
                "packages_text": plural(overall[f"packages_{status}"], "package"),
            }
            for status, label in Assignment.STATUS_CHOICES
        ],
        "packages_total_text": plural(overall["packages_total"], "package"),
        "is_empty": not overall["assignments_total"] and not plan["baking"] + plan["packing"],
        # Allergen conflicts and items past their best on the day (docs/allergens-and-freshness.md).
        "allergen_panel": allergen_panel(tx, event.pk),
    }
    if tab == "plan":
        ctx.update(_plan_part(request, event.pk, plan))
    else:
        ctx.update(_packages_part(request, tx, event))
    if ctx["is_empty"]:
        ctx["recipient_total"] = ctx.get("recipient_total", recipient_count(tx))
        ctx["package_total"] = ctx.get("package_total", package_count(tx))
    return ctx


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event page: its plan (baking and packing against the plan) or its packages, one tab
    at a time, with the countdown and the fulfilment counts above both."""
    ctx = read_context(request, lambda tx: _event_page(request, tx, pk))
    return render(request, "events/event_detail.html", ctx)


@member_required
def event_accept_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: every suggested row of the plan becomes a target. GET: back to the event page."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    if request.method != "POST":
        event = read_or_404(request, get_event_by_id, pk)
        return redirect("events:event_detail", event.pk)
    read_or_404(request, get_event_by_id, pk)
    result = run_action(request, lambda tx: accept_suggested_plan(tx, pk))
    if not isinstance(result, Refused):
        if result["baking"] or result["packing"]:
            messages.success(
                request,
                f"Accepted the plan: {plural(result['baking'], 'baking target')} and "
                f"{plural(result['packing'], 'packing target')} set.",
            )
        else:
            messages.info(request, "Every row of the plan already has a target.")
    return redirect(target or event_url(pk))


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
        extra = f" and {plural(deleted, 'assignment')}" if deleted else ""
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
