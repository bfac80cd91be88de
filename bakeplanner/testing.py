"""Test helpers shared by every app's tests: database snapshots and fault injection."""

from __future__ import annotations

from collections.abc import Callable, Collection
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
    household: Household,
    call: Callable[[Tx], Any],
    *,
    using: str = "default",
    after: Callable[[], Any] | None = None,
    **uow: Any,
) -> int:
    """How many statements `call` runs in a unit of work (the work is rolled back).

    `after`, when given, runs inside the same unit of work once `call` has returned (its
    own statements are not counted), so it can look at the uncommitted changes.
    """
    counter = StatementCounter()
    seen = 0
    try:
        with connections[using].execute_wrapper(counter):
            with unit_of_work(household, using=using, **uow) as tx:
                call(tx)
                seen = counter.count  # not the rollback that follows
                if after is not None:
                    after()
                raise _Rollback
    except _Rollback:
        pass
    return seen


def changed_tables(
    before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]]
) -> set[str]:
    """The model labels (`production.ProductionRun`) whose rows differ between two snapshots."""
    return {
        label for label in before.keys() | after.keys() if before.get(label) != after.get(label)
    }


def assert_all_or_nothing(
    household: Household,
    call: Callable[[Tx], Any],
    *,
    expect_changed: Collection[str],
    using: str = "default",
    **uow: Any,
) -> int:
    """Inject a fault at each statement of `call` in turn; every table must stay as it was.

    First `call` runs without a fault (and is rolled back): the tables it changed must be
    exactly `expect_changed` (model labels such as `production.ProductionRun`), so a service
    that quietly writes nothing, or writes somewhere unexpected, fails here rather than
    passing every fault trivially. Returns the number of statements tried.
    """
    expected = set(expect_changed)
    before = db_snapshot(using)
    unknown = expected - before.keys()
    assert not unknown, f"expect_changed names no BakePlanner model: {sorted(unknown)}"
    assert expected, "expect_changed is empty: a call that changes nothing needs no fault test"
    during: dict[str, list[dict[str, Any]]] = {}

    def look() -> None:
        during.update(db_snapshot(using))

    total = count_statements(household, call, using=using, after=look, **uow)
    assert total > 0, "the call ran no statement"
    changed = changed_tables(before, during)
    assert changed == expected, (
        f"the clean run changed {sorted(changed)}, expected {sorted(expected)}"
    )
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
