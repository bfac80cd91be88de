"""Allergens of packages, what recipients avoid, and the conflicts between the two.

See docs/allergens-and-freshness.md, "Recipients who avoid an allergen". A conflict is an
assignment whose package contains (not merely may contain) an allergen its recipient avoids;
assigning such a package is allowed, and the pages say so.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, TypedDict

from django.db.models import QuerySet

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import Assignment, Event, Package, PackageItem, Recipient
from production.allergens import clean_allergen_codes
from production.services.allergens import AllergenSet, AllergenSummary, good_allergens
from production.services.lookup import get_owned

__all__ = ["get_allergen_conflicts", "get_package_allergens", "set_recipient_avoids"]

logger = logging.getLogger("bakeplanner.events.allergens")


class AllergenConflict(TypedDict):
    assignment_id: int
    recipient_name: str
    package_name: str
    allergens: list[str]  # the avoided codes the package contains, sorted


def set_recipient_avoids(tx: Tx, recipient_id: int, codes: Iterable[str]) -> Recipient:
    """Replace the allergens a recipient avoids (an empty list: nothing)."""
    tx.require()
    with logged_operation(logger, tx, "set_recipient_avoids", recipient_id=recipient_id) as op:
        clean = clean_allergen_codes(codes, field="avoids")
        recipient = get_owned(tx, Recipient, recipient_id, lock=True)
        recipient.avoids = clean
        recipient.save(using=tx.using, update_fields=["avoids", "updated_at"])
        op.add(avoids=clean)
        return recipient


def package_allergens(tx: Tx, package_ids: Iterable[int]) -> dict[int, AllergenSet]:
    """Each package's allergens through its gift boxes: five queries for any number."""
    tx.require()
    ids = set(package_ids)
    if not ids:
        return {}
    goods: dict[int, set[int]] = defaultdict(set)
    for package_id, good_id in (
        tx.objects(PackageItem)
        .filter(package_id__in=ids)
        .values_list("package_id", "finished_good_id")
    ):
        goods[package_id].add(good_id)
    by_good = good_allergens(tx, {g for members in goods.values() for g in members})
    result: dict[int, AllergenSet] = {}
    for package_id in ids:
        total = AllergenSet()
        for good_id in goods.get(package_id, ()):
            total.add(by_good[good_id])
        result[package_id] = total
    return result


def get_package_allergens(tx: Tx, package_id: int) -> AllergenSummary:
    """What a package contains and may contain, through its gift boxes and theirs."""
    tx.require()
    package = get_owned(tx, Package, package_id)
    return package_allergens(tx, [package.pk])[package.pk].summary()


def conflicts_among(tx: Tx, assignments: QuerySet[Assignment]) -> list[AllergenConflict]:
    """The conflicts among these assignments, by recipient then package: a constant number of
    queries (one for the assignments, then the package roll-up for those that matter)."""
    tx.require()
    # Most recipients avoid nothing: leave them out in the database, not row by row here.
    rows: list[tuple[Any, ...]] = [
        row
        for row in assignments.exclude(recipient__avoids=[])
        .order_by("recipient__name", "package__name", "pk")
        .values_list("pk", "recipient__name", "recipient__avoids", "package_id", "package__name")
        if isinstance(row[2], list) and row[2]
    ]
    if not rows:
        return []
    by_package = package_allergens(tx, {row[3] for row in rows})
    conflicts: list[AllergenConflict] = []
    for pk, recipient_name, avoids, package_id, package_name in rows:
        clash = sorted(set(avoids) & by_package[package_id].contains)
        if clash:
            conflicts.append(
                {
                    "assignment_id": pk,
                    "recipient_name": recipient_name,
                    "package_name": package_name,
                    "allergens": clash,
                }
            )
    return conflicts


def get_allergen_conflicts(tx: Tx, event_id: int) -> list[AllergenConflict]:
    """Every assignment of the event whose package contains something its recipient avoids."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    return conflicts_among(tx, tx.objects(Assignment).filter(event=event))
