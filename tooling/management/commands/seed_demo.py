"""A realistic demo household, safe to run again (idempotent)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from bakeplanner.households import add_member, create_household
from bakeplanner.models import Household
from bakeplanner.tx import unit_of_work
from events.demo import seed_events
from production.demo import seed_pantry

DEMO_HOUSEHOLD = "Demo Household"
DEMO_USER = "demo"
DEMO_PASSWORD = "bake-demo-2026"
DEMO_VIEWER = "demo-viewer"


class Command(BaseCommand):
    help = (
        "Create (or top up) the demo household with a pantry, recipes, recipients and events. "
        "Quiet but for the login; --verbosity 2 logs every seeded row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        with seeding_logs(options["verbosity"]):
            with transaction.atomic():
                household = Household.objects.filter(name__iexact=DEMO_HOUSEHOLD).first()
                if household is None:
                    household = create_household(DEMO_HOUSEHOLD)
                user = User.objects.filter(username=DEMO_USER).first()
                if user is None:
                    user = User.objects.create_user(DEMO_USER, password=options["password"])
                remove_admin_access(user)
                add_member(household, user, "member")
                viewer = User.objects.filter(username=DEMO_VIEWER).first()
                if viewer is None:
                    viewer = User.objects.create_user(DEMO_VIEWER, password=options["password"])
                remove_admin_access(viewer)
                add_member(household, viewer, "viewer")
            with unit_of_work(household, actor=user) as tx:
                seed_household(tx)
        self.stdout.write(
            f"Demo household ready. {demo_login(options['password'])}. Neither account opens "
            "the admin: use `create_household --staff` or `createsuperuser` for that."
        )


def demo_login(password: str = DEMO_PASSWORD) -> str:
    return f"Log in as {DEMO_USER} / {password} (read-only: {DEMO_VIEWER} / {password})"


@contextmanager
def seeding_logs(verbosity: int) -> Iterator[None]:
    """Seeding logs one INFO line per row it adds (some 300 on a new database), which would
    bury the login the command prints last: below `--verbosity 2` only warnings and errors
    of the app's loggers are shown while it seeds."""
    logger = logging.getLogger("bakeplanner")
    before = logger.level
    if verbosity < 2:
        logger.setLevel(max(before, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(before)


def remove_admin_access(user: Any) -> None:
    """The demo passwords are published in the README, so a demo account never opens the
    admin. Older demo databases made `demo` a superuser: running the command again demotes it."""
    if user.is_staff or user.is_superuser:
        user.is_staff = False
        user.is_superuser = False
        user.save(update_fields=["is_staff", "is_superuser"])


def seed_household(tx: Any) -> None:
    """Each app adds its part; every part skips what already exists."""
    pantry = seed_pantry(tx)
    seed_events(tx, pantry)
