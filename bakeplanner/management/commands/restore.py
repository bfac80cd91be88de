"""Restore a backup written by `manage.py backup` into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bakeplanner.backup import RestoreRefused, database_is_empty, restore_backup


class Command(BaseCommand):
    help = "Load a BakePlanner backup (.json or .json.gz) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        if not database_is_empty():
            raise CommandError(
                "The database already holds data; restore only into a new, migrated database."
            )
        try:
            restore_backup(path)
        except RestoreRefused as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # any failure: the transaction rolled back, say so plainly
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise CommandError(f"Restore failed, nothing was loaded: {first_line}") from None
        self.stdout.write(f"Restored {path}.")
