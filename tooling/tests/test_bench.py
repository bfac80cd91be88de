"""The benchmark behind `manage.py bench` (docs/performance.md)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from events.models import Assignment, Event
from production.models import ProductionRun
from tooling import bench


@pytest.mark.django_db
def test_every_benchmark_operation_runs_on_a_seeded_household_and_changes_nothing():
    world = bench.seed(1)
    runs_before = ProductionRun.objects.filter(household=world.household).count()
    results = {name: bench.measure(call, 1) for name, call in bench.operations(world)}
    assert {"get_shopping_list", "record_batch_production", "dashboard page"} <= set(results)
    assert all(queries > 0 for queries, _ms in results.values())
    # Writes are measured in a unit of work that is rolled back.
    assert ProductionRun.objects.filter(household=world.household).count() == runs_before
    assert Event.objects.filter(household=world.household).count() == 9
    assert Assignment.objects.filter(event__household=world.household).count() == 9 * 40


@pytest.mark.django_db
def test_bench_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError, match="between 1 and 64"):
        call_command("bench", "--scales", "0")
    assert Event.objects.count() == 0
