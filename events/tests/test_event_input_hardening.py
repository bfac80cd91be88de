"""Event dates and recipient double submits: clear answers, nothing changed
(docs/security.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from events.models import Event, Recipient
from events.tests.conftest import make_event


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_event_date_outside_the_accepted_years_is_a_form_error(member_client, household, day):
    before = db_snapshot()
    response = member_client.post(
        reverse("events:event_create"), {"name": "Far away", "event_date": day, "notes": ""}
    )
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()
    assert db_snapshot() == before


def test_event_service_refuses_a_date_outside_the_accepted_years(tx):
    from bakeplanner.errors import ValidationFailed
    from events.services import create_event

    with pytest.raises(ValidationFailed, match="between 1900 and 2200"):
        create_event(tx, name="Far away", event_date="9999-12-31")
    assert not Event.objects.exists()


@override_settings(TIME_ZONE="Europe/Berlin")
def test_clone_page_of_an_event_in_the_last_accepted_year_suggests_no_later_date(
    member_client, household
):
    event = make_event(household, "Christmas 2200", dt.date(2200, 12, 24))
    response = member_client.get(reverse("events:event_clone", args=[event.pk]))
    assert response.status_code == 200


def test_the_same_recipient_post_twice_adds_one_recipient(member_client, household):
    page = member_client.get(reverse("events:recipient_create")).content.decode()
    token = page.split('name="submit_token" value="', 1)[1].split('"', 1)[0]
    data = {
        "name": "Aunt May",
        "household_name": "",
        "address": "",
        "notes": "",
        "submit_token": token,
    }
    first = member_client.post(reverse("events:recipient_create"), data)
    second = member_client.post(reverse("events:recipient_create"), data, follow=True)
    recipient = Recipient.objects.get()
    assert first["Location"] == reverse("events:recipient_detail", args=[recipient.pk])
    assert "already saved" in second.content.decode()
