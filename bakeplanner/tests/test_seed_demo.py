"""`seed_demo`: a realistic household, safe to run again."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from bakeplanner.testing import db_snapshot
from events.models import Assignment, Event
from production.models import FinishedGood, ProductionRun, Recipe, RecipeComponent


@pytest.mark.django_db
def test_seed_demo_builds_a_household_and_is_idempotent(capsys):
    call_command("seed_demo")
    assert "Log in as demo" in capsys.readouterr().out
    assert Recipe.objects.count() >= 12
    assert RecipeComponent.objects.exists()  # a cake with frosting
    assert FinishedGood.objects.count() >= 3
    assert Event.objects.count() == 2
    assert Assignment.objects.filter(fulfillment_status="delivered").exists()
    assert Assignment.objects.filter(fulfillment_status="pending").exists()
    assert ProductionRun.objects.exists()  # this year's baking has begun
    before = db_snapshot()
    call_command("seed_demo")
    after = db_snapshot()
    # Nothing is added or changed the second time (the demo users' last login aside).
    assert {k: len(v) for k, v in after.items()} == {k: len(v) for k, v in before.items()}


@pytest.mark.django_db
def test_demo_pages_render(client: Client):
    call_command("seed_demo")
    assert client.login(username="demo", password="bake-demo-2026")
    event = Event.objects.order_by("-event_date").first()
    for url in ("/", f"/events/{event.pk}/", f"/events/{event.pk}/shopping-list/"):
        assert client.get(url).status_code == 200
