"""One-time tokens on create forms, so a double submit records nothing twice.

A create form carries a random hidden `submit_token`. The view's unit of work claims the
token before it calls the service and stores where the new record lives afterwards; both
writes commit or roll back with the record itself. A refused submit therefore leaves the
token free for the corrected form, and a replayed one finds the claim and is sent to the
record the first submit made (docs/security.md, "Double submits").
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bakeplanner.models import FormSubmission
from bakeplanner.tx import Tx

TOKEN_FIELD = "submit_token"
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)

__all__ = [
    "TOKEN_FIELD",
    "OneTimeFormMixin",
    "Replayed",
    "claim_submission",
    "once",
    "remember_result",
    "replayed_response",
]

R = TypeVar("R")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class OneTimeFormMixin(forms.Form):
    """Adds the hidden one-time token; an unbound form gets a fresh one."""

    submit_token = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64, strip=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[TOKEN_FIELD] = new_token()

    def clean_submit_token(self) -> str:
        token: str = self.cleaned_data.get(TOKEN_FIELD) or ""
        # Only our own alphabet: anything else is treated as "no token".
        if not token.replace("-", "").replace("_", "").isalnum() or not token.isascii():
            return ""
        return token


def claim_submission(tx: Tx, token: str) -> str | None:
    """Claim `token` for this unit of work; the earlier result's URL if it was claimed.

    Two racing submits both insert; the database's unique index makes the second wait for
    the first to commit and then insert nothing, so exactly one claim row exists and the
    loser reads the winner's result.
    """
    tx.require()
    claim = secrets.token_hex(16)
    FormSubmission.objects.using(tx.using).bulk_create(
        [FormSubmission(household=tx.household, token=token, claim=claim)],
        ignore_conflicts=True,
    )
    row = (
        FormSubmission.objects.using(tx.using)
        .filter(token=token)
        .values("household_id", "claim", "result_url")
        .first()
    )
    if row is None or row["claim"] == claim:
        return None
    if row["household_id"] != tx.household.pk:
        # Another household's token (guessed or copied): never reveal its record.
        return ""
    return row["result_url"] or ""


def remember_result(tx: Tx, token: str, url: str) -> None:
    """Store where the record made under `token` can be seen."""
    tx.require()
    FormSubmission.objects.using(tx.using).filter(token=token, household=tx.household).update(
        result_url=url[:500]
    )


@dataclass(frozen=True)
class Replayed:
    """A submit whose token an earlier submit already used; `url` shows its record."""

    url: str


def once(tx: Tx, token: str, save: Callable[[], R], result_url: Callable[[R], str]) -> R | Replayed:
    """Run `save` unless `token` was used before; with no token, just run it."""
    if not token:
        return save()
    earlier = claim_submission(tx, token)
    if earlier is not None:
        return Replayed(earlier)
    result = save()
    remember_result(tx, token, result_url(result))
    return result


def replayed_response(request: HttpRequest, replay: Replayed) -> HttpResponse:
    messages.info(
        request, "That form was already saved; here is what it recorded. Nothing was added twice."
    )
    return redirect(replay.url or reverse("home"))
