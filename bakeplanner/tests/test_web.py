"""Login, viewers, the admin and deployment checks (docs/security.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[2]


def test_anonymous_user_is_sent_to_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_open_and_works(member):
    client = Client()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "mia", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_message_not_an_error(member):
    response = Client().post(reverse("login"), {"username": "mia", "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content


def test_home_renders_for_member(member_client):
    response = member_client.get("/")
    assert response.status_code == 200
    assert b"Baker Family" in response.content


def test_pages_use_our_own_static_bootstrap(member_client):
    html = member_client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_user_without_household_gets_a_friendly_page(db):
    client = Client()
    client.force_login(make_user("nobody"))
    response = client.get("/")
    assert response.status_code == 403
    assert b"not in a household" in response.content


def test_viewer_post_is_refused_before_the_view(viewer_client):
    response = viewer_client.post(reverse("events:event_list"), {"name": "x"})
    assert response.status_code == 403


def test_viewer_may_log_out(viewer_client):
    response = viewer_client.post(reverse("logout"))
    assert response.status_code == 302


def test_viewer_may_change_own_password(viewer, viewer_client):
    response = viewer_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-Pass-word-9",
            "new_password2": "n3w-Pass-word-9",
        },
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password("n3w-Pass-word-9")


def test_admin_is_for_staff_only(member_client, db):
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    staff = make_user("sam", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_unknown_url_gives_friendly_404(member_client):
    response = member_client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_500_page_renders_without_a_database():
    from bakeplanner.views import error_500

    # None: the page needs nothing from the request (no context processors, no database).
    response = error_500(None)  # type: ignore[arg-type]
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x7#k2!pq9-this-is-a-long-random-production-key-0123456789abcdef",
        "ALLOWED_HOSTS": "bake.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://bake.example.org",
        "HTTPS": "1",
        "BEHIND_PROXY": "1",
        "BAKEPLANNER_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_create_household_command(capsys):
    from django.core.management import call_command

    from bakeplanner.models import Membership

    call_command("create_household", "The Crumbs", "--user", "cora", "--password", "crumb-Pass-42")
    membership = Membership.objects.get(user__username="cora")
    assert membership.household.name == "The Crumbs"
    assert membership.role == "member"


@pytest.mark.django_db
def test_create_household_command_refuses_duplicate_name():
    from django.core.management import CommandError, call_command

    call_command("create_household", "The Crumbs", "--user", "cora", "--password", "crumb-Pass-42")
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "create_household", "the crumbs", "--user", "cy", "--password", "crumb-Pass-42"
        )
