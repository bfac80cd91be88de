"""Fulfilment: pending → ready → delivered, forward only, no skipping, delivered is final."""

from __future__ import annotations

import pytest

from bakeplanner.errors import InvalidTransition, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing
from bakeplanner.tx import unit_of_work
from events.models import Assignment
from events.services import get_packages_by_status, update_fulfillment_status
from events.tests.conftest import assign

STATUSES = ["pending", "ready", "delivered"]
ALLOWED = {("pending", "ready"), ("ready", "delivered")}
NEXT = {"pending": "ready", "ready": "delivered", "delivered": "none"}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("new", STATUSES)
def test_fulfilment_transition_table(gift_world, tx, current, new):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status=current)
    if (current, new) in ALLOWED:
        result = update_fulfillment_status(tx, a.pk, new)
        assert result.fulfillment_status == new
        assert Assignment.objects.get(pk=a.pk).fulfillment_status == new
    else:
        with pytest.raises(InvalidTransition) as exc:
            update_fulfillment_status(tx, a.pk, new)
        assert str(exc.value) == f"Cannot change from {current} to {new} (allowed: {NEXT[current]})"
        assert Assignment.objects.get(pk=a.pk).fulfillment_status == current


def test_spec_examples_name_the_allowed_states(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with pytest.raises(InvalidTransition, match=r"allowed: ready"):
        update_fulfillment_status(tx, a.pk, "delivered")
    update_fulfillment_status(tx, a.pk, "ready")
    update_fulfillment_status(tx, a.pk, "delivered")
    with pytest.raises(InvalidTransition) as exc:
        update_fulfillment_status(tx, a.pk, "ready")
    assert str(exc.value) == "Cannot change from delivered to ready (allowed: none)"
    assert exc.value.allowed == []


def test_unknown_status_is_an_invalid_transition(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with pytest.raises(InvalidTransition, match="to shipped"):
        update_fulfillment_status(tx, a.pk, "shipped")
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "pending"


def test_status_change_is_all_or_nothing(gift_world):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    assert_all_or_nothing(
        w.household,
        lambda tx: update_fulfillment_status(tx, a.pk, "ready"),
        expect_changed={"events.Assignment", "events.FulfillmentChange"},
    )


def test_status_change_is_not_gated_on_stock(gift_world, tx):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.big, quantity=5)  # nothing assembled at all
    assert update_fulfillment_status(tx, a.pk, "ready").fulfillment_status == "ready"


def test_other_household_cannot_change_status(gift_world, outsider_household):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            update_fulfillment_status(tx, a.pk, "ready")
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "pending"


def test_rejected_transition_is_logged_as_a_warning(gift_world, tx, caplog):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    caplog.set_level("INFO", logger="bakeplanner.events.fulfilment")
    with pytest.raises(InvalidTransition):
        update_fulfillment_status(tx, a.pk, "delivered")
    record = caplog.records[-1]
    assert (record.levelname, record.fields["outcome"]) == ("WARNING", "rejected")
    assert record.fields["assignment_id"] == a.pk


def test_packages_by_status(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.ben, w.small, status="ready")
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.anna, w.big, status="ready")
    assign(w, w.last_christmas, w.anna, w.small, status="ready")
    everything = get_packages_by_status(tx, w.christmas.pk)
    ready = get_packages_by_status(tx, w.christmas.pk, "ready")
    assert [(a.recipient.name, a.package.name) for a in everything] == [
        ("Anna", "Big Gift"),
        ("Anna", "Small Gift"),
        ("Ben", "Small Gift"),
    ]
    assert [(a.recipient.name, a.package.name) for a in ready] == [
        ("Anna", "Big Gift"),
        ("Ben", "Small Gift"),
    ]
    assert get_packages_by_status(tx, w.christmas.pk, "delivered") == []
    with pytest.raises(ValidationFailed, match="Unknown status"):
        get_packages_by_status(tx, w.christmas.pk, "lost")
