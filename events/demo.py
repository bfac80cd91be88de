"""Demo recipients, packages and events for `seed_demo`: skips what already exists.

Packages are built from the finished goods the household already has (the pantry part of
the demo makes them); with none yet, packages, assignments and assembly targets are left
out and a later run fills them in.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone

from bakeplanner.errors import DomainError
from bakeplanner.tx import Tx
from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from events.services import (
    add_package_item,
    assign_package_to_recipient,
    create_event,
    create_package,
    create_recipient,
    set_assembly_target,
    set_production_target,
    update_fulfillment_status,
    update_recipient,
)
from production.models import FinishedGood, Recipe

logger = logging.getLogger("bakeplanner.events.demo")

# name, household or family name, address, notes
RECIPIENTS = [
    (
        "Grandma Rose",
        "The Hendersons",
        "12 Orchard Lane\nMaple Grove",
        "Loves anything with ginger.",
    ),
    ("Uncle Joe", "The Hendersons", "12 Orchard Lane\nMaple Grove", ""),
    ("Priya Shah", "The Shahs", "4 Birch Court\nRiverside", "No nuts, please."),
    ("Tom & Ella", "The Okafors", "88 Station Road\nMaple Grove", ""),
    (
        "Ms. Lee (teacher)",
        "",
        "Maple Grove Primary School",
        "Hand over before the last school day.",
    ),
    ("Marco", "The Rossis", "31 Hill Street\nLakeside", ""),
    ("Mail carrier", "", "", "Leave at the door on the 20th."),
    ("Dr. Novak", "", "Maple Grove Clinic", ""),
    ("Neighbours at no. 14", "The Brauns", "14 Orchard Lane\nMaple Grove", "Two small children."),
    ("Aunt Sue", "The Parkers", "7 Coast Road\nSeaview", "Moved away: no gifts now."),
]
INACTIVE = "Aunt Sue"

# package name, notes, and (finished-good index, quantity) picks from the goods by name
PACKAGES = [
    ("Thank-You Bag", "A small thank-you.", [(0, 1)]),
    ("Family Box", "For a whole household.", [(0, 2), (1, 1)]),
    ("Deluxe Hamper", "For the grandparents.", [(0, 1), (1, 1), (2, 1)]),
]

# recipient → package for each event (recipients missing a package are skipped)
LAST_YEAR = {
    "Grandma Rose": "Deluxe Hamper",
    "Uncle Joe": "Thank-You Bag",
    "Priya Shah": "Family Box",
    "Tom & Ella": "Family Box",
    "Ms. Lee (teacher)": "Thank-You Bag",
    "Marco": "Family Box",
    "Mail carrier": "Thank-You Bag",
    "Aunt Sue": "Family Box",
}
THIS_YEAR = {
    "Grandma Rose": "Deluxe Hamper",
    "Uncle Joe": "Thank-You Bag",
    "Priya Shah": "Family Box",
    "Tom & Ella": "Family Box",
    "Ms. Lee (teacher)": "Thank-You Bag",
    "Marco": "Deluxe Hamper",
    "Mail carrier": "Thank-You Bag",
    "Dr. Novak": "Thank-You Bag",
    "Neighbours at no. 14": "Family Box",
}
# This year's event is under way: these are packed, the rest still pending.
THIS_YEAR_READY = {"Grandma Rose", "Uncle Joe", "Mail carrier", "Priya Shah"}


def seed_events(tx: Tx, pantry: dict[str, Any]) -> None:
    """Recipients, packages from existing finished goods, and two Christmas events."""
    tx.require()
    recipients = _seed_recipients(tx)
    packages = _seed_packages(tx)
    year = timezone.localdate().year
    last = _seed_event(
        tx, f"Christmas {year - 1}", dt.date(year - 1, 12, 24), "Everything delivered."
    )
    current = _seed_event(
        tx, f"Christmas {year}", dt.date(year, 12, 24), "Bake in the first two weeks."
    )
    _seed_assignments(tx, last, recipients, packages, LAST_YEAR, final=Assignment.DELIVERED)
    # Deactivated only after last year's gifts are recorded, so they keep their history.
    inactive = recipients.get(INACTIVE)
    if inactive is not None and inactive.active:
        update_recipient(tx, inactive.pk, active=False)
    _seed_assignments(
        tx, current, recipients, packages, THIS_YEAR, final=None, ready=THIS_YEAR_READY
    )
    _seed_targets(tx, last, packages)
    _seed_targets(tx, current, packages)
    _seed_runs(tx, current)


def _seed_runs(tx: Tx, event: Event) -> None:
    """Some baking and packing already done for this year's event (once, stock allowing)."""
    from production.models import FinishedUnit, ProductionRun
    from production.services import (
        check_can_assemble,
        check_can_produce,
        record_assembly,
        record_batch_production,
    )

    if tx.objects(ProductionRun).filter(event=event).exists():
        return
    for target in tx.objects(ProductionTarget).filter(event=event).order_by("id"):
        unit = tx.objects(FinishedUnit).filter(recipe_id=target.recipe_id).order_by("id").first()
        if unit is None:
            continue
        try:
            ready = check_can_produce(tx, target.recipe_id, 1)["can_produce"]
        except DomainError:  # e.g. a recipe with no ingredients yet
            continue
        if not ready:
            continue
        record_batch_production(
            tx,
            target.recipe_id,
            unit.pk,
            1,
            unit.items_per_batch,
            event_id=event.pk,
            notes="Demo: the first batch",
        )
    for assembly_target in tx.objects(AssemblyTarget).filter(event=event).order_by("id"):
        try:
            ready = check_can_assemble(tx, assembly_target.finished_good_id, 1)["can_assemble"]
        except DomainError:  # a box with no contents yet: nothing to pack
            continue
        if ready:
            record_assembly(
                tx,
                assembly_target.finished_good_id,
                1,
                event_id=event.pk,
                notes="Demo: a first box",
            )


def _seed_recipients(tx: Tx) -> dict[str, Recipient]:
    existing = {r.name: r for r in tx.objects(Recipient)}
    for name, family, address, notes in RECIPIENTS:
        if name not in existing:
            existing[name] = create_recipient(
                tx, name=name, household_name=family, address=address, notes=notes
            )
    return existing


def _seed_packages(tx: Tx) -> dict[str, Package]:
    goods = list(tx.objects(FinishedGood).order_by("name", "id"))
    if not goods:
        logger.info("seed_demo: no finished goods yet, so no demo packages")
        return {}
    existing = {p.name: p for p in tx.objects(Package)}
    filled = set(tx.objects(PackageItem).values_list("package_id", flat=True))
    packages: dict[str, Package] = {}
    for name, notes, picks in PACKAGES:
        package = existing.get(name) or create_package(tx, name=name, notes=notes)
        if package.pk not in filled:
            chosen: set[int] = set()
            for index, quantity in picks:
                good = goods[index % len(goods)]
                if good.pk not in chosen:  # fewer goods than picks: use what there is
                    chosen.add(good.pk)
                    add_package_item(tx, package.pk, good.pk, quantity)
        packages[name] = package
    return packages


def _seed_event(tx: Tx, name: str, date: dt.date, notes: str) -> Event:
    event = tx.objects(Event).filter(name__iexact=name).first()
    return event or create_event(tx, name=name, event_date=date, notes=notes)


def _seed_assignments(
    tx: Tx,
    event: Event,
    recipients: dict[str, Recipient],
    packages: dict[str, Package],
    plan: dict[str, str],
    *,
    final: str | None,
    ready: set[str] | frozenset[str] = frozenset(),
) -> None:
    if not packages:
        return
    taken = set(
        tx.objects(Assignment).filter(event=event).values_list("recipient_id", "package_id")
    )
    for recipient_name, package_name in plan.items():
        recipient = recipients.get(recipient_name)
        package = packages.get(package_name)
        if recipient is None or package is None or (recipient.pk, package.pk) in taken:
            continue
        if not recipient.active:
            continue
        assignment = assign_package_to_recipient(tx, event.pk, recipient.pk, package.pk)
        if final == Assignment.DELIVERED:
            update_fulfillment_status(tx, assignment.pk, Assignment.READY)
            update_fulfillment_status(tx, assignment.pk, Assignment.DELIVERED)
        elif recipient_name in ready:
            update_fulfillment_status(tx, assignment.pk, Assignment.READY)


def _seed_targets(tx: Tx, event: Event, packages: dict[str, Package]) -> None:
    """Assembly targets from what the event's packages hold; a baking target for each of
    the first recipes (the planning pages suggest exact figures)."""
    needed: dict[int, int] = {}
    rows = tx.objects(Assignment).filter(event=event).values_list("package_id", "quantity")
    per_package: dict[int, list[tuple[int, int]]] = {}
    for item in tx.objects(PackageItem).filter(package__in=list(packages.values())):
        per_package.setdefault(item.package_id, []).append((item.finished_good_id, item.quantity))
    for package_id, quantity in rows:
        for good_id, per in per_package.get(package_id, []):
            needed[good_id] = needed.get(good_id, 0) + per * quantity
    have_assembly = set(
        tx.objects(AssemblyTarget).filter(event=event).values_list("finished_good_id", flat=True)
    )
    for good_id, quantity in sorted(needed.items()):
        if good_id not in have_assembly:
            set_assembly_target(tx, event.pk, good_id, quantity)
    have_production = set(
        tx.objects(ProductionTarget).filter(event=event).values_list("recipe_id", flat=True)
    )
    for recipe in tx.objects(Recipe).filter(archived=False).order_by("name", "id")[:3]:
        if recipe.pk not in have_production:
            set_production_target(tx, event.pk, recipe.pk, 2, notes="Demo target")
