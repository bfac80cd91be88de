"""Set up a household and its first user without the admin."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from bakeplanner.errors import DomainError
from bakeplanner.households import add_member, create_household


class Command(BaseCommand):
    help = "Create a household and a user (new or existing) who belongs to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The household's name, e.g. 'The Bakers'.")
        parser.add_argument("--user", required=True, help="Username of the first member.")
        parser.add_argument("--password", help="Password for a new user (asked if omitted).")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=["member", "viewer"], default="member")
        parser.add_argument("--staff", action="store_true", help="Let the user open the admin.")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        username = options["user"].strip()
        if not username:
            raise CommandError("--user must not be empty.")
        try:
            with transaction.atomic():
                user = User.objects.filter(username=username).first()
                if user is None:
                    password = options["password"] or self._ask_password()
                    user = User(username=username, email=options["email"])
                    try:
                        validate_password(password, user)
                    except ValidationError as exc:
                        raise CommandError("Password refused: " + " ".join(exc.messages)) from None
                    user.set_password(password)
                    user.is_staff = options["staff"]
                    user.save()
                elif options["staff"] and not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                household = create_household(options["name"])
                add_member(household, user, options["role"])
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Created household {household.name!r} (id {household.pk}) "
            f"with {user.get_username()} as {options['role']}."
        )

    def _ask_password(self) -> str:
        try:
            first = getpass.getpass("Password: ")
            second = getpass.getpass("Password (again): ")
        except (EOFError, KeyboardInterrupt):
            raise CommandError("No password given: use --password.") from None
        if first != second:
            raise CommandError("The passwords do not match.")
        return first
