"""What an event's baking actually cost, and whether its packages can be packed now.

See docs/design.md, "Estimated and actual costs".

The cost analysis answers "are we over or under?" fairly: what was made so far is compared
with the estimate of the same batches and gift boxes, not with the whole plan, and the
projected total is the actual cost so far plus the estimate of what is left to make.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from bakeplanner.money import cost_to_string, percent, to_decimal
from bakeplanner.tx import Tx
from events.models import Assignment, Event, PackageItem
from events.services.demand import explode_recipes, extend_recipe_graph, load_recipe_graph
from events.services.progress import overall_of, progress_for
from events.services.reports import Estimate, estimate_event
from production.models import AssemblyRun, Ingredient, ProductionRun, Recipe
from production.services.costing import (
    PricedNeed,
    extend_price_book,
    load_price_book,
    price_with_book,
)
from production.services.lookup import get_owned, household_runs

__all__ = [
    "can_assemble_package",
    "get_dashboard_summary",
    "get_event_cost_analysis",
    "get_production_total",
    "get_recipe_cost_breakdown",
]


def get_production_total(tx: Tx, event_id: int, recipe_id: int) -> dict[str, Any]:
    """Batches of a recipe produced for an event (non-reversed runs) and their cost."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    recipe = get_owned(tx, Recipe, recipe_id)
    totals = (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=event, recipe=recipe)
        .aggregate(batches=Sum("num_batches"), cost=Sum("total_ingredient_cost"))
    )
    return {
        "batches_produced": int(totals["batches"] or 0),
        "total_ingredient_cost": cost_to_string(totals["cost"]),
    }


def can_assemble_package(tx: Tx, assignment_id: int) -> dict[str, Any]:
    """Whether the assignment's packages can be packed from finished-good stock now."""
    tx.require()
    assignment = get_owned(tx, Assignment, assignment_id)
    missing = []
    items = (
        tx.objects(PackageItem)
        .filter(package_id=assignment.package_id)
        .select_related("finished_good")
        .order_by("finished_good__name", "id")
    )
    for item in items:
        needed = item.quantity * assignment.quantity
        available = item.finished_good.inventory_count
        if available < needed:
            missing.append(
                {
                    "finished_good_id": item.finished_good_id,
                    "finished_good_name": item.finished_good.name,
                    "needed": needed,
                    "available": available,
                }
            )
    return {"assignment_id": assignment.pk, "can_assemble": not missing, "missing": missing}


def get_event_cost_analysis(tx: Tx, event_id: int) -> dict[str, Any]:
    """Actual cost of the event's runs against its estimate, and what it should come to.

    The grand total is ingredients plus packaging actually consumed for the event; an
    assembly's component cost is production cost moving on, so it is reported, never added.
    `variance` is the whole plan's estimate less the actual cost so far.

    Beside them: what was made so far at estimate (`made_estimate`) against its actual cost
    (`made_actual`), `over_under` = actual − estimate with its word ("over", "under",
    "on estimate"), the estimate of what remains (`left_estimate`), `projected_total` =
    actual + remaining estimate, the same per recipe (`recipe_costs`) and per gift box
    (`gift_box_costs`), ingredients with no price (`missing_prices`), and the household's
    live runs that have no event (`runs_without_event`). A constant number of queries.
    """
    tx.require()
    event = get_owned(tx, Event, event_id)
    production = list(
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=event)
        .values("recipe_id", "recipe__name")
        .annotate(
            run_count=Count("id"), batches=Sum("num_batches"), total=Sum("total_ingredient_cost")
        )
        .order_by("recipe__name", "recipe_id")
    )
    assembly = list(
        household_runs(tx, AssemblyRun)
        .not_reversed()
        .filter(event=event)
        .values("finished_good_id", "finished_good__name")
        .annotate(
            run_count=Count("id"),
            quantity=Sum("quantity"),
            packaging=Sum("packaging_cost"),
            components=Sum("component_cost"),
        )
        .order_by("finished_good__name", "finished_good_id")
    )
    ingredients = sum((to_decimal(row["total"]) for row in production), Decimal(0))
    packaging = sum((to_decimal(row["packaging"]) for row in assembly), Decimal(0))
    grand_total = ingredients + packaging
    plan_estimate = estimate_event(tx, event.pk)
    estimate = plan_estimate.total
    progress = _made_and_left(tx, plan_estimate, production, assembly)
    return {
        "event_id": event.pk,
        "production_costs": [
            {
                "recipe_id": row["recipe_id"],
                "recipe_name": row["recipe__name"],
                "run_count": row["run_count"],
                "total_cost": cost_to_string(row["total"]),
            }
            for row in production
        ],
        "assembly_costs": [
            {
                "finished_good_id": row["finished_good_id"],
                "finished_good_name": row["finished_good__name"],
                "run_count": row["run_count"],
                "packaging_cost": cost_to_string(row["packaging"]),
                "component_cost": cost_to_string(row["components"]),
            }
            for row in assembly
        ],
        "total_ingredient_cost": cost_to_string(ingredients),
        "total_packaging_cost": cost_to_string(packaging),
        "grand_total": cost_to_string(grand_total),
        "estimated_cost": cost_to_string(estimate),
        "variance": cost_to_string(estimate - grand_total),
        **progress,
        "runs_without_event": _runs_without_event(tx),
    }


# Runs with no event are listed on the cost page so a forgotten event can be set; a short
# list is enough to spot them, the count says how many more there are.
RUNS_WITHOUT_EVENT_SHOWN = 20


@dataclass
class _Line:
    """A recipe or gift box of the event: made so far, left in the plan, one at estimate.

    `each` is one batch of the recipe, or the packaging of one gift box: the baked items
    inside a box are costed when they are baked, so a box adds only its packaging.
    """

    item_id: int
    name: str
    made: int = 0
    actual: Decimal = Decimal(0)
    plan: int = 0
    target_set: bool = False
    left: int = 0
    each: Decimal = Decimal(0)

    @property
    def made_estimate(self) -> Decimal:
        return self.each * self.made

    @property
    def left_estimate(self) -> Decimal:
        return self.each * self.left

    @property
    def projected(self) -> Decimal:
        return self.actual + self.left_estimate

    def money(self) -> dict[str, Any]:
        difference, word = over_or_under(self.actual, self.made_estimate)
        return {
            "each_estimate": cost_to_string(self.each),
            "made_estimate": cost_to_string(self.made_estimate),
            "made_actual": cost_to_string(self.actual),
            "over_under": difference,
            "over_under_word": word,
            "left_estimate": cost_to_string(self.left_estimate),
            "projected": cost_to_string(self.projected),
        }


def over_or_under(actual: Decimal, estimate: Decimal) -> tuple[str, str]:
    """Actual − estimate to the cent, and "over", "under" or "on estimate"."""
    difference = cost_to_string(actual - estimate)
    amount = Decimal(difference)
    word = "over" if amount > 0 else "under" if amount < 0 else "on estimate"
    return difference, word


def _packaging_estimate(estimate: Estimate, good_id: int) -> Decimal | None:
    """One gift box's packaging as the event's estimate priced it (None if it did not).

    The estimate prices a box whole (baked items, nested boxes, packaging); taking the
    contents back out leaves the packaging at the very prices the estimate used.
    """
    whole = estimate.good_cost.get(good_id)
    if whole is None:
        return None
    demand = estimate.demand
    inside = sum(
        (
            estimate.unit_cost.get(unit, Decimal(0)) * n
            for unit, n in demand.good_units.get(good_id, [])
        ),
        Decimal(0),
    ) + sum(
        (
            estimate.good_cost.get(nested, Decimal(0)) * n
            for nested, n in demand.good_nested.get(good_id, [])
        ),
        Decimal(0),
    )
    return whole - inside


def _price_outside_plan(
    tx: Tx, estimate: Estimate, recipes: list[_Line], goods: list[_Line]
) -> set[str]:
    """Set `each` for recipes and boxes the plan's estimate did not price; return unpriced names.

    A recipe baked for the event (or given a target) that no package needs, or a box packed
    beyond the packages, still gets an estimate at current prices, priced for the batches or
    boxes it concerns, in the same way as the plan: a constant number of queries. The recipe
    trees and prices the estimate read are extended, not read again.
    """
    demand = estimate.demand
    per_batch: dict[int, dict[int, Decimal]] = {}
    ingredients: dict[int, Ingredient] = {}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    if recipes:
        roots = {line.item_id: line.name for line in recipes}
        graph = estimate.graph
        if graph is None:
            graph = load_recipe_graph(tx, roots)
        else:
            extend_recipe_graph(tx, graph, roots)
        for line in recipes:
            exploded = explode_recipes(graph, {line.item_id: Decimal(1)})
            per_batch[line.item_id] = {i: need.quantity for i, need in exploded.items()}
            for ingredient_id, need in exploded.items():
                ingredients[ingredient_id] = need.ingredient
                totals[ingredient_id] += need.quantity * max(1, line.made + line.left)
    for line in goods:
        for use in demand.good_packaging.get(line.item_id, []):
            ingredients[use.ingredient.pk] = use.ingredient
            totals[use.ingredient.pk] += use.per_unit * max(1, line.made + line.left)
    needs = {i: q for i, q in totals.items() if q > 0}
    priced: dict[int, PricedNeed] = {}
    if needs:
        book = estimate.book
        if book is None:
            book = load_price_book(tx, needs)
        else:
            extend_price_book(tx, book, needs)
        priced = price_with_book(book, needs)
    unit_price = {i: need.cost / totals[i] for i, need in priced.items()}
    for line in recipes:
        line.each = sum(
            (q * unit_price.get(i, Decimal(0)) for i, q in per_batch[line.item_id].items()),
            Decimal(0),
        )
    for line in goods:
        line.each = sum(
            (
                unit_price.get(use.ingredient.pk, Decimal(0)) * use.per_unit
                for use in demand.good_packaging.get(line.item_id, [])
            ),
            Decimal(0),
        )
    return {ingredients[i].name for i, need in priced.items() if need.price_missing}


def _made_and_left(
    tx: Tx,
    estimate: Estimate,
    production: Sequence[Mapping[str, Any]],
    assembly: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Made so far (estimate and actual), left to make (estimate) and the projected total.

    The plan per recipe or box is its target where set, else what the packages need; what is
    left is the plan less what was made for the event.
    """
    demand = estimate.demand
    recipes = {
        plan.recipe_id: _Line(
            plan.recipe_id,
            plan.name,
            plan=plan.plan,
            target_set=plan.target is not None,
            left=plan.remaining,
        )
        for plan in demand.recipes.values()
    }
    for row in production:
        line = recipes.setdefault(row["recipe_id"], _Line(row["recipe_id"], row["recipe__name"]))
        line.made = int(row["batches"] or 0)
        line.actual = to_decimal(row["total"])
    goods = {
        good.finished_good_id: _Line(
            good.finished_good_id,
            good.name,
            plan=good.plan,
            target_set=good.target is not None,
            left=good.remaining,
        )
        for good in demand.goods.values()
    }
    for row in assembly:
        line = goods.setdefault(
            row["finished_good_id"], _Line(row["finished_good_id"], row["finished_good__name"])
        )
        line.made = int(row["quantity"] or 0)
        line.actual = to_decimal(row["packaging"])

    def shown(lines: dict[int, _Line]) -> list[_Line]:
        kept = [line for line in lines.values() if line.made or line.left or line.actual]
        return sorted(kept, key=lambda line: (line.name.lower(), line.item_id))

    recipe_lines, good_lines = shown(recipes), shown(goods)
    unpriced_recipes = []
    for line in recipe_lines:
        if line.item_id in estimate.batch_cost:
            line.each = estimate.batch_cost[line.item_id]
        else:
            unpriced_recipes.append(line)
    unpriced_goods = []
    for line in good_lines:
        packaging = _packaging_estimate(estimate, line.item_id)
        if packaging is None:
            unpriced_goods.append(line)
        else:
            line.each = packaging
    missing = set(estimate.missing_prices)
    if unpriced_recipes or unpriced_goods:
        missing |= _price_outside_plan(tx, estimate, unpriced_recipes, unpriced_goods)

    lines = recipe_lines + good_lines
    made_estimate = sum((line.made_estimate for line in lines), Decimal(0))
    made_actual = sum((line.actual for line in lines), Decimal(0))
    left_estimate = sum((line.left_estimate for line in lines), Decimal(0))
    difference, word = over_or_under(made_actual, made_estimate)
    return {
        "anything_made": any(line.made for line in lines),
        "made_estimate": cost_to_string(made_estimate),
        "made_actual": cost_to_string(made_actual),
        "over_under": difference,
        "over_under_word": word,
        "left_estimate": cost_to_string(left_estimate),
        "projected_total": cost_to_string(made_actual + left_estimate),
        "missing_prices": sorted(missing, key=str.lower),
        "recipe_costs": [
            {
                "recipe_id": line.item_id,
                "recipe_name": line.name,
                "batches_made": line.made,
                "batches_left": line.left,
                "plan_batches": line.plan,
                "target_set": line.target_set,
                **line.money(),
            }
            for line in recipe_lines
        ],
        "gift_box_costs": [
            {
                "finished_good_id": line.item_id,
                "finished_good_name": line.name,
                "packed": line.made,
                "left": line.left,
                "plan": line.plan,
                "target_set": line.target_set,
                **line.money(),
            }
            for line in good_lines
        ],
    }


def _runs_without_event(tx: Tx) -> dict[str, Any]:
    """The household's live runs with no event: count, actual cost, the most recent ones."""
    baking = household_runs(tx, ProductionRun).not_reversed().filter(event__isnull=True)
    packing = household_runs(tx, AssemblyRun).not_reversed().filter(event__isnull=True)
    baked = baking.aggregate(count=Count("id"), cost=Sum("total_ingredient_cost"))
    packed = packing.aggregate(count=Count("id"), cost=Sum("packaging_cost"))
    recent: list[tuple[Any, int, dict[str, Any]]] = []
    # The most recent runs are read only when there are some (usually none).
    shown = RUNS_WITHOUT_EVENT_SHOWN if baked["count"] else 0
    for run in baking.select_related("recipe").order_by("-produced_at", "-id")[:shown]:
        recent.append(
            (
                run.produced_at,
                run.pk,
                {
                    "kind": "baking",
                    "run_id": run.pk,
                    "name": run.recipe.name,
                    "date": timezone.localdate(run.produced_at).isoformat(),
                    "quantity": run.num_batches,
                    "cost": cost_to_string(run.total_ingredient_cost),
                },
            )
        )
    shown = RUNS_WITHOUT_EVENT_SHOWN if packed["count"] else 0
    for packing_run in packing.select_related("finished_good").order_by("-assembled_at", "-id")[
        :shown
    ]:
        recent.append(
            (
                packing_run.assembled_at,
                packing_run.pk,
                {
                    "kind": "packing",
                    "run_id": packing_run.pk,
                    "name": packing_run.finished_good.name,
                    "date": timezone.localdate(packing_run.assembled_at).isoformat(),
                    "quantity": packing_run.quantity,
                    "cost": cost_to_string(packing_run.packaging_cost),
                },
            )
        )
    recent.sort(key=lambda item: (item[0], item[1]), reverse=True)
    count = int(baked["count"]) + int(packed["count"])
    runs = [row for _, _, row in recent[:RUNS_WITHOUT_EVENT_SHOWN]]
    return {
        "count": count,
        "baking_count": int(baked["count"]),
        "packing_count": int(packed["count"]),
        "actual_cost": cost_to_string(to_decimal(baked["cost"]) + to_decimal(packed["cost"])),
        "runs": runs,
        "not_shown": count - len(runs),
    }


def _actual_costs_by_event(tx: Tx, event_ids: list[int]) -> dict[int, Decimal]:
    """Ingredients plus packaging actually consumed per event (non-reversed runs)."""
    totals: dict[int, Decimal] = dict.fromkeys(event_ids, Decimal(0))
    for row in (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event_id__in=event_ids)
        .values("event_id")
        .annotate(total=Sum("total_ingredient_cost"))
    ):
        totals[row["event_id"]] += to_decimal(row["total"])
    for row in (
        household_runs(tx, AssemblyRun)
        .not_reversed()
        .filter(event_id__in=event_ids)
        .values("event_id")
        .annotate(total=Sum("packaging_cost"))
    ):
        totals[row["event_id"]] += to_decimal(row["total"])
    return totals


def get_dashboard_summary(tx: Tx) -> list[dict[str, Any]]:
    """Per event with assignments (soonest first): progress, packages by status, costs.

    Progress and actual costs are read for all events at once; the estimate is priced per
    event, so this costs a few queries per event (the dashboard page does not use it).
    """
    tx.require()
    events = list(
        tx.objects(Event)
        .filter(assignments__isnull=False)
        .distinct()
        .order_by("event_date", "name", "id")
    )
    ids = [event.pk for event in events]
    progress = progress_for(tx, ids)
    actual = _actual_costs_by_event(tx, ids)
    rows = []
    for event in events:
        overall = overall_of(progress[event.pk])
        estimated = estimate_event(tx, event.pk).total
        rows.append(
            {
                "event_id": event.pk,
                "event_name": event.name,
                "event_date": event.event_date.isoformat(),
                "progress": overall,
                "packages_by_status": {
                    "pending": overall["packages_pending"],
                    "ready": overall["packages_ready"],
                    "delivered": overall["packages_delivered"],
                },
                "actual_cost": cost_to_string(actual[event.pk]),
                "estimated_cost": cost_to_string(estimated),
            }
        )
    return rows


def _variance_pct(estimated: Decimal, actual: Decimal) -> float:
    if estimated == 0:
        return 0.0 if actual == 0 else 100.0
    return percent(estimated - actual, estimated)


def get_recipe_cost_breakdown(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Per recipe: batches needed and produced, estimated and actual cost, variance."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    estimate = estimate_event(tx, event.pk)
    actual_by_recipe = {
        row["recipe_id"]: to_decimal(row["total"])
        for row in household_runs(tx, ProductionRun)
        .not_reversed()
        .filter(event=event)
        .values("recipe_id")
        .annotate(total=Sum("total_ingredient_cost"))
    }
    rows = []
    plans = sorted(estimate.demand.recipes.values(), key=lambda r: (r.name.lower(), r.recipe_id))
    for plan in plans:
        estimated = estimate.batch_cost.get(plan.recipe_id, Decimal(0)) * plan.batches_needed
        actual = actual_by_recipe.get(plan.recipe_id, Decimal(0))
        rows.append(
            {
                "recipe_id": plan.recipe_id,
                "recipe_name": plan.name,
                "batches_needed": plan.batches_needed,
                "batches_produced": plan.produced,
                "estimated_cost": cost_to_string(estimated),
                "actual_cost": cost_to_string(actual),
                "variance": cost_to_string(estimated - actual),
                "variance_pct": _variance_pct(estimated, actual),
            }
        )
    return rows
