"""Stepping a fulfilment status back (delivered → ready → pending) with a reason, and the
history of every move."""

from __future__ import annotations

import pytest

from bakeplanner.errors import InvalidTransition, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing
from bakeplanner.tx import unit_of_work
from events.models import Assignment, FulfillmentChange
from events.services import (
    get_fulfillment_history,
    revert_fulfillment_status,
    update_fulfillment_status,
)
from events.tests.conftest import assign


def _history(assignment: Assignment) -> list[tuple[str, str, str]]:
    return list(
        FulfillmentChange.objects.filter(assignment=assignment)
        .order_by("changed_at", "id")
        .values_list("from_status", "to_status", "reason")
    )


def test_step_back_from_delivered_lands_on_ready_with_an_audit_row(gift_world, tx, member):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    result = revert_fulfillment_status(tx, a.pk, reason="Tapped the wrong row")
    assert result.fulfillment_status == "ready"
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "ready"
    change = FulfillmentChange.objects.get(assignment=a)
    assert (change.from_status, change.to_status, change.reason) == (
        "delivered",
        "ready",
        "Tapped the wrong row",
    )
    assert change.changed_by == member
    assert change.household == w.household


def test_step_back_from_ready_lands_on_pending(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    assert revert_fulfillment_status(tx, a.pk, reason="Not packed").fulfillment_status == "pending"
    assert _history(a) == [("ready", "pending", "Not packed")]


def test_step_back_at_pending_is_refused_and_changes_nothing(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with pytest.raises(InvalidTransition) as exc:
        revert_fulfillment_status(tx, a.pk, reason="Oops")
    assert str(exc.value) == (
        "Anna's Small Gift is pending: there is no earlier status to step back to."
    )
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "pending"
    assert not FulfillmentChange.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", None, "\u200b"])
def test_step_back_without_a_reason_is_refused(gift_world, tx, reason):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    with pytest.raises(ValidationFailed, match="Say why the status is being stepped back.") as exc:
        revert_fulfillment_status(tx, a.pk, reason=reason)
    assert exc.value.field == "reason"
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "delivered"
    assert not FulfillmentChange.objects.exists()


def test_step_back_reason_longer_than_the_limit_is_refused(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    with pytest.raises(ValidationFailed, match="at most 500 characters"):
        revert_fulfillment_status(tx, a.pk, reason="x" * 501)
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "delivered"


def test_step_back_reason_is_stored_on_one_trimmed_line(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    revert_fulfillment_status(tx, a.pk, reason="  Box\n was   empty \t")
    assert _history(a) == [("ready", "pending", "Box was empty")]


def test_step_back_from_a_stale_page_is_refused(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    with pytest.raises(InvalidTransition, match="no longer delivered: it is ready now"):
        revert_fulfillment_status(tx, a.pk, reason="Oops", expected_status="delivered")
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "ready"
    assert not FulfillmentChange.objects.exists()


def test_forward_moves_write_history_without_a_reason(gift_world, tx, member):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    update_fulfillment_status(tx, a.pk, "ready")
    update_fulfillment_status(tx, a.pk, "delivered")
    revert_fulfillment_status(tx, a.pk, reason="Still in the car")
    assert _history(a) == [
        ("pending", "ready", ""),
        ("ready", "delivered", ""),
        ("delivered", "ready", "Still in the car"),
    ]
    assert {c.changed_by for c in get_fulfillment_history(tx, a.pk)} == {member}


def test_refused_forward_move_writes_no_history(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with pytest.raises(InvalidTransition):
        update_fulfillment_status(tx, a.pk, "delivered")
    assert not FulfillmentChange.objects.exists()


def test_update_fulfillment_status_still_refuses_going_back(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    with pytest.raises(InvalidTransition, match="Cannot change from delivered to ready"):
        update_fulfillment_status(tx, a.pk, "ready")
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "delivered"


def test_step_back_is_all_or_nothing(gift_world):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    total = assert_all_or_nothing(
        w.household,
        lambda tx: revert_fulfillment_status(tx, a.pk, reason="Wrong row"),
        expect_changed={"events.Assignment", "events.FulfillmentChange"},
    )
    assert total >= 3  # lock and read, update, insert


def test_other_household_cannot_step_back(gift_world, outsider_household):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            revert_fulfillment_status(tx, a.pk, reason="Mine now")
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "delivered"
    assert not FulfillmentChange.objects.exists()


def test_other_household_cannot_read_the_history(gift_world, outsider_household):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with unit_of_work(w.household) as tx:
        update_fulfillment_status(tx, a.pk, "ready")
    with unit_of_work(outsider_household) as other:
        with pytest.raises(NotFound):
            get_fulfillment_history(other, a.pk)


def test_removing_an_assignment_removes_its_history(gift_world, tx):
    from events.services import remove_assignment

    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    update_fulfillment_status(tx, a.pk, "ready")
    remove_assignment(tx, a.pk)
    assert not FulfillmentChange.objects.exists()


def test_step_back_is_logged(gift_world, tx, caplog):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    caplog.set_level("INFO", logger="bakeplanner.events.fulfilment")
    revert_fulfillment_status(tx, a.pk, reason="Wrong row")
    record = caplog.records[-1]
    assert record.fields["outcome"] == "success"
    assert (record.fields["previous_status"], record.fields["new_status"]) == ("delivered", "ready")
