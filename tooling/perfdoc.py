"""Markdown tables of docs/performance.md, written from what the bench and load run measured.

The document keeps its hand-written sections; each generated table sits between a pair of
markers (`<!-- generated: KEY -->` … `<!-- end generated: KEY -->`) and only that part is
replaced, so the explanation around it stays as written.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

from django.db import connection
from django.utils import timezone

from tooling.bench import FLOOR_PAGE, Measured, ScaleResult
from tooling.loadrun import LoadRunResult

__all__ = [
    "PAGE_TARGETS",
    "bench_markdown",
    "loadrun_markdown",
    "machine_line",
    "replace_block",
    "targets_markdown",
]

# Median ms at S=16 on SQLite (docs/performance.md, "Targets").
PAGE_TARGETS = {
    "dashboard": 40.0,
    "event page": 60.0,
    "shopping list": 80.0,
    "summary": 120.0,
    "costs": 120.0,
}
MAX_RATIO = 4.0
MAX_PAGE_BYTES = 200 * 1024


def machine_line() -> str:
    """Where and when the numbers were taken."""
    cpu = platform.processor() or platform.machine()
    return (
        f"{timezone.now():%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores ({cpu}); "
        f"Python {platform.python_version()}; {connection.display_name} "
        f"{_server_version()}"
    )


def _server_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        row = cursor.fetchone()
    return str(row[0]).split(" ")[0] if row else ""


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _ratio(row: Measured) -> str:
    ratio = row.ratio
    return "—" if ratio is None else f"{ratio:.1f}×"


def _kb(size: int | None) -> str:
    return "—" if size is None else f"{size / 1024:.1f} KB"


def bench_markdown(vendor: str, results: list[ScaleResult], machine: str) -> str:
    """Seeded rows, one table per scale and the growth from the two largest scales."""
    scales = [r.scale for r in results]
    out = [f"Measured {machine}.", ""]
    out.append("Seeded rows (and seconds to seed and to measure):")
    out.append("")
    out.append("| rows | " + " | ".join(f"S={s}" for s in scales) + " |")
    out.append("|---|" + "---:|" * len(scales))
    names = list(results[0].counts)
    for name in names:
        out.append(f"| {name} | " + " | ".join(str(r.counts.get(name, 0)) for r in results) + " |")
    out.append("| seconds to seed | " + " | ".join(f"{r.seed_seconds:.1f}" for r in results) + " |")
    for result in results:
        out += ["", f"**{vendor}, S={result.scale}**", ""]
        out.append("| operation | queries | median ms | SQL ms | request ÷ SQL | bytes |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for row in result.results:
            out.append(
                f"| {row.name} | {row.queries} | {_ms(row.ms)} | {_ms(row.sql_ms)} | "
                f"{_ratio(row)} | {_kb(row.response_bytes)} |"
            )
    if len(results) >= 2:
        small, large = results[-2], results[-1]
        factor = large.scale / small.scale
        out += [
            "",
            f"**{vendor}, growth from S={small.scale} to S={large.scale}** "
            f"(the data grows {factor:.0f}×)",
            "",
        ]
        out.append(
            f"| operation | queries S={small.scale} → S={large.scale} | "
            f"ms S={small.scale} → S={large.scale} | growth |"
        )
        out.append("|---|---|---|---:|")
        for row in small.results:
            big = large.get(row.name)
            growth = big.ms / row.ms if row.ms else 0.0
            out.append(
                f"| {row.name} | {row.queries} → {big.queries} | "
                f"{row.ms:.1f} → {big.ms:.1f} | {growth:.1f}× |"
            )
    return "\n".join(out)


def _verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def targets_markdown(results: list[ScaleResult], machine: str) -> str:
    """The pages against their targets: S=16 time and ratio, S=64 size (SQLite)."""
    by_scale = {r.scale: r for r in results}
    mid, top = by_scale.get(16), by_scale.get(64)
    out = [
        f"Measured on SQLite {machine}.",
        "",
        "| page | target ms | S=16 ms | within | S=16 ÷ SQL | 4× SQL ms | within 4× "
        "| S=64 size | ≤ 200 KB |",
        "|---|---:|---:|---|---:|---:|---|---:|---|",
    ]
    names = [
        row.name
        for row in (mid or results[-1]).results
        if row.kind == "page" and row.name != FLOOR_PAGE
    ]
    for name in names:
        target = PAGE_TARGETS.get(name)
        cells = [name, f"{target:.0f}" if target else "—"]
        if mid is not None:
            row = mid.get(name)
            ratio = row.ratio
            cells += [
                f"{row.ms:.1f}",
                _verdict(row.ms <= target) if target else "—",
                _ratio(row),
                _ms(row.sql_ms * MAX_RATIO if row.sql_ms is not None else None),
                _verdict(ratio is not None and ratio <= MAX_RATIO),
            ]
        else:
            cells += ["not run"] * 5
        if top is not None:
            size = top.get(name).response_bytes or 0
            cells += [_kb(size), _verdict(size <= MAX_PAGE_BYTES)]
        else:
            cells += ["not run"] * 2
        out.append("| " + " | ".join(cells) + " |")
    floor = next((row for row in (mid or results[-1]).results if row.name == FLOOR_PAGE), None)
    if floor is not None:
        out += [
            "",
            f"The floor at S={(mid or results[-1]).scale}: a signed-in page that reads nothing "
            f"(the missing-page answer: {floor.queries} queries, {_kb(floor.response_bytes)}) "
            f"takes {floor.ms:.1f} ms, of which {_ms(floor.sql_ms)} ms is SQL.",
        ]
    return "\n".join(out)


def replace_block(path: Path, key: str, body: str) -> None:
    """Put `body` between the markers named `key` in the file at `path`."""
    start, end = f"<!-- generated: {key} -->", f"<!-- end generated: {key} -->"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(text):
        raise LookupError(f"{path} has no {start} … {end} markers.")
    text = pattern.sub(lambda _: f"{start}\n{body.rstrip()}\n{end}", text, count=1)
    path.write_text(text, encoding="utf-8")


def loadrun_markdown(result: LoadRunResult, machine: str) -> str:
    """Throughput and latency per page of one load run, its failures and the stock check."""
    out = [
        f"Measured {machine}: {result.users} users for {result.seconds} s against "
        f"{result.workers} gunicorn workers, data at S={result.scale}.",
        "",
        "| request | requests | failures | per second | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = result.pages + ([result.total] if result.total else [])
    for page in rows:
        name = "**all**" if page is result.total else page.name
        out.append(
            f"| {name} | {page.requests} | {page.failures} | {page.per_second:.1f} | "
            f"{page.p50:.0f} | {page.p95:.0f} | {page.p99:.0f} |"
        )
    out.append("")
    out.append(f"- Server errors (5xx): {result.server_errors}.")
    out.append(
        f"- Record baking was posted {result.bakes_posted} times (as locust counted them) and "
        f"{result.bakes_recorded} baking runs were recorded; the rest were refused for want of "
        "stock (a post still in flight when the run stops is recorded but not counted)."
    )
    for failure, count in sorted(result.failures.items()):
        out.append(f"- Failure: {failure} ({count}×).")
    if result.problems:
        out += [f"- Stock problem: {problem}" for problem in result.problems]
    else:
        out.append(
            "- Stock invariants hold: every lot's ledgers add up to what left it, and "
            "every baked item's count is what was made minus what was packed."
        )
    return "\n".join(out)
