"""`seed_demo`: a realistic household, safe to run again."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client

from bakeplanner.models import Membership
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
    # The login throttle needs the request it counts failures for.
    assert client.login(request=HttpRequest(), username="demo", password="bake-demo-2026")
    event = Event.objects.order_by("-event_date").first()
    assert event is not None
    for url in ("/", f"/events/{event.pk}/", f"/events/{event.pk}/shopping-list/"):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_demo_user_is_a_plain_household_member():
    call_command("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    assert (demo.is_staff, demo.is_superuser) == (False, False)
    membership = Membership.objects.get(user=demo)
    assert (membership.household.name, membership.role) == ("Demo Household", "member")


@pytest.mark.django_db
def test_seed_demo_demotes_a_demo_superuser_from_an_older_database():
    call_command("seed_demo")
    get_user_model().objects.filter(username__in=["demo", "demo-viewer"]).update(
        is_staff=True, is_superuser=True
    )
    call_command("seed_demo")
    flags = set(
        get_user_model()
        .objects.filter(username__in=["demo", "demo-viewer"])
        .values_list("is_staff", "is_superuser")
    )
    assert flags == {(False, False)}


@pytest.mark.django_db
def test_demo_user_cannot_open_the_admin(client: Client):
    call_command("seed_demo")
    client.force_login(get_user_model().objects.get(username="demo"))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_seed_demo_logs_no_seeded_rows_at_the_default_verbosity(caplog, capsys):
    with caplog.at_level(logging.INFO):
        call_command("seed_demo")
    assert [r.getMessage() for r in caplog.records if r.levelno < logging.WARNING] == []
    assert "Log in as demo / bake-demo-2026" in capsys.readouterr().out
    assert Recipe.objects.count() >= 12


@pytest.mark.django_db
def test_seed_demo_logs_every_seeded_row_at_verbosity_2(caplog):
    with caplog.at_level(logging.INFO):
        call_command("seed_demo", verbosity=2)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("bakeplanner.")]
    assert messages.count("create_recipe success") == Recipe.objects.count()


@pytest.mark.django_db
def test_seed_demo_puts_the_app_log_level_back_afterwards():
    logger = logging.getLogger("bakeplanner")
    before = logger.level
    call_command("seed_demo")
    assert logger.level == before
