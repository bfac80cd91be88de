"""Admin for the events models: every list page, search and household filter work; status
actions go through the fulfilment service."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from conftest import make_user
from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from events.tests.conftest import assign

MODELS = [Event, Recipient, Package, PackageItem, Assignment, ProductionTarget, AssemblyTarget]


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(make_user("sam", is_staff=True, is_superuser=True))
    return client


def test_every_events_model_is_registered_with_a_household_filter():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert "household" in model_admin.list_filter, model
        assert model_admin.search_fields, model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_lists_search_and_filter(gift_world, staff_client, model):
    assign(gift_world, gift_world.christmas, gift_world.anna, gift_world.small)
    ProductionTarget.objects.create(
        household=gift_world.household,
        event=gift_world.christmas,
        recipe=gift_world.cookies,
        target_batches=1,
    )
    AssemblyTarget.objects.create(
        household=gift_world.household,
        event=gift_world.christmas,
        finished_good=gift_world.cookie_box,
        target_quantity=1,
    )
    url = reverse(f"admin:events_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "Christmas"}).status_code == 200
    filtered = staff_client.get(url, {"household__id__exact": gift_world.household.pk})
    assert filtered.status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:events_{model._meta.model_name}_change", args=[obj.pk])
    assert staff_client.get(change).status_code == 200


def test_admin_action_marks_ready_through_the_service(gift_world, staff_client):
    w = gift_world
    pending = assign(w, w.christmas, w.anna, w.small)
    url = reverse("admin:events_assignment_changelist")
    response = staff_client.post(
        url, {"action": "mark_ready", "_selected_action": [pending.pk]}, follow=True
    )
    assert "1 assignment marked ready." in response.content.decode()
    assert Assignment.objects.get(pk=pending.pk).fulfillment_status == "ready"


def test_admin_action_refuses_a_skip_and_changes_nothing(gift_world, staff_client):
    w = gift_world
    first = assign(w, w.christmas, w.anna, w.small, status="ready")
    second = assign(w, w.christmas, w.ben, w.small)
    url = reverse("admin:events_assignment_changelist")
    response = staff_client.post(
        url, {"action": "mark_delivered", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert "Cannot change from pending to delivered (allowed: ready)" in response.content.decode()
    statuses = dict(Assignment.objects.values_list("pk", "fulfillment_status"))
    assert statuses == {first.pk: "ready", second.pk: "pending"}


def test_admin_is_staff_only(member_client):
    response = member_client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 302


def test_admin_refuses_an_event_date_outside_the_accepted_years(gift_world, staff_client):
    event = Event.objects.filter(household=gift_world.household).first()
    assert event is not None
    url = reverse("admin:events_event_change", args=[event.pk])
    response = staff_client.post(
        url,
        {
            "household": event.household_id,
            "name": event.name,
            "slug": event.slug,
            "event_date": "9999-12-31",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()
    event.refresh_from_db()
    assert event.event_date.year < 2200
