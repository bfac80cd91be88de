"""CSV files of event reports, shared by the management commands and the web.

The rules: docs/design.md, "CSV exports".

Conventions: UTF-8 with a BOM, comma, RFC 4180 quoting, CRLF, one Title Case header row
with units (`Estimated Cost (USD)`), plain decimals, ISO dates, empty cells for nothing,
deterministic order, the header even with no rows, and text cells that a spreadsheet would
run as a formula prefixed with a single quote (see `escape_text`). Only user text (`Text`) is
escaped: figures the reports format themselves, negative ones included, stay numbers.
The web download and the command call the same `*_csv` function, so they give the same bytes.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper
from django.utils import timezone

from bakeplanner.errors import DomainError, NotFound
from bakeplanner.households import time_zone_of
from bakeplanner.models import Household
from bakeplanner.names import name_key
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx, unit_of_work
from events.models import Event
from events.services.events import get_event_by_name, get_event_by_slug
from events.services.reports import get_event_packing_list, get_event_summary
from events.services.shopping import get_shopping_list_by_category

BOM = "\ufeff"
# A cell that starts with one of these is a formula to Excel, LibreOffice or Google Sheets.
# Full-width and small forms (＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫) fold onto them under NFKC, and some
# spreadsheets (and East Asian input methods) treat them the same way. `|` and `%` are left
# alone: neither starts a formula on its own, and escaping them would only put a visible
# quote in front of harmless text (a DDE payload such as `=cmd|...` starts with `=` anyway).
FORMULA_STARTS = ("=", "+", "-", "@")
# Tab and CR are escaped even when no formula follows: spreadsheets strip them on import.
CONTROL_STARTS = ("\t", "\r")
# Leading characters a spreadsheet may drop before it looks for a formula: every Unicode
# space and separator (NBSP, U+3000 ideographic space …), control characters (newline) and
# invisible format characters (zero-width space and joiners, BOM, word joiner).
_SKIPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})

Cell = str | int | None


class Text(str):
    """A cell of user text: escaped against formula injection when written."""


def _first_visible(value: str) -> str:
    """The first character that is not whitespace or invisible, or "" when there is none."""
    for char in value:
        if char.isspace() or unicodedata.category(char) in _SKIPPED_CATEGORIES:
            continue
        return char
    return ""


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could run this text as a formula (or mangle its start)."""
    if value.startswith(CONTROL_STARTS):
        return True
    return unicodedata.normalize("NFKC", _first_visible(value)).startswith(FORMULA_STARTS)


def escape_text(value: str) -> str:
    """Prefix a single quote to text a spreadsheet would read as a formula."""
    if looks_like_formula(value):
        return "'" + value
    return value


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Text):
        return escape_text(str(value))
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One table as UTF-8 with BOM, CRLF line ends and minimal RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def money_header(label: str) -> str:
    return f"{label} ({settings.CURRENCY})"


def one_line(text: Any) -> str:
    """User text inside an error message, on one line."""
    return " ".join(str(text).split())


# --- Shopping list --------------------------------------------------------------------------

SHOPPING_LIST = "shopping-list"


def shopping_list_header() -> list[str]:
    return [
        "Kind",
        "Category",
        "Ingredient",
        "Needed",
        "On Hand",
        "To Buy",
        "Unit",
        "Product",
        "Brand",
        "Packages To Buy",
        money_header("Estimated Cost"),
        "Recipes",
    ]


def has_something_to_buy(line: dict[str, Any]) -> bool:
    """A line to buy: its to-buy amount is more than zero (a line without a product still
    counts, so its packages may be unknown)."""
    return Decimal(line["to_buy"]) > 0


def to_buy_first(
    result: dict[str, Any],
    *,
    show_all: bool,
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> int:
    """Leave out of `result["groups"]` (in place) the lines with nothing to buy, and the groups
    left empty, unless `show_all`; return how many lines are left out that way.

    `keep` names lines to show even with nothing to buy (the page keeps a line ticked in the
    shop, so its buyer sees it covered). The service keeps every line; the pages and exports
    choose (docs/design.md, "Shopping list")."""
    enough = 0
    kept = []
    for group in result["groups"]:
        lines = [
            line
            for line in group["lines"]
            if has_something_to_buy(line) or (keep is not None and keep(line))
        ]
        enough += len(group["lines"]) - len(lines)
        if show_all:
            kept.append(group)
        elif lines:
            kept.append({**group, "lines": lines})
    result["groups"] = kept
    return enough


def shopping_list_rows(
    tx: Tx, event_id: int, *, include_packaging: bool = True, show_all: bool = False
) -> tuple[list[str], list[list[Cell]]]:
    """Header and rows: ingredients before packaging, by category, then ingredient name; only
    the lines with something to buy unless `show_all`."""
    tx.require()
    result = get_shopping_list_by_category(tx, event_id, include_packaging=include_packaging)
    to_buy_first(result, show_all=show_all)
    rows: list[list[Cell]] = []
    for group in result["groups"]:
        for line in group["lines"]:
            rows.append(
                [
                    group["kind"],
                    Text(group["category"]),
                    Text(line["ingredient_name"]),
                    line["needed"],
                    line["on_hand"],
                    line["to_buy"],
                    line["unit"],
                    Text(line["product_name"]),
                    Text(line["brand"]),
                    line["packages_to_buy"],
                    None if line["price_missing"] else line["estimated_cost"],
                    Text("; ".join(line["recipes"])),
                ]
            )
    return shopping_list_header(), rows


def shopping_list_csv(
    tx: Tx, event_id: int, *, include_packaging: bool = True, show_all: bool = False
) -> bytes:
    header, rows = shopping_list_rows(
        tx, event_id, include_packaging=include_packaging, show_all=show_all
    )
    return csv_bytes(header, rows)


# --- Event summary ----------------------------------------------------------------------------

EVENT_SUMMARY = "summary"


def event_summary_rows(tx: Tx, event_id: int) -> tuple[list[str], list[list[Cell]]]:
    """One row per recipient, then the event's total, then each ingredient without a price."""
    tx.require()
    summary = get_event_summary(tx, event_id)
    packing = get_event_packing_list(tx, event_id)
    event = tx.objects(Event).get(pk=summary["event_id"])
    households: dict[int, str] = {}
    assignments: dict[int, int] = {}
    packages: dict[int, int] = {}
    for row in packing:
        households[row["recipient_id"]] = row["household_name"]
        assignments[row["recipient_id"]] = assignments.get(row["recipient_id"], 0) + 1
        packages[row["recipient_id"]] = packages.get(row["recipient_id"], 0) + row["quantity"]
    header = [
        "Kind",
        "Name",
        "Household Name",
        "Event Date",
        "Assignments",
        "Packages",
        money_header("Estimated Cost"),
    ]
    rows: list[list[Cell]] = []
    for recipient in summary["cost_by_recipient"]:
        rid = recipient["recipient_id"]
        rows.append(
            [
                "recipient",
                Text(recipient["recipient_name"]),
                Text(households.get(rid, "")),
                event.event_date.isoformat(),
                assignments.get(rid, 0),
                packages.get(rid, 0),
                recipient["cost"],
            ]
        )
    rows.append(
        [
            "total",
            Text(event.name),
            "",
            event.event_date.isoformat(),
            summary["assignment_count"],
            summary["package_count"],
            summary["total_cost"],
        ]
    )
    for name in summary["missing_prices"]:
        rows.append(["missing_price", Text(name), "", "", None, None, None])
    return header, rows


def event_summary_csv(tx: Tx, event_id: int) -> bytes:
    header, rows = event_summary_rows(tx, event_id)
    return csv_bytes(header, rows)


# --- Assignments (packing list) -----------------------------------------------------------

ASSIGNMENTS = "assignments"


def assignments_rows(tx: Tx, event_id: int) -> tuple[list[str], list[list[Cell]]]:
    """The packing list: one row per assignment, by recipient name."""
    tx.require()
    header = [
        "Recipient",
        "Household Name",
        "Address",
        "Package",
        "Quantity",
        "Contents",
        "Status",
        "Notes",
    ]
    rows: list[list[Cell]] = []
    for row in get_event_packing_list(tx, event_id):
        contents = "; ".join(
            f"{item['quantity']} × {item['finished_good_name']}" for item in row["contents"]
        )
        rows.append(
            [
                Text(row["recipient_name"]),
                Text(row["household_name"]),
                Text(row["address"]),
                Text(row["package_name"]),
                row["quantity"],
                Text(contents),
                row["fulfillment_status"],
                Text(row["notes"]),
            ]
        )
    return header, rows


def assignments_csv(tx: Tx, event_id: int) -> bytes:
    header, rows = assignments_rows(tx, event_id)
    return csv_bytes(header, rows)


# --- Commands -------------------------------------------------------------------------------


def default_filename(event: Event, suffix: str) -> str:
    return f"{event.slug}-{suffix}.csv"


def find_household(text: str | None) -> Household:
    """The household named (compared as names are) or numbered; the only one when not given."""
    if text is None or not str(text).strip():
        households = list(Household.objects.order_by("pk")[:2])
        if not households:
            raise CommandError("No household exists yet; create one with create_household.")
        if len(households) > 1:
            count = Household.objects.count()
            raise CommandError(
                f"There are {count} households; choose one with --household (name or id)."
            )
        return households[0]
    text = str(text).strip()
    household_id = whole_number_or_none(text)
    if household_id is not None:
        found = Household.objects.filter(pk=household_id).first()
        if found is not None:
            return found
    key = name_key(text)
    found = next((h for h in Household.objects.order_by("pk") if name_key(h.name) == key), None)
    if found is None:
        raise CommandError(f"No household named or numbered {one_line(text)!r}.")
    return found


def find_event(tx: Tx, text: str) -> Event:
    """The household's event with this slug, else with this name (compared as names are)."""
    tx.require()
    wanted = str(text).strip()
    for lookup in (get_event_by_slug, get_event_by_name):
        try:
            return lookup(tx, wanted)
        except NotFound:
            pass
    raise CommandError(
        f"No event named or with slug {one_line(wanted)!r} in household "
        f"{one_line(tx.household.name)!r}."
    )


def add_export_arguments(parser: Any) -> None:
    parser.add_argument("event", help="the event's name or slug")
    parser.add_argument(
        "--household", help="household name or id (may be left out when there is only one)"
    )
    parser.add_argument(
        "--output",
        help="file to write, or - for standard output (default: <event-slug>-<report>.csv)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )


def _write_stdout(stdout: Any, data: bytes) -> None:
    """The exact bytes to a real terminal or pipe; text to a captured stream (tests)."""
    # OutputWrapper keeps the stream it wraps in `_out` (the stubs type unknown attributes as
    # callables).
    out: IO[str] = cast(IO[str], stdout._out) if isinstance(stdout, OutputWrapper) else stdout
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("utf-8"))


def run_export(
    stdout: Any,
    options: dict[str, Any],
    *,
    suffix: str,
    build: Callable[[Tx, Event], bytes],
) -> Path | None:
    """Resolve household and event, refuse to overwrite, build in one read-only unit of work,
    write the file (or standard output). Every user mistake is a one-line `CommandError`."""
    household = find_household(options.get("household"))
    output = options.get("output")
    try:
        # Dates are the household's days, as on its pages (docs/units-and-locale.md).
        with (
            timezone.override(time_zone_of(household)),
            unit_of_work(household, read_only=True) as tx,
        ):
            event = find_event(tx, options["event"])
            target = None if output == "-" else Path(output or default_filename(event, suffix))
            if target is not None:
                if target.is_dir():
                    raise CommandError(f"{target} is a directory; give a file name.")
                if target.exists() and not options.get("force"):
                    raise CommandError(f"{target} already exists; use --force to overwrite it.")
                if not target.parent.is_dir():
                    raise CommandError(f"The folder {target.parent} does not exist.")
            data = build(tx, event)
    except DomainError as exc:
        raise CommandError(one_line(exc)) from exc
    if target is None:
        _write_stdout(stdout, data)
        return None
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    stdout.write(f"Wrote {target}")
    return target


# --- Production history -----------------------------------------------------------------------

PRODUCTION_HISTORY = "production-history"
HISTORY_PAGE = 100


def production_history_rows(
    tx: Tx, *, event_id: int | None = None, start: Any = None, end: Any = None
) -> tuple[list[str], list[list[Cell]]]:
    """Every production run, newest first (reversed runs included and marked)."""
    from production.services import get_production_history

    tx.require()
    header = [
        "Produced At",
        "Recipe",
        "Finished Unit",
        "Event",
        "Batches",
        "Scale",
        "Expected Yield",
        "Actual Yield",
        "Loss",
        "Loss Category",
        "Status",
        money_header("Total Ingredient Cost"),
        money_header("Per Unit Cost"),
        money_header("Loss Cost"),
        "Reversed",
        "Notes",
    ]
    event_names = dict(tx.objects(Event).values_list("pk", "name"))
    rows: list[list[Cell]] = []
    offset = 0
    while True:
        page = get_production_history(
            tx, event_id=event_id, start=start, end=end, limit=HISTORY_PAGE, offset=offset
        )
        for run in page:
            rows.append(
                [
                    run["produced_at"],
                    Text(run["recipe_name"]),
                    Text(run["finished_unit_name"]),
                    Text(event_names.get(run["event_id"], "")),
                    run["num_batches"],
                    run["scale"],
                    run["expected_yield"],
                    run["actual_yield"],
                    run["loss_quantity"],
                    run["loss_category"],
                    run["status"],
                    run["total_ingredient_cost"],
                    run["per_unit_cost"],
                    run["loss_cost"],
                    "yes" if run["reversed"] else "no",
                    Text(run["notes"]),
                ]
            )
        if len(page) < HISTORY_PAGE:
            break
        offset += HISTORY_PAGE
    return header, rows


def production_history_csv(
    tx: Tx, *, event_id: int | None = None, start: Any = None, end: Any = None
) -> bytes:
    header, rows = production_history_rows(tx, event_id=event_id, start=start, end=end)
    return csv_bytes(header, rows)
