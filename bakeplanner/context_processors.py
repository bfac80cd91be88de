from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from bakeplanner.households import membership_of


def household(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(getattr(request, "user", None))
    return {
        "membership": membership,
        "household": membership.household if membership else None,
        "can_write": bool(membership and membership.can_write),
        "currency": settings.CURRENCY,
    }
