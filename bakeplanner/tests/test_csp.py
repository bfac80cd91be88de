"""Content-Security-Policy: every page carries the header, and no template or rendered page
needs what the policy forbids (inline scripts, on*= handlers, style= attributes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from bakeplanner.tests import test_every_url
from bakeplanner.tests.test_every_url import ALL, _url
from conftest import make_user
from events.models import Event
from production.models import AssemblyRun, ProductionRun

world = test_every_url.world  # the seeded world fixture, shared

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


def forbidden_markup(html: str) -> list[str]:
    """What in a page (or a template) the policy would block, one line per finding."""
    found = []
    for label, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("on*= handler", HANDLER_ATTRIBUTE),
        ("style= attribute", STYLE_ATTRIBUTE),
    ):
        found += [f"{label}: {match.group(0)[:80]}" for match in pattern.finditer(html)]
    return found


def policy_of(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def test_templates_have_no_inline_scripts_handlers_or_styles():
    problems = {
        str(path.relative_to(TEMPLATES)): forbidden_markup(path.read_text("utf-8"))
        for path in sorted(TEMPLATES.rglob("*.html"))
    }
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_policy_is_the_documented_one(member_client: Client):
    response = member_client.get(reverse("home"))
    assert policy_of(response) == {part.strip() for part in POLICY.split(";")}


GETTABLE = [(name, kwargs) for name, kwargs in ALL if name != "logout"]


@pytest.mark.parametrize(("name", "kwargs"), GETTABLE, ids=[n for n, _ in GETTABLE])
def test_every_html_page_carries_the_policy_and_nothing_it_forbids(
    name,
    kwargs,
    world,
    member_client,
):
    url = _url(name, kwargs, world) if kwargs else reverse(name)
    response = member_client.get(url)
    if response.status_code in {301, 302, 405} or not response["Content-Type"].startswith(
        "text/html"
    ):
        return
    assert response.status_code == 200
    assert policy_of(response) == {part.strip() for part in POLICY.split(";")}
    assert forbidden_markup(response.content.decode()) == []


def test_login_not_found_and_lockout_pages_carry_the_policy(member):
    client = Client()
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]
    member_client = Client()
    member_client.force_login(member)
    missing = member_client.get("/events/999999/")
    assert missing.status_code == 404
    assert "script-src 'self'" in missing["Content-Security-Policy"]
    for _ in range(6):
        locked = client.post(reverse("login"), {"username": "mia", "password": "wrong"})
    assert locked.status_code == 429
    assert "script-src 'self'" in locked["Content-Security-Policy"]
    assert forbidden_markup(locked.content.decode()) == []


@pytest.mark.django_db
def test_main_pages_with_demo_data_render_without_inline_scripts_or_styles():
    call_command("seed_demo")
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    event = Event.objects.order_by("-event_date").first()
    assert event is not None
    pages = [
        reverse("home"),
        reverse("events:event_detail", args=[event.pk]),
        reverse("events:event_costs", args=[event.pk]),
        reverse("events:event_shopping_list", args=[event.pk]),
        reverse("production:production_run_create"),
        reverse("production:assembly_run_create"),
        reverse("production:production_run_detail", args=[ProductionRun.objects.earliest("pk").pk]),
    ]
    if AssemblyRun.objects.exists():
        pages.append(
            reverse("production:assembly_run_detail", args=[AssemblyRun.objects.earliest("pk").pk])
        )
    rendered = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response, url
        rendered[url] = forbidden_markup(response.content.decode())
    assert {url: found for url, found in rendered.items() if found} == {}


@pytest.mark.django_db
def test_progress_bars_draw_their_width_with_a_class():
    call_command("seed_demo")
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    event = Event.objects.order_by("-event_date").first()
    assert event is not None
    html = client.get(reverse("events:event_detail", args=[event.pk])).content.decode()
    bars = re.findall(r'class="progress-bar (w-pct-\d+)[^"]*"', html)
    assert bars
    values = re.findall(r'role="progressbar" aria-label="[^"]*"\s+aria-valuenow="(\d+)"', html)
    assert [f"w-pct-{min(int(v), 100)}" for v in values] == bars


def test_the_admin_works_under_the_policy(household):
    admin = Client()
    admin.force_login(make_user("root", is_staff=True, is_superuser=True))
    pages = [
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[get_user_model().objects.get().pk]),
        reverse("admin:bakeplanner_household_changelist"),
        reverse("admin:bakeplanner_household_change", args=[household.pk]),
        reverse("admin:axes_accessattempt_changelist"),
    ]
    for url in pages:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"], url
        assert forbidden_markup(response.content.decode()) == [], url
