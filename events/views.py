"""Event, assignment, target, recipient and package pages (SPEC §7).

Read pages open a read-only unit of work and build their whole context inside it. Write
pages read what the form needs (choices, the object named in the URL) in a read-only unit
of work, bind and validate the form, then call the service in a write unit of work; a
`DomainError` re-renders the form with its message.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bakeplanner.decorators import member_required
from bakeplanner.errors import DomainError, NotFound
from bakeplanner.params import whole_number_or_none
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx
from events import forms
from events.models import Assignment, Event, Package, PackageItem, Recipient
from events.services import (
    add_package_item,
    assign_package_to_recipient,
    assign_package_to_recipients,
    create_event,
    create_package,
    create_recipient,
    delete_assembly_target,
    delete_event,
    delete_package,
    delete_production_target,
    delete_recipient,
    get_all_packages,
    get_assembly_targets,
    get_assignment,
    get_available_years,
    get_event_assignments,
    get_event_by_id,
    get_event_progress,
    get_package,
    get_production_targets,
    get_recipient,
    get_recipient_history,
    get_recipients,
    remove_assignment,
    remove_package_item,
    set_assembly_target,
    set_production_target,
    update_assignment,
    update_event,
    update_fulfillment_status,
    update_package,
    update_package_item,
    update_recipient,
)
from production.models import FinishedGood, Recipe
from production.services.lookup import get_owned

# --- Helpers ------------------------------------------------------------------------------

STATUS_BUTTONS = {
    Assignment.PENDING: ("ready", "Mark ready"),
    Assignment.READY: ("delivered", "Mark delivered"),
}


ASSIGNMENTS_PER_PAGE = 100

STATUS_BADGES = {
    Assignment.PENDING: ("text-bg-secondary", "○", "Pending"),
    Assignment.READY: ("text-bg-info", "◐", "Ready"),
    Assignment.DELIVERED: ("text-bg-success", "✓", "Delivered"),
}


def _url_maker(name: str) -> Any:
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


def _or_404(call: Any, *args: Any) -> Any:
    """Run a read service; an id outside the household is a 404, never a 403."""
    try:
        return call(*args)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _owned_or_404(tx: Tx, model: Any, pk: Any) -> Any:
    return _or_404(get_owned, tx, model, pk)


def _posted(request: HttpRequest) -> Any:
    """The POST data to bind (even when empty), or None to show an unbound form."""
    return request.POST if request.method == "POST" else None


def _show_error(form: Form, exc: DomainError) -> None:
    """Put a service's message on the field it names, else on the whole form."""
    field = getattr(exc, "field", None)
    if field and field in form.fields:
        form.add_error(field, str(exc))
    else:
        form.add_error(None, str(exc))


def _recipient_choices(tx: Tx) -> list[tuple[int, str]]:
    rows = tx.objects(Recipient).filter(active=True).order_by("name", "id")
    return [
        (pk, f"{name} ({family})" if family else name)
        for pk, name, family in rows.values_list("pk", "name", "household_name")
    ]


def _package_choices(tx: Tx) -> list[tuple[int, str]]:
    return list(tx.objects(Package).order_by("name", "id").values_list("pk", "name"))


def _recipe_choices(tx: Tx) -> list[tuple[int, str]]:
    return list(
        tx.objects(Recipe).filter(archived=False).order_by("name", "id").values_list("pk", "name")
    )


def _good_choices(tx: Tx) -> list[tuple[int, str]]:
    return list(tx.objects(FinishedGood).order_by("name", "id").values_list("pk", "name"))


def _event_url(event_id: int, anchor: str = "") -> str:
    url = reverse("events:event_detail", args=[event_id])
    return f"{url}#{anchor}" if anchor else url


# --- Dashboard and event list -------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    """Upcoming events with their package counts by status (the planning dashboard lives
    in `events.dashboard_views`)."""
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
    """Every event grouped by year (newest first), with a form to create one."""
    year = request.GET.get("year", "")
    with request_tx(request, read_only=True) as tx:
        years = get_available_years(tx)
        events = tx.objects(Event).annotate(
            assignment_count=Count("assignments"),
            packages_total=Sum("assignments__quantity"),
            packages_delivered=Sum(
                "assignments__quantity",
                filter=Q(assignments__fulfillment_status=Assignment.DELIVERED),
            ),
        )
        selected = whole_number_or_none(year)
        selected = selected if selected in years else None
        if selected is not None:
            events = events.filter(event_date__year=selected)
        ctx = {
            "events": list(events.order_by("-event_date", "name", "id")),
            "years": years,
            "selected_year": selected,
            "form": forms.EventForm(submit="Create event", action=reverse("events:event_create")),
        }
    return render(request, "events/event_list.html", ctx)


@member_required
def event_create(request: HttpRequest) -> HttpResponse:
    form = forms.EventForm(_posted(request), submit="Create event")
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                event = create_event(tx, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Created the event {event.name}.")
            return redirect("events:event_detail", event.pk)
    return render(request, "events/event_create.html", {"form": form})


# --- Event page ---------------------------------------------------------------------------


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event shell: assignments with status buttons, bulk assign, targets, planning."""
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
        assignments = get_event_assignments(tx, event.pk)
        # A long packing list is shown a page at a time; the counts above it cover them all.
        assignment_page = Paginator(assignments, ASSIGNMENTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        production_targets = get_production_targets(tx, event.pk)
        assembly_targets = get_assembly_targets(tx, event.pk)
        progress = get_event_progress(tx, event.pk)
        production_progress = {r["recipe_id"]: r for r in progress["production"]}
        assembly_progress = {r["finished_good_id"]: r for r in progress["assembly"]}
        recipients = _recipient_choices(tx)
        packages = _package_choices(tx)
        recipes = _recipe_choices(tx)
        goods = _good_choices(tx)
        rows_by_status = Counter(a.fulfillment_status for a in assignments)
        packages_by_status: Counter[str] = Counter()
        for a in assignments:
            packages_by_status[a.fulfillment_status] += a.quantity
        ctx = {
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
                recipes=recipes,
                action=reverse("events:production_target_set", args=[event.pk]),
                prefix_id="production",
            ),
            "assembly_target_form": forms.AssemblyTargetForm(
                goods=goods,
                action=reverse("events:assembly_target_set", args=[event.pk]),
                prefix_id="assembly",
            ),
        }
    return render(request, "events/event_detail.html", ctx)


@member_required
def event_update(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
    initial = {"name": event.name, "event_date": event.event_date, "notes": event.notes}
    form = forms.EventForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                event = update_event(tx, event.pk, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Saved the event {event.name}.")
            return redirect("events:event_detail", event.pk)
    return render(request, "events/event_update.html", {"form": form, "event": event})


@member_required
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation page; assignments go only when the box is ticked."""
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
        assignment_count = tx.objects(Assignment).filter(event=event).count()
    form = forms.EventDeleteForm(_posted(request), assignment_count=assignment_count)
    if request.method == "POST" and form.is_valid():
        cascade = bool(form.cleaned_data.get("cascade_assignments"))
        try:
            with request_tx(request) as tx:
                deleted = delete_event(tx, event.pk, cascade_assignments=cascade)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            extra = f" and {deleted} assignment(s)" if deleted else ""
            messages.success(request, f"Deleted the event {event.name}{extra}.")
            return redirect("events:event_list")
    ctx = {"form": form, "event": event, "assignment_count": assignment_count}
    return render(request, "events/event_delete.html", ctx)


# --- Assignments --------------------------------------------------------------------------


@member_required
def assignment_create(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
        choices = {"recipients": _recipient_choices(tx), "packages": _package_choices(tx)}
    form = forms.AssignmentForm(_posted(request), **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with request_tx(request) as tx:
                assign_package_to_recipient(
                    tx,
                    event.pk,
                    data["recipient"],
                    data["package"],
                    quantity=data["quantity"],
                    notes=data["notes"],
                )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, "Package assigned.")
            return redirect(_event_url(event.pk, "assignments"))
    return render(request, "events/assignment_create.html", {"form": form, "event": event})


@member_required
def assignment_bulk_create(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
        choices = {"recipients": _recipient_choices(tx), "packages": _package_choices(tx)}
    form = forms.BulkAssignmentForm(_posted(request), **choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with request_tx(request) as tx:
                made = assign_package_to_recipients(
                    tx,
                    event.pk,
                    data["recipients"],
                    data["package"],
                    quantity=data["quantity"],
                    notes=data["notes"],
                )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Package assigned to {len(made)} recipient(s).")
            return redirect(_event_url(event.pk, "assignments"))
    return render(request, "events/assignment_bulk_create.html", {"form": form, "event": event})


@member_required
def assignment_update(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        assignment = _or_404(get_assignment, tx, pk)
        packages = _package_choices(tx)
    initial = {
        "package": assignment.package_id,
        "quantity": assignment.quantity,
        "notes": assignment.notes,
    }
    form = forms.AssignmentUpdateForm(_posted(request), initial=initial, packages=packages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with request_tx(request) as tx:
                update_assignment(
                    tx,
                    assignment.pk,
                    package_id=data["package"],
                    quantity=data["quantity"],
                    notes=data["notes"],
                )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Saved the assignment for {assignment.recipient.name}.")
            return redirect(_event_url(assignment.event_id, "assignments"))
    ctx = {"form": form, "assignment": assignment, "event": assignment.event}
    return render(request, "events/assignment_update.html", ctx)


@member_required
def assignment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        assignment = _or_404(get_assignment, tx, pk)
    if request.method == "POST":
        try:
            with request_tx(request) as tx:
                remove_assignment(tx, assignment.pk)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Removed {assignment.package.name} for {assignment.recipient.name}.",
            )
        return redirect(_event_url(assignment.event_id, "assignments"))
    ctx = {"assignment": assignment, "event": assignment.event}
    return render(request, "events/assignment_delete.html", ctx)


@require_POST
@member_required
def assignment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One-click status button: moves an assignment to the state it names."""
    form = forms.StatusForm(request.POST)
    with request_tx(request, read_only=True) as tx:
        assignment = _or_404(get_assignment, tx, pk)
    if not form.is_valid():
        messages.error(request, "Choose ready or delivered.")
    else:
        try:
            with request_tx(request) as tx:
                update_fulfillment_status(tx, assignment.pk, form.cleaned_data["status"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"{assignment.package.name} for {assignment.recipient.name} is now "
                f"{form.cleaned_data['status']}.",
            )
    return redirect(_event_url(assignment.event_id, "assignments"))


# --- Targets ------------------------------------------------------------------------------


@member_required
def production_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change a production target (`?recipe=<id>` pre-fills an existing one)."""
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
        recipes = _recipe_choices(tx)
        initial: dict[str, Any] = {}
        recipe_id = whole_number_or_none(request.GET.get("recipe"))
        if recipe_id is not None:
            for target in get_production_targets(tx, event.pk):
                if target.recipe_id == recipe_id:
                    initial = {
                        "recipe": target.recipe_id,
                        "target_batches": target.target_batches,
                        "notes": target.notes,
                    }
                    # An archived recipe with a target stays choosable for editing.
                    if all(key != target.recipe_id for key, _ in recipes):
                        recipes.append((target.recipe_id, target.recipe.name))
    form = forms.ProductionTargetForm(_posted(request), initial=initial, recipes=recipes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with request_tx(request) as tx:
                target = set_production_target(
                    tx, event.pk, data["recipe"], data["target_batches"], notes=data["notes"]
                )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(
                request,
                f"Target for {target.recipe.name}: {target.target_batches} batch(es).",
            )
            return redirect(_event_url(event.pk, "targets"))
    return render(request, "events/production_target_set.html", {"form": form, "event": event})


@require_POST
@member_required
def production_target_delete(request: HttpRequest, pk: int, recipe_id: int) -> HttpResponse:
    return _target_delete(request, pk, delete_production_target, recipe_id, "production")


def _target_delete(
    request: HttpRequest, pk: int, delete: Any, item_id: int, kind: str
) -> HttpResponse:
    """Remove one of the event's targets; say so when it was already gone."""
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
    try:
        with request_tx(request) as tx:
            deleted = delete(tx, event.pk, item_id)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if deleted:
            messages.success(request, f"{kind.capitalize()} target removed.")
        else:
            messages.info(request, f"That {kind} target was already gone.")
    return redirect(_event_url(event.pk, "targets"))


@member_required
def assembly_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change an assembly target (`?finished_good=<id>` pre-fills an existing one)."""
    with request_tx(request, read_only=True) as tx:
        event = _or_404(get_event_by_id, tx, pk)
        goods = _good_choices(tx)
        initial: dict[str, Any] = {}
        good_id = whole_number_or_none(request.GET.get("finished_good"))
        if good_id is not None:
            for target in get_assembly_targets(tx, event.pk):
                if target.finished_good_id == good_id:
                    initial = {
                        "finished_good": target.finished_good_id,
                        "target_quantity": target.target_quantity,
                        "notes": target.notes,
                    }
    form = forms.AssemblyTargetForm(_posted(request), initial=initial, goods=goods)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with request_tx(request) as tx:
                target = set_assembly_target(
                    tx,
                    event.pk,
                    data["finished_good"],
                    data["target_quantity"],
                    notes=data["notes"],
                )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(
                request,
                f"Target for {target.finished_good.name}: {target.target_quantity}.",
            )
            return redirect(_event_url(event.pk, "targets"))
    return render(request, "events/assembly_target_set.html", {"form": form, "event": event})


@require_POST
@member_required
def assembly_target_delete(request: HttpRequest, pk: int, finished_good_id: int) -> HttpResponse:
    return _target_delete(request, pk, delete_assembly_target, finished_good_id, "assembly")


# --- Recipients ---------------------------------------------------------------------------


def recipient_list(request: HttpRequest) -> HttpResponse:
    form = forms.RecipientSearchForm(request.GET or None)
    search, inactive = "", True
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["q"]
        inactive = form.cleaned_data["inactive"]
    with request_tx(request, read_only=True) as tx:
        ctx = {
            "form": form,
            "search": search,
            "recipients": get_recipients(tx, search=search, include_inactive=inactive),
        }
    return render(request, "events/recipient_list.html", ctx)


def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A recipient and everything they were given, newest event first."""
    with request_tx(request, read_only=True) as tx:
        recipient = _or_404(get_recipient, tx, pk)
        ctx = {"recipient": recipient, "history": get_recipient_history(tx, recipient.pk)}
    return render(request, "events/recipient_detail.html", ctx)


@member_required
def recipient_create(request: HttpRequest) -> HttpResponse:
    form = forms.RecipientCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(TOKEN_FIELD)
        try:
            with request_tx(request) as tx:
                recipient = once(
                    tx,
                    token,
                    lambda: create_recipient(tx, **data),
                    lambda made: reverse("events:recipient_detail", args=[made.pk]),
                )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            if isinstance(recipient, Replayed):
                return replayed_response(request, recipient)
            messages.success(request, f"Added {recipient.name}.")
            return redirect("events:recipient_detail", recipient.pk)
    return render(request, "events/recipient_create.html", {"form": form})


@member_required
def recipient_update(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        recipient = _or_404(get_recipient, tx, pk)
    initial = {
        field: getattr(recipient, field)
        for field in ("name", "household_name", "address", "notes", "active")
    }
    form = forms.RecipientForm(_posted(request), initial=initial, with_active=True)
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                recipient = update_recipient(tx, recipient.pk, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Saved {recipient.name}.")
            return redirect("events:recipient_detail", recipient.pk)
    ctx = {"form": form, "recipient": recipient}
    return render(request, "events/recipient_update.html", ctx)


@require_POST
@member_required
def recipient_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (or reactivate) with one button."""
    form = forms.ActiveForm(request.POST)
    with request_tx(request, read_only=True) as tx:
        recipient = _or_404(get_recipient, tx, pk)
    if not form.is_valid():
        messages.error(request, "Choose active or inactive.")
    else:
        active = form.cleaned_data["active"]
        try:
            with request_tx(request) as tx:
                update_recipient(tx, recipient.pk, active=active)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            state = "active again" if active else "inactive"
            messages.success(request, f"{recipient.name} is now {state}.")
    return redirect("events:recipient_detail", recipient.pk)


@member_required
def recipient_delete(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        recipient = _or_404(get_recipient, tx, pk)
    error = ""
    if request.method == "POST":
        try:
            with request_tx(request) as tx:
                delete_recipient(tx, recipient.pk)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Deleted {recipient.name}.")
            return redirect("events:recipient_list")
    ctx = {"recipient": recipient, "error": error}
    return render(request, "events/recipient_delete.html", ctx)


# --- Packages -----------------------------------------------------------------------------


def package_list(request: HttpRequest) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        ctx = {"packages": get_all_packages(tx)}
    return render(request, "events/package_list.html", ctx)


def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A package and its contents editor."""
    with request_tx(request, read_only=True) as tx:
        package = _or_404(get_package, tx, pk)
        items = list(package.items.all())
        used = {item.finished_good_id for item in items}
        goods = [(key, name) for key, name in _good_choices(tx) if key not in used]
        ctx = {
            "package": package,
            "items": items,
            "item_form": forms.PackageItemForm(
                goods=goods, action=reverse("events:package_item_create", args=[package.pk])
            ),
            "has_goods": bool(goods),
        }
    return render(request, "events/package_detail.html", ctx)


@member_required
def package_create(request: HttpRequest) -> HttpResponse:
    form = forms.PackageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                package = create_package(tx, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Created {package.name}; now add what goes in it.")
            return redirect("events:package_detail", package.pk)
    return render(request, "events/package_create.html", {"form": form})


@member_required
def package_update(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        package = _owned_or_404(tx, Package, pk)
    form = forms.PackageForm(
        _posted(request), initial={"name": package.name, "notes": package.notes}
    )
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                package = update_package(tx, package.pk, **form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Saved {package.name}.")
            return redirect("events:package_detail", package.pk)
    return render(request, "events/package_update.html", {"form": form, "package": package})


@member_required
def package_delete(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        package = _or_404(get_package, tx, pk)
    error = ""
    if request.method == "POST":
        try:
            with request_tx(request) as tx:
                delete_package(tx, package.pk)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Deleted {package.name}.")
            return redirect("events:package_list")
    return render(request, "events/package_delete.html", {"package": package, "error": error})


@member_required
def package_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        package = _owned_or_404(tx, Package, pk)
        goods = _good_choices(tx)
    form = forms.PackageItemForm(_posted(request), goods=goods)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with request_tx(request) as tx:
                add_package_item(tx, package.pk, data["finished_good"], data["quantity"])
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, f"Added to {package.name}.")
            return redirect("events:package_detail", package.pk)
    return render(request, "events/package_item_create.html", {"form": form, "package": package})


@member_required
def package_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        item = _owned_or_404(tx, PackageItem, pk)
        package = item.package
        good = item.finished_good
    form = forms.PackageItemQuantityForm(_posted(request), initial={"quantity": item.quantity})
    if request.method == "POST" and form.is_valid():
        try:
            with request_tx(request) as tx:
                update_package_item(tx, item.pk, form.cleaned_data["quantity"])
        except DomainError as exc:
            _show_error(form, exc)
        else:
            quantity = form.cleaned_data["quantity"]
            messages.success(request, f"{package.name} now holds {quantity} × {good.name}.")
            return redirect("events:package_detail", package.pk)
    ctx = {"form": form, "item": item, "package": package, "good": good}
    return render(request, "events/package_item_update.html", ctx)


@require_POST
@member_required
def package_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        item = _owned_or_404(tx, PackageItem, pk)
        package_id = item.package_id
    try:
        with request_tx(request) as tx:
            remove_package_item(tx, item.pk)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Removed from the package.")
    return redirect("events:package_detail", package_id)
