"""Read-only units of work see one snapshot on PostgreSQL.

See docs/transactions.md, "Read-only units of work".
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from bakeplanner.households import create_household
from bakeplanner.tx import unit_of_work
from production.models import Recipe

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_other_connection(work):
    errors = []

    def run():
        try:
            work()
        except Exception as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def test_read_only_unit_of_work_sees_one_snapshot():
    household = create_household("Snapshot Family")
    Recipe.objects.create(household=household, name="Before")

    def commit_another():
        with unit_of_work(household) as tx:
            Recipe.objects.using(tx.using).create(household=household, name="During")

    with unit_of_work(household, read_only=True) as tx:
        first = tx.objects(Recipe).count()
        _in_other_connection(commit_another)
        second = tx.objects(Recipe).count()
    assert first == second == 1
    assert Recipe.objects.count() == 2


def test_read_only_unit_of_work_refuses_writes():
    from django.db import DatabaseError

    household = create_household("Reader Family")
    with pytest.raises(DatabaseError):
        with unit_of_work(household, read_only=True) as tx:
            Recipe.objects.using(tx.using).create(household=household, name="Nope")
    assert Recipe.objects.count() == 0


def test_uncommitted_writes_are_visible_inside_and_invisible_outside():
    household = create_household("Visible Family")
    seen_outside = []

    def look():
        seen_outside.append(Recipe.objects.filter(household=household).count())

    with unit_of_work(household) as tx:
        Recipe.objects.using(tx.using).create(household=household, name="Pending")
        assert tx.objects(Recipe).count() == 1
        _in_other_connection(look)
    _in_other_connection(look)
    assert seen_outside == [0, 1]
