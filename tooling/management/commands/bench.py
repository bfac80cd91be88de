"""`manage.py bench --scales 1,4,16,64`: the benchmark of docs/performance.md, each scale
on its own throwaway database."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = (
        "Seed a household at each scale on its own throwaway database and time pages, "
        "reads and writes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scales", default="1,4,16", help="Comma-separated scales S.")
        parser.add_argument("--repeat", type=int, default=7, help="Timed calls per operation.")
        parser.add_argument(
            "--write-doc",
            metavar="PATH",
            help="Replace this database's tables in PATH (docs/performance.md).",
        )
        parser.add_argument("--json", metavar="PATH", help="Also save the results as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tooling import bench, perfdoc

        try:
            scales = [int(part) for part in options["scales"].split(",") if part.strip()]
        except ValueError:
            raise CommandError("--scales takes whole numbers, e.g. 1,4,16.") from None
        if not scales or any(s < 1 or s > 64 for s in scales):
            raise CommandError("Each scale must be between 1 and 64.")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1.")
        doc = Path(options["write_doc"]) if options["write_doc"] else None
        if doc is not None and not doc.is_file():
            raise CommandError(f"{doc} does not exist.")

        # Operation logs of thousands of timed calls would drown the table.
        logging.getLogger("bakeplanner").setLevel(logging.WARNING)
        vendor = connection.vendor
        results = []
        machine = ""
        for scale in scales:
            with bench.throwaway_database(f"bench_s{scale}") as name:
                self.stderr.write(f"S={scale}: seeding on {vendor} database {name} …")
                result = bench.run_scale(scale, options["repeat"])
                machine = machine or perfdoc.machine_line()
            results.append(result)
            self.stderr.write(f"S={scale}: seeded in {result.seed_seconds:.1f} s; measured.")
        text = perfdoc.bench_markdown(vendor, results, machine)
        self.stdout.write(text)
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8"
            )
        if vendor == "sqlite" and {16, 64} & set(scales):
            targets = perfdoc.targets_markdown(results, machine)
            self.stdout.write("\n" + targets)
        if doc is not None:
            perfdoc.replace_block(doc, f"bench {vendor}", text)
            if vendor == "sqlite" and {16, 64} & set(scales):
                perfdoc.replace_block(doc, "targets", targets)
            self.stderr.write(f"Wrote the {vendor} tables into {doc}.")
