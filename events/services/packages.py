"""Packages (what one recipient receives) and their contents.

See docs/design.md, "Events, recipients and packages".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Prefetch, QuerySet

from bakeplanner.display import plural
from bakeplanner.errors import InUse, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import lock_household_names
from bakeplanner.tx import Tx
from events.models import Assignment, Package, PackageItem
from events.services.events import (
    clean_name,
    clean_text,
    positive_count,
    refuse_taken_name,
    reject_unknown_fields,
    save_changes,
)
from production.models import FinishedGood
from production.services.lookup import get_owned

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

__all__ = [
    "add_package_item",
    "create_package",
    "delete_package",
    "get_all_packages",
    "get_package",
    "remove_package_item",
    "update_package",
    "update_package_item",
]


class PackageCounts(TypedDict):
    """What the package reads add to each package."""

    assignment_count: int


logger = logging.getLogger("bakeplanner.events.packages")

PACKAGE_FIELDS = frozenset({"name", "notes"})


def _with_contents(
    tx: Tx, queryset: QuerySet[Package]
) -> QuerySet[WithAnnotations[Package, PackageCounts]]:
    """Items (finished good loaded) prefetched, plus `assignment_count`."""
    items = (
        tx.objects(PackageItem)
        .select_related("finished_good")
        .order_by("finished_good__name", "id")
    )
    return queryset.annotate(assignment_count=Count("assignments", distinct=True)).prefetch_related(
        Prefetch("items", queryset=items)
    )


def create_package(tx: Tx, *, name: str, notes: str = "") -> Package:
    """A new, empty package; names are unique in the household (case-insensitive)."""
    tx.require()
    with logged_operation(logger, tx, "create_package") as op:
        clean = clean_name(name, "package")
        text = clean_text(notes)
        lock_household_names(tx)
        refuse_taken_name(tx, Package, clean, entity="A package")
        package = Package(household=tx.household, name=clean, notes=text)
        package.save(using=tx.using)
        op.add(package_id=package.pk)
    return package


def get_package(tx: Tx, package_id: int) -> WithAnnotations[Package, PackageCounts]:
    """One package with its items (finished goods loaded) and `assignment_count`."""
    tx.require()
    package = get_owned(tx, Package, package_id)
    return _with_contents(tx, tx.objects(Package)).get(pk=package.pk)


def get_all_packages(tx: Tx) -> list[WithAnnotations[Package, PackageCounts]]:
    """Every package by name, items prefetched, with `assignment_count`."""
    tx.require()
    return list(_with_contents(tx, tx.objects(Package)).order_by("name", "id"))


def update_package(tx: Tx, package_id: int, **fields: Any) -> Package:
    """Change name and/or notes; other fields are refused."""
    tx.require()
    with logged_operation(logger, tx, "update_package", package_id=package_id) as op:
        reject_unknown_fields(fields, PACKAGE_FIELDS, "package")
        changes: dict[str, Any] = {}
        if "name" in fields:
            changes["name"] = clean_name(fields["name"], "package")
        if "notes" in fields:
            changes["notes"] = clean_text(fields["notes"])
        if "name" in changes:
            lock_household_names(tx)
        package = get_owned(tx, Package, package_id, lock=True)
        if "name" in changes:
            refuse_taken_name(
                tx, Package, changes["name"], entity="A package", exclude_id=package.pk
            )
        save_changes(tx, package, changes)
        op.add(changed=sorted(changes))
    return package


def delete_package(tx: Tx, package_id: int) -> None:
    """Delete a package (and its contents) that no assignment uses."""
    tx.require()
    with logged_operation(logger, tx, "delete_package", package_id=package_id):
        package = get_owned(tx, Package, package_id, lock=True)
        count = tx.objects(Assignment).filter(package=package).count()
        if count:
            raise InUse(
                f"The package {package.name!r} cannot be deleted: "
                f"{plural(count, 'assignment uses', 'assignments use')} it."
            )
        tx.objects(PackageItem).filter(package=package).delete()
        package.delete(using=tx.using)


def add_package_item(tx: Tx, package_id: int, finished_good_id: int, quantity: Any) -> PackageItem:
    """Put `quantity` of a finished good in a package (each good at most once)."""
    tx.require()
    with logged_operation(
        logger, tx, "add_package_item", package_id=package_id, finished_good_id=finished_good_id
    ) as op:
        count = positive_count(quantity, "quantity", field="quantity")
        # The package row lock serialises edits of its contents.
        package = get_owned(tx, Package, package_id, lock=True)
        good = get_owned(tx, FinishedGood, finished_good_id, label="Gift box")
        if tx.objects(PackageItem).filter(package=package, finished_good=good).exists():
            raise ValidationFailed(
                f"{good.name} is already in {package.name}; change its quantity instead.",
                field="finished_good",
            )
        item = PackageItem(
            household=tx.household, package=package, finished_good=good, quantity=count
        )
        item.save(using=tx.using)
        op.add(package_item_id=item.pk, quantity=count)
    return item


def update_package_item(tx: Tx, item_id: int, quantity: Any) -> PackageItem:
    """Change how many of a finished good a package holds."""
    tx.require()
    with logged_operation(logger, tx, "update_package_item", package_item_id=item_id) as op:
        count = positive_count(quantity, "quantity", field="quantity")
        item = get_owned(tx, PackageItem, item_id, label="Package item", lock=True)
        item.quantity = count
        item.save(using=tx.using, update_fields=["quantity", "updated_at"])
        op.add(package_id=item.package_id, quantity=count)
    return item


def remove_package_item(tx: Tx, item_id: int) -> None:
    """Take a finished good out of a package."""
    tx.require()
    with logged_operation(logger, tx, "remove_package_item", package_item_id=item_id) as op:
        item = get_owned(tx, PackageItem, item_id, label="Package item", lock=True)
        op.add(package_id=item.package_id, finished_good_id=item.finished_good_id)
        item.delete(using=tx.using)
