"""`manage.py export_production_history`: every baking run as CSV.

See docs/design.md, "CSV exports".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bakeplanner.dates import RANGE_TEXT, in_range
from bakeplanner.errors import DomainError
from bakeplanner.households import time_zone_of
from bakeplanner.tx import unit_of_work
from events.csv_export import (
    PRODUCTION_HISTORY,
    _write_stdout,
    find_event,
    find_household,
    one_line,
    production_history_csv,
)


def _date(text: str | None, label: str) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{label} {one_line(text)!r} is not a date (use YYYY-MM-DD).") from None
    if not in_range(day):
        raise CommandError(f"{label} {text} is outside the accepted years ({RANGE_TEXT}).")
    return day


class Command(BaseCommand):
    help = "Write every baking run (newest first) as CSV, optionally for one event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", help="only runs for this event (name or slug)")
        parser.add_argument("--household", help="household name or id (optional with one)")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--output", help="file to write, or - for standard output (default: see help)"
        )
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")

    def handle(self, *args: Any, **options: Any) -> None:
        household = find_household(options.get("household"))
        start, end = _date(options["start"], "--from"), _date(options["end"], "--to")
        output = options.get("output")
        try:
            # Dates are the household's days, as on its pages (docs/units-and-locale.md).
            with (
                timezone.override(time_zone_of(household)),
                unit_of_work(household, read_only=True) as tx,
            ):
                event = find_event(tx, options["event"]) if options.get("event") else None
                name = (
                    f"{event.slug}-{PRODUCTION_HISTORY}.csv"
                    if event
                    else f"{PRODUCTION_HISTORY}.csv"
                )
                target = None if output == "-" else Path(output or name)
                if target is not None:
                    if target.exists() and not options["force"]:
                        raise CommandError(f"{target} already exists; use --force to overwrite it.")
                    if not target.parent.is_dir():
                        raise CommandError(f"The folder {target.parent} does not exist.")
                data = production_history_csv(
                    tx, event_id=event.pk if event else None, start=start, end=end
                )
        except DomainError as exc:
            raise CommandError(one_line(exc)) from exc
        if target is None:
            _write_stdout(self.stdout, data)
            return
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
        self.stdout.write(f"Wrote {target}")
