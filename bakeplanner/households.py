"""Creating households and adding members (outside any household's unit of work)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from bakeplanner.errors import ValidationFailed
from bakeplanner.models import Household, Membership

ROLES = {Membership.MEMBER, Membership.VIEWER}


def create_household(name: str) -> Household:
    """Create a household; names are unique, case-insensitively."""
    clean = (name or "").strip()
    if not clean:
        raise ValidationFailed("A household needs a name.", field="name")
    if len(clean) > 120:
        raise ValidationFailed("A household name has at most 120 characters.", field="name")
    if Household.objects.filter(name__iexact=clean).exists():
        raise ValidationFailed(f"A household named {clean!r} already exists.", field="name")
    try:
        with transaction.atomic():
            return Household.objects.create(name=clean)
    except IntegrityError:
        raise ValidationFailed(f"A household named {clean!r} already exists.") from None


def add_member(household: Household, user: AbstractBaseUser, role: str = "member") -> Membership:
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


def membership_of(user: AbstractBaseUser) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership  # type: ignore[attr-defined]
    except Membership.DoesNotExist:
        return None
