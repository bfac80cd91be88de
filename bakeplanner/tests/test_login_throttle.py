"""Login throttling: five wrong passwords lock a username from one address for a while, and
an admin can lift the lock (README, "Accounts")."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_user

WRONG = "not-the-password"


def log_in(client: Client, username: str, password: str, **headers: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, headers=headers
    )


def fail_five_times(client: Client, username: str, **headers: str):
    for _ in range(5):
        response = log_in(client, username, WRONG, **headers)
    return response


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_four_wrong_passwords_still_let_the_right_one_in(member):
    client = Client()
    for _ in range(4):
        assert log_in(client, "mia", WRONG).status_code == 200
    response = log_in(client, "mia", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_five_wrong_passwords_refuse_the_right_one_with_the_lockout_page(member):
    client = Client()
    fail_five_times(client, "mia")
    response = log_in(client, "mia", PASSWORD)
    assert response.status_code == 429
    assert b"Too many wrong passwords" in response.content
    assert b"Try again in 15 minutes" in response.content
    assert not is_logged_in(client)
    attempt = AccessAttempt.objects.get(username="mia")
    assert attempt.failures_since_start >= 5


def test_lockout_page_renders_in_the_site_layout(member):
    client = Client()
    fail_five_times(client, "mia")
    response = log_in(client, "mia", PASSWORD)
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "css/app.css" in html
    assert 'class="navbar-brand fw-semibold"' in html
    assert "lift the lock" in html
    assert reverse("login") in html
    assert AccessAttempt.objects.filter(username="mia").exists()


def test_a_different_user_is_not_locked(member, outsider):
    client = Client()
    fail_five_times(client, "mia")
    response = log_in(client, "otto", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)
    assert not AccessAttempt.objects.filter(username="otto").exists()


def test_a_right_password_clears_the_count(member):
    client = Client()
    for _ in range(4):
        log_in(client, "mia", WRONG)
    assert log_in(client, "mia", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        log_in(client, "mia", WRONG)
    assert log_in(client, "mia", PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_reset_command_lets_the_right_password_in_again(member):
    client = Client()
    fail_five_times(client, "mia")
    call_command("axes_reset_username", "mia")
    assert not AccessAttempt.objects.filter(username="mia").exists()
    response = log_in(client, "mia", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_admin_deleting_the_access_attempt_lifts_the_lock(member):
    fail_five_times(Client(), "mia")
    attempt = AccessAttempt.objects.get(username="mia")
    admin = Client()
    admin.force_login(make_user("root", is_staff=True, is_superuser=True))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert b"mia" in listing.content
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="mia").exists()
    client = Client()
    assert log_in(client, "mia", PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_without_a_proxy_a_forwarded_for_header_does_not_escape_the_lock(member):
    client = Client()
    fail_five_times(client, "mia", X_Forwarded_For="203.0.113.5")
    response = log_in(client, "mia", PASSWORD, X_Forwarded_For="198.51.100.7")
    assert response.status_code == 429
    assert not is_logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


@pytest.fixture
def behind_proxy(settings):
    settings.TRUST_X_FORWARDED_FOR = True


def test_behind_a_proxy_the_lock_is_per_forwarded_address(behind_proxy, member):
    client = Client()
    fail_five_times(client, "mia", X_Forwarded_For="203.0.113.5")
    assert log_in(client, "mia", PASSWORD, X_Forwarded_For="203.0.113.5").status_code == 429
    response = log_in(client, "mia", PASSWORD, X_Forwarded_For="198.51.100.7")
    assert response.status_code == 302
    assert is_logged_in(client)
    assert AccessAttempt.objects.get(username="mia").ip_address == "203.0.113.5"


def test_behind_a_proxy_only_the_address_the_proxy_added_counts(behind_proxy, member):
    # The proxy appends the address it saw; anything before it came from the client.
    client = Client()
    for spoofed in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        log_in(client, "mia", WRONG, X_Forwarded_For=f"{spoofed}, 203.0.113.5")
    response = log_in(client, "mia", PASSWORD, X_Forwarded_For="10.0.0.6, 203.0.113.5")
    assert response.status_code == 429
    assert not is_logged_in(client)
    assert AccessAttempt.objects.get(username="mia").ip_address == "203.0.113.5"
