"""`manage.py loadrun --users 20 --seconds 60`: locust against gunicorn on a throwaway
PostgreSQL database, then a stock check (docs/performance.md, "Load run over HTTP")."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from production.models import ProductionRun


class Command(BaseCommand):
    help = "Load run over HTTP: locust users against gunicorn workers on PostgreSQL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=20, help="Concurrent locust users.")
        parser.add_argument("--seconds", type=int, default=60, help="Length of the run.")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes.")
        parser.add_argument("--scale", type=int, default=4, help="Scale S of the seeded data.")
        parser.add_argument(
            "--write-doc", metavar="PATH", help="Replace the load-run table in PATH."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tooling import bench, loadrun, perfdoc

        users, seconds, workers, scale = (
            options["users"],
            options["seconds"],
            options["workers"],
            options["scale"],
        )
        if not 1 <= users <= 200:
            raise CommandError("--users must be between 1 and 200.")
        if not 5 <= seconds <= 1800:
            raise CommandError("--seconds must be between 5 and 1800.")
        if not 1 <= workers <= 32:
            raise CommandError("--workers must be between 1 and 32.")
        if not 1 <= scale <= 64:
            raise CommandError("--scale must be between 1 and 64.")
        if not loadrun.vendor_ok():
            raise CommandError(
                "The load run needs PostgreSQL: set DATABASE_URL to a server it may create "
                "a database on (scripts/postgres.sh start prints one)."
            )
        doc = Path(options["write_doc"]) if options["write_doc"] else None
        if doc is not None and not doc.is_file():
            raise CommandError(f"{doc} does not exist.")
        logging.getLogger("bakeplanner").setLevel(logging.WARNING)

        result = loadrun.LoadRunResult(users, seconds, workers, scale)
        with tempfile.TemporaryDirectory(prefix="bakeplanner-loadrun-") as folder:
            with bench.throwaway_database("loadrun") as name:
                self.stderr.write(f"Seeding S={scale} on {name} …")
                world = bench.seed(scale)
                runs_before = ProductionRun.objects.filter(household=world.household).count()
                env = loadrun.server_env(loadrun.database_url(connection.settings_dict))
                env.update(
                    LOADRUN_SESSIONS=",".join(loadrun.sessions(world.user, users)),
                    LOADRUN_SESSION_COOKIE=settings.SESSION_COOKIE_NAME,
                    LOADRUN_EVENT_ID=str(world.upcoming_event_id),
                    LOADRUN_UNIT_ID=str(world.finished_unit_id),
                    LOADRUN_ITEMS_PER_BATCH=str(world.items_per_batch),
                )
                log = Path(folder) / "gunicorn.log"
                with loadrun.gunicorn_server(env, workers=workers, log=log) as server:
                    self.stderr.write(
                        f"gunicorn ({workers} workers) at {server.url}; "
                        f"{users} users for {seconds} s …"
                    )
                    locust = loadrun.run_locust(
                        server.url,
                        env,
                        users=users,
                        seconds=seconds,
                        csv_prefix=Path(folder) / "locust",
                    )
                if not Path(folder, "locust_stats.csv").exists():
                    raise CommandError(f"locust wrote no statistics:\n{locust.stderr[-3000:]}")
                loadrun.parse_locust_csv(Path(folder) / "locust", result)
                recorded = ProductionRun.objects.filter(household=world.household).count()
                result.bakes_recorded = recorded - runs_before
                result.problems = loadrun.check_stock(world.household)
                machine = perfdoc.machine_line()
        text = perfdoc.loadrun_markdown(result, machine)
        self.stdout.write(text)
        if doc is not None:
            perfdoc.replace_block(doc, "loadrun", text)
            self.stderr.write(f"Wrote the load-run table into {doc}.")
        if result.server_errors or result.problems:
            raise CommandError("The load run found problems (see above).")
