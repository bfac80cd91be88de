"""Write a consistent backup of the whole database to a JSON file (.json or .json.gz)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bakeplanner.backup import open_for_write, write_backup


class Command(BaseCommand):
    help = "Back up every household, user and record to a portable JSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="File to write (default bakeplanner-backup-<UTC timestamp>.json.gz).",
        )
        parser.add_argument("--force", action="store_true", help="Overwrite an existing file.")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = Path(options["output"] or f"bakeplanner-backup-{stamp}.json.gz")
        if path.exists() and not options["force"]:
            raise CommandError(f"{path} already exists; use --force to overwrite it.")
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        with open_for_write(path) as stream:
            count = write_backup(stream)
        self.stdout.write(f"Wrote {count} records to {path}.")
