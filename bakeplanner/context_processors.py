from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from bakeplanner.households import membership_of

# The main menu's addresses, by the name the layout uses.
NAV_URL_NAMES = {
    "home": "home",
    "events": "events:event_list",
    "recipients": "events:recipient_list",
    "packages": "events:package_list",
    "runs": "production:production_run_list",
    "assembly": "production:assembly_run_list",
    "ingredients": "production:ingredient_list",
    "inventory": "production:inventory",
    "purchases": "production:purchase_list",
    "recipes": "production:recipe_list",
    "goods": "production:finished_good_list",
    "password_change": "password_change",
    "settings": "household_settings",
    "admin": "admin:index",
    "logout": "logout",
}


@lru_cache(maxsize=8)
def _nav_urls(prefix: str, urlconf: Any, root_urlconf: str) -> dict[str, str]:
    urls = {}
    for key, name in NAV_URL_NAMES.items():
        try:
            urls[key] = reverse(name, urlconf=urlconf)
        except NoReverseMatch:  # a site without that part: the menu leaves it out
            urls[key] = ""
    return urls


def nav_urls() -> dict[str, str]:
    """The menu's addresses, reversed once per script prefix and URL configuration rather
    than on every page (docs/performance.md, "What keeps a page fast")."""
    return _nav_urls(get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)


def household(request: HttpRequest) -> dict[str, Any]:
    membership = membership_of(getattr(request, "user", None))
    return {
        "membership": membership,
        "household": membership.household if membership else None,
        "can_write": bool(membership and membership.can_write),
        "currency": settings.CURRENCY,
        "nav": nav_urls(),
    }
