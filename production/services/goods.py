"""Finished goods (gift boxes, tins, hampers) and their components (docs/design.md, "Catalogue").

A component is a finished unit (whole number), another finished good (whole number; goods
never contain themselves, directly or through other goods) or a packaging ingredient (a
decimal quantity in that ingredient's base unit), each at most once per good.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q

from bakeplanner.errors import InUse, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import (
    check_name_free,
    lock_household_names,
    lock_parent_row,
    normalize_input,
)
from bakeplanner.tx import Tx
from production.models import FinishedGood, FinishedGoodComponent, FinishedUnit, Ingredient
from production.services.lookup import (
    check_fields,
    clean_choice,
    clean_decimal,
    clean_name,
    clean_text,
    clean_whole_number,
    get_owned,
    rename,
    sort_ordering,
    usage,
    usage_sentence,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

__all__ = [
    "add_component",
    "create_finished_good",
    "delete_finished_good",
    "get_finished_good_detail",
    "list_finished_goods",
    "remove_component",
    "update_component",
    "update_finished_good",
]


class GoodCounts(TypedDict):
    """What `list_finished_goods` adds to each good."""

    component_count: int


logger = logging.getLogger("bakeplanner.production.goods")

KINDS = (
    FinishedGoodComponent.FINISHED_UNIT,
    FinishedGoodComponent.FINISHED_GOOD,
    FinishedGoodComponent.PACKAGING,
)
GOOD_FIELDS = ("name", "description")
GOOD_SORTS = {
    "name": ("name",),
    "stock": ("inventory_count", "name"),
    "cost": ("average_unit_cost", "name"),
    "components": ("component_count", "name"),
}
MAX_COMPONENT_COUNT = 100_000


def create_finished_good(tx: Tx, *, name: str, description: str = "") -> FinishedGood:
    """Create a gift box, tin or hamper; names are unique in the household, ignoring case."""
    tx.require()
    with logged_operation(logger, tx, "create_finished_good") as op:
        clean = clean_name(normalize_input(name), FinishedGood)
        description = clean_text(description, "Description", field="description")
        # Serialises racing creates: the second waits, then sees the first's box.
        lock_household_names(tx)
        check_name_free(tx, FinishedGood, clean, entity="A gift box")
        good = FinishedGood(household=tx.household, name=clean, description=description)
        good.save(using=tx.using)
        op.add(finished_good_id=good.pk)
        return good


def update_finished_good(tx: Tx, finished_good_id: int, **fields: Any) -> FinishedGood:
    """Change a finished good's name or description."""
    tx.require()
    with logged_operation(
        logger, tx, "update_finished_good", finished_good_id=finished_good_id
    ) as op:
        check_fields(fields, GOOD_FIELDS, "gift box")
        good = get_owned(tx, FinishedGood, finished_good_id)
        op.add(fields=sorted(fields))
        if "name" in fields:
            rename(tx, good, fields["name"], entity="A gift box")
        if "description" in fields:
            good.description = clean_text(fields["description"], "Description", field="description")
        good.save(using=tx.using)
        return good


def delete_finished_good(tx: Tx, finished_good_id: int) -> None:
    """Delete a finished good (and its component list) that nothing uses and none is stocked."""
    tx.require()
    with logged_operation(logger, tx, "delete_finished_good", finished_good_id=finished_good_id):
        good = get_owned(tx, FinishedGood, finished_good_id)
        uses = usage(tx, good, skip={"production.finishedgoodcomponent.finished_good"})
        if good.inventory_count:
            uses.insert(0, f"{good.inventory_count} in stock")
        if uses:
            raise InUse(usage_sentence(good.name, uses))
        tx.objects(FinishedGoodComponent).filter(finished_good=good).delete()
        good.delete(using=tx.using)


# --- Components --------------------------------------------------------------------------------


def _nested_graph(tx: Tx) -> dict[int, set[int]]:
    children: dict[int, set[int]] = defaultdict(set)
    for parent, child in (
        tx.objects(FinishedGoodComponent)
        .filter(nested_good__isnull=False)
        .values_list("finished_good_id", "nested_good_id")
    ):
        children[parent].add(child)
    return children


def _contains(start: int, target: int, children: dict[int, set[int]]) -> bool:
    seen: set[int] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(children.get(node, ()))
    return False


def _clean_quantity(kind: str, quantity: Any) -> Decimal:
    if kind == FinishedGoodComponent.PACKAGING:
        return clean_decimal(quantity, "Quantity", model=FinishedGoodComponent, column="quantity")
    return Decimal(
        clean_whole_number(
            quantity, "Quantity", field="quantity", maximum=MAX_COMPONENT_COUNT, allow_zero=False
        )
    )


def add_component(
    tx: Tx, finished_good_id: int, kind: str, item_id: int, quantity: Any
) -> FinishedGoodComponent:
    """Put `quantity` of a finished unit, a nested good or a packaging ingredient in a good."""
    tx.require()
    with logged_operation(
        logger, tx, "add_component", finished_good_id=finished_good_id, kind=kind, item_id=item_id
    ) as op:
        good = get_owned(tx, FinishedGood, finished_good_id)
        kind = clean_choice(kind, KINDS, "Component kind", field="kind")
        amount = _clean_quantity(kind, quantity)
        # The good's row lock serialises edits of its contents: a second "add" of the same
        # item waits, then gets the "already contains" message.
        lock_parent_row(tx, FinishedGood, good.pk)
        component = FinishedGoodComponent(
            household=tx.household, finished_good=good, component_type=kind, quantity=amount
        )
        existing = tx.objects(FinishedGoodComponent).filter(finished_good=good)
        if kind == FinishedGoodComponent.FINISHED_UNIT:
            unit = get_owned(tx, FinishedUnit, item_id)
            if existing.filter(finished_unit=unit).exists():
                raise ValidationFailed(
                    f"{good.name} already contains {unit.name}; change its quantity instead.",
                    field="item_id",
                )
            component.finished_unit = unit
        elif kind == FinishedGoodComponent.FINISHED_GOOD:
            nested = get_owned(tx, FinishedGood, item_id)
            if nested.pk == good.pk:
                raise ValidationFailed(f"{good.name} cannot contain itself.", field="item_id")
            if existing.filter(nested_good=nested).exists():
                raise ValidationFailed(
                    f"{good.name} already contains {nested.name}; change its quantity instead.",
                    field="item_id",
                )
            if _contains(nested.pk, good.pk, _nested_graph(tx)):
                raise ValidationFailed(
                    f"{nested.name} already contains {good.name} (directly or inside another "
                    "box): adding it would make a loop.",
                    field="item_id",
                )
            component.nested_good = nested
        else:
            ingredient = get_owned(tx, Ingredient, item_id)
            if ingredient.kind != Ingredient.PACKAGING:
                raise ValidationFailed(
                    f"{ingredient.name} is a food ingredient, not packaging.",
                    field="item_id",
                )
            if existing.filter(packaging=ingredient).exists():
                raise ValidationFailed(
                    f"{good.name} already uses {ingredient.name}; change its quantity instead.",
                    field="item_id",
                )
            component.packaging = ingredient
        component.save(using=tx.using)
        op.add(component_id=component.pk)
        return component


def update_component(tx: Tx, component_id: int, *, quantity: Any) -> FinishedGoodComponent:
    """Change how many of a component one finished good holds."""
    tx.require()
    with logged_operation(logger, tx, "update_component", component_id=component_id) as op:
        component = get_owned(tx, FinishedGoodComponent, component_id, label="Item in the gift box")
        op.add(finished_good_id=component.finished_good_id)
        component.quantity = _clean_quantity(component.component_type, quantity)
        component.save(using=tx.using)
        return component


def remove_component(tx: Tx, component_id: int) -> None:
    """Take a component out of a finished good (past assembly runs keep their ledgers)."""
    tx.require()
    with logged_operation(logger, tx, "remove_component", component_id=component_id) as op:
        component = get_owned(tx, FinishedGoodComponent, component_id, label="Item in the gift box")
        op.add(finished_good_id=component.finished_good_id)
        component.delete(using=tx.using)


# --- Reads ------------------------------------------------------------------------------------


def list_finished_goods(
    tx: Tx, *, q: str = "", sort: str = "name"
) -> list[WithAnnotations[FinishedGood, GoodCounts]]:
    """Finished goods with their stock, average cost and `component_count`."""
    tx.require()
    queryset = tx.objects(FinishedGood).annotate(component_count=Count("components"))
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(description__icontains=term))
    return list(queryset.order_by(*sort_ordering(sort, GOOD_SORTS, "name"), "pk"))


def get_finished_good_detail(tx: Tx, finished_good_id: int) -> dict[str, Any]:
    """A finished good with its components (items loaded) and the goods that contain it."""
    tx.require()
    good = get_owned(tx, FinishedGood, finished_good_id)
    components = list(
        tx.objects(FinishedGoodComponent)
        .filter(finished_good=good)
        .select_related("finished_unit__recipe", "nested_good", "packaging")
        .order_by("component_type", "id")
    )
    used_in = list(
        tx.objects(FinishedGoodComponent)
        .filter(nested_good=good)
        .select_related("finished_good")
        .order_by("finished_good__name")
    )
    return {"good": good, "components": components, "used_in": used_in}
