"""Shared pieces of the catalogue pages: unit-of-work wrappers, form and delete pages,
list sorting and the choice lists forms need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bakeplanner.errors import DomainError, NotFound
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx
from bakeplanner.units import BASE_UNIT
from production.forms import catalogue as forms
from production.models import (
    FinishedGood,
    FinishedUnit,
    Ingredient,
    Product,
    Recipe,
)
from production.services.inventory import product_label

# --- Helpers ------------------------------------------------------------------------------


def read_context(request: HttpRequest, build: Callable[[Tx], dict[str, Any]]) -> dict[str, Any]:
    """Build a page's context in one read-only unit of work; a foreign id is a 404."""
    try:
        with request_tx(request, read_only=True) as tx:
            return build(tx)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def show_error(form: django_forms.Form, exc: DomainError) -> None:
    """Put a service's message on the field it names, else on the whole form."""
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc))


def write_with(request: HttpRequest, form: django_forms.Form, call: Callable[[Tx], Any]) -> Any:
    """Call the service(s) in one write unit of work; on a DomainError show it, return None."""
    try:
        with request_tx(request) as tx:
            return call(tx) or True
    except DomainError as exc:
        show_error(form, exc)
        return None


def posted_data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    template: str,
    form: django_forms.Form,
    ctx: dict[str, Any],
    call: Callable[[Tx, dict[str, Any]], Any],
    *,
    success: Callable[[Any], str],
    next_url: Callable[[Any], str],
) -> HttpResponse:
    """The shape of every create/edit page: validate, call the service, message, redirect.

    A form with a one-time token (`OneTimeFormMixin`) saves at most once per token: a
    replayed submit is sent to what the first one made.
    """
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop(TOKEN_FIELD, "")
        result = write_with(
            request, form, lambda tx: once(tx, token, lambda: call(tx, data), next_url)
        )
        if isinstance(result, Replayed):
            return replayed_response(request, result)
        if result is not None:
            messages.success(request, success(result))
            return redirect(next_url(result))
    return render(request, template, {**ctx, "form": form})


def delete_page(
    request: HttpRequest,
    template: str,
    ctx: dict[str, Any],
    call: Callable[[Tx], Any],
    *,
    success: str,
    next_url: str,
) -> HttpResponse:
    form = forms.ConfirmForm(posted_data(request), submit_label=ctx.get("verb", "Delete"))
    if request.method == "POST" and form.is_valid():
        if write_with(request, form, call) is not None:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, template, {**ctx, "form": form})


def list_params(request: HttpRequest, default_sort: str) -> dict[str, str]:
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


def ingredient_choices(tx: Tx) -> forms.GroupedChoices:
    groups: dict[str, forms.Choices] = {"food": [], "packaging": []}
    for pk, name, kind, family in (
        tx.objects(Ingredient)
        .order_by("name", "pk")
        .values_list("pk", "name", "kind", "stock_family")
    ):
        groups[kind].append((pk, f"{name} ({BASE_UNIT[family]})"))
    return [(label, groups[key]) for key, label in Ingredient.KIND_CHOICES if groups[key]]


def product_choices(tx: Tx) -> forms.GroupedChoices:
    groups: dict[str, forms.Choices] = {}
    for product in (
        tx.objects(Product)
        .select_related("ingredient")
        .order_by("ingredient__name", "-preferred", "brand", "name", "pk")
    ):
        label = product_label(product, product.ingredient.name)
        if product.preferred:
            label += " — preferred"
        groups.setdefault(product.ingredient.name, []).append((product.pk, label))
    return list(groups.items())


def recipe_choices(tx: Tx, *, exclude: int | None = None) -> forms.Choices:
    queryset = tx.objects(Recipe).filter(archived=False).order_by("name", "pk")
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    return list(queryset.values_list("pk", "name"))


def component_item_choices(tx: Tx, good_id: int) -> forms.GroupedChoices:
    units = [
        (f"finished_unit:{u.pk}", f"{u.name} — {u.recipe.name}")
        for u in tx.objects(FinishedUnit).select_related("recipe").order_by("recipe__name", "name")
    ]
    goods = [
        (f"finished_good:{pk}", name)
        for pk, name in tx.objects(FinishedGood)
        .exclude(pk=good_id)
        .order_by("name")
        .values_list("pk", "name")
    ]
    packaging = [
        (f"packaging:{pk}", f"{name} ({BASE_UNIT[family]})")
        for pk, name, family in tx.objects(Ingredient)
        .filter(kind=Ingredient.PACKAGING)
        .order_by("name")
        .values_list("pk", "name", "stock_family")
    ]
    groups = [("Baked items", units), ("Boxes and tins", goods), ("Packaging", packaging)]
    return [(label, items) for label, items in groups if items]
