"""Recipient and package pages: list with search, history, deactivate, contents editor."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Assignment, Package, PackageItem, Recipient
from events.tests.conftest import assign, make_event
from production.models import FinishedGood


def _page(response):
    return response.content.decode()


def _follow(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return _page(response)


def test_recipient_list_searches_and_shows_status_in_words(gift_world, member_client):
    url = reverse("events:recipient_list")
    html = _page(member_client.get(url))
    assert "Anna" in html and "Ben" in html and "Cara" in html
    assert "Inactive" in html and "Active" in html
    found = _page(member_client.get(url, {"q": "smith", "inactive": "on"}))
    assert "Anna" in found and "Ben" not in found
    active_only = _page(member_client.get(url, {"q": ""}))
    assert "Cara" not in active_only


def test_recipient_search_text_is_escaped(gift_world, member_client):
    html = _page(member_client.get(reverse("events:recipient_list"), {"q": "<script>"}))
    assert "<script>" not in html.split("<main")[1]
    assert "&lt;script&gt;" in html


def test_recipient_detail_shows_history_newest_event_first(gift_world, member_client):
    w = gift_world
    assign(w, w.last_christmas, w.anna, w.big, status="delivered")
    assign(w, w.christmas, w.anna, w.small)
    html = _page(member_client.get(reverse("events:recipient_detail", args=[w.anna.pk])))
    assert html.index("Christmas 2026") < html.index("Christmas 2025")
    assert "Delivered" in html and "Pending" in html


def test_create_and_edit_recipient(member_client, household):
    html = _follow(
        member_client,
        reverse("events:recipient_create"),
        {"name": "Gran", "household_name": "Olds", "address": "1 Lane", "notes": ""},
    )
    gran = Recipient.objects.get(household=household)
    assert "Added Gran." in html
    _follow(
        member_client,
        reverse("events:recipient_update", args=[gran.pk]),
        {"name": "Granny", "household_name": "", "address": "2 Lane", "notes": "no nuts"},
    )
    gran.refresh_from_db()
    # The edit form's unticked "active" box deactivates, as the label says.
    assert (gran.name, gran.address, gran.notes, gran.active) == (
        "Granny",
        "2 Lane",
        "no nuts",
        False,
    )


def test_deactivate_and_reactivate_with_one_button(gift_world, member_client):
    url = reverse("events:recipient_set_active", args=[gift_world.ben.pk])
    html = _follow(member_client, url, {"active": "0"})
    assert "Ben is now inactive." in html and "Reactivate" in html
    assert Recipient.objects.get(pk=gift_world.ben.pk).active is False
    _follow(member_client, url, {"active": "1"})
    assert Recipient.objects.get(pk=gift_world.ben.pk).active is True


def test_delete_recipient_refused_while_assigned(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    url = reverse("events:recipient_delete", args=[w.anna.pk])
    response = member_client.post(url)
    assert "cannot be deleted: 1 assignment uses" in _page(response)
    assert Recipient.objects.filter(pk=w.anna.pk).exists()
    html = _follow(member_client, reverse("events:recipient_delete", args=[w.ben.pk]), {})
    assert "Deleted Ben." in html
    assert not Recipient.objects.filter(pk=w.ben.pk).exists()


def _grow_recipients(world, count):
    for index in range(count):
        r = Recipient.objects.create(household=world.household, name=f"Guest {index:03}")
        assign(world, world.christmas, r, world.small)
        assign(world, world.last_christmas, r, world.big)


@pytest.mark.parametrize("size", [2, 40])
def test_recipient_list_query_count_does_not_grow(
    gift_world, member_client, django_assert_max_num_queries, size
):
    _grow_recipients(gift_world, size)
    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("events:recipient_list"))
    assert _page(response).count("Guest ") == size


@pytest.mark.parametrize("size", [2, 40])
def test_recipient_detail_query_count_does_not_grow(
    gift_world, member_client, django_assert_max_num_queries, size
):
    w = gift_world
    for index in range(size):
        event = make_event(
            w.household, f"Party {index}", dt.date(2020, 1, 1) + dt.timedelta(days=index)
        )
        assign(w, event, w.anna, w.small)
    with django_assert_max_num_queries(10):
        response = member_client.get(reverse("events:recipient_detail", args=[w.anna.pk]))
    assert _page(response).count("Party ") == size


# --- Packages -----------------------------------------------------------------------------


def test_package_list_shows_contents_and_use(gift_world, member_client):
    assign(gift_world, gift_world.christmas, gift_world.anna, gift_world.big)
    html = _page(member_client.get(reverse("events:package_list")))
    assert "2 × Cookie Box, 1 × Fudge Tin" in html
    assert "1 × Cookie Box" in html


def test_create_package_then_edit_contents(gift_world, member_client):
    w = gift_world
    html = _follow(member_client, reverse("events:package_create"), {"name": "Hamper", "notes": ""})
    hamper = Package.objects.get(name="Hamper")
    assert "Created Hamper" in html and "This package is empty." in html
    html = _follow(
        member_client,
        reverse("events:package_item_create", args=[hamper.pk]),
        {"finished_good": w.fudge_tin.pk, "quantity": 2},
    )
    item = PackageItem.objects.get(package=hamper)
    assert item.quantity == 2 and "Fudge Tin" in html
    _follow(member_client, reverse("events:package_item_update", args=[item.pk]), {"quantity": 5})
    assert PackageItem.objects.get(pk=item.pk).quantity == 5
    response = member_client.post(
        reverse("events:package_item_update", args=[item.pk]), {"quantity": 0}
    )
    assert response.status_code == 200 and "greater than or equal to 1" in _page(response)
    assert PackageItem.objects.get(pk=item.pk).quantity == 5
    _follow(member_client, reverse("events:package_item_delete", args=[item.pk]), {})
    assert not PackageItem.objects.filter(package=hamper).exists()


def test_adding_a_good_twice_shows_a_message(gift_world, member_client):
    w = gift_world
    response = member_client.post(
        reverse("events:package_item_create", args=[w.small.pk]),
        {"finished_good": w.cookie_box.pk, "quantity": 1},
    )
    assert "Cookie Box is already in Small Gift" in _page(response)
    assert PackageItem.objects.filter(package=w.small).count() == 1


def test_package_rename_collision_and_delete_refused_while_assigned(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.anna, w.big)
    response = member_client.post(
        reverse("events:package_update", args=[w.small.pk]), {"name": "BIG GIFT", "notes": ""}
    )
    assert "already exists" in _page(response)
    response = member_client.post(reverse("events:package_delete", args=[w.big.pk]))
    assert "cannot be deleted: 1 assignment uses" in _page(response)
    assert Package.objects.filter(pk=w.big.pk).exists()
    html = _follow(member_client, reverse("events:package_delete", args=[w.small.pk]), {})
    assert "Deleted Small Gift." in html
    assert not Package.objects.filter(pk=w.small.pk).exists()
    assert Assignment.objects.count() == 1


@pytest.mark.parametrize("size", [2, 30])
def test_package_pages_query_count_does_not_grow(
    gift_world, member_client, django_assert_max_num_queries, size
):
    for index in range(size):
        good = FinishedGood.objects.create(household=gift_world.household, name=f"Tin {index:03}")
        PackageItem.objects.create(
            household=gift_world.household, package=gift_world.big, finished_good=good, quantity=1
        )
    # Ten for the page and its contents, three for the allergen roll-up of what is inside.
    with django_assert_max_num_queries(13):
        detail = member_client.get(reverse("events:package_detail", args=[gift_world.big.pk]))
    assert _page(detail).count("<td>Tin 0") == size
    # The list is paged: one aggregate counts the packages, then the page and its contents.
    with django_assert_max_num_queries(9):
        listing = member_client.get(reverse("events:package_list"))
    assert _page(listing).count("Tin 0") == size
