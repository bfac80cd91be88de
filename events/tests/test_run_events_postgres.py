"""Moving runs between events while others write (PostgreSQL, real threads).

The run's row lock makes moves of one run take turns, so its history is one unbroken chain;
the event's lock makes a move and the event's deletion take turns, so one of them is
refused with a message and the database never sees a run pointing at a deleted event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from bakeplanner.errors import DomainError
from bakeplanner.tx import unit_of_work
from events.models import Event
from events.services import delete_event, set_production_run_event
from events.tests.test_run_events import bake, build_bake_world, make_event
from production.models import ProductionRun, RunEventChange
from production.services import reverse_production_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def run_together(jobs: list[Callable[[], Any]]) -> list[tuple[str, Any]]:
    """Start every job at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[tuple[str, Any]] = [("not run", None)] * len(jobs)

    def work(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", job())
        except DomainError as exc:
            outcomes[index] = ("refused", exc)
        except Exception as exc:  # reported to the test, which fails on it
            outcomes[index] = ("error", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def world(household, member):
    w = build_bake_world(household)
    w.member = member
    w.events = [make_event(household, f"Event {n}", 5 + n) for n in range(THREADS)]
    w.run = bake(w, 1, event=w.events[0])
    return w


def mover(world, event_id):
    def job():
        with unit_of_work(world.household, actor=world.member) as tx:
            return set_production_run_event(tx, world.run["id"], event_id)

    return job


def test_racing_moves_of_one_run_leave_an_unbroken_history(world):
    outcomes = run_together([mover(world, event.pk) for event in world.events[1:]])
    assert [kind for kind, _ in outcomes] == ["ok"] * (THREADS - 1)
    changes = list(RunEventChange.objects.order_by("changed_at", "pk"))
    assert len(changes) == THREADS - 1
    previous = world.events[0].pk
    for change in changes:
        assert change.old_event_id == previous  # each move saw the one before it
        previous = change.new_event_id
    assert ProductionRun.objects.get(pk=world.run["id"]).event_id == previous


def test_a_move_racing_an_undo_is_either_done_first_or_refused(world):
    def undo():
        with unit_of_work(world.household, actor=world.member) as tx:
            return reverse_production_run(tx, world.run["id"], reason="dropped")

    outcomes = run_together([undo, mover(world, world.events[1].pk)])
    assert outcomes[0][0] == "ok"
    assert outcomes[1][0] in ("ok", "refused"), outcomes
    run = ProductionRun.objects.get(pk=world.run["id"])
    assert run.reversed_at is not None
    if outcomes[1][0] == "ok":
        change = RunEventChange.objects.get()
        assert change.changed_at < run.reversed_at and run.event_id == world.events[1].pk
    else:
        assert "its event cannot be changed" in str(outcomes[1][1])
        assert not RunEventChange.objects.exists() and run.event_id == world.events[0].pk


def test_a_move_racing_the_events_deletion_never_breaks_the_database(world):
    doomed = world.events[1]

    def delete():
        with unit_of_work(world.household, actor=world.member) as tx:
            return delete_event(tx, doomed.pk)

    outcomes = run_together([delete, mover(world, doomed.pk)])
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    run = ProductionRun.objects.get(pk=world.run["id"])
    if outcomes[0][0] == "ok":  # deleted first: the move found no event
        assert not Event.objects.filter(pk=doomed.pk).exists()
        assert run.event_id == world.events[0].pk and not RunEventChange.objects.exists()
    else:  # moved first: the event has a run now and is kept
        assert run.event_id == doomed.pk and RunEventChange.objects.count() == 1
