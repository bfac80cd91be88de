"""The demand engine's most frequent reads, written as SQL (docs/performance.md, "What keeps
a page fast").

Every page that shows a plan (the home page, the event page, the shopping list, the summary,
the costs) runs these. Built by the ORM each cost about twice its own SQL time: Django
builds and compiles the query and converts every value on every call. Here each read is one
statement whose table and column names come from the models, scoped by the household column
of every table it reads from (the joined rows belong to the same household through their
foreign keys), run on the unit of work's connection. Each returns plain tuples of integers
and text, the same values the ORM's `values_list` gave; tests compare the two.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from bakeplanner.tx import Tx
from events.models import AssemblyTarget, Assignment, Package, PackageItem, ProductionTarget
from production.models import AssemblyRun, FinishedGood, ProductionRun, Recipe

__all__: list[str] = []


class _Table:
    """Quoted names of one model's table and columns, for a statement of `tx`."""

    def __init__(self, tx: Tx, model: type[models.Model], alias: str) -> None:
        self.quote = tx.connection.ops.quote_name
        self.model = model
        self.alias = alias

    def __str__(self) -> str:
        return f"{self.quote(self.model._meta.db_table)} {self.alias}"

    def __call__(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:
            raise LookupError(f"{self.model.__name__}.{name} is not a column")
        return f"{self.alias}.{self.quote(field.column)}"


def _rows(tx: Tx, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    tx.require()
    with tx.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(ids: list[int]) -> str:
    return "(" + ", ".join(["%s"] * len(ids)) + ")"


def assignment_rows(tx: Tx, event_ids: list[int]) -> list[tuple[Any, ...]]:
    """(id, event, recipient, package, quantity) of the events' assignments, by id."""
    a = _Table(tx, Assignment, "a")
    sql = (
        f"SELECT {a('id')}, {a('event')}, {a('recipient')}, {a('package')}, {a('quantity')} "
        f"FROM {a} WHERE {a('household')} = %s AND {a('event')} IN {_in(event_ids)} "
        f"ORDER BY {a('id')}"
    )
    return _rows(tx, sql, [tx.household.pk, *event_ids])


def assignment_rollup(tx: Tx, event_ids: list[int]) -> list[tuple[Any, ...]]:
    """(event, package, status, assignments, packages) per event, package and status: one
    read of the assignment index (docs/performance.md, "What keeps a page fast")."""
    a = _Table(tx, Assignment, "a")
    keys = f"{a('event')}, {a('package')}, {a('fulfillment_status')}"
    sql = (
        f"SELECT {keys}, COUNT({a('id')}), SUM({a('quantity')}) "
        f"FROM {a} WHERE {a('household')} = %s AND {a('event')} IN {_in(event_ids)} "
        f"GROUP BY {keys}"
    )
    return _rows(tx, sql, [tx.household.pk, *event_ids])


def package_contents(tx: Tx) -> list[tuple[Any, ...]]:
    """(package, package name, gift box, gift box name, quantity) of every package item of
    the household, by id."""
    i = _Table(tx, PackageItem, "i")
    p = _Table(tx, Package, "p")
    g = _Table(tx, FinishedGood, "g")
    sql = (
        f"SELECT {i('package')}, {p('name')}, {i('finished_good')}, {g('name')}, "
        f"{i('quantity')} FROM {i} "
        f"JOIN {p} ON {p('id')} = {i('package')} "
        f"JOIN {g} ON {g('id')} = {i('finished_good')} "
        f"WHERE {i('household')} = %s ORDER BY {i('id')}"
    )
    return _rows(tx, sql, [tx.household.pk])


def _targets(
    tx: Tx,
    model: type[models.Model],
    item: str,
    item_model: type[models.Model],
    amount: str,
    event_ids: list[int],
) -> list[tuple[Any, ...]]:
    """(event, item, item name, amount, notes) of the events' targets in `model`, by id."""
    t = _Table(tx, model, "t")
    n = _Table(tx, item_model, "n")
    sql = (
        f"SELECT {t('event')}, {t(item)}, {n('name')}, {t(amount)}, {t('notes')} "
        f"FROM {t} JOIN {n} ON {n('id')} = {t(item)} "
        f"WHERE {t('household')} = %s AND {t('event')} IN {_in(event_ids)} "
        f"ORDER BY {t('id')}"
    )
    return _rows(tx, sql, [tx.household.pk, *event_ids])


def _run_totals(
    tx: Tx, model: type[models.Model], item: str, amount: str, event_ids: list[int]
) -> list[tuple[Any, ...]]:
    """(event, item, total amount) of the events' runs in `model`, reversed runs left out."""
    b = _Table(tx, model, "b")
    sql = (
        f"SELECT {b('event')}, {b(item)}, SUM({b(amount)}) FROM {b} "
        f"WHERE {b('household')} = %s AND {b('event')} IN {_in(event_ids)} "
        f"AND {b('reversed_at')} IS NULL GROUP BY {b('event')}, {b(item)}"
    )
    return _rows(tx, sql, [tx.household.pk, *event_ids])


def production_targets(tx: Tx, event_ids: list[int]) -> list[tuple[Any, ...]]:
    """(event, recipe, recipe name, batches, notes) of the events' baking targets, by id."""
    return _targets(tx, ProductionTarget, "recipe", Recipe, "target_batches", event_ids)


def assembly_targets(tx: Tx, event_ids: list[int]) -> list[tuple[Any, ...]]:
    """(event, gift box, gift box name, quantity, notes) of the events' packing targets, by
    id."""
    return _targets(tx, AssemblyTarget, "finished_good", FinishedGood, "target_quantity", event_ids)


def batches_baked(tx: Tx, event_ids: list[int]) -> list[tuple[Any, ...]]:
    """(event, recipe, batches) baked for the events, runs that were reversed left out."""
    return _run_totals(tx, ProductionRun, "recipe", "num_batches", event_ids)


def boxes_packed(tx: Tx, event_ids: list[int]) -> list[tuple[Any, ...]]:
    """(event, gift box, boxes) packed for the events, runs that were reversed left out."""
    return _run_totals(tx, AssemblyRun, "finished_good", "quantity", event_ids)
