"""`manage.py loadtest --clients 8 --seconds 20`: concurrent bakers, packers and readers
through the web layer on a throwaway database, then a stock check."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import setup_databases, teardown_databases


class Command(BaseCommand):
    help = "Bounded load test: concurrent clients record runs and read dashboards."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=8)
        parser.add_argument("--seconds", type=float, default=20.0)

    def handle(self, *args: Any, **options: Any) -> None:
        from tooling.loadtest import run_load, seed_scarce

        clients, seconds = options["clients"], options["seconds"]
        if not 1 <= clients <= 64:
            raise CommandError("--clients must be between 1 and 64.")
        if not 1 <= seconds <= 600:
            raise CommandError("--seconds must be between 1 and 600.")
        logging.getLogger("bakeplanner").setLevel(logging.ERROR)
        logging.getLogger("django").setLevel(logging.CRITICAL)
        folder = None
        if connection.vendor == "sqlite":
            folder = tempfile.TemporaryDirectory(prefix="bakeplanner-load-")
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
                Path(folder.name) / "load.sqlite3"
            )
        old = setup_databases(verbosity=0, interactive=False)
        try:
            world = seed_scarce()
            result = run_load(world, clients=clients, seconds=seconds)
        finally:
            teardown_databases(old, verbosity=0)
            if folder is not None:
                folder.cleanup()
        self.stdout.write(f"Database: {connection.vendor}; {clients} clients for {seconds:.0f} s")
        self.stdout.write(
            f"Requests: {result.requests} ({result.requests / seconds:.1f}/s); "
            f"by kind: {dict(result.by_kind)}; statuses: {dict(sorted(result.statuses.items()))}"
        )
        self.stdout.write(f"Server errors (5xx): {result.server_errors}")
        for line in result.errors + result.problems:
            self.stdout.write(f"PROBLEM: {line}")
        if result.server_errors or result.errors or result.problems:
            raise CommandError("The load test found problems (see above).")
        self.stdout.write("Stock invariants hold.")
