"""A read-only dashboard unit of work sees one snapshot on PostgreSQL.

See docs/transactions.md, "Read-only units of work".
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from bakeplanner.households import create_household
from bakeplanner.tx import unit_of_work
from events.services import get_events_with_progress
from events.tests.progress_fixtures import make_event, make_recipe, make_run, production_target

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _elsewhere(work):
    errors = []

    def run():
        try:
            work()
        except Exception as exc:  # handed back to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not errors, errors


def test_run_committed_elsewhere_is_not_half_counted():
    household = create_household("Dashboard Family")
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household)
    production_target(household, event, recipe, 4)
    make_run(household, recipe, unit, 1, event=event)

    def record_elsewhere():
        with unit_of_work(household):
            make_run(household, recipe, unit, 2, event=event)

    with unit_of_work(household, read_only=True) as tx:
        before = get_events_with_progress(tx)
        _elsewhere(record_elsewhere)
        after = get_events_with_progress(tx)
    assert before == after
    assert before[0]["production_progress"][0]["produced_batches"] == 1
    with unit_of_work(household, read_only=True) as tx:
        assert get_events_with_progress(tx)[0]["production_progress"][0]["produced_batches"] == 3


def test_uncommitted_run_is_invisible_to_another_connection():
    household = create_household("Visibility Family")
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household)
    production_target(household, event, recipe, 4)
    seen = []

    def look():
        with unit_of_work(household, read_only=True) as tx:
            seen.append(
                get_events_with_progress(tx)[0]["production_progress"][0]["produced_batches"]
            )

    with unit_of_work(household) as tx:
        make_run(household, recipe, unit, 2, event=event)
        assert get_events_with_progress(tx)[0]["production_progress"][0]["produced_batches"] == 2
        _elsewhere(look)
    _elsewhere(look)
    assert seen == [0, 2]
