"""Recipes, their lines, sub-recipes and finished units (docs/design.md, "Catalogue").

Sub-recipe trees stay at most three levels deep counting the top recipe, and never loop:
both are checked on the whole household's graph before a component is written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from bakeplanner.display import plural
from bakeplanner.errors import ConversionError, InUse, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import (
    check_name_free,
    lock_household_names,
    lock_parent_row,
    normalize_input,
)
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, UNITS, can_convert, family_of, ingredient_to_base, to_base
from production.models import (
    FinishedUnit,
    Ingredient,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services.costing import load_price_book, price_recipe_needs
from production.services.lookup import (
    check_fields,
    clean_decimal,
    clean_name,
    clean_text,
    clean_whole_number,
    get_owned,
    page_of,
    rename,
    sort_ordering,
    usage,
    usage_sentence,
)
from production.services.recipe_tree import MAX_DEPTH, needs_by_recipe

__all__ = [
    "add_recipe_component",
    "add_recipe_ingredient",
    "create_finished_unit",
    "create_recipe",
    "delete_finished_unit",
    "delete_recipe",
    "get_recipe_detail",
    "list_finished_units",
    "list_finished_units_page",
    "list_recipes",
    "list_recipes_page",
    "remove_recipe_component",
    "remove_recipe_ingredient",
    "update_finished_unit",
    "update_recipe",
    "update_recipe_component",
    "update_recipe_ingredient",
]

logger = logging.getLogger("bakeplanner.production.recipes")

RECIPE_FIELDS = ("name", "category", "notes", "archived")
LINE_FIELDS = ("ingredient_id", "quantity", "unit", "notes")
UNIT_FIELDS = ("name", "items_per_batch", "item_unit")
FINISHED_UNIT_SORTS = {
    "name": ("name", "recipe__name"),
    "recipe": ("recipe__name", "name"),
    "stock": ("inventory_count", "recipe__name", "name"),
    "cost": ("average_unit_cost", "recipe__name", "name"),
}
MAX_ITEMS_PER_BATCH = 100_000


# --- Recipes --------------------------------------------------------------------------------


def create_recipe(tx: Tx, *, name: str, category: str = "", notes: str = "") -> Recipe:
    """Create a recipe; names are unique in the household, ignoring case."""
    tx.require()
    with logged_operation(logger, tx, "create_recipe") as op:
        clean = clean_name(normalize_input(name), Recipe)
        category = clean_text(category, "Category", field="category", max_length=80)
        notes = clean_text(notes, "Notes", field="notes")
        # Serialises racing creates: the second waits, then sees the first's recipe.
        lock_household_names(tx)
        check_name_free(tx, Recipe, clean, entity="A recipe")
        recipe = Recipe(household=tx.household, name=clean, category=category, notes=notes)
        recipe.save(using=tx.using)
        op.add(recipe_id=recipe.pk)
        return recipe


def update_recipe(tx: Tx, recipe_id: int, **fields: Any) -> Recipe:
    """Change a recipe's name, category, notes or archived flag."""
    tx.require()
    with logged_operation(logger, tx, "update_recipe", recipe_id=recipe_id) as op:
        check_fields(fields, RECIPE_FIELDS, "recipe")
        recipe = get_owned(tx, Recipe, recipe_id)
        op.add(fields=sorted(fields))
        if "name" in fields:
            rename(tx, recipe, fields["name"], entity="A recipe")
        if "category" in fields:
            recipe.category = clean_text(
                fields["category"], "Category", field="category", max_length=80
            )
        if "notes" in fields:
            recipe.notes = clean_text(fields["notes"], "Notes", field="notes")
        if "archived" in fields:
            if not isinstance(fields["archived"], bool):
                raise ValidationFailed("Archived must be true or false.", field="archived")
            recipe.archived = fields["archived"]
        recipe.save(using=tx.using)
        return recipe


def delete_recipe(tx: Tx, recipe_id: int) -> None:
    """Delete a recipe with its lines, sub-recipe links and unused finished units.

    Refused while another recipe uses it as a sub-recipe, an event targets it, a run was
    recorded from it, or one of its finished units is stocked or used.
    """
    tx.require()
    with logged_operation(logger, tx, "delete_recipe", recipe_id=recipe_id):
        recipe = get_owned(tx, Recipe, recipe_id)
        uses = usage(
            tx,
            recipe,
            skip={
                "production.recipeingredient.recipe",
                "production.recipecomponent.recipe",
                "production.finishedunit.recipe",
            },
        )
        if uses:
            raise InUse(usage_sentence(recipe.name, uses))
        units = list(tx.objects(FinishedUnit).filter(recipe=recipe).order_by("pk"))
        for unit in units:
            _refuse_if_unit_in_use(tx, unit)
        tx.objects(RecipeIngredient).filter(recipe=recipe).delete()
        tx.objects(RecipeComponent).filter(recipe=recipe).delete()
        for unit in units:
            unit.delete(using=tx.using)
        recipe.delete(using=tx.using)


# --- Lines ------------------------------------------------------------------------------------


def _clean_line(ingredient: Ingredient, quantity: Any, unit: Any) -> tuple[Decimal, str]:
    amount = clean_decimal(quantity, "Quantity", model=RecipeIngredient, column="quantity")
    if unit not in UNITS:
        raise ValidationFailed(
            f"Unknown unit {unit!r}; use one of {', '.join(UNITS)}.", field="unit"
        )
    base = BASE_UNIT[ingredient.stock_family]
    if not can_convert(unit, base, ingredient.density_g_per_cup):
        if {family_of(unit), ingredient.stock_family} == {"weight", "volume"}:
            raise ConversionError(
                f"{unit} cannot be converted to {base} for {ingredient.name}: set its density "
                "(grams per cup) first, or use a unit of "
                f"{ingredient.stock_family}.",
                field="unit",
            )
        raise ConversionError(
            f"{unit} cannot be used for {ingredient.name}, which is kept in {base}.",
            field="unit",
        )
    if (
        to_base(
            amount, unit, ingredient.stock_family, density_g_per_cup=ingredient.density_g_per_cup
        )
        <= 0
    ):
        raise ValidationFailed(
            f"{amount.normalize():f} {unit} is less than 0.001 {base} of {ingredient.name}.",
            field="quantity",
        )
    return amount, str(unit)


def add_recipe_ingredient(
    tx: Tx, recipe_id: int, ingredient_id: int, quantity: Any, unit: str, *, notes: str = ""
) -> RecipeIngredient:
    """Add a line; the unit must convert to the ingredient's stock unit."""
    tx.require()
    with logged_operation(
        logger, tx, "add_recipe_ingredient", recipe_id=recipe_id, ingredient_id=ingredient_id
    ) as op:
        recipe = get_owned(tx, Recipe, recipe_id)
        ingredient = get_owned(tx, Ingredient, ingredient_id)
        amount, unit = _clean_line(ingredient, quantity, unit)
        notes = clean_text(notes, "Notes", field="notes", max_length=200)
        line = RecipeIngredient(
            household=tx.household,
            recipe=recipe,
            ingredient=ingredient,
            quantity=amount,
            unit=unit,
            notes=notes,
        )
        line.save(using=tx.using)
        op.add(line_id=line.pk)
        return line


def update_recipe_ingredient(tx: Tx, line_id: int, **fields: Any) -> RecipeIngredient:
    """Change a recipe line's ingredient, quantity, unit or notes."""
    tx.require()
    with logged_operation(logger, tx, "update_recipe_ingredient", line_id=line_id) as op:
        check_fields(fields, LINE_FIELDS, "recipe line")
        line = get_owned(tx, RecipeIngredient, line_id, label="Recipe line")
        op.add(recipe_id=line.recipe_id, fields=sorted(fields))
        ingredient = get_owned(tx, Ingredient, fields.get("ingredient_id", line.ingredient_id))
        amount, unit = _clean_line(
            ingredient, fields.get("quantity", line.quantity), fields.get("unit", line.unit)
        )
        if "notes" in fields:
            line.notes = clean_text(fields["notes"], "Notes", field="notes", max_length=200)
        line.ingredient, line.quantity, line.unit = ingredient, amount, unit
        line.save(using=tx.using)
        return line


def remove_recipe_ingredient(tx: Tx, line_id: int) -> None:
    """Remove a line from its recipe (past runs keep their own snapshot)."""
    tx.require()
    with logged_operation(logger, tx, "remove_recipe_ingredient", line_id=line_id) as op:
        line = get_owned(tx, RecipeIngredient, line_id, label="Recipe line")
        op.add(recipe_id=line.recipe_id)
        line.delete(using=tx.using)


# --- Sub-recipes ------------------------------------------------------------------------------


def _graph(tx: Tx) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """(children, parents) of every recipe in the household, from one query."""
    children: dict[int, set[int]] = defaultdict(set)
    parents: dict[int, set[int]] = defaultdict(set)
    for parent, child in tx.objects(RecipeComponent).values_list(
        "recipe_id", "component_recipe_id"
    ):
        children[parent].add(child)
        parents[child].add(parent)
    return children, parents


def _longest(start: int, edges: dict[int, set[int]], limit: int) -> int:
    """Levels on the longest path from `start` along `edges` (start counts as 1)."""
    best = 1
    frontier = {start}
    level = 1
    while frontier and level <= limit:
        frontier = {nxt for node in frontier for nxt in edges.get(node, ())}
        if frontier:
            level += 1
            best = level
    return best


def _reaches(start: int, target: int, edges: dict[int, set[int]]) -> bool:
    seen: set[int] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node == target:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(edges.get(node, ()))
    return False


def _clean_batches(value: Any) -> Decimal:
    return clean_decimal(
        value,
        "Batches per batch of the parent",
        model=RecipeComponent,
        column="batches",
        field="batches",
    )


def add_recipe_component(
    tx: Tx, recipe_id: int, component_recipe_id: int, batches: Any
) -> RecipeComponent:
    """Use `batches` of another recipe per batch of this one (no self, no cycle, ≤ 3 levels)."""
    tx.require()
    with logged_operation(
        logger,
        tx,
        "add_recipe_component",
        recipe_id=recipe_id,
        component_recipe_id=component_recipe_id,
    ) as op:
        recipe = get_owned(tx, Recipe, recipe_id)
        child = get_owned(tx, Recipe, component_recipe_id, label="Sub-recipe")
        amount = _clean_batches(batches)
        # The parent's row lock serialises edits of its sub-recipes, so a second click on
        # "add" waits for the first and then gets the "already a sub-recipe" message.
        lock_parent_row(tx, Recipe, recipe.pk)
        if child.pk == recipe.pk:
            raise ValidationFailed(
                f"{recipe.name} cannot be a sub-recipe of itself.", field="component_recipe_id"
            )
        if tx.objects(RecipeComponent).filter(recipe=recipe, component_recipe=child).exists():
            raise ValidationFailed(
                f"{child.name} is already a sub-recipe of {recipe.name}.",
                field="component_recipe_id",
            )
        children, parents = _graph(tx)
        if _reaches(child.pk, recipe.pk, children):
            raise ValidationFailed(
                f"{child.name} already uses {recipe.name} (directly or through its "
                "sub-recipes): adding it would make a loop.",
                field="component_recipe_id",
            )
        below = _longest(child.pk, children, MAX_DEPTH + 1)
        above = _longest(recipe.pk, parents, MAX_DEPTH + 1)
        if above + below > MAX_DEPTH:
            raise ValidationFailed(
                f"Sub-recipes can be nested at most {MAX_DEPTH} levels deep: {recipe.name} "
                f"sits at level {above} and {child.name} brings {plural(below, 'level')} "
                "of its own.",
                field="component_recipe_id",
            )
        component = RecipeComponent(
            household=tx.household, recipe=recipe, component_recipe=child, batches=amount
        )
        component.save(using=tx.using)
        op.add(component_id=component.pk)
        return component


def update_recipe_component(tx: Tx, component_id: int, *, batches: Any) -> RecipeComponent:
    """Change how many batches of the sub-recipe one batch of the parent uses."""
    tx.require()
    with logged_operation(logger, tx, "update_recipe_component", component_id=component_id) as op:
        component = get_owned(tx, RecipeComponent, component_id, label="Sub-recipe link")
        op.add(recipe_id=component.recipe_id)
        component.batches = _clean_batches(batches)
        component.save(using=tx.using)
        return component


def remove_recipe_component(tx: Tx, component_id: int) -> None:
    """Stop using a sub-recipe (the sub-recipe itself stays)."""
    tx.require()
    with logged_operation(logger, tx, "remove_recipe_component", component_id=component_id) as op:
        component = get_owned(tx, RecipeComponent, component_id, label="Sub-recipe link")
        op.add(recipe_id=component.recipe_id)
        component.delete(using=tx.using)


# --- Finished units ---------------------------------------------------------------------------


def _clean_items(value: Any) -> int:
    return clean_whole_number(
        value, "Items per batch", field="items_per_batch", maximum=MAX_ITEMS_PER_BATCH
    )


def create_finished_unit(
    tx: Tx, recipe_id: int, *, name: str, items_per_batch: Any, item_unit: str = ""
) -> FinishedUnit:
    """A baked item the recipe yields (e.g. 48 cookies per batch)."""
    tx.require()
    with logged_operation(logger, tx, "create_finished_unit", recipe_id=recipe_id) as op:
        recipe = get_owned(tx, Recipe, recipe_id)
        clean = clean_name(normalize_input(name), FinishedUnit)
        items = _clean_items(items_per_batch)
        item_unit = clean_text(item_unit, "Item unit", field="item_unit", max_length=40)
        # The recipe's row lock serialises its baked items' names (racing creates).
        lock_parent_row(tx, Recipe, recipe.pk)
        check_name_free(
            tx, FinishedUnit, clean, entity=f"{recipe.name} already has an item", recipe=recipe
        )
        unit = FinishedUnit(
            household=tx.household,
            recipe=recipe,
            name=clean,
            items_per_batch=items,
            item_unit=item_unit,
        )
        unit.save(using=tx.using)
        op.add(finished_unit_id=unit.pk)
        return unit


def update_finished_unit(tx: Tx, finished_unit_id: int, **fields: Any) -> FinishedUnit:
    """Change a finished unit's name, items per batch or item label (past runs keep theirs)."""
    tx.require()
    with logged_operation(
        logger, tx, "update_finished_unit", finished_unit_id=finished_unit_id
    ) as op:
        check_fields(fields, UNIT_FIELDS, "baked item")
        unit = get_owned(tx, FinishedUnit, finished_unit_id)
        op.add(fields=sorted(fields))
        if "name" in fields:
            clean = clean_name(normalize_input(fields["name"]), FinishedUnit)
            lock_parent_row(tx, Recipe, unit.recipe_id)
            check_name_free(
                tx,
                FinishedUnit,
                clean,
                entity="This recipe already has an item",
                exclude_pk=unit.pk,
                recipe_id=unit.recipe_id,
            )
            unit.name = clean
        if "items_per_batch" in fields:
            unit.items_per_batch = _clean_items(fields["items_per_batch"])
        if "item_unit" in fields:
            unit.item_unit = clean_text(
                fields["item_unit"], "Item unit", field="item_unit", max_length=40
            )
        unit.save(using=tx.using)
        return unit


def _refuse_if_unit_in_use(tx: Tx, unit: FinishedUnit) -> None:
    uses = usage(tx, unit)
    if unit.inventory_count:
        uses.insert(0, f"{unit.inventory_count} in stock")
    if uses:
        raise InUse(usage_sentence(unit.name, uses))


def delete_finished_unit(tx: Tx, finished_unit_id: int) -> None:
    """Delete a finished unit that has no stock, no runs and is in no gift box."""
    tx.require()
    with logged_operation(logger, tx, "delete_finished_unit", finished_unit_id=finished_unit_id):
        unit = get_owned(tx, FinishedUnit, finished_unit_id)
        _refuse_if_unit_in_use(tx, unit)
        unit.delete(using=tx.using)


def list_finished_units(tx: Tx, *, q: str = "", sort: str = "recipe") -> list[FinishedUnit]:
    """Every baked item with its recipe, stock and average cost."""
    tx.require()
    return list(_finished_units(tx, q, sort))


def list_finished_units_page(
    tx: Tx, *, q: str = "", sort: str = "recipe", page: Any = 1, per_page: int = 50
) -> Page:
    """One page of `list_finished_units`: only its rows are read."""
    tx.require()
    return page_of(_finished_units(tx, q, sort), per_page, page)


def _finished_units(tx: Tx, q: str, sort: str) -> QuerySet[FinishedUnit]:
    queryset = tx.objects(FinishedUnit).select_related("recipe")
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(recipe__name__icontains=term) | Q(item_unit__icontains=term)
        )
    return queryset.order_by(*sort_ordering(sort, FINISHED_UNIT_SORTS, "recipe"), "pk")


# --- Reads --------------------------------------------------------------------------------------


def list_recipes(
    tx: Tx, *, q: str = "", sort: str = "name", include_archived: bool = False
) -> list[dict[str, Any]]:
    """Recipes with line, sub-recipe and finished-unit counts and an estimated cost per batch.

    A constant number of queries: counts come from one annotated query, every tree is walked
    level by level for all recipes at once and priced from one price book.
    """
    tx.require()
    return _sorted_rows(_priced_rows(tx, _listed_recipes(tx, q, include_archived)), sort)


def list_recipes_page(
    tx: Tx,
    *,
    q: str = "",
    sort: str = "name",
    include_archived: bool = False,
    page: Any = 1,
    per_page: int = 50,
) -> Page:
    """One page of `list_recipes`: only the shown recipes are walked and priced, unless the
    page is sorted by cost (then every recipe is, to sort them). The same queries for any
    number of recipes (docs/performance.md)."""
    tx.require()
    recipes = _listed_recipes(tx, q, include_archived)
    if sort.lstrip("-") == "cost":
        return Paginator(_sorted_rows(_priced_rows(tx, recipes), sort), per_page).get_page(page)
    light = [
        {"recipe": recipe, "line_count": recipe.line_count}  # type: ignore[attr-defined]
        for recipe in recipes
    ]
    shown = Paginator(_sorted_rows(light, sort), per_page).get_page(page)
    priced = {row["recipe"].pk: row for row in _priced_rows(tx, [r["recipe"] for r in shown])}
    shown.object_list = [priced[row["recipe"].pk] for row in shown.object_list]
    return shown


def _listed_recipes(tx: Tx, q: str, include_archived: bool) -> list[Recipe]:
    queryset = tx.objects(Recipe).annotate(
        line_count=Count("lines", distinct=True),
        component_count=Count("components", distinct=True),
        unit_count=Count("finished_units", distinct=True),
    )
    if not include_archived:
        queryset = queryset.filter(archived=False)
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(category__icontains=term) | Q(notes__icontains=term)
        )
    return list(queryset.order_by("name", "pk"))


def _priced_rows(tx: Tx, recipes: list[Recipe]) -> list[dict[str, Any]]:
    """Each recipe's row with its baked items and its cost per batch: four queries."""
    try:
        needs = needs_by_recipe(tx, [r.pk for r in recipes])
    except ValidationFailed:
        needs = {}
    ingredient_ids = {n.ingredient.pk for lines in needs.values() for n in lines}
    book = load_price_book(tx, ingredient_ids)
    units: dict[int, list[FinishedUnit]] = defaultdict(list)
    for unit in (
        tx.objects(FinishedUnit).filter(recipe__in=[r.pk for r in recipes]).order_by("name", "pk")
    ):
        units[unit.recipe_id].append(unit)
    rows: list[dict[str, Any]] = []
    for recipe in recipes:
        cost: Decimal | None = None
        missing: list[str] = []
        if recipe.pk in needs:
            cost, missing = price_recipe_needs(book, needs[recipe.pk])
        rows.append(
            {
                "recipe": recipe,
                "line_count": recipe.line_count,  # type: ignore[attr-defined]
                "component_count": recipe.component_count,  # type: ignore[attr-defined]
                "finished_units": units.get(recipe.pk, []),
                "cost_per_batch": cost,
                "missing_prices": missing,
            }
        )
    return rows


def _sorted_rows(rows: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    key = sort.lstrip("-")
    reverse = sort.startswith("-")
    if key == "category":
        rows.sort(
            key=lambda r: (r["recipe"].category.lower(), r["recipe"].name.lower()), reverse=reverse
        )
    elif key == "lines":
        rows.sort(key=lambda r: (r["line_count"], r["recipe"].name.lower()), reverse=reverse)
    elif key == "cost":
        rows.sort(
            key=lambda r: (r["cost_per_batch"] is None, r["cost_per_batch"] or 0), reverse=reverse
        )
    else:
        rows.sort(key=lambda r: r["recipe"].name.lower(), reverse=reverse and key == "name")
    return rows


def get_recipe_detail(tx: Tx, recipe_id: int) -> dict[str, Any]:
    """A recipe with its lines (and base-unit quantities), sub-recipes, uses and units."""
    tx.require()
    recipe = get_owned(tx, Recipe, recipe_id)
    lines = list(
        tx.objects(RecipeIngredient)
        .filter(recipe=recipe)
        .select_related("ingredient")
        .order_by("id")
    )
    # `base_quantity` is a display-only attribute the recipe page reads beside each line; it is
    # not a column of RecipeIngredient, hence the attr-defined ignores.
    for line in lines:
        ingredient = line.ingredient
        try:
            line.base_quantity = ingredient_to_base(  # type: ignore[attr-defined]
                line.quantity, line.unit, ingredient
            )
        except ConversionError:
            line.base_quantity = None  # type: ignore[attr-defined]
    components = list(
        tx.objects(RecipeComponent)
        .filter(recipe=recipe)
        .select_related("component_recipe")
        .order_by("component_recipe__name")
    )
    used_in = list(
        tx.objects(RecipeComponent)
        .filter(component_recipe=recipe)
        .select_related("recipe")
        .order_by("recipe__name")
    )
    units = list(tx.objects(FinishedUnit).filter(recipe=recipe).order_by("name", "pk"))
    return {
        "recipe": recipe,
        "lines": lines,
        "components": components,
        "used_in": used_in,
        "finished_units": units,
    }
