"""The shared shopping checklist: tick a line in the shop, then record ticked lines as purchases.

See docs/design.md, "Shopping list". A tick is one POST (the page's script sends it in the
background and keeps the page; without the script the page reloads at the same line). The
record page proposes each ticked line's product, packages and latest price, and records the
lines the user keeps in one unit of work: all of them or none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bakeplanner.decorators import member_required
from bakeplanner.display import money, plural, quantity
from bakeplanner.errors import DomainError, NotFound
from bakeplanner.pages import or_404, read_or_404, show_error
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import request_tx
from events.forms.shopping import MAX_LINES, BoughtLineFormSet, RecordBoughtForm, TickForm
from events.services import (
    get_event_by_id,
    get_lines_to_record,
    get_shopping_ticks,
    record_ticked_purchases,
    set_shopping_tick,
)
from events.services.shopping_ticks import LineRefused, line_key, parse_line_key
from production.models import InventoryLot

RECORD_TEMPLATE = "events/planning/event_shopping_record.html"
# The list's own query parameters, kept when a tick sends the page back to the list.
LIST_PARAMS = ("include_packaging", "all", "page")


def tick_text(tick: dict[str, Any]) -> str:
    """ "Ticked by Anna at 14:02" (today) or "… on 28 Nov at 14:02"; bought lines say so."""
    at = timezone.localtime(tick["ticked_at"])
    when = f"at {at:%H:%M}"
    if at.date() != timezone.localdate():
        when = f"on {at.day} {at:%b} {when}"
    text = f"Ticked by {tick['ticked_by']} {when}"
    if tick.get("purchase_id"):
        text += "; recorded as a purchase"
    return text


def list_url(pk: int, query: str = "", anchor: str = "") -> str:
    """The list's address with only its own parameters kept from `query`."""
    kept = QueryDict(query)
    params = [(name, kept[name]) for name in LIST_PARAMS if kept.get(name)]
    url = reverse("events:event_shopping_list", args=[pk])
    if params:
        url += "?" + urlencode(params)
    return url + (f"#{anchor}" if anchor else "")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@member_required
def event_shopping_tick(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: tick or untick one line. The page's script asks for JSON; a plain form post is
    sent back to the line on the list."""
    query = str(request.POST.get("list_query", ""))[:200]
    if request.method != "POST":
        event = read_or_404(request, get_event_by_id, pk)
        return redirect(list_url(event.pk))
    form = TickForm(request.POST)
    try:
        if not form.is_valid():
            read_or_404(request, get_event_by_id, pk)  # another household's event: 404
            raise DomainError("That tick could not be read; reload the list and try again.")
        kind, ingredient_id = parse_line_key(form.cleaned_data["line"])
        with request_tx(request) as tx:
            tick = set_shopping_tick(
                tx, pk, ingredient_id, kind=kind, ticked=form.cleaned_data["ticked"]
            )
    except NotFound as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=404)
        raise Http404(str(exc)) from None
    except DomainError as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=400)
        messages.error(request, str(exc))
        return redirect(list_url(pk, query))
    key = line_key(kind, ingredient_id)
    if _wants_json(request):
        return JsonResponse(
            {"line": key, "ticked": tick is not None, "text": tick_text(tick) if tick else ""}
        )
    return redirect(list_url(pk, query, anchor=f"line-{key}"))


def event_shopping_ticks(request: HttpRequest, pk: int) -> JsonResponse:
    """Every tick of the list, so an open page follows what others tick in the shop."""
    with request_tx(request, read_only=True) as tx:
        or_404(get_event_by_id, tx, pk)
        ticks = get_shopping_ticks(tx, pk)
    return JsonResponse(
        {
            "ticks": {
                key: {"text": tick_text(tick), "recorded": bool(tick["purchase_id"])}
                for key, tick in ticks.items()
            }
        }
    )


def _product_label(product: dict[str, Any], line: dict[str, Any]) -> str:
    name = " ".join(part for part in (product["brand"], product["name"]) if part)
    label = f"{name or line['ingredient_name']} ({quantity(product['package_size'], line['unit'])})"
    if product["latest_price"] is not None:
        label += f", last {money(product['latest_price'])}"
    return label


def _with_choices(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for line in lines:
        line["product_choices"] = [
            (product["product_id"], _product_label(product, line)) for product in line["products"]
        ]
        line["to_buy_text"] = quantity(line["to_buy"], line["unit"])
    return lines


def _initial(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "line": line["key"],
        "record": bool(line["products"]),
        "product_id": line["product_id"],
        "packages": line["packages"],
        "price_per_package": line["price_per_package"],
    }


def _posted_keys(data: QueryDict) -> list[str]:
    """The line keys of the posted rows, in row order (as many as the formset may hold)."""
    try:
        total = min(int(data.get("form-TOTAL_FORMS", "0")), MAX_LINES)
    except ValueError:
        return []
    keys = []
    for index in range(max(total, 0)):
        try:
            kind, ingredient_id = parse_line_key(data.get(f"form-{index}-line"))
        except DomainError:
            continue
        keys.append(line_key(kind, ingredient_id))
    return keys


def _record_page(request: HttpRequest, ctx: dict[str, Any]) -> HttpResponse:
    return render(request, RECORD_TEMPLATE, ctx)


def _lots_text(lots: list[InventoryLot]) -> str:
    total = sum(
        (lot.purchase.packages * lot.purchase.price_per_package for lot in lots), Decimal(0)
    )
    names = ", ".join(lot.ingredient.name for lot in lots)
    return f"Recorded {plural(len(lots), 'purchase')} ({names}) for {money(total)}."


@member_required
def event_shopping_record(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the ticked lines to record (`?line=` narrows it to some). POST: record them."""
    posted = request.method == "POST"
    if posted:
        keys: list[str] | None = _posted_keys(request.POST)
    else:
        keys = request.GET.getlist("line") or None
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        try:
            lines = _with_choices(get_lines_to_record(tx, event.pk, keys))
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(list_url(event.pk))
    ctx: dict[str, Any] = {
        "event": event,
        "list_url": list_url(event.pk),
    }
    by_key = {line["key"]: line for line in lines}
    if not posted:
        ctx["form"] = RecordBoughtForm()
        ctx["formset"] = BoughtLineFormSet(initial=[_initial(line) for line in lines], lines=lines)
        ctx["rows"] = list(zip(ctx["formset"].forms, lines, strict=True))
        return _record_page(request, ctx)

    gone = [key for key in keys or [] if key not in by_key]
    ordered = [by_key[key] for key in keys or [] if key in by_key]
    form = RecordBoughtForm(request.POST)
    formset = BoughtLineFormSet(request.POST, lines=ordered)
    ctx.update(form=form, formset=formset)
    if gone or len(ordered) != formset.total_form_count():
        messages.error(
            request,
            "Someone recorded or unticked a line while you were here; check the list again.",
        )
        return redirect(list_url(event.pk))
    ctx["rows"] = list(zip(formset.forms, ordered, strict=True))
    if not form.is_valid() or not formset.is_valid():
        return _record_page(request, ctx)
    chosen = [(row_form, row_form.cleaned_data) for row_form in formset.forms]
    chosen = [(row_form, data) for row_form, data in chosen if data.get("record")]
    if not chosen:
        form.add_error(None, "Choose at least one line to record.")
        return _record_page(request, ctx)
    rows = [
        {
            "line": data["line"],
            "product_id": data["product_id"],
            "packages": data["packages"],
            "price_per_package": data["price_per_package"],
        }
        for _, data in chosen
    ]
    token = form.cleaned_data.get(TOKEN_FIELD, "")
    try:
        with request_tx(request) as tx:
            result = once(
                tx,
                token,
                lambda: record_ticked_purchases(
                    tx,
                    event.pk,
                    rows,
                    purchased_on=form.cleaned_data["purchased_on"],
                    supplier=form.cleaned_data["supplier"],
                ),
                lambda lots: list_url(event.pk),
            )
            if not isinstance(result, Replayed):
                text = _lots_text(result)
    except LineRefused as refused:
        show_error(chosen[refused.index][0], refused)
        return _record_page(request, ctx)
    except DomainError as exc:
        show_error(form, exc)
        return _record_page(request, ctx)
    if isinstance(result, Replayed):
        return replayed_response(request, result)
    messages.success(request, f"{text} The shopping list counts them as stock now.")
    return redirect(list_url(event.pk))
