"""Every events URL answers 404 to another household, sends anonymous users to
login, and refuses viewers' POSTs with 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from events import urls as event_urls
from events.models import Assignment, Event, Package, PackageItem, Recipient
from events.tests.conftest import assign
from production.models import FinishedGood

# name → (kwargs builder, methods the view answers)
GET_AND_POST = ("get", "post")
POST_ONLY = ("post",)


def _patterns(world, assignment):
    event, recipient, package = world.christmas.pk, world.anna.pk, world.small.pk
    item = PackageItem.objects.get(package=world.small).pk
    return {
        "event_detail": ({"pk": event}, ("get",)),
        "event_update": ({"pk": event}, GET_AND_POST),
        "event_delete": ({"pk": event}, GET_AND_POST),
        "assignment_create": ({"pk": event}, GET_AND_POST),
        "assignment_bulk_create": ({"pk": event}, GET_AND_POST),
        "assignment_update": ({"pk": assignment.pk}, GET_AND_POST),
        "assignment_delete": ({"pk": assignment.pk}, GET_AND_POST),
        "assignment_status": ({"pk": assignment.pk}, GET_AND_POST),
        "assignment_revert": ({"pk": assignment.pk}, GET_AND_POST),
        "event_accept_plan": ({"pk": event}, POST_ONLY),
        "event_tags": ({"pk": event}, ("get",)),
        "event_packing_slips": ({"pk": event}, ("get",)),
        "event_freshness": ({"pk": event}, ("get",)),
        "production_target_set": ({"pk": event}, GET_AND_POST),
        "production_target_delete": ({"pk": event, "recipe_id": world.cookies.pk}, POST_ONLY),
        "assembly_target_set": ({"pk": event}, GET_AND_POST),
        "assembly_target_delete": (
            {"pk": event, "finished_good_id": world.cookie_box.pk},
            POST_ONLY,
        ),
        "recipient_detail": ({"pk": recipient}, ("get",)),
        "recipient_update": ({"pk": recipient}, GET_AND_POST),
        "recipient_delete": ({"pk": recipient}, GET_AND_POST),
        "recipient_set_active": ({"pk": recipient}, POST_ONLY),
        "package_detail": ({"pk": package}, ("get",)),
        "package_update": ({"pk": package}, GET_AND_POST),
        "package_delete": ({"pk": package}, GET_AND_POST),
        "package_item_create": ({"pk": package}, GET_AND_POST),
        "package_item_update": ({"pk": item}, GET_AND_POST),
        "package_item_delete": ({"pk": item}, POST_ONLY),
    }


OBJECT_FREE = [
    "event_list",
    "event_create",
    "recipient_list",
    "recipient_create",
    "package_list",
    "package_create",
    "import_baketracker",
    "tags_stylesheet",
]


def _payload():
    return {
        "name": "Mine now",
        "event_date": "2026-12-01",
        "notes": "x",
        "status": "ready",
        "recipient": "1",
        "package": "1",
        "quantity": "3",
        "recipients": ["1"],
        "target_batches": "2",
        "target_quantity": "2",
        "recipe": "1",
        "finished_good": "1",
        "active": "0",
        "cascade_assignments": "on",
    }


@pytest.fixture
def isolation_world(gift_world):
    assignment = assign(gift_world, gift_world.christmas, gift_world.anna, gift_world.small)
    return gift_world, assignment


def _own_route_names():
    return {p.name for p in event_urls.urlpatterns if isinstance(p, URLPattern)}


def test_every_events_route_is_covered_here(isolation_world):
    world, assignment = isolation_world
    assert set(_patterns(world, assignment)) | set(OBJECT_FREE) == _own_route_names()


def _snapshot():
    return (
        list(Event.objects.order_by("pk").values()),
        list(Recipient.objects.order_by("pk").values()),
        list(Package.objects.order_by("pk").values()),
        list(PackageItem.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
    )


def test_other_household_gets_404_for_every_object_url(isolation_world, outsider_client):
    world, assignment = isolation_world
    before = _snapshot()
    for name, (kwargs, methods) in _patterns(world, assignment).items():
        url = reverse(f"events:{name}", kwargs=kwargs)
        for method in methods:
            response = getattr(outsider_client, method)(
                url, _payload() if method == "post" else None
            )
            assert response.status_code == 404, f"{method.upper()} {name} → {response.status_code}"
    assert _snapshot() == before


def test_other_household_lists_do_not_show_our_rows(isolation_world, outsider_client):
    for name in ("event_list", "recipient_list", "package_list"):
        html = outsider_client.get(reverse(f"events:{name}")).content.decode()
        for ours in ("Christmas 2026", "Anna", "Small Gift"):
            assert ours not in html


def test_anonymous_users_are_sent_to_login(isolation_world):
    world, assignment = isolation_world
    client = Client()
    urls = [reverse(f"events:{name}") for name in OBJECT_FREE]
    urls += [
        reverse(f"events:{name}", kwargs=kwargs)
        for name, (kwargs, _methods) in _patterns(world, assignment).items()
    ]
    before = _snapshot()
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
    assert _snapshot() == before


def test_viewers_cannot_post_anywhere(isolation_world, viewer_client):
    world, assignment = isolation_world
    urls = [reverse(f"events:{name}") for name in OBJECT_FREE]
    urls += [
        reverse(f"events:{name}", kwargs=kwargs)
        for name, (kwargs, _methods) in _patterns(world, assignment).items()
    ]
    before = _snapshot()
    for url in urls:
        assert viewer_client.post(url, _payload()).status_code == 403, url
    assert _snapshot() == before


def test_viewers_can_read_but_not_open_edit_pages(isolation_world, viewer_client):
    world, _assignment = isolation_world
    detail = viewer_client.get(reverse("events:event_detail", args=[world.christmas.pk]))
    assert detail.status_code == 200
    assert "Mark ready" not in detail.content.decode()
    assert (
        viewer_client.get(reverse("events:event_update", args=[world.christmas.pk])).status_code
        == 403
    )
    assert viewer_client.get(reverse("events:recipient_create")).status_code == 403


def test_foreign_ids_in_form_fields_are_refused_not_used(
    gift_world, member_client, outsider_household
):
    theirs = Recipient.objects.create(household=outsider_household, name="Theo")
    their_good = FinishedGood.objects.create(household=outsider_household, name="Their Tin")
    url = reverse("events:assignment_create", args=[gift_world.christmas.pk])
    response = member_client.post(
        url, {"recipient": theirs.pk, "package": gift_world.small.pk, "quantity": 1}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    item_url = reverse("events:package_item_create", args=[gift_world.small.pk])
    response = member_client.post(item_url, {"finished_good": their_good.pk, "quantity": 1})
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    assert not PackageItem.objects.filter(finished_good=their_good).exists()
