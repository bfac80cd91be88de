"""`manage.py export_shopping_list EVENT`: the event's shopping list as CSV.

See docs/design.md, "CSV exports".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from events.csv_export import SHOPPING_LIST, add_export_arguments, run_export, shopping_list_csv


class Command(BaseCommand):
    help = "Write an event's shopping list as CSV (default file <event-slug>-shopping-list.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_export_arguments(parser)
        parser.add_argument(
            "--no-packaging", action="store_true", help="leave packaging supplies out"
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="list every line, also those with enough in stock (default: only what to buy)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        include_packaging = not options["no_packaging"]
        show_all = bool(options["all"])
        run_export(
            self.stdout,
            options,
            suffix=SHOPPING_LIST,
            build=lambda tx, event: shopping_list_csv(
                tx, event.pk, include_packaging=include_packaging, show_all=show_all
            ),
        )
