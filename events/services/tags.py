"""Gift tags and packing slips for an event, read a page at a time.

See docs/allergens-and-freshness.md, "Gift tags and packing slips". One tag per assignment:
who it is for, the package, what is inside, the allergens it contains, and the earliest
best-before date among the runs baked for the event that made the baked items inside (or
that nothing inside is baked yet). A page of tags or slips costs the same few queries
whatever its size or the event's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TypedDict

from bakeplanner.tx import Tx
from events.models import Assignment, Event, PackageItem
from events.services.allergens import package_allergens
from production.models import FinishedGoodComponent, ProductionRun
from production.services.freshness import baked_on
from production.services.lookup import get_owned, household_runs

__all__ = ["get_gift_tags", "get_packing_slips"]

MAX_PER_PAGE = 1000


class Line(TypedDict):
    name: str
    quantity: int


class GiftTag(TypedDict):
    assignment_id: int
    recipient_name: str
    household_name: str
    package_name: str
    quantity: int
    boxes: list[Line]  # the package's gift boxes
    items: list[str]  # the baked items inside, through nested boxes, by name
    contains: list[str]  # allergen codes, sorted
    may_contain: list[str]
    best_before: str | None  # ISO date
    baked: bool  # some run baked for the event made an item inside


class TagPage(TypedDict):
    event: Event
    tags: list[GiftTag]
    total: int
    page: int
    pages: int


class SlipBox(TypedDict):
    name: str
    quantity: int
    holds: list[Line]  # its baked items and nested gift boxes


class SlipPackage(TypedDict):
    assignment_id: int
    name: str
    quantity: int
    boxes: list[SlipBox]


class PackingSlip(TypedDict):
    recipient_id: int
    recipient_name: str
    household_name: str
    address: str
    packages: list[SlipPackage]


class SlipPage(TypedDict):
    event: Event
    slips: list[PackingSlip]
    total: int
    page: int
    pages: int


@dataclass
class _Goods:
    """The direct contents of every gift box of the household, read in one query."""

    units: dict[int, list[tuple[int, str, int]]]  # box → [(baked item, name, quantity)]
    nested: dict[int, list[tuple[int, str, int]]]  # box → [(nested box, name, quantity)]

    def unit_ids_inside(self, good_id: int) -> set[int]:
        seen = {good_id}
        stack = [good_id]
        found: set[int] = set()
        while stack:
            current = stack.pop()
            found.update(unit_id for unit_id, _name, _qty in self.units.get(current, ()))
            for child, _name, _qty in self.nested.get(current, ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return found


def _load_goods(tx: Tx) -> _Goods:
    units: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    nested: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for good_id, unit_id, unit_name, nested_id, nested_name, quantity in (
        tx.objects(FinishedGoodComponent)
        .exclude(component_type=FinishedGoodComponent.PACKAGING)
        .order_by("id")
        .values_list(
            "finished_good_id",
            "finished_unit_id",
            "finished_unit__name",
            "nested_good_id",
            "nested_good__name",
            "quantity",
        )
    ):
        if unit_id is not None:
            units[good_id].append((unit_id, unit_name, int(quantity)))
        elif nested_id is not None:
            nested[good_id].append((nested_id, nested_name, int(quantity)))
    return _Goods(units=units, nested=nested)


def _package_boxes(tx: Tx, package_ids: set[int]) -> dict[int, list[tuple[int, str, int]]]:
    boxes: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for package_id, good_id, good_name, quantity in (
        tx.objects(PackageItem)
        .filter(package_id__in=package_ids)
        .order_by("finished_good__name", "id")
        .values_list("package_id", "finished_good_id", "finished_good__name", "quantity")
    ):
        boxes[package_id].append((good_id, good_name, quantity))
    return boxes


def _page_bounds(total: int, page: int, per_page: int) -> tuple[int, int, int]:
    """(page, pages, offset): a page past the end shows the last one."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    return page, pages, (page - 1) * per_page


def _best_before_by_unit(tx: Tx, event_id: int) -> tuple[set[int], dict[int, dt.date]]:
    """The baked items the event's runs made, and each one's earliest best-before date."""
    made: set[int] = set()
    earliest: dict[int, dt.date] = {}
    for unit_id, produced_at, days in (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .for_event(event_id)
        .values_list("finished_unit_id", "produced_at", "finished_unit__shelf_life_days")
    ):
        made.add(unit_id)
        if days is None:
            continue
        day = baked_on(produced_at) + dt.timedelta(days=days)
        if unit_id not in earliest or day < earliest[unit_id]:
            earliest[unit_id] = day
    return made, earliest


def get_gift_tags(tx: Tx, event_id: int, *, page: int = 1, per_page: int = 48) -> TagPage:
    """One page of the event's gift tags, one per assignment, by recipient then package."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    assignments = tx.objects(Assignment).filter(event=event)
    total = assignments.count()
    page, pages, offset = _page_bounds(total, page, per_page)
    rows = list(
        assignments.order_by("recipient__name", "package__name", "pk").values_list(
            "pk",
            "recipient__name",
            "recipient__household_name",
            "package_id",
            "package__name",
            "quantity",
        )[offset : offset + max(1, min(per_page, MAX_PER_PAGE))]
    )
    package_ids = {row[3] for row in rows}
    boxes = _package_boxes(tx, package_ids)
    allergens = package_allergens(tx, package_ids)
    goods = _load_goods(tx) if rows else _Goods({}, {})
    made, best = _best_before_by_unit(tx, event.pk) if rows else (set(), {})
    unit_names = {unit_id: name for parts in goods.units.values() for unit_id, name, _q in parts}
    inside: dict[int, set[int]] = {}
    for package_id in package_ids:
        inside[package_id] = set().union(
            *(goods.unit_ids_inside(good_id) for good_id, _n, _q in boxes.get(package_id, []))
        )
    tags: list[GiftTag] = []
    for pk, recipient_name, household_name, package_id, package_name, quantity in rows:
        units = inside[package_id]
        dates = [best[u] for u in units if u in best]
        summary = allergens[package_id].summary()
        tags.append(
            {
                "assignment_id": pk,
                "recipient_name": recipient_name,
                "household_name": household_name,
                "package_name": package_name,
                "quantity": quantity,
                "boxes": [{"name": n, "quantity": q} for _g, n, q in boxes.get(package_id, [])],
                "items": sorted((unit_names[u] for u in units), key=str.lower),
                "contains": summary["contains"],
                "may_contain": summary["may_contain"],
                "best_before": min(dates).isoformat() if dates else None,
                "baked": bool(units & made),
            }
        )
    return {"event": event, "tags": tags, "total": total, "page": page, "pages": pages}


def get_packing_slips(tx: Tx, event_id: int, *, page: int = 1, per_page: int = 20) -> SlipPage:
    """One page of packing slips: per recipient of the event, what each package holds."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    assignments = tx.objects(Assignment).filter(event=event)
    recipient_ids = assignments.order_by().values("recipient_id").distinct()
    total = recipient_ids.count()
    page, pages, offset = _page_bounds(total, page, per_page)
    size = max(1, min(per_page, MAX_PER_PAGE))
    shown = list(
        assignments.order_by("recipient__name", "recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()[offset : offset + size]
    )
    slips: dict[int, PackingSlip] = {}
    rows = (
        assignments.filter(recipient_id__in=shown)
        .order_by("recipient__name", "recipient_id", "package__name", "pk")
        .values_list(
            "pk",
            "recipient_id",
            "recipient__name",
            "recipient__household_name",
            "recipient__address",
            "package_id",
            "package__name",
            "quantity",
        )
        if shown
        else []
    )
    rows = list(rows)
    boxes = _package_boxes(tx, {row[5] for row in rows})
    goods = _load_goods(tx) if rows else _Goods({}, {})
    for pk, recipient_id, name, family, address, package_id, package_name, quantity in rows:
        slip = slips.setdefault(
            recipient_id,
            {
                "recipient_id": recipient_id,
                "recipient_name": name,
                "household_name": family,
                "address": address,
                "packages": [],
            },
        )
        slip["packages"].append(
            {
                "assignment_id": pk,
                "name": package_name,
                "quantity": quantity,
                "boxes": [
                    {
                        "name": good_name,
                        "quantity": good_quantity,
                        "holds": [
                            {"name": n, "quantity": q}
                            for _i, n, q in goods.units.get(good_id, [])
                            + goods.nested.get(good_id, [])
                        ],
                    }
                    for good_id, good_name, good_quantity in boxes.get(package_id, [])
                ],
            }
        )
    return {
        "event": event,
        "slips": list(slips.values()),
        "total": total,
        "page": page,
        "pages": pages,
    }
