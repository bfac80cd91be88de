"""The shared shape of a page, so every app writes its pages alike.

A read page builds its whole context in one read-only unit of work (`read_context`,
`read_or_404`, `object_or_404`); an id outside the household is a 404, never a 403. A write
page reads what its form needs, binds and validates the form, then calls the service in one
write unit of work (`write_with`); a `DomainError` is shown on the form and nothing changes
(a one-button POST uses `run_action` and shows it as a message instead). `form_page` and
`delete_page` are that whole flow for a create/edit page and a confirm-delete page;
`list_params`, `sort_headers` and `list_page_links` serve the searchable, sortable lists.

This module belongs to the core: it never imports an app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from bakeplanner.errors import DomainError, NotFound
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx

__all__ = [
    "REFUSED",
    "SMALL_HIDDEN",
    "ConfirmForm",
    "Refused",
    "delete_page",
    "form_page",
    "list_page_links",
    "list_params",
    "object_or_404",
    "or_404",
    "owned_or_404",
    "posted_data",
    "read_context",
    "read_or_404",
    "run_action",
    "show_error",
    "sort_headers",
    "write_with",
]

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")


# --- Reading --------------------------------------------------------------------------------


def or_404(read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a read service; an id outside the household is a 404, never a 403."""
    try:
        return read(*args, **kwargs)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def owned_or_404(tx: Tx, model: type[M], pk: int) -> M:
    """The household's `model` row with this id, or a 404."""
    try:
        return tx.objects(model).get(pk=pk)
    except ObjectDoesNotExist:
        name = str(model._meta.verbose_name).capitalize()
        raise Http404(f"{name} {pk} was not found.") from None


def read_or_404(
    request: HttpRequest, read: Callable[Concatenate[Tx, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """One read service in a read-only unit of work of its own; a foreign id is a 404."""
    with request_tx(request, read_only=True) as tx:
        return or_404(read, tx, *args, **kwargs)


def object_or_404(request: HttpRequest, model: type[M], pk: int) -> M:
    """The household's `model` row with this id, read in its own unit of work, or a 404."""
    return read_or_404(request, owned_or_404, model, pk)


def read_context(request: HttpRequest, build: Callable[[Tx], dict[str, Any]]) -> dict[str, Any]:
    """Build a page's context in one read-only unit of work; a foreign id is a 404."""
    try:
        with request_tx(request, read_only=True) as tx:
            return build(tx)
    except NotFound as exc:
        raise Http404(str(exc)) from None


# --- Writing --------------------------------------------------------------------------------


def posted_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind (even when empty), or None to show an unbound form."""
    return request.POST if request.method == "POST" else None


def show_error(
    form: forms.Form, exc: DomainError, *, field_names: Mapping[str, str] | None = None
) -> None:
    """Put a service's message on the field it names, else on the whole form.

    `field_names` maps a service's argument name to the form's field name where they differ.
    """
    field = getattr(exc, "field", None)
    if field and field_names:
        field = field_names.get(field, field)
    form.add_error(field if field in form.fields else None, str(exc))


class Refused:
    """What `write_with` returns when the service refused; its message is on the form."""

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED = Refused()


def write_with(request: HttpRequest, form: forms.Form, call: Callable[[Tx], T]) -> T | Refused:
    """Call the service(s) in one write unit of work; on a DomainError show it on the form."""
    try:
        with request_tx(request) as tx:
            return call(tx)
    except DomainError as exc:
        show_error(form, exc)
        return REFUSED


def run_action(request: HttpRequest, call: Callable[[Tx], T]) -> T | Refused:
    """A one-button POST: call the service(s) in one write unit of work; a refusal becomes an
    error message for the page the view redirects to."""
    try:
        with request_tx(request) as tx:
            return call(tx)
    except DomainError as exc:
        messages.error(request, str(exc))
        return REFUSED


def form_page(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    ctx: dict[str, Any],
    call: Callable[[Tx, dict[str, Any]], T],
    *,
    success: Callable[[T], str],
    next_url: Callable[[T], str],
) -> HttpResponse:
    """Every create/edit page: validate, call the service, say what was done, redirect.

    `call` gets the form's cleaned data. A form with a one-time token (`OneTimeFormMixin`)
    saves at most once per token: a replayed submit is sent to what the first one made.
    """
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(TOKEN_FIELD, "")
        result = write_with(
            request, form, lambda tx: once(tx, token, lambda: call(tx, data), next_url)
        )
        if isinstance(result, Replayed):
            return replayed_response(request, result)
        if not isinstance(result, Refused):
            messages.success(request, success(result))
            return redirect(next_url(result))
    return render(request, template, {**ctx, "form": form})


class ConfirmForm(forms.Form):
    """A delete (or remove) confirmation: just the button."""

    def __init__(self, *args: Any, submit_label: str = "Delete", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        button = Submit("submit", submit_label)
        button.field_classes = "btn btn-danger btn-touch"
        self.helper.add_input(button)


def delete_page(
    request: HttpRequest,
    template: str,
    ctx: dict[str, Any],
    call: Callable[[Tx], Any],
    *,
    success: str,
    next_url: str,
) -> HttpResponse:
    """A confirm-delete page: POST calls the service, says so and redirects.

    A refusal re-renders the page with the message both on the form and as `error`.
    """
    form = ConfirmForm(posted_data(request), submit_label=ctx.get("verb", "Delete"))
    if request.method == "POST" and form.is_valid():
        if not isinstance(write_with(request, form, call), Refused):
            messages.success(request, success)
            return redirect(next_url)
    error = " ".join(str(message) for message in form.non_field_errors())
    return render(request, template, {**ctx, "form": form, "error": error})


# --- Lists ----------------------------------------------------------------------------------


def list_params(request: HttpRequest, default_sort: str) -> dict[str, str]:
    """The search text and sort key of a list page, trimmed to a sane length."""
    return {
        "q": request.GET.get("q", "").strip()[:100],
        "sort": request.GET.get("sort", default_sort).strip()[:30] or default_sort,
    }


SMALL_HIDDEN = "d-none d-md-table-cell"  # columns a phone can do without


def sort_headers(
    request: HttpRequest, current: str, columns: list[tuple[Any, ...]]
) -> list[dict[str, Any]]:
    """Column headers that sort the list: (key, label, numeric[, css]); keys are the whitelist."""
    headers = []
    for key, label, numeric, *css in columns:
        params = request.GET.copy()
        params.pop("page", None)
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        params["sort"] = f"-{key}" if active and not descending else key
        headers.append(
            {
                "label": label,
                "url": "?" + params.urlencode(),
                "num": numeric,
                "active": active,
                "direction": ("descending" if descending else "ascending") if active else "",
                "sortable": bool(key),
                "css": " ".join(css),
            }
        )
    return headers


# A chooser offers at most this many matches, with a search for the rest: a select of
# hundreds helps nobody (the target pages and the record forms, docs/record-forms.md).
SEARCH_LIMIT = 50


def page_links(request: HttpRequest, page: Page, *, param: str = "page") -> dict[str, Any]:
    """Previous/next links of a paginated list that keep the page's other query parameters,
    and what is shown (`templates/partials/pager.html` prints them)."""

    def link(number: int) -> str:
        params = request.GET.copy()
        params[param] = str(number)
        return "?" + params.urlencode()

    return _pager(page, link)


def list_page_links(page: Page, shown: Mapping[str, str]) -> dict[str, Any]:
    """`page_links` for a searchable, sortable list: the links carry the list's own search,
    sort and filters as it read them (`shown`; empty ones left out), not whatever else the
    request had."""
    query = {key: value for key, value in shown.items() if value}
    return _pager(page, lambda number: "?" + urlencode({**query, "page": number}))


def _pager(page: Page, link: Callable[[int], str]) -> dict[str, Any]:
    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
        "start": page.start_index(),
        "end": page.end_index(),
        "count": page.paginator.count,
        "number": page.number,
        "num_pages": page.paginator.num_pages,
    }


def url_maker(name: str) -> Callable[[int], str]:
    """`reverse` once, then fill in ids by string: a long table would otherwise spend most of
    its time resolving the same URL pattern again and again (a `{% url %}` per row costs
    tens of microseconds; docs/performance.md, "What keeps a page fast")."""
    marker = 987654321
    template = reverse(name, args=[marker])
    head, tail = template.split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"
