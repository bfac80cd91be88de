"""The HTTP load run of docs/performance.md: gunicorn on PostgreSQL, driven by locust.

`manage.py loadrun` seeds the benchmark household on a throwaway PostgreSQL database,
starts gunicorn with several workers on 127.0.0.1 at a port the system picks, runs locust
headless with the people of tooling/locustfile.py, stops gunicorn and then checks that the
stock still adds up: every lot's ledgers equal what left it and every baked item's count
equals what was made minus what was packed.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test import Client

from bakeplanner.models import Household
from production.models import (
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    FinishedUnit,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
)

__all__ = [
    "LoadRunResult",
    "PageStats",
    "check_stock",
    "database_url",
    "gunicorn_server",
    "parse_locust_csv",
    "run_locust",
]

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
SERVER_ERROR = re.compile(r"server error (5\d\d)")


@dataclass
class PageStats:
    name: str
    requests: int
    failures: int
    per_second: float
    p50: float
    p95: float
    p99: float


@dataclass
class LoadRunResult:
    users: int
    seconds: int
    workers: int
    scale: int
    pages: list[PageStats] = field(default_factory=list)
    total: PageStats | None = None
    failures: Counter[str] = field(default_factory=Counter)
    server_errors: int = 0
    bakes_posted: int = 0
    bakes_recorded: int = 0
    problems: list[str] = field(default_factory=list)


def database_url(settings_dict: dict[str, object]) -> str:
    """A DATABASE_URL for the PostgreSQL database described by `settings_dict`."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(str(settings_dict['NAME']), safe='')}"


def _bin(name: str) -> str:
    """A console script of this virtualenv (gunicorn, locust)."""
    return str(Path(sys.executable).with_name(name))


class gunicorn_server:  # noqa: N801 - used as a context manager, like open()
    """gunicorn on 127.0.0.1 at a free port; `url` is set once it answers."""

    def __init__(self, env: dict[str, str], *, workers: int, log: Path) -> None:
        self.env, self.workers, self.log = env, workers, log
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._port: int | None = None
        self._booted = 0
        self._ready = threading.Event()

    def __enter__(self) -> gunicorn_server:
        # Port 0: the system hands out a free port and gunicorn says which in its log.
        self._process = subprocess.Popen(
            [
                _bin("gunicorn"),
                "bakeplanner.wsgi:application",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--chdir",
                str(settings.BASE_DIR),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._process.stderr is not None
        threading.Thread(target=self._read_log, args=(self._process.stderr,), daemon=True).start()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _read_log(self, stream: IO[str]) -> None:
        with self.log.open("w", encoding="utf-8") as out:
            for line in stream:
                out.write(line)
                out.flush()
                found = LISTENING.search(line)
                if found:
                    self._port = int(found.group(1))
                if "Booting worker" in line:
                    self._booted += 1
                if self._port and self._booted >= self.workers:
                    self._ready.set()

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        process = self._process
        assert process is not None
        while not self._ready.wait(0.2):
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start within {timeout:.0f} s; see {self.log}")
        self.url = f"http://127.0.0.1:{self._port}"
        while True:  # the workers import Django on their first request
            try:
                with urllib.request.urlopen(self.url + "/accounts/login/", timeout=10) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn does not answer at {self.url}; see {self.log}")
            time.sleep(0.3)

    def stop(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run_locust(
    url: str, env: dict[str, str], *, users: int, seconds: int, csv_prefix: Path
) -> subprocess.CompletedProcess[str]:
    """locust headless against `url`; its statistics land in `csv_prefix`_*.csv."""
    return subprocess.run(
        [
            _bin("locust"),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            url,
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def parse_locust_csv(csv_prefix: Path, result: LoadRunResult) -> None:
    """Fill the per-page rows, the total and the failures from locust's CSV files."""
    with Path(f"{csv_prefix}_stats.csv").open(encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            page = PageStats(
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                per_second=_number(row["Requests/s"]),
                p50=_number(row["50%"]),
                p95=_number(row["95%"]),
                p99=_number(row["99%"]),
            )
            if row["Name"] == "Aggregated":
                result.total = page
            else:
                result.pages.append(page)
                if row["Name"] == "record baking (POST)":
                    result.bakes_posted = page.requests
    failures = Path(f"{csv_prefix}_failures.csv")
    if failures.exists():
        with failures.open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                count = int(row["Occurrences"])
                result.failures[f"{row['Name']}: {row['Error']}"] += count
                if SERVER_ERROR.search(row["Error"]) or re.search(r"\b5\d\d\b", row["Error"]):
                    result.server_errors += count


def check_stock(household: Household) -> list[str]:
    """Every lot's ledgers equal what left it; baked item counts equal made − packed."""
    problems = []
    drawn: dict[int, Decimal] = {}
    for model in (ProductionConsumption, AssemblyPackagingConsumption):
        for row in (
            model.objects.filter(household=household).values("lot_id").annotate(q=Sum("quantity"))
        ):
            drawn[row["lot_id"]] = drawn.get(row["lot_id"], Decimal(0)) + row["q"]
    for lot in InventoryLot.objects.filter(household=household):
        if lot.quantity_remaining < 0:
            problems.append(f"lot {lot.pk} is below zero")
        left = lot.quantity_initial - lot.quantity_remaining
        if left != drawn.get(lot.pk, Decimal(0)):
            problems.append(f"lot {lot.pk}: ledgers drew {drawn.get(lot.pk, 0)}, {left} left it")
    made = dict(
        ProductionRun.objects.filter(household=household, reversed_at__isnull=True)
        .values_list("finished_unit_id")
        .annotate(n=Sum("actual_yield"))
    )
    used = dict(
        AssemblyFinishedUnitConsumption.objects.filter(
            household=household, run__reversed_at__isnull=True
        )
        .values_list("finished_unit_id")
        .annotate(n=Sum("quantity"))
    )
    for unit in FinishedUnit.objects.filter(household=household):
        expected = made.get(unit.pk, 0) - used.get(unit.pk, 0)
        if unit.inventory_count != expected:
            problems.append(
                f"{unit.name}: count {unit.inventory_count} ≠ {made.get(unit.pk, 0)} made − "
                f"{used.get(unit.pk, 0)} packed"
            )
    return problems


def sessions(user: Any, count: int) -> list[str]:
    """`count` signed-in session keys of `user`, one per locust user."""
    keys = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def server_env(url: str) -> dict[str, str]:
    """The environment gunicorn runs with: this one, pointed at the throwaway database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        HTTPS="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bakeplanner.settings",
    )
    return env


def vendor_ok() -> bool:
    return connection.vendor == "postgresql"
