"""Run reads see their own unit of work's writes; other connections do not.

See docs/transactions.md, "How the rule is tested".
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from bakeplanner.tx import unit_of_work
from production.services import (
    get_assembly_history,
    get_assembly_run,
    get_production_history,
    get_production_run,
    record_assembly,
    record_batch_production,
)
from production.tests import run_fixtures

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_another_connection(work):
    """Run `work` in another thread (its own connection) and return what it returned."""
    result: dict[str, Any] = {}

    def run():
        try:
            result["value"] = work()
        except Exception as exc:  # handed to the test thread
            result["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_production_run_is_invisible_to_other_connections_until_commit(spec_world):
    household = spec_world.household

    def others_history():
        with unit_of_work(household, read_only=True) as tx:
            return [run["id"] for run in get_production_history(tx)]

    with unit_of_work(household) as tx:
        run = record_batch_production(tx, spec_world.cookies.pk, spec_world.cookie.pk, 2, 92)
        assert [r["id"] for r in get_production_history(tx)] == [run["id"]]
        assert get_production_run(tx, run["id"])["total_ingredient_cost"] == "2.84"
        assert in_another_connection(others_history) == []
    assert in_another_connection(others_history) == [run["id"]]


def test_assembly_run_is_invisible_to_other_connections_until_commit(assembly_world):
    household = assembly_world.household

    def others_history():
        with unit_of_work(household, read_only=True) as tx:
            return [run["id"] for run in get_assembly_history(tx)]

    with unit_of_work(household) as tx:
        run = record_assembly(tx, assembly_world.cookie_bag.pk, 2)
        assert [r["id"] for r in get_assembly_history(tx)] == [run["id"]]
        assert get_assembly_run(tx, run["id"])["quantity"] == 2
        assert in_another_connection(others_history) == []
    assert in_another_connection(others_history) == [run["id"]]


def test_rolled_back_run_never_becomes_visible(spec_world):
    household = spec_world.household

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        with unit_of_work(household) as tx:
            record_batch_production(tx, spec_world.cookies.pk, spec_world.cookie.pk, 2, 92)
            raise Abandon

    def others_history():
        with unit_of_work(household, read_only=True) as tx:
            return get_production_history(tx)

    assert in_another_connection(others_history) == []
