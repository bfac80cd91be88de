"""Viewers read everything and change nothing (SPEC §12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bakeplanner.households import membership_of
from bakeplanner.models import Membership

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
