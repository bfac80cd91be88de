"""Plan rows and next steps made ready for the home page and the event page.

Every figure is turned into text here, once, so the templates only print strings: a long
plan renders as fast as a short one (docs/performance.md). Bars are drawn inline from the
`width` computed here, never through a template include per row.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bakeplanner.display import count_of, percent_text, plural
from bakeplanner.pages import url_maker


def days_left_text(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    if days == -1:
        return "yesterday"
    return f"{plural(-days, 'day')} ago"


def bake_url(
    event_id: int, row: dict[str, Any], count: int | None = None, *, base: str = ""
) -> str:
    """Record baking, filled in: the baked item, the event and the batches still needed
    (`base`: the form's address, when the caller has it already). Every value is a whole
    number, so the query string needs no quoting."""
    query = f"event={event_id}"
    if row.get("finished_unit_id"):
        query += f"&finished_unit={row['finished_unit_id']}"
    batches = row["remaining"] if count is None else count
    if batches > 0:
        query += f"&batches={batches}"
    return f"{base or reverse('production:production_run_create')}?{query}"


def pack_url(
    event_id: int, row: dict[str, Any], count: int | None = None, *, base: str = ""
) -> str:
    """Record packing, filled in: the gift box, the event and how many are still needed."""
    query = f"event={event_id}&finished_good={row['item_id']}"
    quantity = row["remaining"] if count is None else count
    if quantity > 0:
        query += f"&quantity={quantity}"
    return f"{base or reverse('production:assembly_run_create')}?{query}"


def _bar(done: int, plan: int, pct: float) -> dict[str, Any]:
    width = 100 if pct >= 100 else max(0, min(100, int(pct)))
    # Text already: the template prints it twice a row, and an int would be localised each time.
    complete = plan > 0 and done >= plan
    return {
        "width": str(width),
        "complete": complete,
        "pct": percent_text(pct),
        # The bar's classes and the tick after the count, ready to print.
        "css": f"w-pct-{width} bg-success" if complete else f"w-pct-{width}",
        "tick": " ✓" if complete else "",
    }


# What each kind of plan row counts, where it is recorded and where its target is set.
_KINDS = {
    "bake": ("batch", "batches", "production:production_run_create", "production_target_set"),
    "pack": ("gift box", "gift boxes", "production:assembly_run_create", "assembly_target_set"),
}


def _rows(
    kind: str, event_id: int, rows: list[dict[str, Any]], links: bool
) -> list[dict[str, Any]]:
    one, many, record_name, target_name = _KINDS[kind]
    shown = [
        {
            **row,
            "bar": _bar(row["done"], row["plan"], row["progress_pct"]),
            "done_text": f"{row['done']} of {plural(row['plan'], one, many)}",
        }
        for row in rows
    ]
    if not links:
        return shown
    record = reverse(record_name)
    target = reverse(f"events:{target_name}", args=[event_id])
    link, param = (bake_url, "recipe") if kind == "bake" else (pack_url, "finished_good")
    for row in shown:
        row["left_text"] = (
            f"{plural(row['remaining'], one, many)} remaining" if row["remaining"] else "done"
        )
        row["record_url"] = link(event_id, row, base=record)
        row["target_url"] = f"{target}?{param}={row['item_id']}"
    return shown


def bake_rows(
    event_id: int, rows: list[dict[str, Any]], *, links: bool = True
) -> list[dict[str, Any]]:
    """Baking rows of the plan with their bar and texts, and their links unless `links` is
    false (the home page's cards show no buttons)."""
    return _rows("bake", event_id, rows, links)


def pack_rows(
    event_id: int, rows: list[dict[str, Any]], *, links: bool = True
) -> list[dict[str, Any]]:
    """Packing rows of the plan with their bar and texts, and their links unless `links` is
    false."""
    return _rows("pack", event_id, rows, links)


def step_links(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each next step as a link that opens the right form (or list) already filled in."""
    event_url = url_maker("events:event_detail")
    shown = []
    for step in steps:
        event_id, count, row = step["event_id"], step["count"], step.get("row")
        if step["kind"] == "bake" and row:
            text = f"Bake {plural(count, 'more batch', 'more batches')} of {row['name']}"
            url = bake_url(event_id, row, count)
        elif step["kind"] == "pack" and row:
            text = f"Record packing: {count_of(count, 'more ' + row['name'])}"
            url = pack_url(event_id, row, count)
        elif step["kind"] == "more_bake":
            text = f"and {plural(count, 'more recipe')} to bake"
            url = event_url(event_id)
        elif step["kind"] == "more_pack":
            text = f"and {plural(count, 'more gift box', 'more gift boxes')} to make"
            url = event_url(event_id)
        elif step["kind"] == "ready":
            text = f"Mark {plural(count, 'package', 'packages')} ready"
            url = f"{event_url(event_id)}?tab=packages&status=pending"
        else:
            text = f"Deliver {plural(count, 'ready package', 'ready packages')}"
            url = f"{event_url(event_id)}?tab=packages&status=ready"
        shown.append(
            {
                **step,
                "text": text,
                "url": url,
                "when": days_left_text(step["days_left"]),
            }
        )
    return shown
