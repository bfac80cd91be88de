"""Signing in with Django's user model, and the signed-in user read with their household.

Every page reads the user's membership and household (the middleware for the display
preferences, the views for the unit of work): one joined query per request instead of three
(docs/performance.md, "What keeps a page fast").
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User


class HouseholdUserBackend(ModelBackend):
    """`ModelBackend`, whose `get_user` also reads the membership and its household."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User.objects.select_related("membership__household").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
