"""`manage.py import_baketracker FILE --household H`: bring in a bake-tracker export.

See docs/import-baketracker.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bakeplanner.errors import DomainError
from bakeplanner.tx import unit_of_work
from events.csv_export import find_household, one_line
from events.imports import (
    DryRunDone,
    ImportRefused,
    ImportReport,
    check_size,
    import_baketracker,
    read_export,
)


class Command(BaseCommand):
    help = (
        "Import a household's ingredients, products, stock, recipes, recipients and events "
        "from a bake-tracker JSON export, all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .json file bake-tracker exported")
        parser.add_argument("--household", help="household name or id (optional with one)")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be imported, write nothing"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the rest when some rows cannot be taken, and list those rows",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        household = find_household(options.get("household"))
        path = Path(options["file"])
        dry_run = bool(options["dry_run"])
        try:
            check_size(path.stat().st_size)
            data = read_export(path.read_bytes())
            with unit_of_work(household) as tx:
                report = import_baketracker(
                    tx, data, skip_invalid=bool(options["skip_invalid"]), dry_run=dry_run
                )
                if dry_run:
                    raise DryRunDone(report)
        except DryRunDone as done:
            report = done.report
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(f"  {one_line(problem)}")
            raise CommandError(
                f"{one_line(refused)} (--skip-invalid imports the rest and lists these rows.)"
            ) from refused
        except DomainError as exc:
            raise CommandError(one_line(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        self._write(report)

    def _write(self, report: ImportReport) -> None:
        for line in report.lines():
            self.stdout.write(line)
