"""Load a household file as a new household (docs/household-file.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bakeplanner.errors import DomainError
from tooling.household_file import import_household, read_household_file


class Command(BaseCommand):
    help = (
        "Load a file written by export_household as a new household, all or nothing. "
        "Every row gets a new id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The household file, or - for stdin.")
        parser.add_argument("--name", required=True, help="The new household's name.")
        parser.add_argument(
            "--member",
            action="append",
            default=[],
            metavar="USERNAME",
            help="An existing user with no household to make a member first, so that the "
            "file's records of what they did keep their name (may be repeated).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            if path == "-":
                document = read_household_file(sys.stdin)
            else:
                with open(path, "rb") as stream:
                    document = read_household_file(stream)
            result = import_household(document, options["name"], members=options["member"])
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        except DomainError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from None
        self.stdout.write(
            f"Imported the household {result.household.name!r} (id {result.household.pk}): "
            f"{result.row_count} rows in {len(result.counts)} tables."
        )
