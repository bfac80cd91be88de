"""Creating households and adding members (outside any household's unit of work)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from bakeplanner.errors import ValidationFailed
from bakeplanner.models import Household, Membership

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
