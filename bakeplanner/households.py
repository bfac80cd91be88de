"""Creating households and adding members (outside any household's unit of work), and a
household's display preferences (inside its unit of work; docs/units-and-locale.md)."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from bakeplanner.display import LOCALE_CHOICES, LOCALES, UNIT_SYSTEM_CHOICES, UNIT_SYSTEMS
from bakeplanner.errors import ValidationFailed
from bakeplanner.models import Household, Membership

if TYPE_CHECKING:
    from bakeplanner.tx import Tx

ROLES = {Membership.MEMBER, Membership.VIEWER}


def create_household(name: str) -> Household:
    """Create a household; its name is stored and compared by the naming rule
    (`bakeplanner/names.py`)."""
    # Imported here: the names module reaches the unit of work, which imports this module.
    from bakeplanner.names import name_key, normalize_name

    clean = normalize_name(name or "")
    if not clean:
        raise ValidationFailed("A household needs a name.", field="name")
    if len(clean) > 120:
        raise ValidationFailed("A household name has at most 120 characters.", field="name")
    # Households are few (one per installation, usually): compare every key in Python, the
    # same way on both databases.
    key = name_key(clean)
    for existing in Household.objects.values_list("name", flat=True):
        if name_key(existing) == key:
            raise ValidationFailed(f"A household named {existing!r} already exists.", field="name")
    try:
        with transaction.atomic():
            return Household.objects.create(name=clean)
    except IntegrityError:
        raise ValidationFailed(f"A household named {clean!r} already exists.") from None


def add_member(household: Household, user: User, role: str = "member") -> Membership:
    """Put a user in a household; a user belongs to exactly one household."""
    if role not in ROLES:
        raise ValidationFailed(f"Unknown role {role!r}: use member or viewer.", field="role")
    existing = Membership.objects.filter(user=user).select_related("household").first()
    if existing is not None:
        if existing.household_id != household.pk:
            raise ValidationFailed(
                f"{user} already belongs to the household {existing.household.name!r}."
            )
        if existing.role != role:
            existing.role = role
            existing.save(update_fields=["role"])
        return existing
    return Membership.objects.create(user=user, household=household, role=role)


def membership_of(user: User | AnonymousUser | None) -> Membership | None:
    # An anonymous visitor (or a request without the auth middleware) has no household.
    if not isinstance(user, User):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted."""
    return tuple(sorted(zoneinfo.available_timezones()))


def time_zone_of(household: Household) -> str:
    """The zone the household's pages use: its own, or the installation's TIME_ZONE."""
    return household.time_zone or settings.TIME_ZONE


def _choice_list(choices: list[tuple[str, str]]) -> str:
    return ", ".join(f"{code} ({label})" for code, label in choices)


def _check_preferences(unit_system: str | None, locale: str | None, time_zone: str | None) -> None:
    if unit_system is not None and unit_system not in UNIT_SYSTEMS:
        raise ValidationFailed(
            f"Unknown unit system {unit_system!r}: choose {_choice_list(UNIT_SYSTEM_CHOICES)}.",
            field="unit_system",
        )
    if locale is not None and locale not in LOCALES:
        raise ValidationFailed(
            f"Unknown number and date format {locale!r}: choose {_choice_list(LOCALE_CHOICES)}.",
            field="locale",
        )
    if time_zone is not None and time_zone != "" and time_zone not in time_zone_names():
        raise ValidationFailed(
            f"Unknown time zone {time_zone!r}: use a name such as Europe/Berlin or "
            "America/New_York, or leave it empty for the installation's time zone.",
            field="time_zone",
        )


def set_household_preferences(
    tx: Tx,
    *,
    unit_system: str | None = None,
    locale: str | None = None,
    time_zone: str | None = None,
) -> Household:
    """Change how the household's pages show quantities, numbers, dates and times.

    Each value left as None stays as it is; an empty `time_zone` follows the installation's
    TIME_ZONE. A value outside the lists is refused and nothing changes.
    """
    tx.require()
    _check_preferences(unit_system, locale, time_zone)
    household = tx.household
    changes = {
        name: value
        for name, value in (
            ("unit_system", unit_system),
            ("locale", locale),
            ("time_zone", time_zone),
        )
        if value is not None
    }
    if changes:
        Household.objects.using(tx.using).filter(pk=household.pk).update(**changes)
        for name, value in changes.items():
            setattr(household, name, value)
    return household
