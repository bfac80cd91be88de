"""The small named world every test can use."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from bakeplanner.households import add_member, create_household
from bakeplanner.tx import unit_of_work

PASSWORD = "bake-test-pass-123"


def pytest_configure(config: pytest.Config) -> None:
    # Test-only speed-up: hashing passwords slowly proves nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL set)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


def make_user(username: str, **extra: Any):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


@pytest.fixture
def household(db):
    return create_household("Baker Family")


@pytest.fixture
def member(household):
    user = make_user("mia")
    add_member(household, user, "member")
    return user


@pytest.fixture
def viewer(household):
    user = make_user("vic")
    add_member(household, user, "viewer")
    return user


@pytest.fixture
def outsider_household(db):
    return create_household("Other Family")


@pytest.fixture
def outsider(outsider_household):
    user = make_user("otto")
    add_member(outsider_household, user, "member")
    return user


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def tx(household, member):
    """An open unit of work for the household (inside the test's own transaction)."""
    with unit_of_work(household, actor=member) as open_tx:
        yield open_tx
