"""`manage.py export_event_summary EVENT`: planned cost per recipient as CSV.

See docs/design.md, "CSV exports".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events.csv_export import EVENT_SUMMARY, add_export_arguments, event_summary_csv, run_export


class Command(BaseCommand):
    help = "Write an event's summary (cost by recipient) as CSV (default <event-slug>-summary.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_export_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_export(
            self.stdout,
            options,
            suffix=EVENT_SUMMARY,
            build=lambda tx, event: event_summary_csv(tx, event.pk),
        )
