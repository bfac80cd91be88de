"""Recipients: the people who receive packages.

See docs/design.md, "Events, recipients and packages".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q, QuerySet

from bakeplanner.display import plural
from bakeplanner.errors import InUse, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import normalize_input
from bakeplanner.tx import Tx
from events.models import Assignment, Recipient
from events.services.events import (
    clean_name,
    clean_optional_line,
    clean_text,
    reject_unknown_fields,
    save_changes,
)
from production.services.lookup import get_owned

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

__all__ = [
    "create_recipient",
    "delete_recipient",
    "get_recipient",
    "get_recipients",
    "update_recipient",
]


class RecipientCounts(TypedDict):
    """What the recipient reads add to each recipient."""

    assignment_count: int


logger = logging.getLogger("bakeplanner.events.recipients")

RECIPIENT_FIELDS = frozenset({"name", "household_name", "address", "notes", "active"})
SEARCH_MAX_LENGTH = 100


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in fields:
        clean["name"] = clean_name(fields["name"], "recipient")
    if "household_name" in fields:
        clean["household_name"] = clean_optional_line(
            normalize_input(fields["household_name"]),
            "household or family name",
            field="household_name",
        )
    if "address" in fields:
        clean["address"] = clean_text(fields["address"], "address", field="address")
    if "notes" in fields:
        clean["notes"] = clean_text(fields["notes"])
    if "active" in fields:
        if not isinstance(fields["active"], bool):
            raise ValidationFailed("Active must be true or false.", field="active")
        clean["active"] = fields["active"]
    return clean


def create_recipient(
    tx: Tx, *, name: str, household_name: str = "", address: str = "", notes: str = ""
) -> Recipient:
    """A new, active recipient."""
    tx.require()
    with logged_operation(logger, tx, "create_recipient") as op:
        values = _clean_fields(
            {"name": name, "household_name": household_name, "address": address, "notes": notes}
        )
        recipient = Recipient(household=tx.household, **values)
        recipient.save(using=tx.using)
        op.add(recipient_id=recipient.pk)
    return recipient


def get_recipient(tx: Tx, recipient_id: int) -> WithAnnotations[Recipient, RecipientCounts]:
    """One recipient, annotated with `assignment_count`."""
    tx.require()
    get_owned(tx, Recipient, recipient_id)  # NotFound for ids outside the household
    return _with_counts(tx.objects(Recipient)).get(pk=int(recipient_id))


def get_recipients(
    tx: Tx, *, search: str = "", include_inactive: bool = True
) -> list[WithAnnotations[Recipient, RecipientCounts]]:
    """Recipients by name, each with `assignment_count`; `search` matches name, household
    name, address and notes (case-insensitive)."""
    tx.require()
    if not isinstance(search, str):
        raise ValidationFailed("The search must be text.", field="search")
    term = search.strip()[:SEARCH_MAX_LENGTH]
    queryset = _with_counts(tx.objects(Recipient))
    if term:
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(household_name__icontains=term)
            | Q(address__icontains=term)
            | Q(notes__icontains=term)
        )
    if not include_inactive:
        queryset = queryset.filter(active=True)
    return list(queryset.order_by("name", "id"))


def _with_counts(
    queryset: QuerySet[Recipient],
) -> QuerySet[WithAnnotations[Recipient, RecipientCounts]]:
    return queryset.annotate(assignment_count=Count("assignments"))


def update_recipient(tx: Tx, recipient_id: int, **fields: Any) -> Recipient:
    """Change name, household_name, address, notes and/or active; other fields are refused."""
    tx.require()
    with logged_operation(logger, tx, "update_recipient", recipient_id=recipient_id) as op:
        reject_unknown_fields(fields, RECIPIENT_FIELDS, "recipient")
        changes = _clean_fields(fields)
        recipient = get_owned(tx, Recipient, recipient_id, lock=True)
        save_changes(tx, recipient, changes)
        op.add(changed=sorted(changes))
    return recipient


def delete_recipient(tx: Tx, recipient_id: int) -> None:
    """Delete a recipient nobody has assigned anything to (deactivate the others)."""
    tx.require()
    with logged_operation(logger, tx, "delete_recipient", recipient_id=recipient_id):
        recipient = get_owned(tx, Recipient, recipient_id, lock=True)
        count = tx.objects(Assignment).filter(recipient=recipient).count()
        if count:
            raise InUse(
                f"{recipient.name} cannot be deleted: "
                f"{plural(count, 'assignment uses', 'assignments use')} them. "
                "Deactivate them instead to keep their history."
            )
        recipient.delete(using=tx.using)
