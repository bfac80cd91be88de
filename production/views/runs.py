"""Baking (production) and packing (assembly) run pages: record (with a live stock check),
history, detail, undo. "Record baking" itself, changing a run's event and the history CSV
need the events app: their views are in events/views/runs.py (this module lends them the
record page, `record_baking_page`).

Read pages open a read-only unit of work and build their whole context inside it. Write
pages read what the form needs (choices, the run named in the URL) in a read-only unit of
work, bind and validate the form, then call the service in a write unit of work; a
`DomainError` re-renders the form with its message (and, for a shortage, what is missing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlencode

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bakeplanner.decorators import member_required
from bakeplanner.display import money, plural
from bakeplanner.errors import DomainError, InsufficientInventory, InsufficientStock, NotFound
from bakeplanner.pages import SEARCH_LIMIT, or_404, posted_data, show_error, url_maker
from bakeplanner.params import whole_number_or_none
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx
from production import services
from production.forms.runs import (
    AssemblyRunForm,
    ChangeRunEventForm,
    ProductionRunForm,
    ReverseRunForm,
    RunFilterForm,
)
from production.models import FinishedUnit, InventoryLot, ProductionRun
from production.services.history import (
    get_assembly_run_choices,
    get_assembly_run_extra,
    get_history_filter_choices,
    get_production_run_choices,
    get_production_run_extra,
)
from production.services.lookup import get_owned
from production.services.run_inputs import (
    MAX_BATCHES,
    expected_yield_for,
    positive_scale,
    whole_number,
)

PAGE_SIZE = 25

SEARCH_MAX_LENGTH = 100

# Where a service's argument name differs from the run forms' field name.
RUN_FORM_FIELDS = {
    "finished_unit_id": "finished_unit",
    "finished_good_id": "finished_good",
    "batches": "num_batches",
}


# --- Helpers ------------------------------------------------------------------------------


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 100_000))
    except ValueError:
        return 1


def _page_links(request: HttpRequest, page: int, has_next: bool) -> dict[str, str | None]:
    params = request.GET.copy()
    params.pop("page", None)

    def link(number: int) -> str:
        return "?" + urlencode({**params.dict(), "page": number})

    return {
        "previous_url": link(page - 1) if page > 1 else None,
        "next_url": link(page + 1) if has_next else None,
    }


LOSS_LABELS = dict(ProductionRun.LOSS_CHOICES)


def _for_display(run: dict[str, Any], time_key: str) -> dict[str, Any]:
    """A DTO plus what its page shows: the time as a datetime (for the household's time
    zone) and the loss category's label."""
    run["when"] = datetime.fromisoformat(run[time_key])
    if run.get("loss_category"):
        run["loss_label"] = LOSS_LABELS.get(run["loss_category"], run["loss_category"])
    return run


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _record_page(
    request: HttpRequest,
    template: str,
    form: Form,
    ctx: dict[str, Any],
    record: Callable[[Tx, dict[str, Any]], dict[str, Any]],
    *,
    shortage: tuple[type[DomainError], ...],
    check: Callable[[Tx, dict[str, Any]], dict[str, Any]],
    success: Callable[[dict[str, Any]], str],
    detail: str,
) -> HttpResponse:
    """Record a run once per form token; a refusal for a shortage also shows the same check
    the live panel runs, so the page says what is missing."""
    shown_check: dict[str, Any] | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def detail_url(run: dict[str, Any]) -> str:
            return reverse(detail, args=[run["id"]])

        try:
            with request_tx(request) as tx:
                run = once(tx, data[TOKEN_FIELD], lambda: record(tx, data), detail_url)
        except DomainError as exc:
            show_error(form, exc, field_names=RUN_FORM_FIELDS)
            if isinstance(exc, shortage):
                with request_tx(request, read_only=True) as tx:
                    try:
                        shown_check = check(tx, data)
                    except DomainError:
                        shown_check = None
        else:
            if isinstance(run, Replayed):
                return replayed_response(request, run)
            messages.success(request, success(run))
            return redirect(detail_url(run))
    return render(request, template, {**ctx, "form": form, "check": shown_check})


def _reverse_page(
    request: HttpRequest,
    run_id: int,
    *,
    read: Callable[..., dict[str, Any]],
    undo: Callable[..., Any],
    submit: str,
    success: Callable[[dict[str, Any]], str],
    detail: str,
    when: str,
    template: str,
) -> HttpResponse:
    """Undo a run with a reason; an undone run shows the page without the form working."""
    with request_tx(request, read_only=True) as tx:
        run = or_404(read, tx, run_id, include_consumptions=False)
    form = ReverseRunForm(posted_data(request), submit=submit)
    if request.method == "POST" and not run["reversed"] and form.is_valid():
        try:
            with request_tx(request) as tx:
                undo(tx, run_id, reason=form.cleaned_data["reason"])
        except NotFound as exc:
            raise Http404(str(exc)) from None
        except DomainError as exc:
            show_error(form, exc, field_names=RUN_FORM_FIELDS)
        else:
            messages.success(request, success(run))
            return redirect(detail, run_id=run_id)
    _for_display(run, when)
    return render(request, template, {"run": run, "form": form})


# --- Production: record -------------------------------------------------------------------

# Suggests the event a run of a baked item counts towards (None: stock for later). The
# events app provides it; production never imports events.
SuggestEvent = Callable[[Tx, int], int | None]


def _initial_from_query(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    """Links from other pages may preselect a good or an event."""
    return {name: request.GET[name] for name in names if request.GET.get(name)}


def _event_ids(events: list[tuple[str, list[tuple[int, str]]]]) -> set[int]:
    return {pk for _, rows in events for pk, _ in rows}


def _baking_initial(request: HttpRequest, choices: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The record-baking form's start from a link: `finished_unit` (or `recipe`, meaning that
    recipe's first baked item: the choices resolved both as `chosen`), `event` and `batches`.
    Values that are not the household's choices are left out. Also says whether the link
    chose the event (`event=` alone means stock for later)."""
    initial: dict[str, Any] = {}
    if choices["chosen"] is not None:
        initial["finished_unit"] = choices["chosen"]
    batches = whole_number_or_none(request.GET.get("batches"), minimum=1, maximum=MAX_BATCHES)
    if batches is not None:
        initial["num_batches"] = batches
    event_text = request.GET.get("event")
    event_id = whole_number_or_none(event_text)
    event_chosen = False
    if event_id in _event_ids(choices["events"]):
        initial["event"] = event_id
        event_chosen = True
    elif event_text is not None and not event_text.strip():
        event_chosen = True
    return initial, event_chosen


def _search(request: HttpRequest) -> str:
    """What the item search (`?q=`) asks for."""
    return request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]


def _chosen_id(request: HttpRequest, name: str) -> int | None:
    """The item a posted form names, or else the one a link preselects."""
    source = request.POST if request.method == "POST" else request.GET
    return whole_number_or_none(source.get(name))


def _search_context(
    request: HttpRequest, choices: Mapping[str, Any], kept: tuple[str, ...]
) -> dict[str, Any]:
    """What the item search above a record form shows: the search, how many items are shown
    of how many match, and the link's other parameters, which the search keeps."""
    return {
        "search": _search(request),
        "more": choices["found"] > choices["shown"],
        "found": choices["found"],
        "shown": choices["shown"],
        "kept": [(name, request.GET[name]) for name in kept if name in request.GET],
    }


def record_baking_page(
    request: HttpRequest, *, suggest_event: SuggestEvent, suggest_url: str
) -> HttpResponse:
    """The "Record baking" page. With no event in the link, the event preselected is the one
    `suggest_event` names for the chosen baked item; "No event" stays a choice away.

    The baked item is chosen from at most `SEARCH_LIMIT` (`?q=` narrows them), so a
    household with hundreds gets a short list and a search field; the item a link or a
    posted form names is read by its id and always offered (docs/record-forms.md).
    """
    posted = request.method == "POST"
    with request_tx(request, read_only=True) as tx:
        choices = get_production_run_choices(
            tx,
            search=_search(request),
            unit_id=_chosen_id(request, "finished_unit"),
            recipe_id=None if posted else whole_number_or_none(request.GET.get("recipe")),
            limit=SEARCH_LIMIT,
        )
        initial, event_chosen = _baking_initial(request, choices)
        unit_id = initial.get("finished_unit")
        if not posted and not event_chosen and unit_id is not None:
            suggested = suggest_event(tx, unit_id)
            if suggested is not None and suggested in _event_ids(choices["events"]):
                initial["event"] = suggested
    form = ProductionRunForm(
        posted_data(request),
        initial=initial,
        units=choices["units"],
        items_per_batch=choices["items_per_batch"],
        events=choices["events"],
        check_url=reverse("production:check_can_produce"),
        suggest_url=suggest_url,
        event_chosen=event_chosen,
    )
    recipe_of = choices["recipe_of"]
    return _record_page(
        request,
        "production/production_run_create.html",
        form,
        {
            "has_units": choices["total"] > 0,
            **_search_context(request, choices, ("finished_unit", "recipe", "event", "batches")),
        },
        lambda tx, data: services.record_batch_production(
            tx,
            recipe_of[data["finished_unit"]],
            data["finished_unit"],
            data["num_batches"],
            data["actual_yield"],
            scale=data["scale"],
            produced_at=data["produced_at"],
            event_id=data["event"],
            loss_category=data["loss_category"] or None,
            loss_notes=data["loss_notes"],
            notes=data["notes"],
        ),
        shortage=(InsufficientInventory,),
        check=lambda tx, data: services.check_can_produce(
            tx, recipe_of[data["finished_unit"]], data["num_batches"], scale=data["scale"]
        ),
        success=lambda run: (
            f"Recorded {run['actual_yield']} of {run['expected_yield']} "
            f"{run['finished_unit_name']} from {plural(run['num_batches'], 'batch', 'batches')} "
            f"of {run['recipe_name']}; ingredients cost {money(run['total_ingredient_cost'])}."
        ),
        detail="production:production_run_detail",
    )


@require_GET
def check_can_produce(request: HttpRequest) -> JsonResponse:
    """The live "can I produce this?" panel: JSON for static/js/run_check.js."""
    unit_id = request.GET.get("finished_unit", "")
    if not unit_id:
        return _json_error("Choose a baked item.", 400)
    try:
        with request_tx(request, read_only=True) as tx:
            unit = get_owned(tx, FinishedUnit, unit_id, label="Finished unit")
            scale = request.GET.get("scale") or "1"
            batches = request.GET.get("num_batches") or "1"
            result = services.check_can_produce(tx, unit.recipe_id, batches, scale=scale)
        # The check has validated both numbers.
        expected = expected_yield_for(
            unit.items_per_batch,
            whole_number(batches, "Batches", minimum=1, maximum=MAX_BATCHES),
            positive_scale(scale),
        )
    except NotFound as exc:
        return _json_error(str(exc), 404)
    except DomainError as exc:
        return _json_error(str(exc), 400)
    return JsonResponse({**result, "expected_yield": expected, "item_unit": unit.item_unit})


# --- Production: history, detail, undo ----------------------------------------------------


def production_run_list(request: HttpRequest) -> HttpResponse:
    return _run_list(
        request,
        kind="production",
        item_label="Recipe",
        item_filter="recipe_id",
        history=services.get_production_history,
        when="produced_at",
        template="production/production_run_list.html",
    )


def _run_list(
    request: HttpRequest,
    *,
    kind: Literal["production", "assembly"],
    item_label: str,
    item_filter: str,
    history: Callable[..., list[dict[str, Any]]],
    when: str,
    template: str,
) -> HttpResponse:
    """A filtered, paged run history (baking or assembly: the same page, other names)."""
    page = _page_number(request)
    with request_tx(request, read_only=True) as tx:
        choices = get_history_filter_choices(tx, kind)
        event_names = choices["event_names"]
        events = sorted(event_names.items(), key=lambda item: item[1].lower())
        form = RunFilterForm(
            request.GET or None, item_label=item_label, items=choices["items"], events=events
        )
        filters: dict[str, Any] = {}
        csv_filters: dict[str, Any] = {}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            filters = {
                item_filter: data["item"],
                "event_id": data["event"],
                "start": data["start"],
                "end": data["end"],
            }
            # The CSV download (like `export_production_history`) filters by event and dates.
            csv_filters = {"event": data["event"], "start": data["start"], "end": data["end"]}
        runs = history(tx, **filters, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
        has_next = len(runs) > PAGE_SIZE
        runs = runs[:PAGE_SIZE]
        if kind == "production":
            dates = services.get_run_best_before(tx, [run["id"] for run in runs])
            for run in runs:
                run["best_before"] = _best_before(dates.get(run["id"]))
    detail = url_maker(f"production:{kind}_run_detail")
    for run in runs:
        _for_display(run, when)
        run["event_name"] = event_names.get(run["event_id"]) if run["event_id"] else None
        run["url"] = detail(run["id"])
    ctx = {
        "runs": runs,
        "form": form,
        "page": page,
        "csv_query": urlencode({key: str(value) for key, value in csv_filters.items() if value}),
        **_page_links(request, page, has_next),
    }
    return render(request, template, ctx)


def _mark_unknown_prices(tx: Tx, run: dict[str, Any], *, key: str = "consumptions") -> None:
    """Which of the run's draws came from lots brought in without a price: their cost is not
    known, and the page says so rather than showing it as free (docs/import-baketracker.md)."""
    rows = run.get(key, [])
    unknown = set(
        tx.objects(InventoryLot)
        .filter(pk__in=[row["lot_id"] for row in rows], price_unknown=True)
        .values_list("pk", flat=True)
    )
    for row in rows:
        row["price_unknown"] = row["lot_id"] in unknown
    run["price_unknown"] = bool(unknown)


def _best_before(dates: Mapping[str, Any] | None) -> dict[str, dt.date | None]:
    """A run's best-before dates as dates (docs/allergens-and-freshness.md, "Freshness")."""
    if dates is None:
        return {"fresh": None, "frozen": None}
    return {
        "fresh": dt.date.fromisoformat(dates["best_before"]) if dates["best_before"] else None,
        "frozen": (
            dt.date.fromisoformat(dates["frozen_best_before"])
            if dates["frozen_best_before"]
            else None
        ),
    }


def _change_event_form(extra: Mapping[str, Any], action: str) -> ChangeRunEventForm:
    return ChangeRunEventForm(
        initial={"event": extra["event_id"]}, events=extra["event_choices"], action=action
    )


def production_run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        run = or_404(services.get_production_run, tx, run_id)
        extra = get_production_run_extra(tx, run_id)
        corrections = services.get_run_corrections(tx, "production", run_id)
        best_before = _best_before(services.get_run_best_before(tx, [run_id]).get(run_id))
        _mark_unknown_prices(tx, run)
    _for_display(run, "produced_at")
    ctx = {
        "run": run,
        "best_before": best_before,
        "extra": extra,
        "corrections": corrections,
        "event_form": _change_event_form(
            extra, reverse("production:production_run_event", args=[run_id])
        ),
    }
    return render(request, "production/production_run_detail.html", ctx)


@member_required
def production_run_reverse(request: HttpRequest, run_id: int) -> HttpResponse:
    return _reverse_page(
        request,
        run_id,
        read=services.get_production_run,
        undo=services.reverse_production_run,
        submit="Undo run",
        success=lambda run: (
            f"Undid baking run {run_id}: the ingredients are back in stock and "
            f"{run['actual_yield']} {run['finished_unit_name']} were taken off."
        ),
        detail="production:production_run_detail",
        when="produced_at",
        template="production/production_run_reverse.html",
    )


# --- Assembly: record -----------------------------------------------------------------------


@member_required
def assembly_run_create(request: HttpRequest) -> HttpResponse:
    """The "Record packing" page: the gift box is chosen as the baked item is for baking."""
    with request_tx(request, read_only=True) as tx:
        choices = get_assembly_run_choices(
            tx,
            search=_search(request),
            good_id=_chosen_id(request, "finished_good"),
            limit=SEARCH_LIMIT,
        )
    form = AssemblyRunForm(
        posted_data(request),
        initial=_initial_from_query(request, ("finished_good", "event", "quantity")),
        goods=choices["goods"],
        events=choices["events"],
        check_url=reverse("production:check_can_assemble"),
    )
    return _record_page(
        request,
        "production/assembly_run_create.html",
        form,
        {
            "has_goods": choices["total"] > 0,
            **_search_context(request, choices, ("finished_good", "event", "quantity")),
        },
        lambda tx, data: services.record_assembly(
            tx,
            data["finished_good"],
            data["quantity"],
            assembled_at=data["assembled_at"],
            event_id=data["event"],
            notes=data["notes"],
        ),
        shortage=(InsufficientInventory, InsufficientStock),
        check=lambda tx, data: services.check_can_assemble(
            tx, data["finished_good"], data["quantity"]
        ),
        success=lambda run: (
            f"Recorded {run['quantity']} {run['finished_good_name']} packed; "
            f"cost {money(run['total_cost'])} ({money(run['per_unit_cost'])} each)."
        ),
        detail="production:assembly_run_detail",
    )


@require_GET
def check_can_assemble(request: HttpRequest) -> JsonResponse:
    """The live "can I pack this?" panel: JSON for static/js/run_check.js."""
    good_id = request.GET.get("finished_good", "")
    if not good_id:
        return _json_error("Choose a gift box.", 400)
    try:
        with request_tx(request, read_only=True) as tx:
            result = services.check_can_assemble(tx, good_id, request.GET.get("quantity") or "1")
    except NotFound as exc:
        return _json_error(str(exc), 404)
    except DomainError as exc:
        return _json_error(str(exc), 400)
    return JsonResponse(result)


# --- Assembly: history, detail, undo --------------------------------------------------------


def assembly_run_list(request: HttpRequest) -> HttpResponse:
    return _run_list(
        request,
        kind="assembly",
        item_label="Gift box",
        item_filter="finished_good_id",
        history=services.get_assembly_history,
        when="assembled_at",
        template="production/assembly_run_list.html",
    )


def assembly_run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    with request_tx(request, read_only=True) as tx:
        run = or_404(services.get_assembly_run, tx, run_id)
        extra = get_assembly_run_extra(tx, run_id)
        corrections = services.get_run_corrections(tx, "assembly", run_id)
        _mark_unknown_prices(tx, run, key="packaging_consumptions")
    _for_display(run, "assembled_at")
    ctx = {
        "run": run,
        "extra": extra,
        "corrections": corrections,
        "event_form": _change_event_form(
            extra, reverse("production:assembly_run_event", args=[run_id])
        ),
    }
    return render(request, "production/assembly_run_detail.html", ctx)


@member_required
def assembly_run_reverse(request: HttpRequest, run_id: int) -> HttpResponse:
    return _reverse_page(
        request,
        run_id,
        read=services.get_assembly_run,
        undo=services.reverse_assembly_run,
        submit="Undo packing",
        success=lambda run: (
            f"Undid packing run {run_id}: {run['quantity']} {run['finished_good_name']} "
            "were taken apart and their contents are back in stock."
        ),
        detail="production:assembly_run_detail",
        when="assembled_at",
        template="production/assembly_run_reverse.html",
    )
