"""Assignment pages: give packages to one recipient or many, edit, remove, move the status
forward (confirming "Mark delivered") or step it back with a reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from bakeplanner.decorators import member_required
from bakeplanner.display import plural
from bakeplanner.errors import DomainError, NotFound
from bakeplanner.pages import Refused, form_page, posted_data, read_context, run_action
from bakeplanner.tx import Tx, request_tx
from events.forms import events as forms
from events.forms.fulfilment import StatusForm, StepBackForm
from events.models import Assignment, Recipient
from events.services import (
    assign_package_to_recipient,
    assign_package_to_recipients,
    can_assemble_package,
    get_assignment,
    get_event_by_id,
    get_fulfillment_history,
    remove_assignment,
    revert_fulfillment_status,
    update_assignment,
    update_fulfillment_status,
)
from events.services.allergens import conflicts_among
from events.services.assignments import MAX_BULK_RECIPIENTS
from events.services.fulfilment import previous_status
from events.views.choices import package_choices, recipient_choices
from events.views.events import event_url
from production.allergens import allergen_names

Q_MAX_LENGTH = 100  # longer search text is trimmed
CONFLICT_WARNINGS_SHOWN = 5  # a bulk assign names this many conflicts, then counts the rest


def _assign_page(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.AssignmentForm] | type[forms.BulkAssignmentForm],
    assign: Callable[..., Any],
    *,
    who: str,
    template: str,
    success: Callable[[Any], str],
    build: Callable[[Tx], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Give a package to the recipient (or recipients) the form's `who` field names.

    `build`, when given, reads the page's own context (and may name the recipient choices)."""

    def read(tx: Tx) -> dict[str, Any]:
        ctx = {"event": get_event_by_id(tx, pk), "packages": package_choices(tx)}
        ctx.update(build(tx) if build else {})
        if "recipients" not in ctx:
            ctx["recipients"] = recipient_choices(tx)
        return ctx

    ctx = read_context(request, read)
    form = form_class(posted_data(request), recipients=ctx["recipients"], packages=ctx["packages"])
    page = {k: v for k, v in ctx.items() if k not in ("recipients", "packages")}
    conflicts: list[str] = []

    def call(tx: Tx, data: dict[str, Any]) -> Any:
        made = assign(
            tx, pk, data[who], data["package"], quantity=data["quantity"], notes=data["notes"]
        )
        # Allowed, but said (docs/allergens-and-freshness.md, "Recipients who avoid").
        ids = [a.pk for a in (made if isinstance(made, list) else [made])]
        conflicts[:] = [
            f"{c['recipient_name']} avoids {allergen_names(c['allergens'])}, "
            f"which {c['package_name']} contains."
            for c in conflicts_among(tx, tx.objects(Assignment).filter(pk__in=ids))
        ]
        return made

    def said(made: Any) -> str:
        for warning in conflicts[:CONFLICT_WARNINGS_SHOWN]:
            messages.warning(request, warning)
        if len(conflicts) > CONFLICT_WARNINGS_SHOWN:
            messages.warning(
                request,
                f"{plural(len(conflicts), 'recipient')} in all avoid an allergen this package "
                "contains: see Allergens and freshness.",
            )
        return success(made)

    return form_page(
        request,
        template,
        form,
        page,
        call,
        success=said,
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


# --- Bulk assign ----------------------------------------------------------------------------


def _bulk_recipient_rows(tx: Tx, event_id: int, *, q: str, without_package: bool) -> dict[str, Any]:
    """The active recipients the bulk page lists (at most MAX_BULK_RECIPIENTS, narrowed by
    `q`), each with what it already has at the event: three queries however many there are."""
    recipients = tx.objects(Recipient).filter(active=True)
    if q:
        recipients = recipients.filter(Q(name__icontains=q) | Q(household_name__icontains=q))
    if without_package:
        recipients = recipients.exclude(
            pk__in=tx.objects(Assignment).filter(event_id=event_id).values("recipient_id")
        )
    shown = list(
        recipients.order_by("name", "id").values_list("pk", "name", "household_name")[
            : MAX_BULK_RECIPIENTS + 1
        ]
    )
    # Only a list longer than the page shows needs counting.
    total = recipients.count() if len(shown) > MAX_BULK_RECIPIENTS else len(shown)
    shown = shown[:MAX_BULK_RECIPIENTS]
    has: dict[int, list[str]] = {}
    held = (
        tx.objects(Assignment)
        .filter(event_id=event_id, recipient_id__in=[pk for pk, _name, _family in shown])
        .order_by("package__name", "id")
        .values_list("recipient_id", "package__name", "quantity")
    )
    for recipient_id, package_name, quantity in held:
        has.setdefault(recipient_id, []).append(f"{package_name} ×{quantity}")
    rows = [
        {
            "pk": pk,
            "label": f"{name} ({family})" if family else name,
            "has": ", ".join(has.get(pk, [])),
        }
        for pk, name, family in shown
    ]
    return {
        "rows": rows,
        "total": total,
        "with_package": sum(1 for row in rows if row["has"]),
        "truncated": total > len(rows),
    }


@member_required
def assignment_bulk_create(request: HttpRequest, pk: int) -> HttpResponse:
    """One package to many ticked recipients; the list says what each already has here, and
    `?q=` / `?without=1` narrow a long list on the server."""
    q = request.GET.get("q", "").strip()[:Q_MAX_LENGTH]
    without_package = request.GET.get("without") == "1"
    ticked = {int(v) for v in request.POST.getlist("recipients") if v.isascii() and v.isdigit()}

    def build(tx: Tx) -> dict[str, Any]:
        listing = _bulk_recipient_rows(tx, pk, q=q, without_package=without_package)
        ctx = {"listing": listing, "q": q, "without": without_package, "ticked": ticked}
        if request.method != "POST":
            # Nothing is validated on GET: the rows shown are the choices.
            ctx["recipients"] = [(row["pk"], row["label"]) for row in listing["rows"]]
        return ctx

    return _assign_page(
        request,
        pk,
        forms.BulkAssignmentForm,
        assign_package_to_recipients,
        who="recipients",
        template="events/assignment_bulk_create.html",
        success=lambda made: (
            f"{made[0].package.name} assigned to {plural(len(made), 'recipient')}."
        ),
        build=build,
    )


# --- Edit and remove ------------------------------------------------------------------------


@member_required
def assignment_update(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(
        request,
        lambda tx: {
            "assignment": get_assignment(tx, pk),
            "packages": package_choices(tx),
            "history": get_fulfillment_history(tx, pk),
        },
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
        {
            "assignment": assignment,
            "event": assignment.event,
            "history": ctx["history"],
            "can_step_back": previous_status(assignment.fulfillment_status) is not None,
        },
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
            messages.success(request, f"Removed {_whose(assignment)}.")
        return redirect(event_url(assignment.event_id, "assignments"))
    ctx = {"assignment": assignment, "event": assignment.event}
    return render(request, "events/assignment_delete.html", ctx)


# --- Status ---------------------------------------------------------------------------------


def _next_url(request: HttpRequest, given: str, fallback: str) -> str:
    """`given` when it is an address on this site (a path, not another host), else
    `fallback`: a posted `next` must never send anyone elsewhere."""
    if (
        given.startswith("/")
        and not given.startswith("//")
        and url_has_allowed_host_and_scheme(
            given, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return given
    return fallback


def _whose(assignment: Assignment) -> str:
    return f"{assignment.recipient.name}'s {assignment.package.name}"


def _not_packed_text(check: dict[str, Any]) -> str:
    """The gift boxes the packed stock does not cover: "2 × Cookie tin (1 in stock), …"."""
    return ", ".join(
        f"{m['needed']} × {m['finished_good_name']} ({m['available']} in stock)"
        for m in check["missing"]
    )


def _mark_ready(request: HttpRequest, assignment: Assignment) -> None:
    """One tap: the change is made, then a warning says which gift boxes are not packed yet
    (marking ready is not gated on stock)."""

    def ready(tx: Tx) -> dict[str, Any]:
        update_fulfillment_status(tx, assignment.pk, Assignment.READY)
        return can_assemble_package(tx, assignment.pk)

    check = run_action(request, ready)
    if isinstance(check, Refused):
        return
    done = f"{_whose(assignment)} is now ready."
    if check["can_assemble"]:
        messages.success(request, done)
    else:
        messages.warning(request, f"{done} Not packed yet: {_not_packed_text(check)}.")


@require_http_methods(["GET", "POST"])
@member_required
def assignment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status buttons: "Mark ready" is one tap; "Mark delivered" first shows a
    confirmation page (a GET, or a POST without `confirm=1`) and is done by its button."""
    assignment = read_context(request, lambda tx: {"a": get_assignment(tx, pk)})["a"]
    fallback = event_url(assignment.event_id, "assignments")
    data: QueryDict = request.POST if request.method == "POST" else QueryDict(mutable=True)
    if request.method == "GET":
        data["status"] = Assignment.DELIVERED
        data["next"] = request.GET.get("next", "")
    form = StatusForm(data)
    if not form.is_valid():
        messages.error(request, "Choose ready or delivered.")
        return redirect(_next_url(request, str(request.POST.get("next", "")), fallback))
    back = _next_url(request, form.cleaned_data["next"], fallback)
    status = form.cleaned_data["status"]
    if status == Assignment.READY:
        _mark_ready(request, assignment)
        return redirect(back)
    if request.method == "GET" or not form.cleaned_data["confirm"]:
        ctx = {
            "assignment": assignment,
            "event": assignment.event,
            "whose": _whose(assignment),
            "next": back,
        }
        return render(request, "events/assignment_status.html", ctx)
    result = run_action(request, lambda tx: update_fulfillment_status(tx, pk, status))
    if not isinstance(result, Refused):
        messages.success(request, f"{_whose(assignment)} is now delivered.")
    return redirect(back)


@member_required
def assignment_revert(request: HttpRequest, pk: int) -> HttpResponse:
    """Step an assignment's status back one step with a reason: GET asks, POST does it and
    goes back to the event (or to a local `next`)."""

    def read(tx: Tx) -> Assignment:
        return get_assignment(tx, pk)

    assignment = read_context(request, lambda tx: {"a": read(tx)})["a"]
    given = request.POST.get("next", "") if request.method == "POST" else request.GET.get("next")
    back = _next_url(request, str(given or ""), event_url(assignment.event_id, "assignments"))
    initial = {"from_status": assignment.fulfillment_status, "next": back}
    form = _step_back_form(posted_data(request), assignment, initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                revert_fulfillment_status(
                    tx,
                    pk,
                    reason=form.cleaned_data["reason"],
                    expected_status=form.cleaned_data["from_status"],
                )
        except NotFound as exc:
            raise Http404(str(exc)) from None
        except DomainError as exc:
            if getattr(exc, "field", None) == "reason":
                form.add_error("reason", str(exc))
            else:
                # The status moved meanwhile: show it as it is now, the reason kept.
                error = str(exc)
                assignment = read_context(request, lambda tx: {"a": read(tx)})["a"]
                fresh = request.POST.copy()
                fresh["from_status"] = assignment.fulfillment_status
                form = _step_back_form(fresh, assignment, initial)
                form.is_valid()
        else:
            target = previous_status(form.cleaned_data["from_status"])
            messages.success(request, f"{_whose(assignment)} is back to {target}.")
            return redirect(back)
    ctx = {
        "assignment": assignment,
        "event": assignment.event,
        "whose": _whose(assignment),
        "target": previous_status(assignment.fulfillment_status),
        "form": form,
        "error": error,
        "back": back,
    }
    return render(request, "events/assignment_revert.html", ctx)


def _step_back_form(
    data: QueryDict | None, assignment: Assignment, initial: dict[str, Any]
) -> StepBackForm:
    target = previous_status(assignment.fulfillment_status)
    return StepBackForm(data, initial=initial, submit=f"Step back to {target or 'pending'}")
