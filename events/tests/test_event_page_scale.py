"""The event page stays quick and usable with a long packing list."""

from __future__ import annotations

from django.urls import reverse

from events.models import Recipient
from events.tests.progress_fixtures import assign, make_event, make_package


def test_long_assignment_lists_are_paged_with_full_counts(member_client, household):
    event = make_event(household, "Big Christmas")
    box = make_package(household)
    for index in range(130):
        assign(household, event, f"Recipient {index:03d}", box, quantity=2)
    url = reverse("events:event_detail", args=[event.pk]) + "?tab=packages"
    link = {
        r.name: f'href="{reverse("events:recipient_detail", args=[r.pk])}"'
        for r in Recipient.objects.all()
    }
    first = member_client.get(url).content.decode()
    assert "Showing 1–100 of 130." in first
    assert link["Recipient 099"] in first and link["Recipient 100"] not in first
    assert "260 packages in all" in first
    second = member_client.get(url + "&page=2").content.decode()
    assert link["Recipient 100"] in second and link["Recipient 129"] in second
    assert member_client.get(url + "&page=banana").status_code == 200


def test_many_recipients_move_both_assign_forms_to_their_own_pages(member_client, household):
    event = make_event(household, "Big Christmas")
    make_package(household)
    Recipient.objects.bulk_create(
        [Recipient(household=household, name=f"R{index}") for index in range(201)]
    )
    url = reverse("events:event_detail", args=[event.pk]) + "?tab=packages"
    html = member_client.get(url).content.decode()
    assert "<option" not in html
    assert reverse("events:assignment_bulk_create", args=[event.pk]) in html
    assert reverse("events:assignment_create", args=[event.pk]) in html


def test_a_few_recipients_are_offered_on_the_page_itself(member_client, household):
    event = make_event(household, "Small Christmas")
    make_package(household)
    Recipient.objects.bulk_create(
        [Recipient(household=household, name=f"R{index}") for index in range(3)]
    )
    url = reverse("events:event_detail", args=[event.pk]) + "?tab=packages"
    html = member_client.get(url).content.decode()
    assert html.count(">R") >= 3
    assert reverse("events:assignment_bulk_create", args=[event.pk]) in html
