"""Event planning pages: recipe needs and suggested targets, shopping list (with a print
view and the CSV download), packaging needs and breakdown, summary with costs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.display import plural
from bakeplanner.errors import DomainError, NotFound
from bakeplanner.pages import or_404, page_links, read_context, read_or_404
from bakeplanner.tx import Tx, request_tx
from events.csv_export import (
    ASSIGNMENTS,
    EVENT_SUMMARY,
    SHOPPING_LIST,
    assignments_csv,
    default_filename,
    shopping_list_csv,
)
from events.csv_export import event_summary_csv as event_summary_csv_bytes
from events.forms.planning import ApplySuggestedTargetsForm, ShoppingListOptionsForm
from events.models import Event
from events.services import (
    apply_suggested_targets,
    get_event_by_id,
    get_event_cost_overview,
    get_event_packaging_breakdown,
    get_event_packaging_needs,
    get_event_plan,
    get_recipe_needs,
    get_shopping_page,
    get_shopping_ticks,
)
from events.services.shopping_ticks import line_key
from events.views.shopping import tick_text

# Long per-recipient and per-line lists are shown a page at a time; totals cover them all.
RECIPIENTS_PER_PAGE = 100
SHOPPING_LINES_PER_PAGE = 150
NEEDS_PER_PAGE = 100  # rows of each table of the recipe needs and packaging pages
SUPPLIES_PER_PAGE = 25  # packaging supplies of the breakdown, each with its boxes
PACKAGES_NAMED = 5  # a breakdown row names this many packages, then "and N more"
RECIPES_NAMED = 5  # a shopping line names this many recipes, then "and N more"


def _paged(
    request: HttpRequest, rows: list[dict[str, Any]], param: str, per_page: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of a long table (its own `?<param>=` number) and its links."""
    page = Paginator(rows, per_page).get_page(request.GET.get(param))
    return list(page.object_list), page_links(request, page, param=param)


def _needs_context(
    request: HttpRequest, tx: Tx, event: Event, form: ApplySuggestedTargetsForm
) -> dict[str, Any]:
    ctx: dict[str, Any] = {"event": event, "apply_form": form, "error": ""}
    try:
        needs = get_recipe_needs(tx, event.pk)
        plan = get_event_plan(tx, event.pk)
    except DomainError as exc:
        ctx.update(needs=[], production=[], assembly=[], error=str(exc))
        return ctx
    # A suggestion differs from the current target when the needs call for another number.
    ctx["has_changes"] = any(
        row["batches_needed"] > 0 and row["target_batches"] != row["batches_needed"]
        for row in plan["production"]
    ) or any(
        row["quantity_needed"] > 0 and row["target_quantity"] != row["quantity_needed"]
        for row in plan["assembly"]
    )
    ctx["needs"], ctx["needs_pager"] = _paged(request, needs, "needs_page", NEEDS_PER_PAGE)
    ctx["production"], ctx["production_pager"] = _paged(
        request, plan["production"], "baking_page", NEEDS_PER_PAGE
    )
    ctx["assembly"], ctx["assembly_pager"] = _paged(
        request, plan["assembly"], "packing_page", NEEDS_PER_PAGE
    )
    return ctx


def event_needs(request: HttpRequest, pk: int) -> HttpResponse:
    """Recipe needs, and suggested targets beside the current ones."""
    form = ApplySuggestedTargetsForm(action=reverse("events:event_apply_targets", args=[pk]))
    ctx = read_context(
        request, lambda tx: _needs_context(request, tx, get_event_by_id(tx, pk), form)
    )
    return render(request, "events/planning/event_needs.html", ctx)


@member_required
def event_apply_targets(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: set every suggested target. GET: back to the needs page (nothing to show)."""
    action = reverse("events:event_apply_targets", args=[pk])
    if request.method != "POST":
        event = read_or_404(request, get_event_by_id, pk)
        return redirect("events:event_needs", event.pk)
    form = ApplySuggestedTargetsForm(request.POST, action=action)
    if form.is_valid():
        try:
            with request_tx(request) as tx:
                result = apply_suggested_targets(tx, pk)
        except NotFound as exc:
            raise Http404(str(exc)) from None
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Applied {plural(result['production_count'], 'baking target')} and "
                f"{plural(result['assembly_count'], 'packing target')}.",
            )
            if request.POST.get("return_to") == "event":
                return redirect("events:event_detail", result["event_id"])
            return redirect("events:event_needs", result["event_id"])
    ctx = read_context(
        request, lambda tx: _needs_context(request, tx, get_event_by_id(tx, pk), form)
    )
    return render(request, "events/planning/event_needs.html", ctx)


def _show_all(request: HttpRequest) -> bool:
    """`all=1` lists every line; by default only the lines with something to buy."""
    return request.GET.get("all") == "1"


def _shopping_query(include_packaging: bool, show_all: bool) -> str:
    query = "include_packaging=1" if include_packaging else "include_packaging=0"
    return f"{query}&all=1" if show_all else query


def event_shopping_list(request: HttpRequest, pk: int) -> HttpResponse:
    """What to buy, by category, with a print view (tick boxes) and a CSV download.

    Lines with enough in stock are left out unless `all=1` (docs/design.md, "Shopping list").
    """
    show_all = _show_all(request)
    form = ShoppingListOptionsForm(
        request.GET if "include_packaging" in request.GET else None,
        action=reverse("events:event_shopping_list", args=[pk]),
        initial={"all": "1" if show_all else ""},
    )
    include_packaging = form.include()
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        ctx: dict[str, Any] = {
            "event": event,
            "form": form,
            "include_packaging": include_packaging,
            "show_all": show_all,
            "csv_query": _shopping_query(include_packaging, show_all),
            "toggle_query": _shopping_query(include_packaging, not show_all),
            "enough_in_stock": 0,
            "error": "",
        }
        ticks = get_shopping_ticks(tx, event.pk)
        try:
            shopping = get_shopping_page(
                tx,
                event.pk,
                include_packaging=include_packaging,
                show_all=show_all,
                # A line ticked in the shop stays, so its buyer sees it covered.
                keep=lambda kind, ingredient_id: line_key(kind, ingredient_id) in ticks,
            )
        except DomainError as exc:
            ctx["shopping"] = None
            ctx["error"] = str(exc)
        else:
            on_list = _mark_ticks(shopping["groups"], ticks)
            ctx["enough_in_stock"] = shopping["enough_in_stock"]
            ctx["shopping"] = shopping
            ctx["groups"], ctx["pager"] = _shopping_page(request, shopping["groups"])
            ctx["to_record"] = sum(
                1 for key in on_list if key in ticks and not ticks[key]["purchase_id"]
            )
            ctx["ticked"] = sum(1 for key in on_list if key in ticks)
            ctx["list_query"] = request.GET.urlencode()
    return render(request, "events/planning/event_shopping_list.html", ctx)


def _mark_ticks(groups: list[dict[str, Any]], ticks: dict[str, dict[str, Any]]) -> set[str]:
    """Give every line its key and tick (None when not ticked); the keys of every line."""
    keys = set()
    for group in groups:
        for line in group["lines"]:
            key = line_key(group["kind"], line["ingredient_id"])
            tick = ticks.get(key)
            line["key"] = key
            line["tick"] = tick
            line["tick_text"] = tick_text(tick) if tick else ""
            keys.add(key)
    return keys


def _shopping_page(
    request: HttpRequest, groups: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of the list's lines, regrouped under their headings; the recipes a line is
    for are written out once here (a long list is cut short: the CSV names them all)."""
    flat = [(index, line) for index, group in enumerate(groups) for line in group["lines"]]
    page = Paginator(flat, SHOPPING_LINES_PER_PAGE).get_page(request.GET.get("page"))
    shown: dict[int, list[dict[str, Any]]] = {}
    for index, line in page.object_list:
        line["recipes_text"] = _named(line["recipes"], RECIPES_NAMED)
        shown.setdefault(index, []).append(line)
    page_groups = [
        {**groups[index], "lines": lines, "number": index + 1} for index, lines in shown.items()
    ]
    return page_groups, page_links(request, page)


def event_shopping_list_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The same bytes as `manage.py export_shopping_list` (with `--no-packaging` for
    `include_packaging=0` and `--all` for `all=1`)."""
    include_packaging = request.GET.get("include_packaging", "1") != "0"
    show_all = _show_all(request)
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        try:
            data = shopping_list_csv(
                tx, event.pk, include_packaging=include_packaging, show_all=show_all
            )
        except DomainError as exc:
            messages.error(request, f"The shopping list cannot be exported: {exc}")
            return redirect("events:event_shopping_list", event.pk)
        filename = default_filename(event, SHOPPING_LIST)
    return _csv_response(data, filename)


def event_packaging(request: HttpRequest, pk: int) -> HttpResponse:
    """Packaging supplies for the gift boxes still to pack, and which gift boxes need each."""
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        ctx: dict[str, Any] = {"event": event, "error": ""}
        try:
            needs = get_event_packaging_needs(tx, event.pk)
            breakdown = get_event_packaging_breakdown(tx, event.pk)
        except DomainError as exc:
            ctx.update(needs=[], breakdown=[], error=str(exc))
        else:
            ctx["needs"], ctx["needs_pager"] = _paged(request, needs, "page", NEEDS_PER_PAGE)
            ctx["breakdown"], ctx["breakdown_pager"] = _paged(
                request, breakdown, "breakdown_page", SUPPLIES_PER_PAGE
            )
            for supply in ctx["breakdown"]:
                for source in supply["sources"]:
                    source["packages_text"] = _named(source["packages"], PACKAGES_NAMED)
    return render(request, "events/planning/event_packaging.html", ctx)


def _named(names: list[str], limit: int) -> str:
    """The first `limit` names, then how many more (the full list is in the CSV or the
    package pages)."""
    extra = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {extra} more" if extra > 0 else "")


def event_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts, estimated cost, cost per package and gift box, and cost per recipient a page at a
    time (the summary CSV has every recipient)."""
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        ctx: dict[str, Any] = {"event": event, "error": "", "pager": None}
        try:
            ctx.update(
                get_event_cost_overview(
                    tx,
                    event.pk,
                    recipient_page=request.GET.get("page") or 1,
                    per_page=RECIPIENTS_PER_PAGE,
                )
            )
        except DomainError as exc:
            ctx.update(summary=None, estimate=None, error=str(exc))
        else:
            for row in ctx["recipients"].object_list:
                row["url"] = reverse("events:recipient_detail", args=[row["recipient_id"]])
            ctx["pager"] = page_links(request, ctx["recipients"])
    return render(request, "events/planning/event_summary.html", ctx)


def _csv_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_csv(
    request: HttpRequest,
    pk: int,
    build: Callable[[Tx, int], bytes],
    suffix: str,
    *,
    what: str,
    back_to: str,
) -> HttpResponse:
    """A report's CSV, built by the function its management command calls (same bytes)."""
    with request_tx(request, read_only=True) as tx:
        event = or_404(get_event_by_id, tx, pk)
        try:
            data = build(tx, event.pk)
        except DomainError as exc:
            messages.error(request, f"The {what} cannot be exported: {exc}")
            return redirect(back_to, event.pk)
        filename = default_filename(event, suffix)
    return _csv_response(data, filename)


def event_summary_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The same bytes as `manage.py export_event_summary`."""
    return _report_csv(
        request,
        pk,
        event_summary_csv_bytes,
        EVENT_SUMMARY,
        what="summary",
        back_to="events:event_summary",
    )


def event_packing_list_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The same bytes as `manage.py export_assignments`: every assignment, by recipient."""
    return _report_csv(
        request,
        pk,
        assignments_csv,
        ASSIGNMENTS,
        what="packing list",
        back_to="events:event_detail",
    )
