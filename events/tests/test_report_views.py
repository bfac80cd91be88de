"""Cost analysis and clone pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Assignment, Event
from events.tests.progress_fixtures import assign, make_event, make_package


@pytest.fixture
def christmas(household):
    event = make_event(household, "Christmas 2026", days_ahead=20)
    assign(household, event, "Gran", make_package(household), quantity=2, status="delivered")
    return event


def test_costs_page_of_an_event_with_empty_packages_says_nothing_is_planned(
    member_client, christmas
):
    response = member_client.get(reverse("events:event_costs", args=[christmas.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What Christmas 2026 cost" in html
    assert "Nothing is planned or made for this event yet" in html
    assert Assignment.objects.filter(event=christmas).count() == 1


def test_clone_page_suggests_next_year(member_client, christmas):
    html = member_client.get(reverse("events:event_clone", args=[christmas.pk])).content.decode()
    assert 'value="Christmas 2027"' in html


def test_clone_creates_event_and_redirects(member_client, christmas):
    response = member_client.post(
        reverse("events:event_clone", args=[christmas.pk]),
        {"name": "Christmas 2027", "event_date": "2027-12-24"},
    )
    new = Event.objects.get(name="Christmas 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event_detail", args=[new.pk])
    assert Assignment.objects.get(event=new).fulfillment_status == "pending"


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "event_date": "2027-12-24"},
        {"name": "Next", "event_date": "24/12/2027"},
        {"name": "christmas 2026", "event_date": "2027-12-24"},
    ],
)
def test_clone_bad_input_rerenders_and_changes_nothing(member_client, christmas, data):
    response = member_client.post(reverse("events:event_clone", args=[christmas.pk]), data)
    assert response.status_code == 200
    assert Event.objects.count() == 1
    assert "is-invalid" in response.content.decode() or "alert" in response.content.decode()


def test_outsider_gets_404_and_viewer_cannot_clone(outsider_client, viewer_client, christmas):
    for name in ("events:event_costs", "events:event_clone"):
        assert outsider_client.get(reverse(name, args=[christmas.pk])).status_code == 404
    response = viewer_client.post(
        reverse("events:event_clone", args=[christmas.pk]),
        {"name": "Christmas 2027", "event_date": "2027-12-24"},
    )
    assert response.status_code == 403
    assert Event.objects.count() == 1


def test_event_page_brings_overview_costs_and_clone_together(member_client, christmas):
    html = member_client.get(reverse("events:event_detail", args=[christmas.pk])).content.decode()
    assert "Not started" in html
    assert "Packages: 2 of 2 packages delivered" in html
    assert reverse("events:event_costs", args=[christmas.pk]) in html
    assert reverse("events:event_clone", args=[christmas.pk]) in html


def test_apply_suggested_targets_from_the_event_page_returns_there(member_client, christmas):
    response = member_client.post(
        reverse("events:event_apply_targets", args=[christmas.pk]), {"return_to": "event"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event_detail", args=[christmas.pk])
