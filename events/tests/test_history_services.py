"""Recipient history: what each recipient received, newest event first."""

from __future__ import annotations

import json

import pytest

from bakeplanner.errors import NotFound
from bakeplanner.tx import unit_of_work
from events.models import Recipient
from events.services import get_recipient_history
from events.tests.progress_fixtures import assign, make_event, make_package


def test_history_lists_newest_event_first(household, tx):
    old = make_event(household, "Christmas 2025", days_ahead=-330)
    new = make_event(household, "Christmas 2026", days_ahead=30)
    box, tin = make_package(household, "Box"), make_package(household, "Tin")
    assign(household, old, "Gran", box, quantity=2, status="delivered")
    assign(household, new, "Gran", tin, quantity=1)
    gran = Recipient.objects.get(name="Gran")
    history = get_recipient_history(tx, gran.pk)
    assert [(row["event_name"], row["package_name"], row["quantity"]) for row in history] == [
        ("Christmas 2026", "Tin", 1),
        ("Christmas 2025", "Box", 2),
    ]
    assert history[1]["fulfillment_status"] == "delivered"
    assert history[0]["event_date"] == new.event_date.isoformat()
    json.dumps(history)


def test_history_of_other_households_recipient_is_not_found(household, outsider_household):
    gran = Recipient.objects.create(household=household, name="Gran")
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            get_recipient_history(tx, gran.pk)


def test_history_is_one_query(household, tx, django_assert_num_queries):
    gran = Recipient.objects.create(household=household, name="Gran")
    box = make_package(household)
    for index in range(5):
        assign(household, make_event(household, f"E{index}", days_ahead=index), "Gran", box)
    with django_assert_num_queries(2):  # the recipient, then its assignments
        assert len(get_recipient_history(tx, gran.pk)) == 5
