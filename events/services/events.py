"""Events: create, read, update and delete (docs/design.md, "Events, recipients and packages").

The validators below are shared by the other events service modules; they are plain
helpers, not services, so they stay out of `__all__`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.text import slugify

from bakeplanner.dates import check_in_range
from bakeplanner.display import plural
from bakeplanner.errors import InUse, NotFound, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.money import MAX_NUMBER_TEXT
from bakeplanner.names import existing_name, lock_household_names, name_key, normalize_name
from bakeplanner.tx import Tx
from events.models import Assignment, Event
from production.models import AssemblyRun, ProductionRun
from production.services.lookup import get_owned

__all__ = [
    "create_event",
    "delete_event",
    "get_all_events",
    "get_available_years",
    "get_event_by_id",
    "get_event_by_name",
    "get_event_by_slug",
    "get_events_by_year",
    "update_event",
]

logger = logging.getLogger("bakeplanner.events.events")

# Whole-item counts (package items, assignment quantities, targets) above this are typos.
MAX_COUNT = 10_000
NAME_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 10_000
SLUG_MAX_LENGTH = 140
EVENT_FIELDS = frozenset({"name", "event_date", "notes"})


# --- Shared validators (not services) ----------------------------------------------------


def clean_name(value: Any, label: str, *, field: str = "name") -> str:
    """A required single-line name, normalised (bakeplanner/names.py), non-empty, at most
    120 characters."""
    if not isinstance(value, str):
        raise ValidationFailed(f"The {label} name must be text.", field=field)
    name = normalize_name(value)
    if not name:
        raise ValidationFailed(f"The {label} needs a name.", field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            f"The {label} name has at most {NAME_MAX_LENGTH} characters.", field=field
        )
    return name


def clean_optional_line(value: Any, label: str, *, field: str) -> str:
    """An optional single-line text (stripped), at most 120 characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"The {label} must be text.", field=field)
    text = value.strip()
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            f"The {label} has at most {NAME_MAX_LENGTH} characters.", field=field
        )
    return text


def clean_text(value: Any, label: str = "notes", *, field: str = "notes") -> str:
    """Free text, stored as given (only a length bound)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"The {label} must be text.", field=field)
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationFailed(
            f"The {label} have at most {TEXT_MAX_LENGTH} characters.", field=field
        )
    return value


def positive_count(value: Any, label: str, *, field: str, maximum: int = MAX_COUNT) -> int:
    """A whole number from 1 to `maximum` (ints, integral Decimals or digit strings)."""
    amount: Decimal | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str) and len(value) <= MAX_NUMBER_TEXT:
        text = value.strip()
        # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
        if text.lstrip("-").isascii() and text.lstrip("-").isdigit():
            amount = Decimal(text)
    if amount is None or not amount.is_finite() or amount != amount.to_integral_value():
        raise ValidationFailed(
            f"The {label} must be a whole number, not {str(value)[:40]!r}.", field=field
        )
    # Range first, on the Decimal: int() of a huge number alone takes seconds.
    if amount < 1:
        raise ValidationFailed(f"The {label} must be at least 1.", field=field)
    if amount > maximum:
        raise ValidationFailed(f"The {label} must be at most {maximum}.", field=field)
    return int(amount)


def clean_date(value: Any, label: str = "event date", *, field: str = "event_date") -> dt.date:
    """A calendar date (a `date`, or an ISO `YYYY-MM-DD` string)."""
    if isinstance(value, dt.datetime):
        raise ValidationFailed(f"The {label} must be a date without a time.", field=field)
    day: dt.date | None = None
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        raise ValidationFailed(
            f"The {label} {str(value)[:40]!r} is not a date (use YYYY-MM-DD).", field=field
        )
    check_in_range(day, f"The {label}", field=field)
    return day


def reject_unknown_fields(fields: Iterable[str], allowed: frozenset[str], entity: str) -> None:
    """Unknown fields are an error, never silently ignored."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationFailed(
            f"Unknown {entity} {'field' if len(unknown) == 1 else 'fields'}: "
            f"{', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(allowed))})."
        )


def save_changes(tx: Tx, instance: models.Model, changes: dict[str, Any]) -> None:
    """Set the changed fields and save only those (and `updated_at`); no change, no write."""
    for key, value in changes.items():
        setattr(instance, key, value)
    if changes:
        instance.save(using=tx.using, update_fields=[*changes, "updated_at"])


# --- Services ------------------------------------------------------------------------------


def refuse_taken_name(
    tx: Tx, model: type[models.Model], name: str, *, entity: str, exclude_id: int | None = None
) -> None:
    """Refuse a name another row of `model` in the household has (as names compare), quoting
    the name as given: "An event named 'X' already exists."."""
    if existing_name(tx, model, name, exclude_pk=exclude_id) is not None:
        raise ValidationFailed(f"{entity} named {name!r} already exists.", field="name")


def _free_slug(tx: Tx, name: str, *, exclude_id: int | None = None) -> str:
    """Slug from the (normalised) name, made unique in the household with -2, -3 …

    `slugify` keeps ASCII letters and digits: accents are dropped ("Noël" gives "noel"),
    and a name with none of those gets "event".
    """
    base = slugify(name)[: SLUG_MAX_LENGTH - 8].strip("-") or "event"
    taken_qs = tx.objects(Event).filter(slug__startswith=base)
    if exclude_id is not None:
        taken_qs = taken_qs.exclude(pk=exclude_id)
    taken = set(taken_qs.values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def create_event(tx: Tx, *, name: str, event_date: Any, notes: str = "") -> Event:
    """A new event; its slug comes from the name (unique in the household)."""
    tx.require()
    with logged_operation(logger, tx, "create_event") as op:
        clean = clean_name(name, "event")
        date = clean_date(event_date)
        text = clean_text(notes)
        lock_household_names(tx)
        refuse_taken_name(tx, Event, clean, entity="An event")
        event = Event(
            household=tx.household,
            name=clean,
            event_date=date,
            slug=_free_slug(tx, clean),
            notes=text,
        )
        event.save(using=tx.using)
        op.add(event_id=event.pk, slug=event.slug)
    return event


def get_event_by_id(tx: Tx, event_id: int) -> Event:
    tx.require()
    return get_owned(tx, Event, event_id)


def get_event_by_name(tx: Tx, name: object) -> Event:
    """The event with this name (compared as names are: normalised and casefolded), or
    `NotFound`."""
    tx.require()
    if not isinstance(name, str) or not normalize_name(name):
        raise NotFound("Event", name)
    event = tx.objects(Event).filter(name_key=name_key(name)).first()
    if event is None:
        raise NotFound("Event", name)
    return event


def get_event_by_slug(tx: Tx, slug: object) -> Event:
    """The event with this slug, or `NotFound`."""
    tx.require()
    if not isinstance(slug, str) or not slug.strip():
        raise NotFound("Event", slug)
    event = tx.objects(Event).filter(slug=slug.strip().lower()).first()
    if event is None:
        raise NotFound("Event", slug)
    return event


def get_all_events(tx: Tx) -> list[Event]:
    """Every event, newest first."""
    tx.require()
    return list(tx.objects(Event).order_by("-event_date", "name", "id"))


def get_events_by_year(tx: Tx, year: int) -> list[Event]:
    """The events dated in `year`, newest first."""
    tx.require()
    number = positive_count(year, "year", field="year", maximum=9999)
    return list(
        tx.objects(Event).filter(event_date__year=number).order_by("-event_date", "name", "id")
    )


def get_available_years(tx: Tx) -> list[int]:
    """The years that have events, most recent first."""
    tx.require()
    return [d.year for d in tx.objects(Event).dates("event_date", "year", order="DESC")]


def update_event(tx: Tx, event_id: int, **fields: Any) -> Event:
    """Change name, event_date and/or notes; any other field is refused."""
    tx.require()
    with logged_operation(logger, tx, "update_event", event_id=event_id) as op:
        reject_unknown_fields(fields, EVENT_FIELDS, "event")
        changes: dict[str, Any] = {}
        if "name" in fields:
            changes["name"] = clean_name(fields["name"], "event")
        if "event_date" in fields:
            changes["event_date"] = clean_date(fields["event_date"])
        if "notes" in fields:
            changes["notes"] = clean_text(fields["notes"])
        if "name" in changes:
            lock_household_names(tx)
        event = get_owned(tx, Event, event_id, lock=True)
        if "name" in changes and changes["name"] != event.name:
            refuse_taken_name(tx, Event, changes["name"], entity="An event", exclude_id=event.pk)
            # File names and links follow the name, so the slug does too.
            changes["slug"] = _free_slug(tx, changes["name"], exclude_id=event.pk)
        save_changes(tx, event, changes)
        op.add(changed=sorted(changes))
    return event


def delete_event(tx: Tx, event_id: int, *, cascade_assignments: bool = False) -> int:
    """Delete an event and its targets; returns how many assignments went with it.

    Refused while assignments exist (unless cascading) and while production or assembly
    runs are linked: history is never silently unlinked.
    """
    tx.require()
    with logged_operation(logger, tx, "delete_event", event_id=event_id) as op:
        event = get_owned(tx, Event, event_id, lock=True)
        production_runs = tx.objects(ProductionRun).filter(event=event).count()
        assembly_runs = tx.objects(AssemblyRun).filter(event=event).count()
        if production_runs or assembly_runs:
            raise InUse(
                f"The event {event.name!r} cannot be deleted: "
                f"{plural(production_runs, 'baking run')} and "
                f"{plural(assembly_runs, 'packing run')} are recorded for it. Runs keep "
                "their event; undo or keep them, and keep the event."
            )
        assignments = tx.objects(Assignment).filter(event=event)
        count = assignments.count()
        if count and not cascade_assignments:
            raise InUse(
                f"The event {event.name!r} has {plural(count, 'assignment')}; remove them first or "
                "choose to delete them with the event."
            )
        if count:
            assignments.delete()
        # Targets cascade with the event.
        event.delete(using=tx.using)
        op.add(assignments_deleted=count)
    return count
