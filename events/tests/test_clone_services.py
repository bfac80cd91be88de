"""Cloning an event (docs/design.md, "Events, recipients and packages")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from events.models import AssemblyTarget, Assignment, Event, ProductionTarget, Recipient
from events.services import clone_event
from events.tests.progress_fixtures import (
    assembly_target,
    assign,
    make_event,
    make_good,
    make_package,
    make_recipe,
    production_target,
)
from production.models import FinishedGood, Recipe


@pytest.fixture
def last_year(household):
    event = make_event(household, "Christmas 2025", days_ahead=-330, notes="Ship by the 15th")
    box = make_package(household)
    assign(household, event, "Gran", box, quantity=2, status="delivered").__class__.objects.filter(
        event=event
    ).update(notes="Extra ginger")
    assign(household, event, "Uncle Ned", box, status="ready")
    assign(household, event, "Old Friend", box, status="delivered", active=False)
    recipe, _ = make_recipe(household)
    production_target(household, event, recipe, 4)
    assembly_target(household, event, make_good(household), 6)
    return event


def test_clone_copies_active_assignments_with_status_reset(household, last_year, tx):
    new = clone_event(tx, last_year.pk, name="Christmas 2026", event_date=dt.date(2026, 12, 24))
    assert new.notes == "Ship by the 15th"
    rows = Assignment.objects.filter(event=new).order_by("recipient__name")
    assert [(a.recipient.name, a.quantity, a.fulfillment_status) for a in rows] == [
        ("Gran", 2, "pending"),
        ("Uncle Ned", 1, "pending"),
    ]
    assert rows[0].notes == "Extra ginger"
    assert not ProductionTarget.objects.filter(event=new).exists()
    assert Assignment.objects.filter(event=last_year).count() == 3  # source untouched


def test_clone_copies_targets_when_asked(household, last_year, tx):
    new = clone_event(
        tx, last_year.pk, name="Christmas 2026", event_date="2026-12-24", copy_targets=True
    )
    assert ProductionTarget.objects.get(event=new).target_batches == 4
    assert AssemblyTarget.objects.get(event=new).target_quantity == 6


def test_clone_refuses_a_taken_name_and_changes_nothing(household, last_year, tx):
    before = db_snapshot()
    with pytest.raises(ValidationFailed):
        clone_event(tx, last_year.pk, name="christmas 2025", event_date="2026-12-24")
    assert db_snapshot() == before


def test_clone_refuses_a_bad_date(household, last_year, tx):
    with pytest.raises(ValidationFailed):
        clone_event(tx, last_year.pk, name="Christmas 2026", event_date="24/12/2026")


def test_clone_of_other_households_event_is_not_found(last_year, outsider_household):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            clone_event(tx, last_year.pk, name="Mine now", event_date="2026-12-24")


def test_clone_is_all_or_nothing(household, last_year):
    statements = assert_all_or_nothing(
        household,
        lambda tx: clone_event(
            tx, last_year.pk, name="Christmas 2026", event_date="2026-12-24", copy_targets=True
        ),
        expect_changed={
            "events.AssemblyTarget",
            "events.Assignment",
            "events.Event",
            "events.ProductionTarget",
        },
    )
    assert statements >= 6
    assert Event.objects.count() == 1


def _event_with_assignments_and_targets(household, name, count):
    event = make_event(household, name, days_ahead=-300)
    box = make_package(household, f"{name} box")
    recipients = Recipient.objects.bulk_create(
        [Recipient(household=household, name=f"{name} friend {i}") for i in range(count)]
    )
    Assignment.objects.bulk_create(
        [Assignment(household=household, event=event, recipient=r, package=box) for r in recipients]
    )
    recipes = Recipe.objects.bulk_create(
        [Recipe(household=household, name=f"{name} recipe {i}") for i in range(count // 10)]
    )
    ProductionTarget.objects.bulk_create(
        [
            ProductionTarget(household=household, event=event, recipe=r, target_batches=2)
            for r in recipes
        ]
    )
    goods = FinishedGood.objects.bulk_create(
        [FinishedGood(household=household, name=f"{name} tin {i}") for i in range(count // 10)]
    )
    AssemblyTarget.objects.bulk_create(
        [
            AssemblyTarget(household=household, event=event, finished_good=g, target_quantity=3)
            for g in goods
        ]
    )
    return event


def _statements_to_clone(household, event, new_name):
    with unit_of_work(household) as tx, CaptureQueriesContext(connection) as captured:
        new = clone_event(tx, event.pk, name=new_name, event_date="2026-12-24", copy_targets=True)
    copied = [
        model.objects.filter(event=new).count()
        for model in (Assignment, ProductionTarget, AssemblyTarget)
    ]
    return len(captured), copied


def test_clone_takes_as_many_statements_for_a_large_event_as_for_a_small_one(household):
    small = _event_with_assignments_and_targets(household, "Small", 10)
    # Rows enough to pass SQLite's cap on the parameters of one statement in every table.
    large = _event_with_assignments_and_targets(household, "Large", 1500)
    small_statements, small_copied = _statements_to_clone(household, small, "Small again")
    large_statements, large_copied = _statements_to_clone(household, large, "Large again")
    assert (small_copied, large_copied) == ([10, 1, 1], [1500, 150, 150])
    assert large_statements == small_statements
