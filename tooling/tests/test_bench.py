"""The benchmark behind `manage.py bench` (docs/performance.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from events.models import Assignment, Event
from production.models import (
    AssemblyPackagingConsumption,
    AssemblyRun,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
)
from tooling import bench, perfdoc


@pytest.mark.django_db
def test_seeded_lots_hold_what_was_bought_minus_what_the_ledgers_drew():
    world = bench.seed(1)
    drawn: dict[int, Decimal] = {}
    for model in (ProductionConsumption, AssemblyPackagingConsumption):
        for row in model.objects.values("lot_id").annotate(q=Sum("quantity")):
            drawn[row["lot_id"]] = drawn.get(row["lot_id"], Decimal(0)) + row["q"]
    lots = InventoryLot.objects.filter(household=world.household)
    assert all(
        lot.quantity_initial - lot.quantity_remaining == drawn.get(lot.pk, 0) for lot in lots
    )
    assert drawn  # the runs really drew stock
    assert world.counts["purchases (lots)"] == lots.count()
    assert world.counts["baking runs"] == ProductionRun.objects.count()
    assert world.counts["packing runs"] == AssemblyRun.objects.count() > 0
    assert ProductionRun.objects.filter(event_id=world.upcoming_event_id).exists()
    assert Assignment.objects.filter(event_id=world.upcoming_event_id).count() == 40


@pytest.mark.django_db
def test_every_page_and_operation_is_measured_and_nothing_is_left_changed():
    before = ProductionRun.objects.count
    result = bench.run_scale(1, repeat=1)
    runs = ProductionRun.objects.count()
    pages = {row.name: row for row in result.results if row.kind == "page"}
    assert set(pages) == {
        "dashboard",
        "event page",
        "shopping list",
        "summary",
        "costs",
        "record-baking form",
        "event page, packages",
        "record-packing form",
        "stock",
        "stock count",
        "purchases",
        "recipes",
        "ingredients",
        "products",
        "baked items",
        "recipients",
        "baking runs",
        "settings",
        bench.FLOOR_PAGE,
    }
    assert all(row.response_bytes and row.sql_ms is not None for row in pages.values())
    writes = [row for row in result.results if row.kind == "write"]
    assert len(writes) == 3 and all(row.sql_ms is None and row.queries > 0 for row in writes)
    # Writes are measured in a unit of work that is rolled back.
    assert runs == before() == result.counts["baking runs"]
    assert Event.objects.count() == 9


def test_write_doc_replaces_only_the_marked_block(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(
        "# Title\nprose\n<!-- generated: bench sqlite -->\nold\n"
        "<!-- end generated: bench sqlite -->\nmore\n"
    )
    rows = [bench.Measured("dashboard", "page", 9, 20.0, 5.0, 2048)]
    results = [
        bench.ScaleResult(s, 1.0, {"lots": 3 * s}, [bench.Measured(**vars(r)) for r in rows])
        for s in (16, 64)
    ]
    results[1].results[0].ms = 80.0
    perfdoc.replace_block(doc, "bench sqlite", perfdoc.bench_markdown("sqlite", results, "here"))
    text = doc.read_text()
    assert text.startswith("# Title\nprose\n") and text.endswith("more\n") and "old" not in text
    assert "| dashboard | 9 | 20.0 | 5.0 | 4.0× | 2.0 KB |" in text
    assert "| dashboard | 9 → 9 | 20.0 → 80.0 | 4.0× |" in text


@pytest.mark.django_db
def test_bench_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError, match="between 1 and 64"):
        call_command("bench", "--scales", "0")
    assert Event.objects.count() == 0


def test_targets_table_marks_a_page_over_its_time_ratio_or_size():
    def scale(s, ms, sql_ms, size):
        return bench.ScaleResult(
            s, 1.0, {}, [bench.Measured("dashboard", "page", 9, ms, sql_ms, size)]
        )

    table = perfdoc.targets_markdown(
        [scale(16, 30.0, 10.0, 1024), scale(64, 90.0, 9.0, 300_000)], ""
    )
    assert "| dashboard | 40 | 30.0 | yes | 3.0× | 40.0 | yes | 293.0 KB | **no** |" in table
    table = perfdoc.targets_markdown([scale(16, 50.0, 10.0, 1024), scale(64, 90.0, 9.0, 2048)], "")
    assert "| dashboard | 40 | 50.0 | **no** | 5.0× | 40.0 | **no** | 2.0 KB | yes |" in table


def test_targets_table_leaves_the_floor_out_and_states_it_below():
    def scale(s):
        return bench.ScaleResult(
            s,
            1.0,
            {},
            [
                bench.Measured("dashboard", "page", 9, 30.0, 10.0, 1024),
                bench.Measured(bench.FLOOR_PAGE, "page", 2, 6.5, 0.1, 2048),
            ],
        )

    table = perfdoc.targets_markdown([scale(16), scale(64)], "")
    assert f"| {bench.FLOOR_PAGE} |" not in table
    assert "reads nothing (the missing-page answer: 2 queries, 2.0 KB) takes 6.5 ms" in table
