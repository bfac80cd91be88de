"""Gift box and tin pages: components and stock (docs/design.md, "Catalogue")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.pages import (
    SMALL_HIDDEN,
    delete_page,
    form_page,
    list_params,
    object_or_404,
    posted_data,
    read_context,
    sort_headers,
    url_maker,
)
from bakeplanner.tx import Tx
from production.allergens import allergen_texts
from production.forms import catalogue as forms
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
)
from production.services import (
    add_component,
    create_finished_good,
    delete_finished_good,
    get_allergens,
    get_finished_good_detail,
    list_finished_goods,
    remove_component,
    update_component,
    update_finished_good,
)
from production.services.lookup import get_owned
from production.views.choices import component_item_choices

# --- Finished goods -------------------------------------------------------------------------

FINISHED_GOOD_COLUMNS = [
    ("name", "Name", False),
    ("components", "Components", True, SMALL_HIDDEN),
    ("stock", "In stock", True),
    ("cost", "Average cost", True),
]


def finished_good_list(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "name")

    def build(tx: Tx) -> dict[str, Any]:
        detail = url_maker("production:finished_good_detail")
        goods = list_finished_goods(tx, q=params["q"], sort=params["sort"])
        return {
            "rows": [{"good": good, "url": detail(good.pk)} for good in goods],
            "headers": sort_headers(request, params["sort"], FINISHED_GOOD_COLUMNS),
            **params,
        }

    return render(request, "production/finished_good_list.html", read_context(request, build))


def finished_good_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        ctx = get_finished_good_detail(tx, pk)
        ctx["allergens"] = allergen_texts(**get_allergens(tx, finished_good_id=pk))
        return ctx

    ctx = read_context(request, build)
    return render(request, "production/finished_good_detail.html", ctx)


@member_required
def finished_good_create(request: HttpRequest) -> HttpResponse:
    form = forms.FinishedGoodForm(posted_data(request))
    return form_page(
        request,
        "production/finished_good_create.html",
        form,
        {"cancel_url": reverse("production:finished_good_list")},
        lambda tx, data: create_finished_good(tx, **data),
        success=lambda g: f"Added {g.name}. Now say what goes in it.",
        next_url=lambda g: reverse("production:finished_good_detail", args=[g.pk]),
    )


@member_required
def finished_good_edit(request: HttpRequest, pk: int) -> HttpResponse:
    good = object_or_404(request, FinishedGood, pk)
    initial = {"name": good.name, "description": good.description}
    form = forms.FinishedGoodForm(posted_data(request), initial=initial)
    back = reverse("production:finished_good_detail", args=[pk])
    return form_page(
        request,
        "production/finished_good_edit.html",
        form,
        {"good": good, "cancel_url": back},
        lambda tx, data: update_finished_good(tx, pk, **data),
        success=lambda g: f"Saved {g.name}.",
        next_url=lambda g: back,
    )


@member_required
def finished_good_delete(request: HttpRequest, pk: int) -> HttpResponse:
    good = object_or_404(request, FinishedGood, pk)
    return delete_page(
        request,
        "production/finished_good_delete.html",
        {"what": good.name, "cancel_url": reverse("production:finished_good_detail", args=[pk])},
        lambda tx: delete_finished_good(tx, pk),
        success=f"Deleted {good.name}.",
        next_url=reverse("production:finished_good_list"),
    )


@member_required
def component_create(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        return {"good": get_owned(tx, FinishedGood, pk), "items": component_item_choices(tx, pk)}

    ctx = read_context(request, build)
    form = forms.ComponentForm(posted_data(request), items=ctx["items"])
    back = reverse("production:finished_good_detail", args=[pk])
    return form_page(
        request,
        "production/component_create.html",
        form,
        {"good": ctx["good"], "cancel_url": back},
        lambda tx, data: add_component(tx, pk, data["item"][0], data["item"][1], data["quantity"]),
        success=lambda c: f"Added {c.item} to {ctx['good'].name}.",
        next_url=lambda c: back,
    )


def _load_component(tx: Tx, pk: int) -> dict[str, Any]:
    component = get_owned(tx, FinishedGoodComponent, pk, label="Item in the gift box")
    component = (
        tx.objects(FinishedGoodComponent)
        .select_related("finished_good", "finished_unit", "nested_good", "packaging")
        .get(pk=component.pk)
    )
    return {"component": component, "good": component.finished_good, "item": component.item}


@member_required
def component_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(request, lambda tx: _load_component(tx, pk))
    form = forms.ComponentEditForm(
        posted_data(request), initial={"quantity": ctx["component"].quantity.normalize()}
    )
    back = reverse("production:finished_good_detail", args=[ctx["good"].pk])
    return form_page(
        request,
        "production/component_edit.html",
        form,
        {**ctx, "cancel_url": back},
        lambda tx, data: update_component(tx, pk, quantity=data["quantity"]),
        success=lambda c: f"Saved: {ctx['item']} in {ctx['good'].name}.",
        next_url=lambda c: back,
    )


@member_required
def component_delete(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(request, lambda tx: _load_component(tx, pk))
    back = reverse("production:finished_good_detail", args=[ctx["good"].pk])
    what = f"{ctx['item']} from {ctx['good'].name}"
    return delete_page(
        request,
        "production/component_delete.html",
        {"what": what, "cancel_url": back, "verb": "Remove"},
        lambda tx: remove_component(tx, pk),
        success=f"Removed {what}.",
        next_url=back,
    )
