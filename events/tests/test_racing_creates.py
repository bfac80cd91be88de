"""PostgreSQL: people saving the same event, package or assignment at the same moment get
the message a sequential duplicate gets, never a 500 from the unique constraints (the
services lock the household, event or package row before the duplicate check)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bakeplanner.tests.racing import WORKERS, loser_pages, race_posts, statuses
from events.models import Assignment, Event, Package, PackageItem, ProductionTarget
from events.tests.conftest import make_event
from production.models import FinishedGood, Recipe

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ONE_WINNER = [200] * (WORKERS - 1) + [302]  # sorted, as `statuses` gives them


def _refused_all(outcomes, message: str) -> bool:
    pages = loser_pages(outcomes)
    return len(pages) == WORKERS - 1 and all(message in page for page in pages)


def test_racing_event_creates_make_one_and_refuse_the_rest(member, household):
    spellings = ["Noël", "NOËL", "Noe\u0308l", "Noël\u200b"]
    outcomes = race_posts(
        member,
        reverse("events:event_create"),
        [{"name": s, "event_date": "2026-12-24"} for s in spellings],
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "already exists.")
    assert list(Event.objects.values_list("slug", flat=True)) == ["noel"]


def test_racing_events_with_one_slug_get_distinct_slugs(member, household):
    names = ["Noël", "Noel", "NOEL!", "Noël?"]
    outcomes = race_posts(
        member,
        reverse("events:event_create"),
        [{"name": n, "event_date": "2026-12-24"} for n in names],
    )
    # "Noël" and "Noel" differ (the accent is a different letter), as do the others: each
    # is created, and each gets its own slug.
    assert statuses(outcomes) == [302] * WORKERS
    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "noel",
        "noel-2",
        "noel-3",
        "noel-4",
    ]


def test_racing_event_renames_to_one_name_leave_one_with_it(member, household):
    events = [make_event(household, f"Party {n}", "2026-12-24") for n in range(WORKERS)]
    outcomes = race_posts(
        member,
        None,
        [
            (
                reverse("events:event_update", args=[e.pk]),
                {"name": "Réveillon", "event_date": "2026-12-31"},
            )
            for e in events
        ],
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "An event named &#x27;Réveillon&#x27; already exists.")
    assert Event.objects.filter(name_key="réveillon").count() == 1


def test_racing_package_creates_make_one_and_refuse_the_rest(member, household):
    outcomes = race_posts(member, reverse("events:package_create"), {"name": "Big box"})
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "A package named &#x27;Big box&#x27; already exists.")
    assert Package.objects.filter(household=household).count() == 1


def test_racing_package_item_adds_make_one_and_refuse_the_rest(member, household):
    package = Package.objects.create(household=household, name="Big box")
    tin = FinishedGood.objects.create(household=household, name="Tin")
    outcomes = race_posts(
        member,
        reverse("events:package_item_create", args=[package.pk]),
        {"finished_good": str(tin.pk), "quantity": "2"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "Tin is already in Big box")
    assert PackageItem.objects.filter(package=package).count() == 1


def test_racing_assignments_make_one_and_refuse_the_rest(member, gift_world):
    w = gift_world
    outcomes = race_posts(
        member,
        reverse("events:assignment_create", args=[w.christmas.pk]),
        {"recipient": str(w.anna.pk), "package": str(w.small.pk), "quantity": "1"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "already has")
    assert Assignment.objects.filter(event=w.christmas).count() == 1


def test_racing_production_targets_leave_one_target(member, household):
    event = make_event(household, "Christmas", "2026-12-24")
    recipe = Recipe.objects.create(household=household, name="Shortbread")
    outcomes = race_posts(
        member,
        reverse("events:production_target_set", args=[event.pk]),
        [{"recipe": str(recipe.pk), "target_batches": str(n + 1)} for n in range(WORKERS)],
    )
    # Setting a target again changes it: every save succeeds, one row remains.
    assert statuses(outcomes) == [302] * WORKERS
    assert ProductionTarget.objects.filter(event=event).count() == 1
