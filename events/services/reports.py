"""Event summary, planned cost estimates and the packing list.

See docs/design.md, "Estimated and actual costs".

Estimates: a finished unit ≈ its recipe's batch cost ÷ items per batch; a finished good ≈ its
components (units, nested goods, packaging); a package ≈ its goods; an assignment ≈ package
× quantity. Ingredients are priced once for the whole event (`price_needs`: stock on hand at
FIFO cost, the rest at the latest price), and every item is charged at the resulting price
per base unit, so the recipients' costs add up to the event's total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.db.models.functions import Lower

from bakeplanner.errors import ValidationFailed
from bakeplanner.money import cost_to_string
from bakeplanner.tx import Tx
from events.models import Assignment, Event, PackageItem, Recipient
from events.services.demand import (
    MAX_GOOD_NESTING,
    Demand,
    RecipeGraph,
    explode_recipes,
    load_demand,
    load_recipe_graph,
)
from production.services.costing import PriceBook, PricedNeed, load_price_book, price_with_book
from production.services.lookup import get_owned

__all__ = [
    "get_event_cost_overview",
    "get_event_estimate",
    "get_event_package_count",
    "get_event_packing_list",
    "get_event_recipient_count",
    "get_event_summary",
    "get_event_total_cost",
]


@dataclass
class Estimate:
    """Planned costs of one event, unrounded."""

    demand: Demand
    batch_cost: dict[int, Decimal]  # recipe → one batch
    unit_cost: dict[int, Decimal]  # finished unit → one item
    good_cost: dict[int, Decimal]  # finished good → one good
    package_cost: dict[int, Decimal]  # package → one package
    assignment_cost: dict[int, Decimal]  # assignment → package × quantity
    missing_prices: list[str]
    # What the estimate read, for a caller that prices more of the same event (the cost
    # page's recipes and boxes outside the plan): extended, not read again.
    graph: RecipeGraph | None = field(default=None, repr=False)
    book: PriceBook | None = field(default=None, repr=False)

    @property
    def total(self) -> Decimal:
        return sum(self.assignment_cost.values(), Decimal(0))


def estimate_event(tx: Tx, event_id: Any) -> Estimate:
    """Price the event's needs once and charge every unit, good, package and assignment."""
    tx.require()
    demand = load_demand(tx, event_id)
    recipe_names = {u.recipe_id: u.recipe_name for u in demand.units.values()}
    per_batch: dict[int, dict[int, Decimal]] = {}
    ingredients: dict[int, Any] = {}
    graph = None
    if recipe_names:
        graph = load_recipe_graph(tx, recipe_names)
        for recipe_id in recipe_names:
            exploded = explode_recipes(graph, {recipe_id: Decimal(1)})
            per_batch[recipe_id] = {i: need.quantity for i, need in exploded.items()}
            ingredients.update({i: need.ingredient for i, need in exploded.items()})

    # What the event uses in all: fractional batches (an estimate, not a baking plan) and
    # the packaging of every good.
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for unit in demand.units.values():
        batches = Decimal(unit.units_needed) / unit.items_per_batch
        for ingredient_id, quantity in per_batch.get(unit.recipe_id, {}).items():
            totals[ingredient_id] += quantity * batches
    for good in demand.goods.values():
        for use in demand.good_packaging.get(good.finished_good_id, []):
            ingredients[use.ingredient.pk] = use.ingredient
            totals[use.ingredient.pk] += use.per_unit * good.needed

    book = None
    priced: dict[int, PricedNeed] = {}
    if totals:
        needs = {i: q for i, q in totals.items() if q > 0}
        book = load_price_book(tx, needs)
        priced = price_with_book(book, needs)
    unit_price: dict[int, Decimal] = {}
    missing: set[str] = set()
    for ingredient_id, need in priced.items():
        quantity = totals[ingredient_id]
        unit_price[ingredient_id] = need.cost / quantity if quantity > 0 else Decimal(0)
        if need.price_missing:
            missing.add(ingredients[ingredient_id].name)

    batch_cost = {
        recipe_id: sum((q * unit_price.get(i, Decimal(0)) for i, q in lines.items()), Decimal(0))
        for recipe_id, lines in per_batch.items()
    }
    unit_cost = {
        unit_id: batch_cost.get(info.recipe_id, Decimal(0)) / info.items_per_batch
        for unit_id, info in demand.unit_info.items()
        if info.recipe_id in batch_cost
    }

    good_cost: dict[int, Decimal] = {}

    def cost_of_good(good_id: int, depth: int) -> Decimal:
        if good_id in good_cost:
            return good_cost[good_id]
        if depth > MAX_GOOD_NESTING:
            raise ValidationFailed("A finished good contains itself.")
        cost = Decimal(0)
        for unit_id, quantity in demand.good_units.get(good_id, []):
            cost += unit_cost.get(unit_id, Decimal(0)) * quantity
        for nested_id, quantity in demand.good_nested.get(good_id, []):
            cost += cost_of_good(nested_id, depth + 1) * quantity
        for use in demand.good_packaging.get(good_id, []):
            cost += unit_price.get(use.ingredient.pk, Decimal(0)) * use.per_unit
        good_cost[good_id] = cost
        return cost

    package_cost = {
        package_id: sum(
            (cost_of_good(good_id, 1) * quantity for good_id, quantity in items), Decimal(0)
        )
        for package_id, items in demand.package_goods.items()
    }
    assignment_cost = {
        row.assignment_id: package_cost.get(row.package_id, Decimal(0)) * row.quantity
        for row in demand.assignments
    }
    return Estimate(
        demand=demand,
        batch_cost=batch_cost,
        unit_cost=unit_cost,
        good_cost=good_cost,
        package_cost=package_cost,
        assignment_cost=assignment_cost,
        missing_prices=sorted(missing, key=str.lower),
        graph=graph,
        book=book,
    )


def get_event_estimate(tx: Tx, event_id: int) -> dict[str, Any]:
    """Planned cost per recipe batch, finished good, package and assignment."""
    tx.require()
    return _estimate_dto(estimate_event(tx, event_id))


def _estimate_dto(estimate: Estimate, *, with_assignments: bool = True) -> dict[str, Any]:
    demand = estimate.demand
    recipes = sorted(
        (demand.recipes[r] for r in estimate.batch_cost if r in demand.recipes),
        key=lambda r: (r.name.lower(), r.recipe_id),
    )
    goods = sorted(
        (demand.goods[g] for g in estimate.good_cost if g in demand.goods),
        key=lambda g: (g.name.lower(), g.finished_good_id),
    )
    dto: dict[str, Any] = {
        "event_id": demand.event.pk,
        "total_cost": cost_to_string(estimate.total),
        "recipes": [
            {
                "recipe_id": r.recipe_id,
                "recipe_name": r.name,
                "batch_cost": cost_to_string(estimate.batch_cost[r.recipe_id]),
            }
            for r in recipes
        ],
        "finished_goods": [
            {
                "finished_good_id": g.finished_good_id,
                "finished_good_name": g.name,
                "quantity_needed": g.needed,
                "unit_cost": cost_to_string(estimate.good_cost[g.finished_good_id]),
                "total_cost": cost_to_string(estimate.good_cost[g.finished_good_id] * g.needed),
            }
            for g in goods
        ],
        "packages": [
            {
                "package_id": package_id,
                "package_name": demand.package_names.get(package_id, ""),
                "cost": cost_to_string(cost),
            }
            for package_id, cost in sorted(
                estimate.package_cost.items(),
                key=lambda kv: (demand.package_names.get(kv[0], "").lower(), kv[0]),
            )
        ],
        "missing_prices": estimate.missing_prices,
    }
    if with_assignments:
        dto["assignments"] = [
            {
                "assignment_id": row.assignment_id,
                "recipient_id": row.recipient_id,
                "package_id": row.package_id,
                "quantity": row.quantity,
                "cost": cost_to_string(estimate.assignment_cost[row.assignment_id]),
            }
            for row in demand.assignments
        ]
    return dto


def get_event_total_cost(tx: Tx, event_id: int) -> str:
    """The event's planned cost (every assignment's estimate), as a money string."""
    tx.require()
    return cost_to_string(estimate_event(tx, event_id).total)


def get_event_recipient_count(tx: Tx, event_id: int) -> int:
    """Distinct recipients with at least one assignment at the event."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    return tx.objects(Assignment).filter(event=event).values("recipient_id").distinct().count()


def get_event_package_count(tx: Tx, event_id: int) -> int:
    """Packages to hand out: the sum of the assignments' quantities."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    total = tx.objects(Assignment).filter(event=event).aggregate(total=Sum("quantity"))["total"]
    return int(total or 0)


def get_event_summary(tx: Tx, event_id: int) -> dict[str, Any]:
    """Planned cost, counts and cost per recipient."""
    tx.require()
    return _summary_dto(tx, estimate_event(tx, event_id))


def get_event_cost_overview(
    tx: Tx, event_id: int, *, recipient_page: Any = None, per_page: int = 100
) -> dict[str, Any]:
    """`{summary, estimate}`: both DTOs from one pricing of the event (the summary page).

    With `recipient_page` (a page number), the overview is the page's: `summary` holds the
    totals without `cost_by_recipient`, `recipients` is that page of `{recipient_id,
    recipient_name, cost}` (a `Page`, by name), `estimate` leaves out the per-assignment rows
    and each package row adds `assignment_count` and `quantity` (how many are handed out).
    The work then grows with the page, not with the number of recipients.
    """
    tx.require()
    estimate = estimate_event(tx, event_id)
    if recipient_page is None:
        return {"summary": _summary_dto(tx, estimate), "estimate": _estimate_dto(estimate)}
    demand = estimate.demand
    by_recipient, assignments, quantities = _by_recipient_and_package(estimate)
    summary = {
        "event_id": demand.event.pk,
        "total_cost": cost_to_string(estimate.total),
        "recipient_count": len(by_recipient),
        "package_count": sum(quantities.values()),
        "assignment_count": len(demand.assignments),
        "missing_prices": estimate.missing_prices,
    }
    dto = _estimate_dto(estimate, with_assignments=False)
    for row in dto["packages"]:
        row["assignment_count"] = assignments.get(row["package_id"], 0)
        row["quantity"] = quantities.get(row["package_id"], 0)
    return {
        "summary": summary,
        "estimate": dto,
        "recipients": _recipient_cost_page(
            tx, demand.event, by_recipient, recipient_page, per_page
        ),
    }


def _by_recipient_and_package(
    estimate: Estimate,
) -> tuple[dict[int, Decimal], dict[int, int], dict[int, int]]:
    """Cost per recipient, and assignments and packages handed out per package."""
    by_recipient: dict[int, Decimal] = defaultdict(Decimal)
    assignments: dict[int, int] = defaultdict(int)
    quantities: dict[int, int] = defaultdict(int)
    for row in estimate.demand.assignments:
        by_recipient[row.recipient_id] += estimate.assignment_cost[row.assignment_id]
        assignments[row.package_id] += 1
        quantities[row.package_id] += row.quantity
    return by_recipient, assignments, quantities


def _recipient_cost_page(
    tx: Tx, event: Event, by_recipient: dict[int, Decimal], number: Any, per_page: int
) -> Page:
    """One page of the event's recipients by name (the names of that page only are read)."""
    names = (
        tx.objects(Recipient)
        .filter(assignments__event=event)
        .distinct()
        .order_by(Lower("name"), "name", "pk")
        .values_list("pk", "name")
    )
    page = Paginator(names, per_page).get_page(number)
    rows: list[Any] = [
        {
            "recipient_id": pk,
            "recipient_name": name,
            "cost": cost_to_string(by_recipient.get(pk, Decimal(0))),
        }
        for pk, name in page.object_list
    ]
    page.object_list = rows
    return page


def _summary_dto(tx: Tx, estimate: Estimate) -> dict[str, Any]:
    demand = estimate.demand
    by_recipient: dict[int, Decimal] = defaultdict(Decimal)
    for row in demand.assignments:
        by_recipient[row.recipient_id] += estimate.assignment_cost[row.assignment_id]
    # The recipients of the event's assignments, read through the event rather than by a
    # list of ids: the same rows, without sending hundreds of ids back to the database.
    names = (
        dict(
            tx.objects(Recipient)
            .filter(assignments__event_id=demand.event.pk)
            .distinct()
            .values_list("pk", "name")
        )
        if by_recipient
        else {}
    )
    recipients = sorted(by_recipient, key=lambda r: (names.get(r, "").lower(), r))
    return {
        "event_id": demand.event.pk,
        "total_cost": cost_to_string(estimate.total),
        "recipient_count": len(by_recipient),
        "package_count": sum(row.quantity for row in demand.assignments),
        "assignment_count": len(demand.assignments),
        "cost_by_recipient": [
            {
                "recipient_id": recipient_id,
                "recipient_name": names.get(recipient_id, ""),
                "cost": cost_to_string(by_recipient[recipient_id]),
            }
            for recipient_id in recipients
        ],
        "missing_prices": estimate.missing_prices,
    }


def get_event_packing_list(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """One row per assignment, by recipient: who gets which package, how many, what is in it."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    assignments = list(
        tx.objects(Assignment)
        .filter(event=event)
        .select_related("recipient", "package")
        .order_by("recipient__name", "recipient_id", "package__name", "id")
    )
    contents: dict[int, list[dict[str, Any]]] = defaultdict(list)
    package_ids = {a.package_id for a in assignments}
    if package_ids:
        for item in (
            tx.objects(PackageItem)
            .filter(package_id__in=package_ids)
            .select_related("finished_good")
            .order_by("finished_good__name", "id")
        ):
            contents[item.package_id].append(
                {
                    "finished_good_id": item.finished_good_id,
                    "finished_good_name": item.finished_good.name,
                    "quantity": item.quantity,
                }
            )
    return [
        {
            "assignment_id": a.pk,
            "recipient_id": a.recipient_id,
            "recipient_name": a.recipient.name,
            "household_name": a.recipient.household_name,
            "address": a.recipient.address,
            "package_id": a.package_id,
            "package_name": a.package.name,
            "quantity": a.quantity,
            "fulfillment_status": a.fulfillment_status,
            "notes": a.notes,
            "contents": list(contents.get(a.package_id, [])),
        }
        for a in assignments
    ]
