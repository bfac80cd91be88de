"""A short load test through the web layer on PostgreSQL: concurrent writers and readers."""

from __future__ import annotations

import pytest

from production.models import ProductionRun
from tooling.loadtest import run_load, seed_scarce

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_clients_get_no_server_errors_and_stock_adds_up():
    world = seed_scarce(batches_possible=6)
    result = run_load(world, clients=6, seconds=4)
    assert result.errors == []
    assert result.server_errors == 0
    assert result.problems == []
    assert result.by_kind["bake"] > world.batches_possible  # more demand than flour
    assert ProductionRun.objects.filter(household=world.household).count() == 6
