"""Recipient pages: the searchable list, a recipient's history, create, edit, deactivate and
delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bakeplanner.decorators import member_required
from bakeplanner.pages import (
    Refused,
    delete_page,
    form_page,
    page_links,
    posted_data,
    read_context,
    read_or_404,
    run_action,
)
from bakeplanner.tx import Tx
from events.forms import recipients as forms
from events.models import Recipient
from events.services import (
    create_recipient,
    delete_recipient,
    get_recipient,
    get_recipient_history,
    set_recipient_avoids,
    update_recipient,
)
from events.views.choices import recipient_page

RECIPIENTS_PER_PAGE = 100  # the list shows a page at a time, with the household's totals

EDITABLE = ("name", "household_name", "address", "notes", "active")


def _detail_url(recipient: Recipient) -> str:
    return reverse("events:recipient_detail", args=[recipient.pk])


def recipient_list(request: HttpRequest) -> HttpResponse:
    """Recipients a page at a time by name, with a search and the household's totals."""
    form = forms.RecipientSearchForm(request.GET or None)
    search, inactive = "", True
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["q"]
        inactive = form.cleaned_data["inactive"]

    def build(tx: Tx) -> dict[str, Any]:
        found, totals = recipient_page(
            tx,
            search=search,
            include_inactive=inactive,
            page=request.GET.get("page"),
            per_page=RECIPIENTS_PER_PAGE,
        )
        for recipient in found.object_list:
            recipient.url = reverse("events:recipient_detail", args=[recipient.pk])
        return {
            "form": form,
            "search": search,
            "recipients": found.object_list,
            "pager": page_links(request, found),
            "totals": totals,
        }

    return render(request, "events/recipient_list.html", read_context(request, build))


def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A recipient and everything they were given, newest event first."""

    def build(tx: Tx) -> dict[str, Any]:
        recipient = get_recipient(tx, pk)
        return {"recipient": recipient, "history": get_recipient_history(tx, recipient.pk)}

    return render(request, "events/recipient_detail.html", read_context(request, build))


def _with_avoids(
    tx: Tx, data: dict[str, Any], save: Callable[[dict[str, Any]], Recipient]
) -> Recipient:
    """Save the recipient, then what they avoid (docs/allergens-and-freshness.md)."""
    avoids = data.pop("avoids", [])
    return set_recipient_avoids(tx, save(data).pk, avoids)


@member_required
def recipient_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        "events/recipient_create.html",
        forms.RecipientCreateForm(posted_data(request), with_avoids=True),
        {},
        lambda tx, data: _with_avoids(tx, data, lambda rest: create_recipient(tx, **rest)),
        success=lambda made: f"Added {made.name}.",
        next_url=_detail_url,
    )


@member_required
def recipient_update(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = read_or_404(request, get_recipient, pk)
    initial = {field: getattr(recipient, field) for field in EDITABLE}
    initial["avoids"] = recipient.avoids
    return form_page(
        request,
        "events/recipient_update.html",
        forms.RecipientForm(
            posted_data(request), initial=initial, with_active=True, with_avoids=True
        ),
        {"recipient": recipient},
        lambda tx, data: _with_avoids(tx, data, lambda rest: update_recipient(tx, pk, **rest)),
        success=lambda saved: f"Saved {saved.name}.",
        next_url=_detail_url,
    )


@require_POST
@member_required
def recipient_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (or reactivate) with one button."""
    form = forms.ActiveForm(request.POST)
    recipient = read_or_404(request, get_recipient, pk)
    if not form.is_valid():
        messages.error(request, "Choose active or inactive.")
    else:
        active = form.cleaned_data["active"]
        result = run_action(request, lambda tx: update_recipient(tx, pk, active=active))
        if not isinstance(result, Refused):
            state = "active again" if active else "inactive"
            messages.success(request, f"{recipient.name} is now {state}.")
    return redirect(_detail_url(recipient))


@member_required
def recipient_delete(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = read_or_404(request, get_recipient, pk)
    return delete_page(
        request,
        "events/recipient_delete.html",
        {"recipient": recipient},
        lambda tx: delete_recipient(tx, pk),
        success=f"Deleted {recipient.name}.",
        next_url=reverse("events:recipient_list"),
    )
