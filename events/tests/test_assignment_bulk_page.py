"""The bulk-assign page: each recipient with what it already has at the event, narrowed by
name or to those without a package, a bounded amount of work however long the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import Assignment, Recipient
from events.tests.conftest import assign


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _url(world, query: str = "") -> str:
    return reverse("events:assignment_bulk_create", args=[world.christmas.pk]) + query


def _row(html: str, name: str) -> str:
    """The recipient list's line for `name`."""
    start = html.index(f">{name}")
    return html[start : html.index("</div>", start)]


def test_bulk_page_says_what_each_recipient_already_has_here(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.anna, w.big, quantity=2)
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.last_christmas, w.ben, w.small)  # another event: not shown
    html = _page(member_client.get(_url(w)))
    assert "has Big Gift ×2, Small Gift ×1" in _row(html, "Anna (Smiths)")
    assert "has" not in _row(html, "Ben")
    assert "2 recipients; 1 of them already has a package here." in html
    assert "Cara" not in html  # inactive recipients are not offered


def test_bulk_page_has_the_list_controls_and_their_script(gift_world, member_client):
    html = _page(member_client.get(_url(gift_world)))
    assert "data-bulk-filter" in html
    assert 'data-bulk-select="all"' in html and 'data-bulk-select="none"' in html
    assert "Only those without a package" in html
    assert "js/bulk_assign.js" in html


def test_bulk_page_q_narrows_the_list_on_the_server(gift_world, member_client):
    w = gift_world
    html = _page(member_client.get(_url(w, "?q=smi")))  # Anna's family name
    assert f'name="recipients" value="{w.anna.pk}"' in html
    assert f'name="recipients" value="{w.ben.pk}"' not in html
    assert "1 recipient whose name contains “smi”" in html


def test_bulk_page_can_list_only_those_without_a_package(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    html = _page(member_client.get(_url(w, "?without=1")))
    assert f'name="recipients" value="{w.ben.pk}"' in html
    assert f'name="recipients" value="{w.anna.pk}"' not in html
    assert "1 recipient without a package." in html


def test_bulk_page_with_no_match_says_so(gift_world, member_client):
    html = _page(member_client.get(_url(gift_world, "?q=zebra")))
    assert "No active recipient matches." in html
    assert 'name="recipients"' not in html


def test_bulk_assign_still_assigns_all_ticked_from_a_filtered_page(gift_world, member_client):
    w = gift_world
    response = member_client.post(
        _url(w, "?q=ben"),
        {"package": w.small.pk, "recipients": [w.ben.pk, w.anna.pk], "quantity": 2},
    )
    assert response.status_code == 302
    assert sorted(
        Assignment.objects.filter(event=w.christmas).values_list("recipient__name", "quantity")
    ) == [("Anna", 2), ("Ben", 2)]


def test_refused_bulk_assign_keeps_the_ticks_and_assigns_nobody(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.ben, w.small)
    response = member_client.post(
        _url(w), {"package": w.small.pk, "recipients": [w.anna.pk, w.ben.pk], "quantity": 1}
    )
    html = _page(response)
    assert "Small Gift is already assigned at Christmas 2026 to: Ben." in html
    assert f'value="{w.anna.pk}" id="bulk_recipients_0" checked' in html
    assert "has Small Gift ×1" in _row(html, "Ben")
    assert Assignment.objects.filter(event=w.christmas).count() == 1


def test_bulk_page_refuses_an_inactive_recipient_by_id(gift_world, member_client):
    w = gift_world
    response = member_client.post(
        _url(w), {"package": w.small.pk, "recipients": [w.cara.pk], "quantity": 1}
    )
    assert "Select a valid choice" in _page(response)
    assert not Assignment.objects.exists()


def test_bulk_page_is_a_404_for_another_household(gift_world, outsider_client):
    assert outsider_client.get(_url(gift_world)).status_code == 404


def _grow(world, size: int) -> None:
    recipients = Recipient.objects.bulk_create(
        Recipient(household=world.household, name=f"Guest {n:04}") for n in range(size)
    )
    Assignment.objects.bulk_create(
        Assignment(
            household=world.household,
            event=world.christmas,
            recipient=r,
            package=world.small,
        )
        for r in recipients[::2]
    )


@pytest.mark.parametrize("size", [10, 300])
def test_bulk_page_query_count_does_not_grow_with_the_list(
    gift_world, member_client, django_assert_num_queries, size
):
    _grow(gift_world, size)
    with django_assert_num_queries(BULK_PAGE_QUERIES):
        html = _page(member_client.get(_url(gift_world)))
    assert html.count('name="recipients"') == size + 2
    assert html.count("has Small Gift ×1") == size // 2


# Session, user (with membership and household), the read unit of work's savepoint in and
# out, event, packages, recipients, what they already have: the same for 10 recipients as
# for 300.
BULK_PAGE_QUERIES = 8
