"""Quick entry of purchases: typed lines → proposed purchases → one confirm.

See docs/design.md, "Purchases and lots". Reading the lines records nothing; the confirm
page records every row through `record_purchase` in one unit of work, so one refused row
refuses them all and the message is shown on that row.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.display import plural
from bakeplanner.errors import DomainError
from bakeplanner.pages import posted_data, read_context, show_error
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx
from production.forms.quick_entry import (
    QuickConfirmForm,
    QuickEntryForm,
    QuickPurchaseFormSet,
)
from production.models import InventoryLot
from production.services import propose_purchases, record_purchase
from production.services.quick_entry import Proposal
from production.views.choices import product_choices

TEMPLATE = "production/quick_entry.html"
CONFIRM_TEMPLATE = "production/quick_entry_confirm.html"


class RowRefused(Exception):
    """A row's purchase was refused; raised out of the unit of work so nothing is kept."""

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


def _leftover(proposal: Proposal) -> dict[str, Any]:
    """A line that is not proposed, with where to enter it by hand."""
    query = {"product": proposal.product_id} if proposal.product_id else {}
    form_url = reverse("production:purchase_create")
    if query:
        form_url += "?" + urlencode(query)
    product_url = ""
    if proposal.status == "no_product" and proposal.ingredient_id is not None:
        product_url = reverse("production:product_create", args=[proposal.ingredient_id])
    return {
        "text": proposal.line.text,
        "message": proposal.message,
        "form_url": form_url,
        "product_url": product_url,
    }


def _confirm_page(
    request: HttpRequest, formset: Any, token_form: QuickConfirmForm, leftovers: list[Any]
) -> HttpResponse:
    return render(
        request,
        CONFIRM_TEMPLATE,
        {
            "formset": formset,
            "token_form": token_form,
            "leftovers": leftovers,
            "cancel_url": reverse("production:purchase_list"),
        },
    )


@member_required
def purchase_quick_add(request: HttpRequest) -> HttpResponse:
    """The box of lines; posting it shows the proposals to confirm (nothing is recorded)."""
    form = QuickEntryForm(posted_data(request))
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            TEMPLATE,
            {"form": form, "cancel_url": reverse("production:purchase_list")},
        )

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "proposals": propose_purchases(tx, form.cleaned_data["lines"]),
            "products": product_choices(tx),
        }

    ctx = read_context(request, build)
    proposals: list[Proposal] = ctx["proposals"]
    initial = [
        {
            "source": p.line.text,
            "product_id": p.product_id,
            "packages": p.line.packages,
            "price_per_package": p.line.price_per_package,
        }
        for p in proposals
        if p.ready
    ]
    formset = QuickPurchaseFormSet(initial=initial, form_kwargs={"products": ctx["products"]})
    leftovers = [_leftover(p) for p in proposals if not p.ready]
    return _confirm_page(request, formset, QuickConfirmForm(), leftovers)


def _record_all(tx: Tx, rows: list[dict[str, Any]]) -> list[InventoryLot]:
    lots = []
    for index, row in enumerate(rows):
        try:
            lots.append(
                record_purchase(
                    tx,
                    row["product_id"],
                    packages=row["packages"],
                    price_per_package=row["price_per_package"],
                    purchased_on=row["purchased_on"],
                )
            )
        except DomainError as exc:
            raise RowRefused(index, exc) from exc
    return lots


def _purchases_url(lots: list[InventoryLot]) -> str:
    return reverse("production:purchase_list")


@member_required
def purchase_quick_confirm(request: HttpRequest) -> HttpResponse:
    """Record every confirmed row in one unit of work: all of them or none."""
    if request.method != "POST":  # nothing proposed yet: the page says so
        empty = QuickPurchaseFormSet(form_kwargs={"products": []})
        return _confirm_page(request, empty, QuickConfirmForm(), [])
    products = read_context(request, lambda tx: {"products": product_choices(tx)})["products"]
    formset = QuickPurchaseFormSet(request.POST, form_kwargs={"products": products})
    token_form = QuickConfirmForm(request.POST)
    if not formset.is_valid() or not token_form.is_valid():
        return _confirm_page(request, formset, token_form, [])
    rows = [form.cleaned_data for form in formset.forms]
    if not rows:
        token_form.add_error(None, "There is nothing to record.")
        return _confirm_page(request, formset, token_form, [])
    token = token_form.cleaned_data.get(TOKEN_FIELD, "")
    try:
        with request_tx(request) as tx:
            result = once(tx, token, lambda: _record_all(tx, rows), _purchases_url)
    except RowRefused as refused:
        show_error(formset.forms[refused.index], refused.error)
        return _confirm_page(request, formset, token_form, [])
    except DomainError as exc:
        show_error(token_form, exc)
        return _confirm_page(request, formset, token_form, [])
    if isinstance(result, Replayed):
        return replayed_response(request, result)
    count = len(result)
    messages.success(request, f"Recorded {plural(count, 'purchase')}.")
    return redirect("production:purchase_list")
