"""The benchmark of docs/performance.md: seed a household at scale S on its own throwaway
database, then time reads, writes and pages.

Run through `manage.py bench`. Every scale gets a fresh database (a temporary SQLite file,
or a PostgreSQL database created on the server of DATABASE_URL and dropped afterwards), so
the real data is never touched and no scale measures another scale's rows. Writes are
measured inside a unit of work that is rolled back, so every repetition starts from the
same state. Pages go through the whole Django stack with the test client.

Beside each read the benchmark reports its SQL floor: the statements the call sent are
captured and run again straight on the database connection (rows fetched, no models
built), and their time is the least the call could take with the same queries.
"""

from __future__ import annotations

import gc
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import setup_databases, teardown_databases
from django.urls import reverse

from bakeplanner.tx import Tx, unit_of_work
from events.services import (
    clone_event,
    get_event_cost_analysis,
    get_event_summary,
    get_events_with_progress,
    get_shopping_list,
)
from production.services import record_assembly, record_batch_production
from tooling.bench_seed import PASSWORD, World, seed

__all__ = [
    "FLOOR_PAGE",
    "PASSWORD",
    "Measured",
    "ScaleResult",
    "World",
    "measure",
    "operations",
    "pages",
    "run_scale",
    "seed",
    "throwaway_database",
]

READ_PREFIXES = ("SELECT", "WITH")


class _Rollback(Exception):
    pass


@dataclass
class Measured:
    """One operation at one scale: statements of one call and medians over the calls."""

    name: str
    kind: str  # "read", "write" or "page"
    queries: int
    ms: float
    sql_ms: float | None = None  # None for writes: their statements cannot be replayed
    response_bytes: int | None = None

    @property
    def ratio(self) -> float | None:
        """Whole call ÷ SQL floor."""
        if self.sql_ms is None or self.sql_ms <= 0:
            return None
        return self.ms / self.sql_ms


@dataclass
class ScaleResult:
    scale: int
    seed_seconds: float
    counts: dict[str, int]
    results: list[Measured] = field(default_factory=list)
    measure_seconds: float = 0.0

    def get(self, name: str) -> Measured:
        return next(row for row in self.results if row.name == name)


@dataclass
class _Statement:
    sql: str
    params: Any
    many: bool


class _Recorder:
    """A connection execute wrapper that keeps every statement sent."""

    def __init__(self) -> None:
        self.statements: list[_Statement] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append(_Statement(sql, params, many))
        return execute(sql, params, many, context)


def replay_ms(statements: list[_Statement]) -> float:
    """Milliseconds to run the captured reads again and fetch every row they return."""
    reads = [
        s for s in statements if not s.many and s.sql.lstrip().upper().startswith(READ_PREFIXES)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        for statement in reads:
            cursor.execute(statement.sql, statement.params)
            cursor.fetchall()
        return (time.perf_counter() - start) * 1000


def measure(
    name: str, kind: str, call: Callable[[], Any], repeat: int, *, replay: bool = True
) -> Measured:
    """Call `call` `repeat` times (after one warm-up call) and take the medians."""
    call()
    times, sql_times, queries, sizes = [], [], [], []
    for _ in range(repeat):
        recorder = _Recorder()
        with connection.execute_wrapper(recorder):
            start = time.perf_counter()
            answer = call()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(recorder.statements))
        if isinstance(answer, int):
            sizes.append(answer)
        if replay:
            sql_times.append(replay_ms(recorder.statements))
    return Measured(
        name=name,
        kind=kind,
        queries=max(queries),
        ms=statistics.median(times),
        sql_ms=statistics.median(sql_times) if sql_times else None,
        response_bytes=max(sizes) if sizes else None,
    )


def operations(world: World) -> list[tuple[str, str, Callable[[], Any]]]:
    """(name, kind, call) of the service operations."""
    h, event_id = world.household, world.upcoming_event_id

    def read(fn: Callable[[Tx], Any]) -> Callable[[], None]:
        def run() -> None:
            with unit_of_work(h, read_only=True) as tx:
                fn(tx)

        return run

    def rolled_back(fn: Callable[[Tx], Any]) -> Callable[[], None]:
        def run() -> None:
            try:
                with unit_of_work(h, actor=world.user) as tx:
                    fn(tx)
                    raise _Rollback
            except _Rollback:
                pass

        return run

    return [
        (
            "get_events_with_progress",
            "read",
            read(lambda tx: get_events_with_progress(tx, filter="all")),
        ),
        ("get_event_summary", "read", read(lambda tx: get_event_summary(tx, event_id))),
        ("get_shopping_list", "read", read(lambda tx: get_shopping_list(tx, event_id))),
        (
            "get_event_cost_analysis",
            "read",
            read(lambda tx: get_event_cost_analysis(tx, event_id)),
        ),
        (
            "record_batch_production (2 batches)",
            "write",
            rolled_back(
                lambda tx: record_batch_production(
                    tx,
                    world.recipe_id,
                    world.finished_unit_id,
                    2,
                    2 * world.items_per_batch,
                    event_id=event_id,
                )
            ),
        ),
        (
            "record_assembly (quantity 2)",
            "write",
            rolled_back(
                lambda tx: record_assembly(tx, world.finished_good_id, 2, event_id=event_id)
            ),
        ),
        (
            "clone_event",
            "write",
            rolled_back(
                lambda tx: clone_event(
                    tx, event_id, name="Bench clone", event_date="2030-12-24", copy_targets=True
                )
            ),
        ),
    ]


def page_urls(world: World) -> list[tuple[str, str]]:
    event_id = world.upcoming_event_id
    return [
        ("dashboard", reverse("home")),
        ("event page", reverse("events:event_detail", args=[event_id])),
        ("shopping list", reverse("events:event_shopping_list", args=[event_id])),
        ("summary", reverse("events:event_summary", args=[event_id])),
        ("costs", reverse("events:event_costs", args=[event_id])),
        ("record-baking form", reverse("production:production_run_create")),
        # The other pages a household opens every day, measured but without a target.
        ("event page, packages", reverse("events:event_detail", args=[event_id]) + "?tab=packages"),
        ("record-packing form", reverse("production:assembly_run_create")),
        ("stock", reverse("production:inventory")),
        ("stock count", reverse("production:stock_count")),
        ("purchases", reverse("production:purchase_list")),
        ("recipes", reverse("production:recipe_list")),
        ("ingredients", reverse("production:ingredient_list")),
        ("products", reverse("production:product_list")),
        ("baked items", reverse("production:finished_unit_list")),
        ("recipients", reverse("events:recipient_list")),
        ("baking runs", reverse("production:production_run_list")),
        ("settings", reverse("household_settings")),
    ]


# The least any signed-in page costs: an address that names nothing answers with the
# "not found" page, through the same session, sign-in, middleware and layout as every page,
# and reads nothing of the household (docs/performance.md, "The request floor").
FLOOR_PAGE = "floor: signed-in page, nothing read"
FLOOR_URL = "/bench-floor/no-such-page/"


def pages(world: World) -> list[tuple[str, str, Callable[[], int]]]:
    """(name, "page", call) of the pages; each call returns the response's size in bytes."""
    client = Client()
    client.force_login(world.user)

    def page(url: str, status: int = 200) -> Callable[[], int]:
        def run() -> int:
            response = client.get(url)
            if response.status_code != status:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return len(response.content)

        return run

    def floor() -> int:
        # Django logs every 404 as a warning; the floor is measured without that line.
        request_log = logging.getLogger("django.request")
        disabled = request_log.disabled
        request_log.disabled = True
        try:
            return page(FLOOR_URL, status=404)()
        finally:
            request_log.disabled = disabled

    return [(name, "page", page(url)) for name, url in page_urls(world)] + [
        (FLOOR_PAGE, "page", floor)
    ]


def run_scale(scale: int, repeat: int) -> ScaleResult:
    """Seed scale S on the current (throwaway) database and measure everything."""
    start = time.perf_counter()
    world = seed(scale)
    if connection.vendor == "postgresql":
        # A live server's autovacuum gathers statistics soon after a bulk load; without them
        # the planner takes every table for a few rows (docs/performance.md, "What is
        # seeded"). SQLite gathers none unless asked, so it is measured as it runs.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result = ScaleResult(scale, time.perf_counter() - start, world.counts)
    # As the server does once the application is loaded (bakeplanner/wsgi.py): what exists now
    # (the code, and here the seed's leftovers) is not walked again by every full collection.
    gc.collect()
    gc.freeze()
    try:
        start = time.perf_counter()
        for name, kind, call in pages(world) + operations(world):
            result.results.append(measure(name, kind, call, repeat, replay=kind != "write"))
        result.measure_seconds = time.perf_counter() - start
    finally:
        gc.unfreeze()
    return result


@contextmanager
def throwaway_database(label: str) -> Iterator[str]:
    """A fresh, migrated database (`label` names it); yields its name and drops it afterwards."""
    settings = connection.settings_dict
    folder = None
    test_settings = settings.setdefault("TEST", {})
    saved = test_settings.get("NAME")
    if connection.vendor == "sqlite":
        # An on-disk file with the real pragmas, not an in-memory database.
        folder = tempfile.TemporaryDirectory(prefix=f"bakeplanner-{label}-")
        test_settings["NAME"] = str(Path(folder.name) / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"bakeplanner_{label}_{os.getpid()}"
    old = setup_databases(verbosity=0, interactive=False)
    try:
        yield str(settings["NAME"])
    finally:
        teardown_databases(old, verbosity=0)
        test_settings["NAME"] = saved
        if folder is not None:
            folder.cleanup()
