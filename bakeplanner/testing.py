"""Test helpers shared by every app's tests: database snapshots and fault injection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import OperationalError, connections

from bakeplanner.models import Household
from bakeplanner.tx import Tx, unit_of_work

SNAPSHOT_APPS = ("bakeplanner", "production", "events")


class InjectedFault(OperationalError):
    """Raised by the fault injector in place of a database statement (as a real failing
    statement would raise a DatabaseError)."""


class _Rollback(Exception):
    pass


def db_snapshot(using: str = "default") -> dict[str, list[dict[str, Any]]]:
    """Every row of every BakePlanner table, ordered by primary key."""
    snapshot = {}
    for app_label in SNAPSHOT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            snapshot[model._meta.label] = list(
                model._default_manager.using(using).order_by("pk").values()
            )
    return snapshot


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class FailAt:
    """Fail the `index`-th statement (0-based) and let every other statement through."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.seen = 0
        self.fired = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        current = self.seen
        self.seen += 1
        if current == self.index and not self.fired:
            self.fired = True
            raise InjectedFault(f"fault injected at statement {current}: {sql[:80]}")
        return execute(sql, params, many, context)


def count_statements(
    household: Household, call: Callable[[Tx], Any], *, using: str = "default", **uow: Any
) -> int:
    """How many statements `call` runs in a unit of work (the work is rolled back)."""
    counter = StatementCounter()
    seen = 0
    try:
        with connections[using].execute_wrapper(counter):
            with unit_of_work(household, using=using, **uow) as tx:
                call(tx)
                seen = counter.count  # not the rollback that follows
                raise _Rollback
    except _Rollback:
        pass
    return seen


def assert_all_or_nothing(
    household: Household, call: Callable[[Tx], Any], *, using: str = "default", **uow: Any
) -> int:
    """Inject a fault at each statement of `call` in turn; every table must stay as it was.

    Returns the number of statements tried, so a test can also assert it did real work.
    """
    before = db_snapshot(using)
    total = count_statements(household, call, using=using, **uow)
    assert total > 0, "the call ran no statement"
    assert db_snapshot(using) == before, "the counting run left changes behind"
    for index in range(total):
        injector = FailAt(index)
        raised: BaseException | None = None
        try:
            with connections[using].execute_wrapper(injector):
                with unit_of_work(household, using=using, **uow) as tx:
                    call(tx)
        except Exception as exc:  # the injected fault, possibly re-raised as another type
            raised = exc
        assert injector.fired, f"statement {index} was never reached"
        assert raised is not None, f"a fault at statement {index} was swallowed"
        after = db_snapshot(using)
        assert after == before, f"a fault at statement {index} left changes behind"
    return total
