"""Assignment pages: give packages to one recipient or many, edit, remove, move the status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bakeplanner.decorators import member_required
from bakeplanner.pages import Refused, form_page, posted_data, read_context, run_action
from bakeplanner.tx import Tx
from events.forms import events as forms
from events.services import (
    assign_package_to_recipient,
    assign_package_to_recipients,
    get_assignment,
    get_event_by_id,
    remove_assignment,
    update_assignment,
    update_fulfillment_status,
)
from events.views.choices import package_choices, recipient_choices
from events.views.events import event_url


def _assign_page(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.AssignmentForm] | type[forms.BulkAssignmentForm],
    assign: Callable[..., Any],
    *,
    who: str,
    template: str,
    success: Callable[[Any], str],
) -> HttpResponse:
    """Give a package to the recipient (or recipients) the form's `who` field names."""

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "event": get_event_by_id(tx, pk),
            "recipients": recipient_choices(tx),
            "packages": package_choices(tx),
        }

    ctx = read_context(request, build)
    form = form_class(posted_data(request), recipients=ctx["recipients"], packages=ctx["packages"])
    return form_page(
        request,
        template,
        form,
        {"event": ctx["event"]},
        lambda tx, data: assign(
            tx, pk, data[who], data["package"], quantity=data["quantity"], notes=data["notes"]
        ),
        success=success,
        next_url=lambda made: event_url(pk, "assignments"),
    )


@member_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _assign_page(
        request,
        pk,
        forms.AssignmentForm,
        assign_package_to_recipient,
        who="recipient",
        template="events/assignment_create.html",
        success=lambda made: "Package assigned.",
    )


@member_required
def assignment_bulk_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _assign_page(
        request,
        pk,
        forms.BulkAssignmentForm,
        assign_package_to_recipients,
        who="recipients",
        template="events/assignment_bulk_create.html",
        success=lambda made: f"Package assigned to {len(made)} recipient(s).",
    )


@member_required
def assignment_update(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(
        request,
        lambda tx: {"assignment": get_assignment(tx, pk), "packages": package_choices(tx)},
    )
    assignment = ctx["assignment"]
    initial = {
        "package": assignment.package_id,
        "quantity": assignment.quantity,
        "notes": assignment.notes,
    }
    form = forms.AssignmentUpdateForm(
        posted_data(request), initial=initial, packages=ctx["packages"]
    )
    return form_page(
        request,
        "events/assignment_update.html",
        form,
        {"assignment": assignment, "event": assignment.event},
        lambda tx, data: update_assignment(
            tx, pk, package_id=data["package"], quantity=data["quantity"], notes=data["notes"]
        ),
        success=lambda saved: f"Saved the assignment for {assignment.recipient.name}.",
        next_url=lambda saved: event_url(assignment.event_id, "assignments"),
    )


@member_required
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST removes (or says why not) and goes back to the event."""
    assignment = read_context(request, lambda tx: {"a": get_assignment(tx, pk)})["a"]
    if request.method == "POST":
        if not isinstance(run_action(request, lambda tx: remove_assignment(tx, pk)), Refused):
            messages.success(
                request,
                f"Removed {assignment.package.name} for {assignment.recipient.name}.",
            )
        return redirect(event_url(assignment.event_id, "assignments"))
    ctx = {"assignment": assignment, "event": assignment.event}
    return render(request, "events/assignment_delete.html", ctx)


@require_POST
@member_required
def assignment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One-click status button: moves an assignment to the state it names."""
    form = forms.StatusForm(request.POST)
    assignment = read_context(request, lambda tx: {"a": get_assignment(tx, pk)})["a"]
    if not form.is_valid():
        messages.error(request, "Choose ready or delivered.")
    else:
        status = form.cleaned_data["status"]
        result = run_action(request, lambda tx: update_fulfillment_status(tx, pk, status))
        if not isinstance(result, Refused):
            messages.success(
                request,
                f"{assignment.package.name} for {assignment.recipient.name} is now {status}.",
            )
    return redirect(event_url(assignment.event_id, "assignments"))
