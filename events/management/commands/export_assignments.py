"""`manage.py export_assignments EVENT`: the packing list by recipient as CSV.

See docs/design.md, "CSV exports".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events.csv_export import ASSIGNMENTS, add_export_arguments, assignments_csv, run_export


class Command(BaseCommand):
    help = (
        "Write an event's packing list by recipient as CSV (default <event-slug>-assignments.csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_export_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run_export(
            self.stdout,
            options,
            suffix=ASSIGNMENTS,
            build=lambda tx, event: assignments_csv(tx, event.pk),
        )
