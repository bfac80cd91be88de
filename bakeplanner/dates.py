"""The range of dates and times the app accepts, and form fields that keep to it.

Every date or time that enters (forms, filters, services, commands, restore) is checked
against `EARLIEST`..`LATEST` before anything converts it between time zones: a year-1 or
year-9999 value overflows once shifted by the household's UTC offset
(docs/security.md, "Input bounds").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from bakeplanner.errors import ValidationFailed

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)
RANGE_TEXT = f"between {EARLIEST.year} and {LATEST.year}"

__all__ = [
    "EARLIEST",
    "LATEST",
    "BoundedDateField",
    "BoundedDateTimeField",
    "check_in_range",
    "in_range",
    "validate_in_range",
]


def in_range(value: dt.date | dt.datetime) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return EARLIEST <= day <= LATEST


def check_in_range(value: dt.date | dt.datetime, label: str, *, field: str | None = None) -> None:
    """Raise `ValidationFailed` naming `label` when the date lies outside the accepted years."""
    if not in_range(value):
        raise ValidationFailed(f"{label} must be a date {RANGE_TEXT}.", field=field)


def validate_in_range(value: Any) -> None:
    """Model and form field validator: the admin's forms keep to the range too."""
    if isinstance(value, dt.date) and not in_range(value):
        raise ValidationError(f"Enter a date {RANGE_TEXT}.", code="out_of_range")


_validate_range = validate_in_range


class BoundedDateField(forms.DateField):
    """A date between `EARLIEST` and `LATEST`."""

    default_validators = [_validate_range]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("min", EARLIEST.isoformat())
        self.widget.attrs.setdefault("max", LATEST.isoformat())


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time between `EARLIEST` and `LATEST`.

    The parent only attaches the current zone (no shift), so the validator sees the local
    date and refuses it before anything converts it to UTC.
    """

    default_validators = [_validate_range]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("min", f"{EARLIEST.isoformat()}T00:00")
        self.widget.attrs.setdefault("max", f"{LATEST.isoformat()}T23:59")
