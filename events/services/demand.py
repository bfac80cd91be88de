"""The demand engine: one computation of what an event needs (docs/design.md, "Demand engine").

Assignments → finished goods (nested goods included) → finished units → batches (ceil) →
the plan per recipe (target where set, else need) → remaining batches (plan − produced for
the event) → ingredients through the whole sub-recipe tree in base units. Packaging comes
through goods still to assemble. Recipe needs, suggested targets, the shopping list,
packaging needs and estimates all read this one engine.

Every loader reads in bulk, so a report costs the same number of queries whatever the size
of the event: one per table. Rows are read as plain values where only a few columns are used,
and each ingredient is built once per read: at a few thousand rows a page, building model
instances cost far more than the queries themselves (docs/performance.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from bakeplanner.errors import ValidationFailed
from bakeplanner.tx import Tx
from events.models import Event
from events.services import demand_reads as reads
from production.models import (
    FinishedGoodComponent,
    Ingredient,
    RecipeComponent,
    RecipeIngredient,
)
from production.services.lookup import get_owned
from production.services.recipe_tree import (
    MAX_DEPTH,
    ConversionPlan,
    IngredientCache,
    conversion_plan,
    ingredient_columns,
    to_base_with,
)

# The engine itself is no service: events/services/planning.py and the reports read it.
__all__: list[str] = []

# Goods nest inside goods; the catalogue refuses cycles, this bound only stops a loop if a
# cycle ever slipped into the data.
MAX_GOOD_NESTING = 20


# --- What the engine computes -------------------------------------------------------------


@dataclass
class GoodDemand:
    """One finished good: how many the event's packages need (nested ones included)."""

    finished_good_id: int
    name: str
    needed: int = 0
    target: int | None = None
    target_notes: str = ""
    assembled: int = 0
    packages: set[str] = field(default_factory=set)

    @property
    def plan(self) -> int:
        return self.target if self.target is not None else self.needed

    @property
    def remaining(self) -> int:
        return max(0, self.plan - self.assembled)


@dataclass
class UnitDemand:
    """One finished unit: items needed by the goods, and whole batches to bake them."""

    finished_unit_id: int
    name: str
    recipe_id: int
    recipe_name: str
    items_per_batch: int
    units_needed: int = 0

    @property
    def batches_needed(self) -> int:
        return ceil_div(self.units_needed, self.items_per_batch)


@dataclass
class RecipePlan:
    """One recipe: batches the needs call for, its target, what was baked for the event."""

    recipe_id: int
    name: str
    batches_needed: int = 0
    target: int | None = None
    target_notes: str = ""
    produced: int = 0

    @property
    def plan(self) -> int:
        return self.target if self.target is not None else self.batches_needed

    @property
    def remaining(self) -> int:
        return max(0, self.plan - self.produced)


@dataclass
class PackagingUse:
    """A packaging component of a good: `per_unit` of the ingredient's base unit per good."""

    ingredient: Ingredient
    finished_good_id: int
    per_unit: Decimal


@dataclass
class IngredientDemand:
    """An ingredient summed over recipe trees, in its base unit."""

    ingredient: Ingredient
    quantity: Decimal = Decimal(0)
    recipes: set[str] = field(default_factory=set)


@dataclass
class AssignmentRow:
    assignment_id: int
    recipient_id: int
    package_id: int
    quantity: int


@dataclass
class Demand:
    """Everything the engine knows about one event after loading it in bulk."""

    event: Event
    assignments: list[AssignmentRow]
    package_names: dict[int, str]
    package_goods: dict[int, list[tuple[int, int]]]  # package → [(good, quantity)]
    goods: dict[int, GoodDemand]
    units: dict[int, UnitDemand]
    recipes: dict[int, RecipePlan]
    # Direct contents of every good the household has: (finished unit, quantity),
    # (nested good, quantity) and packaging uses.
    good_units: dict[int, list[tuple[int, int]]]
    good_nested: dict[int, list[tuple[int, int]]]
    good_packaging: dict[int, list[PackagingUse]]
    unit_info: dict[int, UnitDemand]  # every finished unit met in a component
    package_counts: dict[int, int] = field(default_factory=dict)  # package → packages assigned
    # Fulfilment status → (assignments, packages), read with the package counts by
    # `load_demands` (empty from `load_demand`, which reads the assignments themselves).
    fulfilment: dict[str, tuple[int, int]] = field(default_factory=dict)


def ceil_div(numerator: int, denominator: int) -> int:
    """Whole batches (or packages) for an integer quantity: never truncates a fraction."""
    if numerator <= 0:
        return 0
    return -(-numerator // denominator)


def whole_packages(quantity: Decimal, package_size: Decimal) -> int:
    """ceil(quantity ÷ package size), exactly: Decimal divmod has no rounding error."""
    if quantity <= 0:
        return 0
    whole, rest = divmod(quantity, package_size)
    return int(whole) + (1 if rest > 0 else 0)


# --- Loading ------------------------------------------------------------------------------


def load_demand(tx: Tx, event_id: Any) -> Demand:
    """Load an event's assignments, packages, goods, targets and runs in bulk and explode them.

    Eight queries (seven when the event has no assignments), whatever the data size.
    """
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    return _load(tx, [event], assignment_rows=True, with_packaging=True)[event.pk]


def load_demands(tx: Tx, events: list[Event]) -> dict[int, Demand]:
    """The demand of several events at once, for pages that show many (the dashboard).

    Seven queries whatever the number of events or their size. Assignments are read as
    package counts and fulfilment counts only, so `Demand.assignments` stays empty, and
    packaging is not read (`good_packaging` stays empty): use `load_demand` where either is
    needed.
    """
    tx.require()
    return _load(tx, events, assignment_rows=False, with_packaging=False)


@dataclass
class _Parts:
    """The direct contents of every good, as `_load` collects them."""

    units: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    nested: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    packaging: dict[int, list[PackagingUse]] = field(default_factory=lambda: defaultdict(list))
    unit_info: dict[int, UnitDemand] = field(default_factory=dict)
    nested_names: dict[int, str] = field(default_factory=dict)


def _add_component(
    good_id: int,
    kind: str,
    quantity: Decimal,
    unit: tuple[Any, ...] | None,
    nested: tuple[Any, ...] | None,
    packaging: Ingredient | None,
    parts: _Parts,
) -> None:
    if kind == FinishedGoodComponent.FINISHED_UNIT and unit:
        unit_id, name, per_batch, recipe_id, recipe_name = unit
        parts.units[good_id].append((unit_id, int(quantity)))
        if unit_id not in parts.unit_info:
            parts.unit_info[unit_id] = UnitDemand(unit_id, name, recipe_id, recipe_name, per_batch)
    elif kind == FinishedGoodComponent.FINISHED_GOOD and nested:
        nested_id, nested_name = nested
        parts.nested[good_id].append((nested_id, int(quantity)))
        parts.nested_names.setdefault(nested_id, nested_name)
    elif kind == FinishedGoodComponent.PACKAGING and packaging:
        parts.packaging[good_id].append(PackagingUse(packaging, good_id, quantity))


def _load(
    tx: Tx, events: list[Event], *, assignment_rows: bool, with_packaging: bool
) -> dict[int, Demand]:
    event_ids = [event.pk for event in events]
    if not event_ids:
        return {}
    assignments: dict[int, list[AssignmentRow]] = defaultdict(list)
    package_counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    fulfilment: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    if assignment_rows:
        for pk, event_pk, recipient_id, package_id, quantity in reads.assignment_rows(
            tx, event_ids
        ):
            assignments[event_pk].append(AssignmentRow(pk, recipient_id, package_id, quantity))
            package_counts[event_pk][package_id] += quantity
    else:
        # Package counts and fulfilment counts from one read of the covering index.
        for event_pk, package_id, status, rows, quantity in reads.assignment_rollup(tx, event_ids):
            package_counts[event_pk][package_id] += int(quantity or 0)
            tally = fulfilment[event_pk].get(status, (0, 0))
            fulfilment[event_pk][status] = (tally[0] + rows, tally[1] + int(quantity or 0))
    package_ids = {pid for counts in package_counts.values() for pid in counts}
    package_names: dict[int, str] = {}
    package_goods: dict[int, list[tuple[int, int]]] = defaultdict(list)
    good_names: dict[int, str] = {}
    if package_ids:
        # The household's whole catalogue of package contents, like the goods' components
        # below (a few rows per package), kept for the packages the events use: cheaper than
        # a list of hundreds of ids to send and check.
        for package_id, package_name, good_id, good_name, quantity in reads.package_contents(tx):
            if package_id in package_ids:
                package_names[package_id] = package_name
                package_goods[package_id].append((good_id, quantity))
                good_names[good_id] = good_name

    # Every component of every good of the household in one query, as plain values: goods
    # nest to any depth, and one bulk read beats a query per level. The pages that show many
    # events need no packaging, so their read leaves the packaging rows out.
    parts = _Parts()
    components = tx.objects(FinishedGoodComponent).order_by("id")
    columns = [
        "finished_good_id",
        "component_type",
        "quantity",
        "finished_unit_id",
        "finished_unit__name",
        "finished_unit__items_per_batch",
        "finished_unit__recipe_id",
        "finished_unit__recipe__name",
        "nested_good_id",
        "nested_good__name",
    ]
    if with_packaging:
        cache = IngredientCache(tx.using)
        for row in components.values_list(*columns, *ingredient_columns("packaging")):
            _add_component(
                row[0],
                row[1],
                row[2],
                row[3:8] if row[3] else None,
                row[8:10] if row[8] else None,
                cache.get(row[10:]) if row[10] else None,
                parts,
            )
    else:
        for row in components.exclude(component_type=FinishedGoodComponent.PACKAGING).values_list(
            *columns
        ):
            _add_component(
                row[0],
                row[1],
                row[2],
                row[3:8] if row[3] else None,
                row[8:10] if row[8] else None,
                None,
                parts,
            )
    good_units, good_nested, good_packaging, unit_info = (
        parts.units,
        parts.nested,
        parts.packaging,
        parts.unit_info,
    )
    good_names.update(parts.nested_names)

    production_targets = reads.production_targets(tx, event_ids)
    assembly_targets = reads.assembly_targets(tx, event_ids)
    produced: dict[tuple[int, int], int] = {
        (event_pk, recipe_id): int(batches or 0)
        for event_pk, recipe_id, batches in reads.batches_baked(tx, event_ids)
    }
    assembled: dict[tuple[int, int], int] = {
        (event_pk, good_id): int(total or 0)
        for event_pk, good_id, total in reads.boxes_packed(tx, event_ids)
    }

    result: dict[int, Demand] = {}
    expander = _Expander(good_nested, good_names)
    for event in events:
        demand = result[event.pk] = Demand(
            event=event,
            assignments=assignments.get(event.pk, []),
            package_names=package_names,
            package_goods=dict(package_goods),
            goods={},
            units={},
            recipes={},
            good_units=dict(good_units),
            good_nested=dict(good_nested),
            good_packaging=dict(good_packaging),
            unit_info=unit_info,
            package_counts=dict(package_counts.get(event.pk, {})),
            fulfilment=dict(fulfilment.get(event.pk, {})),
        )
        _explode(demand, good_names, expander)
    for event_pk, good_id, good_name, quantity, notes in assembly_targets:
        demand = result[event_pk]
        good = demand.goods.get(good_id)
        if good is None:
            good = demand.goods[good_id] = GoodDemand(good_id, good_name)
        good.target = quantity
        good.target_notes = notes
    for (event_pk, good_id), total in assembled.items():
        if good_id in result[event_pk].goods:
            result[event_pk].goods[good_id].assembled = total
    for event_pk, recipe_id, recipe_name, batches, notes in production_targets:
        demand = result[event_pk]
        recipe = demand.recipes.get(recipe_id)
        if recipe is None:
            recipe = demand.recipes[recipe_id] = RecipePlan(recipe_id, recipe_name)
        recipe.target = batches
        recipe.target_notes = notes
    for (event_pk, recipe_id), batches in produced.items():
        if recipe_id in result[event_pk].recipes:
            result[event_pk].recipes[recipe_id].produced = batches
    return result


class _Expander:
    """What one package holds, good by good, through nested goods (integers).

    The contents of goods and packages are the household's, the same for every event, so a
    read of many events works each package out once.
    """

    def __init__(
        self, good_nested: dict[int, list[tuple[int, int]]], good_names: dict[int, str]
    ) -> None:
        self.good_nested = good_nested
        self.good_names = good_names
        self.reach_cache: dict[int, dict[int, int]] = {}
        self.package_cache: dict[int, dict[int, int]] = {}

    def reach(self, good_id: int, depth: int) -> dict[int, int]:
        """How many of each good one `good_id` contains, itself included."""
        cached = self.reach_cache.get(good_id)
        if cached is not None:
            return cached
        if depth > MAX_GOOD_NESTING:
            raise ValidationFailed(
                f"Finished good {self.good_names.get(good_id, good_id)} contains itself."
            )
        counts: dict[int, int] = {good_id: 1}
        for nested_id, quantity in self.good_nested.get(good_id, []):
            for inner_id, inner_count in self.reach(nested_id, depth + 1).items():
                counts[inner_id] = counts.get(inner_id, 0) + quantity * inner_count
        self.reach_cache[good_id] = counts
        return counts

    def package(self, package_id: int, items: list[tuple[int, int]]) -> dict[int, int]:
        """Goods per package, in the order they are first met."""
        totals = self.package_cache.get(package_id)
        if totals is None:
            totals = {}
            for top_id, per_package in items:
                for good_id, per_top in self.reach(top_id, 1).items():
                    totals[good_id] = totals.get(good_id, 0) + per_package * per_top
            self.package_cache[package_id] = totals
        return totals


def _explode(demand: Demand, good_names: dict[int, str], expander: _Expander) -> None:
    """Goods from packages, through nested goods (integers), to finished units and batches."""
    goods = demand.goods
    for package_id, count in demand.package_counts.items():
        package_name = demand.package_names.get(package_id)
        contents = expander.package(package_id, demand.package_goods.get(package_id, []))
        for good_id, per_package in contents.items():
            good = goods.get(good_id)
            if good is None:
                good = goods[good_id] = GoodDemand(good_id, good_names[good_id])
            good.needed += count * per_package
            if package_name is not None:
                good.packages.add(package_name)

    for good in demand.goods.values():
        if good.needed <= 0:
            continue
        for unit_id, per_good in demand.good_units.get(good.finished_good_id, []):
            unit = demand.units.get(unit_id)
            if unit is None:
                info = demand.unit_info[unit_id]
                unit = demand.units[unit_id] = UnitDemand(
                    info.finished_unit_id,
                    info.name,
                    info.recipe_id,
                    info.recipe_name,
                    info.items_per_batch,
                )
            unit.units_needed += good.needed * per_good

    for unit in demand.units.values():
        recipe = demand.recipes.get(unit.recipe_id)
        if recipe is None:
            recipe = demand.recipes[unit.recipe_id] = RecipePlan(unit.recipe_id, unit.recipe_name)
        # Each finished unit is its own bake (48 small or 24 large): batches add per unit.
        recipe.batches_needed += unit.batches_needed


# --- Recipe trees ---------------------------------------------------------------------------


class GraphLine(NamedTuple):
    """One ingredient line of a recipe, with how its unit becomes the ingredient's base unit."""

    ingredient: Ingredient
    quantity: Decimal
    unit: str
    conversion: ConversionPlan | None


@dataclass
class RecipeGraph:
    """Sub-recipe edges and ingredient lines of every recipe reached from some roots."""

    names: dict[int, str]
    children: dict[int, list[tuple[int, Decimal]]]
    lines: dict[int, list[GraphLine]]
    # Every sub-recipe edge of the household (child, child's name, batches), and the recipes
    # whose lines are loaded: `extend_recipe_graph` adds roots with one query at most.
    edges: dict[int, list[tuple[int, str, Decimal]]] = field(default_factory=dict)
    loaded: set[int] = field(default_factory=set)


def load_recipe_graph(tx: Tx, roots: dict[int, str]) -> RecipeGraph:
    """The household's sub-recipe edges in one query and the reached recipes' lines in one."""
    tx.require()
    # Every sub-recipe edge of the household in one query (a recipe has a few, and the
    # household a few per recipe), then walked level by level from the roots.
    edges: dict[int, list[tuple[int, str, Decimal]]] = defaultdict(list)
    for recipe_id, child_id, child_name, batches in (
        tx.objects(RecipeComponent)
        .order_by("id")
        .values_list("recipe_id", "component_recipe_id", "component_recipe__name", "batches")
    ):
        edges[recipe_id].append((child_id, child_name, batches))
    graph = RecipeGraph(names={}, children={}, lines={}, edges=dict(edges))
    extend_recipe_graph(tx, graph, roots)
    return graph


def extend_recipe_graph(tx: Tx, graph: RecipeGraph, roots: dict[int, str]) -> None:
    """Add `roots` and their trees to `graph`: one query for the lines not loaded yet, if any.

    The trees are walked level by level from `roots` exactly as a fresh load would, so a tree
    nested too deep is refused the same way.
    """
    tx.require()
    names = dict(roots)
    children: dict[int, list[tuple[int, Decimal]]] = {}
    frontier = set(roots)
    seen = set(roots)
    depth = 1
    while frontier:
        if depth > MAX_DEPTH + 1:
            raise ValidationFailed("A recipe's sub-recipes are nested more than 3 levels deep.")
        next_frontier: set[int] = set()
        for recipe_id in frontier:
            for child_id, child_name, batches in graph.edges.get(recipe_id, ()):
                children.setdefault(recipe_id, []).append((child_id, batches))
                names.setdefault(child_id, child_name)
                if child_id not in seen:
                    seen.add(child_id)
                    next_frontier.add(child_id)
        frontier = next_frontier
        depth += 1
    for recipe_id, name in names.items():
        graph.names.setdefault(recipe_id, name)
    for recipe_id, edges in children.items():
        graph.children.setdefault(recipe_id, edges)
    missing = seen - graph.loaded
    if not missing:
        return
    graph.loaded |= missing
    cache = IngredientCache(tx.using)
    plans: dict[tuple[str, int], ConversionPlan | None] = {}
    for row in (
        tx.objects(RecipeIngredient)
        # By the key itself: no foreign key check per id (docs/performance.md).
        .filter(recipe__pk__in=missing)
        .order_by("id")
        .values_list("recipe_id", "quantity", "unit", *ingredient_columns("ingredient"))
    ):
        ingredient = cache.get(row[3:])
        unit = row[2]
        key = (unit, ingredient.pk)
        if key not in plans:
            plans[key] = conversion_plan(unit, ingredient)
        graph.lines.setdefault(row[0], []).append(GraphLine(ingredient, row[1], unit, plans[key]))


def explode_recipes(graph: RecipeGraph, roots: dict[int, Decimal]) -> dict[int, IngredientDemand]:
    """Ingredients of `roots` ({recipe: batches}) through their trees, in base units.

    Like `production.services.recipe_tree`: each line's quantity is multiplied by the
    batches along its path, then converted (and rounded to 0.001) once, so the figures match
    what a production run of those batches would draw. `recipes` names the roots.
    """
    needs: dict[int, IngredientDemand] = {}

    def walk(recipe_id: int, multiplier: Decimal, root_name: str, depth: int) -> None:
        if depth > MAX_DEPTH + 1:
            raise ValidationFailed("A recipe's sub-recipes are nested more than 3 levels deep.")
        for ingredient, line_quantity, unit, conversion in graph.lines.get(recipe_id, ()):
            quantity = to_base_with(conversion, line_quantity * multiplier, unit, ingredient)
            need = needs.get(ingredient.pk)
            if need is None:
                need = needs[ingredient.pk] = IngredientDemand(ingredient)
            need.quantity += quantity
            need.recipes.add(root_name)
        for child_id, batches in graph.children.get(recipe_id, ()):
            walk(child_id, multiplier * batches, root_name, depth + 1)

    for recipe_id in sorted(roots):
        multiplier = roots[recipe_id]
        if multiplier > 0:
            walk(recipe_id, multiplier, graph.names.get(recipe_id, str(recipe_id)), 1)
    return needs


def remaining_ingredients(tx: Tx, demand: Demand) -> dict[int, IngredientDemand]:
    """Ingredients of every recipe's remaining batches (step 6 of the demand engine)."""
    tx.require()
    roots = {r.recipe_id: r.name for r in demand.recipes.values() if r.remaining > 0}
    if not roots:
        return {}
    graph = load_recipe_graph(tx, roots)
    return explode_recipes(graph, {rid: Decimal(demand.recipes[rid].remaining) for rid in roots})


@dataclass
class PackagingSource:
    finished_good_id: int
    finished_good_name: str
    per_unit: Decimal
    count: int
    packages: list[str]

    @property
    def total(self) -> Decimal:
        return self.per_unit * self.count


@dataclass
class PackagingDemand:
    ingredient: Ingredient
    sources: list[PackagingSource] = field(default_factory=list)

    @property
    def quantity(self) -> Decimal:
        return sum((s.total for s in self.sources), Decimal(0))


def remaining_packaging(demand: Demand) -> dict[int, PackagingDemand]:
    """Packaging for the goods still to assemble (plan − assembled for the event), step 7."""
    needs: dict[int, PackagingDemand] = {}
    goods = sorted(demand.goods.values(), key=lambda g: (g.name.lower(), g.finished_good_id))
    for good in goods:
        count = good.remaining
        if count <= 0:
            continue
        for use in demand.good_packaging.get(good.finished_good_id, []):
            need = needs.get(use.ingredient.pk)
            if need is None:
                need = needs[use.ingredient.pk] = PackagingDemand(use.ingredient)
            need.sources.append(
                PackagingSource(
                    good.finished_good_id,
                    good.name,
                    use.per_unit,
                    count,
                    sorted(good.packages, key=str.lower),
                )
            )
    return needs


def by_name(items: list[Any], name: str, key: str) -> list[Any]:
    """Deterministic order for DTO rows: case-insensitive name, then id."""
    return sorted(items, key=lambda i: (getattr(i, name).lower(), getattr(i, key)))
