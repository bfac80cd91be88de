"""View preconditions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from bakeplanner.households import membership_of
from bakeplanner.models import Membership


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages that change data: members only; viewers get 403 whatever the method."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_of(request.user)
        if membership is None:
            raise Http404("Your account does not belong to a household.")
        if membership.role != Membership.MEMBER:
            raise PermissionDenied("Your account can view this household but not change it.")
        return view(request, *args, **kwargs)

    return wrapper
