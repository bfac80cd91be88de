"""A 2,000-assignment event: the tags page and one PDF part stay bounded
(docs/allergens-and-freshness.md, "Big events")."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Assignment, Recipient
from events.tests.test_tags import world  # noqa: F401  (the fixture)
from events.views.tags import TAGS_PER_PAGE, TAGS_PER_PDF

ASSIGNMENTS = 2000


@pytest.fixture
def big_event(world):  # noqa: F811  (the imported fixture)
    h = world.household
    people = Recipient.objects.bulk_create(
        Recipient(household=h, name=f"Guest {n:04}") for n in range(ASSIGNMENTS - 2)
    )
    Assignment.objects.bulk_create(
        Assignment(household=h, event=world.event, recipient=p, package=world.hampers)
        for p in people
    )
    return world


def test_tags_page_of_a_big_event_shows_one_page_quickly(big_event, member_client):
    url = reverse("events:event_tags", args=[big_event.event.pk])
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = member_client.get(url + "?page=20")
        took = time.perf_counter() - started
    html = response.content.decode()
    assert html.count('class="gift-tag"') == TAGS_PER_PAGE
    assert "Page 20 of 42" in html
    print(f"tags page: {took:.2f} s, {len(queries)} queries")
    assert took < 3


def test_pdf_part_of_a_big_event_holds_a_bounded_number_of_tags(big_event, member_client):
    url = reverse("events:event_tags", args=[big_event.event.pk])
    started = time.perf_counter()
    response = member_client.get(url + "?format=pdf&page=9")
    took = time.perf_counter() - started
    assert response.content.startswith(b"%PDF")
    assert 'filename="gift-tags-christmas-2026-a4-9.pdf"' in response["Content-Disposition"]
    print(f"PDF part of {TAGS_PER_PDF} tags: {took:.2f} s, {len(response.content)} bytes")
    assert took < 60
