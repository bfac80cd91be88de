"""Assignments: single and bulk, duplicates, updates, reads in constant queries."""

from __future__ import annotations

import pytest

from bakeplanner.errors import DuplicateAssignment, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from events.models import Assignment, Recipient
from events.services import (
    assign_package_to_recipient,
    assign_package_to_recipients,
    get_assignment,
    get_event_assignments,
    get_recipient_assignments_for_event,
    remove_assignment,
    update_assignment,
)
from events.tests.conftest import assign


def test_assign_package_to_recipient_creates_a_pending_assignment(gift_world, tx):
    w = gift_world
    made = assign_package_to_recipient(
        tx, w.christmas.pk, w.anna.pk, w.big.pk, quantity=2, notes="for the twins"
    )
    stored = Assignment.objects.get()
    assert stored.pk == made.pk
    assert (stored.event_id, stored.recipient_id, stored.package_id) == (
        w.christmas.pk,
        w.anna.pk,
        w.big.pk,
    )
    assert (stored.quantity, stored.notes, stored.fulfillment_status) == (
        2,
        "for the twins",
        "pending",
    )


def test_duplicate_triple_is_refused(gift_world, tx):
    w = gift_world
    assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.small.pk)
    with pytest.raises(DuplicateAssignment, match="Anna already has Small Gift at Christmas 2026"):
        assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.small.pk, quantity=3)
    assert Assignment.objects.count() == 1
    assert Assignment.objects.get().quantity == 1


def test_same_recipient_may_get_another_package_or_the_same_at_another_event(gift_world, tx):
    w = gift_world
    assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.small.pk)
    assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.big.pk)
    assign_package_to_recipient(tx, w.last_christmas.pk, w.anna.pk, w.small.pk)
    assert Assignment.objects.count() == 3


@pytest.mark.parametrize("bad", [0, -2, "lots", 2.5, 10_001])
def test_bad_quantities_are_refused(gift_world, tx, bad):
    w = gift_world
    with pytest.raises(ValidationFailed, match="quantity"):
        assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.small.pk, quantity=bad)
    assert not Assignment.objects.exists()


def test_inactive_recipient_cannot_be_assigned(gift_world, tx):
    w = gift_world
    with pytest.raises(ValidationFailed, match="Inactive recipients.*Cara"):
        assign_package_to_recipient(tx, w.christmas.pk, w.cara.pk, w.small.pk)
    assert not Assignment.objects.exists()


def test_foreign_ids_are_not_found(gift_world, outsider_household):
    w = gift_world
    theirs = Recipient.objects.create(household=outsider_household, name="Theo")
    with unit_of_work(w.household) as tx:
        with pytest.raises(NotFound):
            assign_package_to_recipient(tx, w.christmas.pk, theirs.pk, w.small.pk)
        with pytest.raises(NotFound):
            assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, 999_999)
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            assign_package_to_recipient(tx, w.christmas.pk, theirs.pk, w.small.pk)
    assert not Assignment.objects.exists()


def test_bulk_assignment_gives_the_package_to_every_recipient(gift_world, tx):
    w = gift_world
    made = assign_package_to_recipients(
        tx, w.christmas.pk, [str(w.ben.pk), w.anna.pk, w.ben.pk], w.small.pk, quantity=2
    )
    assert [a.recipient.name for a in made] == ["Anna", "Ben"]
    assert sorted(Assignment.objects.values_list("recipient__name", "quantity")) == [
        ("Anna", 2),
        ("Ben", 2),
    ]


def test_bulk_assignment_refuses_duplicates_naming_them_and_assigns_nobody(gift_world, tx):
    w = gift_world
    extra = Recipient.objects.create(household=w.household, name="Dora")
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.ben, w.small)
    before = db_snapshot()
    with pytest.raises(DuplicateAssignment) as exc:
        assign_package_to_recipients(
            tx, w.christmas.pk, [extra.pk, w.ben.pk, w.anna.pk], w.small.pk
        )
    assert "already assigned at Christmas 2026 to: Anna, Ben" in str(exc.value)
    assert "Dora" not in str(exc.value)
    assert db_snapshot() == before


def test_bulk_assignment_with_an_unknown_recipient_assigns_nobody(gift_world, tx):
    w = gift_world
    with pytest.raises(NotFound, match="Recipient 424242"):
        assign_package_to_recipients(tx, w.christmas.pk, [w.anna.pk, 424242], w.small.pk)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("bad", [[], "1,2", None, ["x"]])
def test_bulk_assignment_needs_a_list_of_recipients(gift_world, tx, bad):
    w = gift_world
    with pytest.raises((ValidationFailed, NotFound)):
        assign_package_to_recipients(tx, w.christmas.pk, bad, w.small.pk)
    assert not Assignment.objects.exists()


def test_bulk_assignment_is_all_or_nothing(gift_world):
    w = gift_world
    total = assert_all_or_nothing(
        w.household,
        lambda tx: assign_package_to_recipients(
            tx, w.christmas.pk, [w.anna.pk, w.ben.pk], w.big.pk, quantity=3, notes="bulk"
        ),
        expect_changed={"events.Assignment"},
    )
    assert total >= 6


def test_single_assignment_is_all_or_nothing(gift_world):
    w = gift_world
    assert_all_or_nothing(
        w.household,
        lambda tx: assign_package_to_recipient(tx, w.christmas.pk, w.anna.pk, w.small.pk),
        expect_changed={"events.Assignment"},
    )


def test_update_assignment_changes_package_quantity_and_notes(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    update_assignment(tx, a.pk, package_id=w.big.pk, quantity="3", notes="upgrade")
    a.refresh_from_db()
    assert (a.package_id, a.quantity, a.notes) == (w.big.pk, 3, "upgrade")


def test_update_that_would_duplicate_a_triple_is_refused(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.anna, w.big)
    with pytest.raises(DuplicateAssignment, match="Anna already has Big Gift"):
        update_assignment(tx, a.pk, package_id=w.big.pk, quantity=5)
    a.refresh_from_db()
    assert (a.package_id, a.quantity) == (w.small.pk, 1)


def test_update_assignment_refuses_unknown_fields(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with pytest.raises(ValidationFailed, match="Unknown assignment field.*fulfillment_status"):
        update_assignment(tx, a.pk, fulfillment_status="delivered")
    with pytest.raises(ValidationFailed, match="recipient_id"):
        update_assignment(tx, a.pk, recipient_id=w.ben.pk)
    a.refresh_from_db()
    assert (a.recipient_id, a.fulfillment_status) == (w.anna.pk, "pending")


def test_update_assignment_is_all_or_nothing(gift_world):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    assert_all_or_nothing(
        w.household,
        lambda tx: update_assignment(tx, a.pk, package_id=w.big.pk, quantity=2),
        expect_changed={"events.Assignment"},
    )


def test_remove_assignment(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    remove_assignment(tx, a.pk)
    assert not Assignment.objects.exists()
    with pytest.raises(NotFound):
        remove_assignment(tx, a.pk)


def test_other_household_cannot_touch_an_assignment(gift_world, outsider_household):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with unit_of_work(outsider_household) as tx:
        for call in (
            lambda: update_assignment(tx, a.pk, notes="x"),
            lambda: remove_assignment(tx, a.pk),
            lambda: get_assignment(tx, a.pk),
            lambda: get_event_assignments(tx, w.christmas.pk),
        ):
            with pytest.raises(NotFound):
                call()
    assert Assignment.objects.filter(pk=a.pk, notes="").exists()


def _many_assignments(world, count):
    for index in range(count):
        recipient = Recipient.objects.create(household=world.household, name=f"Guest {index:03}")
        assign(world, world.christmas, recipient, world.small)


@pytest.mark.parametrize("size", [2, 30])
def test_event_assignments_load_recipient_and_package_in_constant_queries(
    gift_world, tx, django_assert_num_queries, size
):
    _many_assignments(gift_world, size)
    with django_assert_num_queries(2):
        rows = get_event_assignments(tx, gift_world.christmas.pk)
        labels = [(a.recipient.name, a.package.name) for a in rows]
    assert len(labels) == size
    assert labels == sorted(labels)


def test_recipient_assignments_for_event(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.anna, w.big)
    assign(w, w.christmas, w.ben, w.small)
    assign(w, w.last_christmas, w.anna, w.small)
    rows = get_recipient_assignments_for_event(tx, w.christmas.pk, w.anna.pk)
    assert [a.package.name for a in rows] == ["Big Gift", "Small Gift"]
