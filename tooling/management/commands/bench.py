"""`manage.py bench --scales 1,4,16`: the benchmark of docs/performance.md on a
throwaway database."""

from __future__ import annotations

import logging
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import setup_databases, teardown_databases


class Command(BaseCommand):
    help = "Seed households at each scale on a throwaway database and time reads, writes and pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scales", default="1,4,16", help="Comma-separated scales S.")
        parser.add_argument("--repeat", type=int, default=7, help="Calls per operation.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tooling import bench

        try:
            scales = [int(part) for part in options["scales"].split(",") if part.strip()]
        except ValueError:
            raise CommandError("--scales takes whole numbers, e.g. 1,4,16.") from None
        if not scales or any(s < 1 or s > 64 for s in scales):
            raise CommandError("Each scale must be between 1 and 64.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")

        # Operation logs of thousands of timed calls would drown the table.
        logging.getLogger("bakeplanner").setLevel(logging.WARNING)
        folder = None
        if connection.vendor == "sqlite":
            # Measure an on-disk database with the real pragmas, not an in-memory one.
            folder = tempfile.TemporaryDirectory(prefix="bakeplanner-bench-")
            connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
                Path(folder.name) / "bench.sqlite3"
            )
        old = setup_databases(verbosity=0, interactive=False)
        try:
            results: dict[int, dict[str, tuple[int, float]]] = {}
            for scale in scales:
                self.stderr.write(f"Seeding S={scale} …")
                world = bench.seed(scale)
                results[scale] = {}
                for name, call in bench.operations(world):
                    call()  # warm caches and the connection once
                    results[scale][name] = bench.measure(call, options["repeat"])
        finally:
            teardown_databases(old, verbosity=0)
            if folder is not None:
                folder.cleanup()
        self._print(results, scales)

    def _print(self, results: dict[int, dict[str, tuple[int, float]]], scales: list[int]) -> None:
        cpu = platform.processor() or platform.machine()
        self.stdout.write(
            f"Database: {connection.vendor}; Python {platform.python_version()}; "
            f"{os.cpu_count()} cores; {cpu}"
        )
        header = (
            "| operation | " + " | ".join(f"S={s} queries | S={s} median ms" for s in scales) + " |"
        )
        self.stdout.write(header)
        self.stdout.write("|" + "---|" * (1 + 2 * len(scales)))
        for name in results[scales[0]]:
            cells = []
            for scale in scales:
                queries, ms = results[scale][name]
                cells += [str(queries), f"{ms:.1f}"]
            self.stdout.write(f"| {name} | " + " | ".join(cells) + " |")
