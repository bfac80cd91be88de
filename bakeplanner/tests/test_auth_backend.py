"""The signed-in user comes with their membership and household in one query."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bakeplanner.auth_backends import HouseholdUserBackend
from conftest import PASSWORD, make_user


def test_the_user_is_read_with_membership_and_household_in_one_query(member, household):
    with CaptureQueriesContext(connection) as captured:
        user = HouseholdUserBackend().get_user(member.pk)
        assert user is not None
        assert user.membership.household.name == household.name
    assert len(captured) == 1


def test_a_page_reads_the_session_and_the_user_with_household_only(member_client):
    with CaptureQueriesContext(connection) as captured:
        response = member_client.get("/no-such-page/")
    assert response.status_code == 404
    assert len(captured) == 2  # the session, then the user joined to membership and household


def test_a_user_without_a_household_is_still_signed_in_and_told_so(db):
    client = Client()
    client.force_login(make_user("solo"))
    response = client.get("/")
    assert response.status_code == 403
    assert "household" in response.content.decode().lower()


def test_an_inactive_user_is_not_signed_in(member, member_client):
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert HouseholdUserBackend().get_user(member.pk) is None
    response = member_client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_password_still_signs_in(household):
    make_user("pat")
    client = Client()
    response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "bakeplanner.auth_backends.HouseholdUserBackend"
