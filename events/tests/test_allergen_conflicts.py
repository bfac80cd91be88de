"""Recipients who avoid allergens and the conflicts with their packages
(docs/allergens-and-freshness.md, "Recipients who avoid an allergen").

Built on the allergen world (production/tests/test_allergens.py): the Meringue bag contains
egg; the Shortbread tin gluten and milk, and may contain peanut.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.tx import unit_of_work
from events.models import Assignment, Package, PackageItem, Recipient
from events.services import (
    get_allergen_conflicts,
    get_package_allergens,
    set_recipient_avoids,
)
from events.tests.conftest import make_event
from production.tests.test_allergens import build_allergen_world


@pytest.fixture
def world(household):
    h = household
    w = build_allergen_world(h)
    w.event = make_event(h, "Christmas 2026", dt.date(2026, 12, 24))
    w.meringues = Package.objects.create(household=h, name="Meringue package")
    PackageItem.objects.create(household=h, package=w.meringues, finished_good=w.bag, quantity=2)
    w.shortbread = Package.objects.create(household=h, name="Shortbread package")
    PackageItem.objects.create(
        household=h, package=w.shortbread, finished_good=w.shortbread_tin, quantity=1
    )
    w.anna = Recipient.objects.create(household=h, name="Anna", avoids=["egg"])
    w.ben = Recipient.objects.create(household=h, name="Ben", avoids=["peanut"])
    w.cara = Recipient.objects.create(household=h, name="Cara")
    return w


def _assign(w, recipient, package):
    return Assignment.objects.create(
        household=w.household, event=w.event, recipient=recipient, package=package
    )


def test_package_allergens_roll_up_through_its_boxes(tx, world):
    assert get_package_allergens(tx, world.shortbread.pk) == {
        "contains": ["gluten", "milk"],
        "may_contain": ["peanut"],
    }


def test_conflict_is_an_avoided_allergen_the_package_contains(tx, world):
    clash = _assign(world, world.anna, world.meringues)
    _assign(world, world.anna, world.shortbread)  # no egg in shortbread
    _assign(world, world.cara, world.meringues)  # Cara avoids nothing
    assert get_allergen_conflicts(tx, world.event.pk) == [
        {
            "assignment_id": clash.pk,
            "recipient_name": "Anna",
            "package_name": "Meringue package",
            "allergens": ["egg"],
        }
    ]


def test_may_contain_alone_is_no_conflict(tx, world):
    _assign(world, world.ben, world.shortbread)  # may contain peanut, Ben avoids peanut
    assert get_allergen_conflicts(tx, world.event.pk) == []


def test_conflict_query_count_does_not_grow_with_assignments(tx, world, django_assert_num_queries):
    _assign(world, world.anna, world.meringues)
    with django_assert_num_queries(6):
        get_allergen_conflicts(tx, world.event.pk)
    for n in range(30):
        someone = Recipient.objects.create(household=world.household, name=f"R{n}", avoids=["milk"])
        _assign(world, someone, world.shortbread)
        _assign(world, someone, world.meringues)
    with django_assert_num_queries(6):
        conflicts = get_allergen_conflicts(tx, world.event.pk)
    assert len(conflicts) == 31


def test_set_recipient_avoids_stores_sorted_known_codes(tx, world):
    set_recipient_avoids(tx, world.cara.pk, ["sesame", "milk", "sesame"])
    world.cara.refresh_from_db()
    assert world.cara.avoids == ["milk", "sesame"]


def test_unknown_avoided_code_is_refused_and_changes_nothing(tx, world):
    with pytest.raises(ValidationFailed, match="Unknown allergen"):
        set_recipient_avoids(tx, world.anna.pk, ["egg", "gluten-free"])
    world.anna.refresh_from_db()
    assert world.anna.avoids == ["egg"]


def test_another_households_recipient_and_event_are_refused(world, outsider_household):
    with unit_of_work(outsider_household) as other_tx:
        with pytest.raises(NotFound):
            set_recipient_avoids(other_tx, world.anna.pk, ["milk"])
        with pytest.raises(NotFound):
            get_allergen_conflicts(other_tx, world.event.pk)
        with pytest.raises(NotFound):
            get_package_allergens(other_tx, world.meringues.pk)
    world.anna.refresh_from_db()
    assert world.anna.avoids == ["egg"]


def test_assigning_a_conflicting_package_succeeds_and_warns(world, member_client):
    url = reverse("events:assignment_create", args=[world.event.pk])
    response = member_client.post(
        url, {"recipient": world.anna.pk, "package": world.meringues.pk, "quantity": 1}, follow=True
    )
    html = response.content.decode()
    assert "Package assigned." in html
    assert "Anna avoids Eggs, which Meringue package contains." in html
    assert Assignment.objects.filter(recipient=world.anna, package=world.meringues).exists()


def test_assigning_a_safe_package_does_not_warn(world, member_client):
    url = reverse("events:assignment_create", args=[world.event.pk])
    response = member_client.post(
        url,
        {"recipient": world.anna.pk, "package": world.shortbread.pk, "quantity": 1},
        follow=True,
    )
    assert "avoids" not in response.content.decode()
    assert Assignment.objects.filter(recipient=world.anna).count() == 1


def test_bulk_assign_warns_for_each_conflicting_recipient(world, member_client):
    world.cara.avoids = ["milk"]
    world.cara.save()
    url = reverse("events:assignment_bulk_create", args=[world.event.pk])
    response = member_client.post(
        url,
        {
            "package": world.shortbread.pk,
            "recipients": [world.anna.pk, world.ben.pk, world.cara.pk],
            "quantity": 1,
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Cara avoids Milk, which Shortbread package contains." in html
    assert "Anna avoids" not in html and "Ben avoids" not in html
    assert Assignment.objects.filter(event=world.event).count() == 3


def test_freshness_page_lists_conflicts_with_a_count(world, member_client, viewer_client):
    _assign(world, world.anna, world.meringues)
    html = viewer_client.get(reverse("events:event_freshness", args=[world.event.pk])).content
    text = html.decode()
    assert "Allergen conflicts (1)" in text
    assert "Anna: Meringue package contains Eggs" in text
    assert get_conflict_count(world) == 1


def get_conflict_count(world):
    with unit_of_work(world.household, read_only=True) as read_tx:
        return len(get_allergen_conflicts(read_tx, world.event.pk))


def test_outsider_gets_404_for_the_freshness_page(world, outsider_client):
    response = outsider_client.get(reverse("events:event_freshness", args=[world.event.pk]))
    assert response.status_code == 404
