"""Request guards (viewers change nothing, rows deleted under a form read as gone) and the
household's display preferences for each request."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bakeplanner import display
from bakeplanner.households import membership_of, time_zone_of
from bakeplanner.models import Membership

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A viewer may still end their session and change their own password.
VIEWER_ALLOWED_URL_NAMES = frozenset({"logout", "password_change"})


class ViewerReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        if request.method in SAFE_METHODS:
            return None
        membership = membership_of(request.user)
        if membership is None or membership.role != Membership.VIEWER:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in VIEWER_ALLOWED_URL_NAMES and not match.namespace:
            return None
        # Refused before the view runs, so no form is read.
        raise PermissionDenied("Your account can view this household but not change it.")


class GoneMiddleware:
    """A row deleted while someone was editing it reads as "no longer exists", not a 500.

    The view's unit of work has already rolled back when the exception reaches here, so
    nothing of the refused request was written (docs/security.md, "Deleted under a form").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ObjectDoesNotExist):
            return None
        logger.info(
            "gone",
            extra={"path": request.path, "method": request.method, "error": str(exception)},
        )
        return render(request, "404.html", {"gone": True}, status=404)


class NulByteMiddleware:
    """A NUL byte in the address or a form is refused with a 400 page before any view runs.

    No text the app stores may contain one (PostgreSQL refuses it outright), so such a
    request is never meaningful (docs/security.md, "Input bounds").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(
                request,
                "400.html",
                {"reason": "The address or the form contained a character that is not allowed."},
                status=400,
            )
        return self.get_response(request)


def _has_nul(data: Any) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)


class HouseholdPreferencesMiddleware:
    """Show the request's figures in its household's units, locale and time zone.

    Like Django's time zone activation: set for the request, undone when it ends, so nothing
    outside a request (commands, CSV builders called elsewhere) sees a household's choice. A
    visitor without a household gets the defaults (docs/units-and-locale.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = membership_of(getattr(request, "user", None))
        if membership is None:
            timezone.deactivate()
            return self.get_response(request)
        household = membership.household
        token = display.activate(household.unit_system, household.locale)
        try:
            timezone.activate(zoneinfo.ZoneInfo(time_zone_of(household)))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()  # a zone this machine no longer knows: the installation's
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            display.deactivate(token)
