"""Event pages: list by year, create/edit/delete, the event page with assignments, status
buttons, bulk assign and targets. Each test checks the rendered page and the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import AssemblyTarget, Assignment, Event, ProductionTarget, Recipient
from events.tests.conftest import assign
from production.models import ProductionRun


def _page(response):
    return response.content.decode()


def _follow(client, url, data):
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    return _page(response)


# --- List, create, edit, delete -------------------------------------------------------------


def test_event_list_groups_by_year_and_filters(gift_world, member_client):
    html = _page(member_client.get(reverse("events:event_list")))
    assert html.index("2026") < html.index("Christmas 2026") < html.index("Christmas 2025")
    assert 'href="?year=2025"' in html
    filtered = _page(member_client.get(reverse("events:event_list") + "?year=2025"))
    assert "Christmas 2025" in filtered and "Christmas 2026" not in filtered
    assert "New event" in html


def test_create_event_from_the_list_form(member_client, household):
    html = _follow(
        member_client,
        reverse("events:event_create"),
        {"name": "Cookie Swap", "event_date": "2026-12-05", "notes": ""},
    )
    event = Event.objects.get(household=household)
    assert (event.name, event.slug, event.event_date) == (
        "Cookie Swap",
        "cookie-swap",
        dt.date(2026, 12, 5),
    )
    assert "Created the event Cookie Swap." in html


def test_duplicate_event_name_shows_the_message_on_the_form(gift_world, member_client):
    response = member_client.post(
        reverse("events:event_create"), {"name": "christmas 2026", "event_date": "2026-12-01"}
    )
    assert response.status_code == 200
    assert "already exists" in _page(response)
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    "data", [{"name": "", "event_date": "2026-12-01"}, {"name": "X", "event_date": "31/12/2026"}]
)
def test_bad_event_input_re_renders_the_form(member_client, household, data):
    response = member_client.post(reverse("events:event_create"), data)
    assert response.status_code == 200
    assert "invalid-feedback" in _page(response)
    assert not Event.objects.exists()


def test_edit_event(gift_world, member_client):
    url = reverse("events:event_update", args=[gift_world.christmas.pk])
    assert 'value="Christmas 2026"' in _page(member_client.get(url))
    html = _follow(
        member_client, url, {"name": "Yule 2026", "event_date": "2026-12-21", "notes": "<b>hi</b>"}
    )
    event = Event.objects.get(pk=gift_world.christmas.pk)
    assert (event.name, event.slug, event.notes) == ("Yule 2026", "yule-2026", "<b>hi</b>")
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html


def test_delete_event_needs_the_cascade_box_when_it_has_assignments(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    url = reverse("events:event_delete", args=[w.christmas.pk])
    page = _page(member_client.get(url))
    assert "Also delete its 1 assignment" in page
    assert "its baking and packing targets" in page
    refused = member_client.post(url, {})
    assert refused.status_code == 200
    assert "has 1 assignment;" in _page(refused)
    assert Event.objects.filter(pk=w.christmas.pk).exists()
    html = _follow(member_client, url, {"cascade_assignments": "on"})
    assert "Deleted the event Christmas 2026 and 1 assignment." in html
    assert not Event.objects.filter(pk=w.christmas.pk).exists()
    assert not Assignment.objects.exists()


def test_delete_event_with_runs_is_refused_on_the_page(gift_world, member_client):
    w = gift_world
    run = ProductionRun.objects.create(
        household=w.household,
        recipe=w.cookies,
        finished_unit=w.cookie,
        event=w.christmas,
        num_batches=1,
        expected_yield=48,
        actual_yield=48,
        status="complete",
        produced_at=timezone.now(),
    )
    response = member_client.post(reverse("events:event_delete", args=[w.christmas.pk]), {})
    assert "1 baking run and 0 packing runs are recorded" in _page(response)
    assert ProductionRun.objects.get(pk=run.pk).event_id == w.christmas.pk


# --- The event page -----------------------------------------------------------------------


def test_event_page_shows_assignments_status_buttons_and_planning_links(gift_world, member_client):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small, quantity=2)
    assign(w, w.christmas, w.ben, w.big, status="ready")
    done = assign(w, w.christmas, w.ben, w.small, status="delivered")
    url = reverse("events:event_detail", args=[w.christmas.pk])
    html = _page(member_client.get(url + "?tab=packages"))
    assert "Mark ready" in html and "Mark delivered" in html
    assert reverse("events:assignment_status", args=[done.pk]) not in html
    assert "Pending" in html and "Ready" in html and "Delivered" in html
    assert "4 packages in all" in html
    # Inactive recipients are not offered.
    assert f'value="{w.cara.pk}"' not in html.split('id="assign"')[1].split("</section>")[0]
    for name in ("event_needs", "event_shopping_list", "event_packaging", "event_summary"):
        assert reverse(f"events:{name}", args=[w.christmas.pk]) in html


def test_status_buttons_move_forward_one_step(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    url = reverse("events:assignment_status", args=[a.pk])
    html = _follow(member_client, url, {"status": "ready"})
    assert "Anna&#x27;s Small Gift is now ready." in html
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "ready"
    html = _follow(member_client, url, {"status": "ready"})  # a second click on a stale page
    assert "Cannot change from ready to ready (allowed: delivered)" in html
    _follow(member_client, url, {"status": "delivered", "confirm": "1"})
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "delivered"


def test_status_view_opened_directly_changes_nothing(gift_world, member_client):
    a = assign(gift_world, gift_world.christmas, gift_world.anna, gift_world.small)
    response = member_client.get(reverse("events:assignment_status", args=[a.pk]))
    assert response.status_code in (200, 302, 405)
    assert Assignment.objects.get(pk=a.pk).fulfillment_status == "pending"


def test_add_assignment_and_duplicate_message(gift_world, member_client):
    w = gift_world
    url = reverse("events:assignment_create", args=[w.christmas.pk])
    data = {"recipient": w.anna.pk, "package": w.small.pk, "quantity": 2, "notes": ""}
    html = _follow(member_client, url, data)
    assert "Package assigned." in html
    assert Assignment.objects.get().quantity == 2
    response = member_client.post(url, data)
    assert response.status_code == 200
    assert "Anna already has Small Gift at Christmas 2026" in _page(response)
    assert Assignment.objects.count() == 1


def test_edit_and_remove_assignment(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    html = _follow(
        member_client,
        reverse("events:assignment_update", args=[a.pk]),
        {"package": w.big.pk, "quantity": 4, "notes": "bigger"},
    )
    assert "Saved the assignment for Anna." in html
    a.refresh_from_db()
    assert (a.package_id, a.quantity, a.notes) == (w.big.pk, 4, "bigger")
    delete_url = reverse("events:assignment_delete", args=[a.pk])
    assert "Remove this assignment?" in _page(member_client.get(delete_url))
    html = _follow(member_client, delete_url, {})
    assert "Removed Anna&#x27;s Big Gift." in html
    assert not Assignment.objects.exists()


def test_bulk_assign_all_or_nothing_from_the_page(gift_world, member_client):
    w = gift_world
    dora = Recipient.objects.create(household=w.household, name="Dora")
    url = reverse("events:assignment_bulk_create", args=[w.christmas.pk])
    html = _follow(
        member_client,
        url,
        {"package": w.small.pk, "recipients": [w.anna.pk, w.ben.pk], "quantity": 1},
    )
    assert "Small Gift assigned to 2 recipients." in html
    response = member_client.post(
        url, {"package": w.small.pk, "recipients": [dora.pk, w.ben.pk], "quantity": 1}
    )
    assert "already assigned at Christmas 2026 to: Ben" in _page(response)
    assert not Assignment.objects.filter(recipient=dora).exists()
    assert Assignment.objects.count() == 2


def test_bulk_assign_needs_a_ticked_recipient(gift_world, member_client):
    url = reverse("events:assignment_bulk_create", args=[gift_world.christmas.pk])
    response = member_client.post(url, {"package": gift_world.small.pk, "quantity": 1})
    assert "Tick at least one recipient." in _page(response)


def test_targets_add_edit_delete_from_the_page(gift_world, member_client):
    w = gift_world
    set_url = reverse("events:production_target_set", args=[w.christmas.pk])
    html = _follow(
        member_client, set_url, {"recipe": w.cookies.pk, "target_batches": 4, "notes": ""}
    )
    assert "Baking target for Sugar Cookies: 4 batches." in html
    assert "0 of 4 batches" in html
    edit = _page(member_client.get(set_url + f"?recipe={w.cookies.pk}"))
    assert 'value="4"' in edit
    _follow(member_client, set_url, {"recipe": w.cookies.pk, "target_batches": 6})
    assert ProductionTarget.objects.get().target_batches == 6
    assembly_url = reverse("events:assembly_target_set", args=[w.christmas.pk])
    html = _follow(
        member_client, assembly_url, {"finished_good": w.fudge_tin.pk, "target_quantity": 3}
    )
    assert "Packing target for Fudge Tin: 3 gift boxes." in html
    assert AssemblyTarget.objects.get().target_quantity == 3
    html = _follow(
        member_client,
        reverse("events:production_target_delete", args=[w.christmas.pk, w.cookies.pk]),
        {},
    )
    assert "Baking target removed." in html
    _follow(
        member_client,
        reverse("events:assembly_target_delete", args=[w.christmas.pk, w.fudge_tin.pk]),
        {},
    )
    assert not ProductionTarget.objects.exists() and not AssemblyTarget.objects.exists()


def test_zero_target_is_refused_on_the_form(gift_world, member_client):
    url = reverse("events:production_target_set", args=[gift_world.christmas.pk])
    response = member_client.post(url, {"recipe": gift_world.cookies.pk, "target_batches": 0})
    assert response.status_code == 200
    assert "greater than or equal to 1" in _page(response)
    assert not ProductionTarget.objects.exists()


def _grow(world, count):
    for index in range(count):
        recipient = Recipient.objects.create(household=world.household, name=f"Guest {index:03}")
        assign(world, world.christmas, recipient, world.small if index % 2 else world.big)
    ProductionTarget.objects.get_or_create(
        household=world.household,
        event=world.christmas,
        recipe=world.cookies,
        defaults={"target_batches": 2},
    )


@pytest.mark.parametrize("size", [3, 40])
def test_event_page_query_count_does_not_grow(
    gift_world, member_client, django_assert_max_num_queries, size
):
    _grow(gift_world, size)
    url = reverse("events:event_detail", args=[gift_world.christmas.pk]) + "?tab=packages"
    with django_assert_max_num_queries(30):
        response = member_client.get(url)
    assert response.status_code == 200
    assert _page(response).count("Mark ready") == size
