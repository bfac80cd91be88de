"""Gift tags, packing slips and the allergen and freshness page of an event.

See docs/allergens-and-freshness.md. The tags page lays one tag per assignment out on label
sheets (A4 or US Letter) a page at a time; `?format=pdf` makes the same page a PDF with
WeasyPrint, after the read's unit of work has ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from bakeplanner.display import date_text, plural
from bakeplanner.pages import read_context
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx
from events.services import (
    get_allergen_conflicts,
    get_bake_window,
    get_event_by_id,
    get_freshness_warnings,
    get_gift_tags,
    get_packing_slips,
)
from production.allergens import allergen_names

T = TypeVar("T")

# Label sheets (docs/allergens-and-freshness.md, "Gift tags and packing slips"): tags per
# sheet; the sizes and margins themselves are in templates/events/tags/tags.css.
SHEETS: dict[str, tuple[str, int]] = {
    "a4": ("A4, 8 tags a sheet (99.1 × 67.7 mm)", 8),
    "letter": ("US Letter, 6 tags a sheet (4 × 3⅓ in)", 6),
}
# 6 A4 sheets or 8 Letter sheets a page; a PDF holds more, and still a bounded number.
TAGS_PER_PAGE = 48
TAGS_PER_PDF = 240
SLIPS_PER_PAGE = 20
# The allergen and freshness page lists this many conflicts, with the total above them.
CONFLICTS_SHOWN = 100


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _sheet(request: HttpRequest) -> str:
    sheet = request.GET.get("sheet", "a4")
    return sheet if sheet in SHEETS else "a4"


def _tag_rows(tags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **tag,
            "contains_text": allergen_names(tag["contains"]),
            "may_contain_text": allergen_names(tag["may_contain"]),
            "best_before_text": date_text(_day(tag["best_before"])),
        }
        for tag in tags
    ]


def event_tags(request: HttpRequest, pk: int) -> HttpResponse:
    """The print-ready gift tags of an event, a page at a time (`?format=pdf` for a PDF)."""
    sheet = _sheet(request)
    as_pdf = request.GET.get("format") == "pdf"
    per_page = TAGS_PER_PDF if as_pdf else TAGS_PER_PAGE
    page = whole_number_or_none(request.GET.get("page")) or 1

    def build(tx: Tx) -> dict[str, Any]:
        return dict(get_gift_tags(tx, pk, page=page, per_page=per_page))

    ctx = read_context(request, build)
    ctx["tags"] = _tag_rows(ctx["tags"])
    ctx.update(
        {
            "sheet": sheet,
            "sheets": [(key, label) for key, (label, _per_sheet) in SHEETS.items()],
            "sheet_pages": _chunks(ctx["tags"], SHEETS[sheet][1]),
            "pdf_parts": range(1, -(-ctx["total"] // TAGS_PER_PDF) + 1),
            "tags_per_pdf": TAGS_PER_PDF,
            "total_text": plural(ctx["total"], "gift tag"),
        }
    )
    if not as_pdf:
        return render(request, "events/tags/event_tags.html", ctx)
    return _pdf_response(request, ctx)


def _pdf_response(request: HttpRequest, ctx: dict[str, Any]) -> HttpResponse:
    # Imported here: WeasyPrint loads Pango when imported, which only this view needs.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # ships no type hints

    html = render_to_string("events/tags/event_tags_pdf.html", ctx, request=request)
    stylesheet = CSS(string=render_to_string("events/tags/tags.css", {}))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[stylesheet]
    )
    event = ctx["event"]
    part = f"-{ctx['page']}" if ctx["pages"] > 1 else ""
    filename = f"gift-tags-{slugify(event.name) or event.pk}-{ctx['sheet']}{part}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def tags_stylesheet(request: HttpRequest) -> HttpResponse:
    """The label-sheet layout, shared by the tags page and the PDF."""
    response = HttpResponse(
        render_to_string("events/tags/tags.css", {}), content_type="text/css; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def event_packing_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """One packing slip per recipient of the event: what each of their packages holds."""
    page = whole_number_or_none(request.GET.get("page")) or 1
    ctx = read_context(
        request, lambda tx: dict(get_packing_slips(tx, pk, page=page, per_page=SLIPS_PER_PAGE))
    )
    ctx["total_text"] = plural(ctx["total"], "recipient")
    return render(request, "events/tags/event_packing_slips.html", ctx)


def allergen_panel(tx: Tx, event_id: int) -> dict[str, Any]:
    """The event page's allergen and freshness block: conflicts (the first few and how many)
    and the runs that will be past their best on the day."""
    conflicts = get_allergen_conflicts(tx, event_id)
    warnings = get_freshness_warnings(tx, event_id)
    return {
        "conflict_total": len(conflicts),
        "conflicts": [
            {**c, "allergens_text": allergen_names(c["allergens"])}
            for c in conflicts[:CONFLICTS_SHOWN]
        ],
        "stale_runs": [
            {
                **w,
                "baked_on_text": date_text(_day(w["baked_on"])),
                "best_before_text": date_text(_day(w["best_before"])),
                "frozen_best_before_text": date_text(_day(w["frozen_best_before"])),
            }
            for w in warnings
        ],
    }


def event_freshness(request: HttpRequest, pk: int) -> HttpResponse:
    """Allergen conflicts, freshness warnings and when to bake each recipe for the event."""

    def build(tx: Tx) -> dict[str, Any]:
        event = get_event_by_id(tx, pk)
        windows = [
            {
                **w,
                "earliest_text": date_text(_day(w["earliest"]), weekday=True),
                "earliest_fresh_text": date_text(_day(w["earliest_fresh"]), weekday=True),
                "latest_text": date_text(_day(w["latest"]), weekday=True),
                "days_text": plural(w["shortest_days"] or 0, "day"),
            }
            for w in get_bake_window(tx, pk)
        ]
        return {"event": event, "windows": windows, "panel": allergen_panel(tx, pk)}

    ctx = read_context(request, build)
    ctx["conflict_total_text"] = plural(ctx["panel"]["conflict_total"], "conflict")
    return render(request, "events/tags/event_freshness.html", ctx)
