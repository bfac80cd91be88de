"""PostgreSQL: people clicking at the same time get a clear refusal, never a constraint
error or a double step (the services lock the event or assignment row first)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from bakeplanner.errors import DuplicateAssignment, InvalidTransition
from bakeplanner.tx import unit_of_work
from events.models import Assignment, ProductionTarget
from events.services import (
    assign_package_to_recipient,
    assign_package_to_recipients,
    set_production_target,
    update_fulfillment_status,
)
from events.tests.conftest import assign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 4


def _race(household, call):
    """Run `call(tx)` in several threads at once; return each outcome (result or error)."""
    barrier = threading.Barrier(WORKERS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait()
            with unit_of_work(household) as tx:
                result: object = call(tx)
        except Exception as exc:  # collected and asserted on below
            result = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _errors(outcomes):
    return [o for o in outcomes if isinstance(o, Exception)]


def test_same_assignment_at_once_gives_one_row_and_clear_refusals(gift_world):
    w = gift_world
    outcomes = _race(
        w.household,
        lambda tx: assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.small.pk),
    )
    errors = _errors(outcomes)
    assert len(errors) == WORKERS - 1
    assert all(isinstance(e, DuplicateAssignment) for e in errors), errors
    assert Assignment.objects.count() == 1


def test_overlapping_bulk_assignments_are_all_or_nothing(gift_world):
    w = gift_world
    outcomes = _race(
        w.household,
        lambda tx: assign_package_to_recipients(
            tx, w.christmas.pk, [w.anna.pk, w.ben.pk], w.big.pk
        ),
    )
    errors = _errors(outcomes)
    assert len(errors) == WORKERS - 1
    assert all(isinstance(e, DuplicateAssignment) for e in errors), errors
    assert sorted(Assignment.objects.values_list("recipient__name", flat=True)) == ["Anna", "Ben"]


def test_double_clicked_status_button_moves_one_step_only(gift_world):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    outcomes = _race(w.household, lambda tx: update_fulfillment_status(tx, a.pk, "ready"))
    errors = _errors(outcomes)
    assert len(errors) == WORKERS - 1
    assert all(isinstance(e, InvalidTransition) for e in errors), errors
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "ready"


def test_same_target_set_at_once_leaves_one_row(gift_world):
    w = gift_world
    outcomes = _race(
        w.household, lambda tx: set_production_target(tx, w.christmas.pk, w.cookies.pk, 3)
    )
    assert _errors(outcomes) == []
    assert ProductionTarget.objects.get().target_batches == 3
