"""The unit of work and the transaction context every service receives (docs/transactions.md).

Callers (views, commands, admin actions, tests) open the unit of work; services take the
`Tx` as their first argument, call `tx.require()` first and use only `tx` for every query.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from django.contrib.auth.models import User
from django.db import connections, models, transaction
from django.http import Http404

from bakeplanner.errors import TransactionRequired
from bakeplanner.households import create_household, membership_of

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.http import HttpRequest

    from bakeplanner.models import Household

__all__ = ["Tx", "TransactionRequired", "actor_of", "request_tx", "unit_of_work"]

M = TypeVar("M", bound=models.Model)


class _SQLiteTransactionMode(Protocol):
    """The SQLite wrapper's `transaction_mode` (Django 5.1), which django-stubs does not list."""

    transaction_mode: str | None


@dataclass
class _Scope:
    """Mutable marker shared by a Tx and the block that created it."""

    connection: BaseDatabaseWrapper
    open: bool = True
    # Rows read by id in a read-only unit of work, by (model, id): see `Tx.row_by_id`.
    rows: dict[tuple[type[models.Model], int], models.Model] = field(default_factory=dict)


@dataclass(frozen=True)
class Tx:
    using: str
    household: Household
    actor: User | None
    op_id: str
    read_only: bool
    _scope: _Scope = field(repr=False, compare=False)

    def require(self) -> None:
        """Refuse to run outside the open unit of work that created this context."""
        if not self._scope.open:
            raise TransactionRequired(
                f"The unit of work {self.op_id} has ended; open a new one with unit_of_work()."
            )
        connection = connections[self.using]
        if connection is not self._scope.connection:
            raise TransactionRequired(
                f"The unit of work {self.op_id} belongs to another thread or connection."
            )
        if not connection.in_atomic_block:
            raise TransactionRequired(
                f"No transaction is open on {self.using!r}; services run inside unit_of_work()."
            )

    def objects(self, model: type[M]) -> models.QuerySet[M]:
        """A queryset of a household-owned model, scoped to this household and database."""
        self.require()
        return model._default_manager.using(self.using).filter(household=self.household)

    def raw_objects(self, model: type[M]) -> models.QuerySet[M]:
        """A queryset of a model without a household column (ledgers reached through a parent).

        Callers must scope it through a household-owned relation themselves.
        """
        self.require()
        return model._default_manager.using(self.using).all()

    def row_by_id(self, model: type[M], pk: int, read: Callable[[], M]) -> M:
        """The row `read()` returns, read once per read-only unit of work.

        A read-only unit of work sees one snapshot (docs/transactions.md, "Read-only units
        of work"), so a row read again by id is the same row: a page whose services each
        check the event they are given reads it once. Each caller gets its own copy, so one
        service's changes to the instance reach no other. A unit of work that writes reads
        the row every time.
        """
        if not self.read_only:
            return read()
        key = (model, pk)
        row = self._scope.rows.get(key)
        if row is None:
            row = self._scope.rows[key] = read()
        return cast(M, copy.copy(row))

    @property
    def connection(self) -> BaseDatabaseWrapper:
        self.require()
        return connections[self.using]

    @property
    def vendor(self) -> str:
        return connections[self.using].vendor

    def log_fields(self) -> dict[str, Any]:
        return {"op_id": self.op_id, "household_id": self.household.pk}


def new_op_id() -> str:
    return secrets.token_hex(4)


@contextmanager
def unit_of_work(
    household: Household | None,
    *,
    actor: User | None = None,
    using: str = "default",
    read_only: bool = False,
) -> Iterator[Tx]:
    """Open one durable transaction and yield a fresh `Tx` for it.

    Commits when the block ends normally, rolls back on an exception. With `read_only`,
    PostgreSQL runs the block as REPEATABLE READ READ ONLY so every query sees one
    snapshot; SQLite starts a deferred transaction, whose first read fixes the snapshot.
    """
    if household is None or household.pk is None:
        raise TransactionRequired("A unit of work needs a saved household.")
    connection = connections[using]
    restore_mode: tuple[bool, str | None] = (False, None)
    if read_only and connection.vendor == "sqlite":
        # IMMEDIATE (the default for writes) would take the write lock for a pure read.
        connection.ensure_connection()
        sqlite_modes = cast(_SQLiteTransactionMode, connection)
        restore_mode = (True, sqlite_modes.transaction_mode)
        if not connection.in_atomic_block:
            sqlite_modes.transaction_mode = "DEFERRED"
    scope = _Scope(connection=connection)
    # Inside a test case's wrapping transaction the block is a savepoint: the isolation
    # level can only be chosen by the statement that starts a real transaction.
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(using=using, durable=True):
            if read_only and outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            tx = Tx(
                using=using,
                household=household,
                actor=actor,
                op_id=new_op_id(),
                read_only=read_only,
                _scope=scope,
            )
            try:
                yield tx
            finally:
                scope.open = False
    finally:
        if restore_mode[0]:
            cast(_SQLiteTransactionMode, connection).transaction_mode = restore_mode[1]


@contextmanager
def new_household_unit_of_work(
    name: str, *, actor: User | None = None, using: str = "default"
) -> Iterator[Tx]:
    """One durable transaction that creates the household `name` and yields its unit of work.

    The household exists only if the whole block commits: a household loaded from a file is
    there with all its rows or not at all (docs/household-file.md).
    """
    connection = connections[using]
    scope = _Scope(connection=connection)
    with transaction.atomic(using=using, durable=True):
        household = create_household(name)
        tx = Tx(
            using=using,
            household=household,
            actor=actor,
            op_id=new_op_id(),
            read_only=False,
            _scope=scope,
        )
        try:
            yield tx
        finally:
            scope.open = False


def actor_of(request: HttpRequest) -> User | None:
    """The logged-in user who acts in a request's unit of work (an anonymous visitor is none;
    views and the admin only open one for a logged-in user)."""
    return request.user if isinstance(request.user, User) else None


def household_for(request: HttpRequest) -> Household:
    membership = membership_of(request.user)
    if membership is None:
        raise Http404("Your account does not belong to a household.")
    return membership.household


@contextmanager
def request_tx(request: HttpRequest, *, read_only: bool = False) -> Iterator[Tx]:
    """The unit of work of a view: household and actor come from the logged-in user."""
    household = household_for(request)
    with unit_of_work(household, actor=actor_of(request), read_only=read_only) as tx:
        yield tx
