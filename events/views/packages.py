"""Package pages: the list, a package and its contents, create, edit, delete, and the
contents' lines."""

from __future__ import annotations

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
    object_or_404,
    owned_or_404,
    page_links,
    posted_data,
    read_context,
    read_or_404,
    run_action,
)
from bakeplanner.tx import Tx
from events.forms import packages as forms
from events.models import Package, PackageItem
from events.services import (
    add_package_item,
    create_package,
    delete_package,
    get_package,
    get_package_allergens,
    remove_package_item,
    update_package,
    update_package_item,
)
from events.views.choices import good_choices, package_page
from production.allergens import allergen_texts

PACKAGES_PER_PAGE = 100  # the list shows a page at a time, with how many there are in all
SEARCH_MAX_LENGTH = 100


def _detail_url(package_id: int) -> str:
    return reverse("events:package_detail", args=[package_id])


def package_list(request: HttpRequest) -> HttpResponse:
    """Packages a page at a time by name, with a search by name and how many there are."""
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]

    def build(tx: Tx) -> dict[str, Any]:
        found, total = package_page(
            tx, search=search, page=request.GET.get("page"), per_page=PACKAGES_PER_PAGE
        )
        rows = [
            {
                "package": package,
                "url": reverse("events:package_detail", args=[package.pk]),
                "contents": ", ".join(
                    f"{item.quantity} × {item.finished_good.name}" for item in package.items.all()
                ),
            }
            for package in found.object_list
        ]
        return {"rows": rows, "pager": page_links(request, found), "total": total, "search": search}

    return render(request, "events/package_list.html", read_context(request, build))


def package_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A package and its contents editor."""

    def build(tx: Tx) -> dict[str, Any]:
        package = get_package(tx, pk)
        items = list(package.items.all())
        used = {item.finished_good_id for item in items}
        goods = [(key, name) for key, name in good_choices(tx) if key not in used]
        return {
            "package": package,
            "items": items,
            "item_form": forms.PackageItemForm(
                goods=goods, action=reverse("events:package_item_create", args=[package.pk])
            ),
            "has_goods": bool(goods),
            "allergens": allergen_texts(**get_package_allergens(tx, package.pk)),
        }

    return render(request, "events/package_detail.html", read_context(request, build))


@member_required
def package_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        "events/package_create.html",
        forms.PackageForm(posted_data(request)),
        {},
        lambda tx, data: create_package(tx, **data),
        success=lambda made: f"Created {made.name}; now add what goes in it.",
        next_url=lambda made: _detail_url(made.pk),
    )


@member_required
def package_update(request: HttpRequest, pk: int) -> HttpResponse:
    package = object_or_404(request, Package, pk)
    initial = {"name": package.name, "notes": package.notes}
    return form_page(
        request,
        "events/package_update.html",
        forms.PackageForm(posted_data(request), initial=initial),
        {"package": package},
        lambda tx, data: update_package(tx, pk, **data),
        success=lambda saved: f"Saved {saved.name}.",
        next_url=lambda saved: _detail_url(saved.pk),
    )


@member_required
def package_delete(request: HttpRequest, pk: int) -> HttpResponse:
    package = read_or_404(request, get_package, pk)
    return delete_page(
        request,
        "events/package_delete.html",
        {"package": package},
        lambda tx: delete_package(tx, pk),
        success=f"Deleted {package.name}.",
        next_url=reverse("events:package_list"),
    )


# --- What goes in a package -----------------------------------------------------------------


@member_required
def package_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    ctx = read_context(
        request, lambda tx: {"package": owned_or_404(tx, Package, pk), "goods": good_choices(tx)}
    )
    package = ctx["package"]
    return form_page(
        request,
        "events/package_item_create.html",
        forms.PackageItemForm(posted_data(request), goods=ctx["goods"]),
        {"package": package},
        lambda tx, data: add_package_item(tx, pk, data["finished_good"], data["quantity"]),
        success=lambda item: f"Added to {package.name}.",
        next_url=lambda item: _detail_url(pk),
    )


@member_required
def package_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    def build(tx: Tx) -> dict[str, Any]:
        item = owned_or_404(tx, PackageItem, pk)
        return {"item": item, "package": item.package, "good": item.finished_good}

    ctx = read_context(request, build)
    package, good = ctx["package"], ctx["good"]
    form = forms.PackageItemQuantityForm(
        posted_data(request), initial={"quantity": ctx["item"].quantity}
    )
    return form_page(
        request,
        "events/package_item_update.html",
        form,
        ctx,
        lambda tx, data: update_package_item(tx, pk, data["quantity"]),
        success=lambda item: (
            f"{package.name} now holds {form.cleaned_data['quantity']} × {good.name}."
        ),
        next_url=lambda item: _detail_url(package.pk),
    )


@require_POST
@member_required
def package_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = object_or_404(request, PackageItem, pk)
    if not isinstance(run_action(request, lambda tx: remove_package_item(tx, pk)), Refused):
        messages.success(request, "Removed from the package.")
    return redirect(_detail_url(item.package_id))
