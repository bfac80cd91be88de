"""The events part of `seed_demo`: recipients, packages from existing goods, two events."""

from __future__ import annotations

from django.utils import timezone

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.demo import seed_events
from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from production.models import FinishedGood, Recipe


def _seed(household):
    with unit_of_work(household) as tx:
        seed_events(tx, {})


def test_without_finished_goods_there_are_recipients_and_events_but_no_packages(household):
    _seed(household)
    assert Recipient.objects.count() == 10
    assert list(Recipient.objects.filter(active=False).values_list("name", flat=True)) == [
        "Aunt Sue"
    ]
    year = timezone.localdate().year
    assert set(Event.objects.values_list("name", flat=True)) == {
        f"Christmas {year - 1}",
        f"Christmas {year}",
    }
    assert not Package.objects.exists()
    assert not Assignment.objects.exists()


def _goods(household):
    for name in ("Cookie Tin", "Fudge Box", "Gingerbread Bag"):
        FinishedGood.objects.create(household=household, name=name)
    Recipe.objects.create(household=household, name="Sugar Cookies")


def test_with_goods_the_demo_has_packages_assignments_and_targets(household):
    _goods(household)
    _seed(household)
    year = timezone.localdate().year
    last = Event.objects.get(name=f"Christmas {year - 1}")
    current = Event.objects.get(name=f"Christmas {year}")
    assert Package.objects.count() == 3
    assert PackageItem.objects.filter(package__name="Deluxe Hamper").count() == 3
    last_statuses = set(
        Assignment.objects.filter(event=last).values_list("fulfillment_status", flat=True)
    )
    assert last_statuses == {"delivered"}
    current_statuses = set(
        Assignment.objects.filter(event=current).values_list("fulfillment_status", flat=True)
    )
    assert current_statuses == {"pending", "ready"}
    # The inactive recipient keeps last year's gift and gets nothing new.
    sue = Recipient.objects.get(name="Aunt Sue")
    assert list(Assignment.objects.filter(recipient=sue).values_list("event_id", flat=True)) == [
        last.pk
    ]
    assert AssemblyTarget.objects.filter(event=current).exists()
    assert ProductionTarget.objects.filter(event=current).exists()


def test_seeding_twice_changes_nothing(household):
    _goods(household)
    _seed(household)
    before = db_snapshot()
    _seed(household)
    after = db_snapshot()
    assert after == before


def test_a_later_run_fills_packages_once_goods_exist(household):
    _seed(household)
    _goods(household)
    _seed(household)
    assert Package.objects.count() == 3
    assert Assignment.objects.exists()
