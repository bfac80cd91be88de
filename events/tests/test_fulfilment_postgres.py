"""PostgreSQL: people stepping back or marking delivered the same assignment at the same
moment move it one step only, and its history has one row for that step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bakeplanner.tests.racing import WORKERS, loser_pages, race_posts, statuses
from events.models import Assignment, FulfillmentChange
from events.tests.conftest import assign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ONE_WINNER = [200] * (WORKERS - 1) + [302]  # sorted, as `statuses` gives them


def test_racing_step_backs_of_a_delivered_assignment_step_back_once(gift_world, member):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    outcomes = race_posts(
        member,
        reverse("events:assignment_revert", args=[a.pk]),
        {"reason": "Tapped the wrong row", "from_status": "delivered"},
    )
    assert statuses(outcomes) == ONE_WINNER
    pages = loser_pages(outcomes)
    assert all("is no longer delivered: it is ready now" in page for page in pages)
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "ready"
    assert list(FulfillmentChange.objects.values_list("from_status", "to_status")) == [
        ("delivered", "ready")
    ]


def test_racing_confirmed_mark_delivered_moves_one_step(gift_world, member):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    outcomes = race_posts(
        member,
        reverse("events:assignment_status", args=[a.pk]),
        {"status": "delivered", "confirm": "1"},
    )
    assert statuses(outcomes) == [302] * WORKERS  # each goes back to the event page
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "delivered"
    assert FulfillmentChange.objects.count() == 1
