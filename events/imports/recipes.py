"""Recipes, their lines, sub-recipes and baked items of a bake-tracker export."""

from __future__ import annotations

from typing import Any

from bakeplanner.errors import DomainError
from bakeplanner.names import name_key
from bakeplanner.units import can_convert
from events.imports.mapping import IngredientPlan, as_decimal, our_unit, text_of
from events.imports.state import ImportState
from production.models import (
    FinishedUnit,
    Recipe,
)
from production.services import (
    add_recipe_component,
    add_recipe_ingredient,
    create_finished_unit,
    create_recipe,
)

__all__ = ["RecipeImport"]


class RecipeImport(ImportState):
    def import_recipes(self, plans: dict[str, IngredientPlan]) -> None:
        existing = self.by_name(Recipe)
        rows = self.rows("recipes")
        slug_names = {text_of(r, "slug"): text_of(r, "name") for r in rows}
        for row in rows:
            name = text_of(row, "name")
            if not name:
                self.report.problem("A recipe", "it has no name")
                continue
            key = text_of(row, "slug") or name
            found = self.earlier(Recipe, "recipe", key)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("recipe", key, found)
            if found is not None:
                self.recipes[name] = found
                self.report.kept["recipes"] += 1
                continue
            notes = [text_of(row, "notes")] if text_of(row, "notes") else []
            if text_of(row, "source"):
                notes.append(f"Source: {text_of(row, 'source')}.")
            base = text_of(row, "base_recipe_slug")
            if base:
                variant = text_of(row, "variant_name") or name
                base_name = slug_names.get(base) or base.replace("_", " ")
                notes.append(
                    f"A variant ({variant}) of {base_name} in bake-tracker, imported as its "
                    "own recipe."
                )
            try:
                recipe = create_recipe(
                    self.tx,
                    name=name,
                    category=text_of(row, "category")[:80],
                    notes="\n\n".join(notes),
                )
            except DomainError as error:
                self.report.problem(f"Recipe {name}", error.message)
                continue
            existing[name_key(name)] = recipe
            self.recipes[name] = recipe
            self.new_recipes.add(recipe.pk)
            self.remember("recipe", key, recipe)
            self.report.imported["recipes"] += 1
            self.import_lines(recipe, row, plans)

    def import_lines(
        self, recipe: Recipe, row: dict[str, Any], plans: dict[str, IngredientPlan]
    ) -> None:
        lines = row.get("ingredients")
        left_out: list[str] = []
        for number, line in enumerate(lines if isinstance(lines, list) else [], start=1):
            if not isinstance(line, dict):
                reason = "it is not an object"
                self.report.problem(f"Recipe {recipe.name}, line {number}", reason)
                left_out.append(f"line {number}: {reason}")
                continue
            slug = text_of(line, "ingredient_slug")
            amount = as_decimal(line.get("quantity"))
            unit_text = text_of(line, "unit")
            written = f"{text_of(line, 'quantity')} {unit_text} {slug}"
            where = f"Recipe {recipe.name}, line {number} ({written})"
            unit = our_unit(unit_text)
            ingredient = self.ingredients.get(slug)
            if unit is None:
                reason = f"unknown unit {unit_text!r}"
            elif slug not in plans:
                reason = f"it names ingredient {slug!r}, which is not in the file"
            elif ingredient is None:
                reason = "its ingredient was not imported"
            elif amount is None or amount <= 0:
                reason = "its quantity is not a positive number"
            elif not can_convert(unit, ingredient.base_unit, ingredient.density_g_per_cup):
                reason = self.conversion_reason(ingredient, unit)
            else:
                try:
                    add_recipe_ingredient(
                        self.tx,
                        recipe.pk,
                        ingredient.pk,
                        amount,
                        unit,
                        notes=text_of(line, "notes")[:200],
                    )
                except DomainError as error:
                    reason = error.message
                else:
                    self.report.imported["recipe_lines"] += 1
                    continue
            self.report.problem(where, reason)
            left_out.append(f"{text_of(line, 'quantity')} {unit_text} {slug}: {reason}")
        if left_out and self.report.skip_invalid:
            recipe.incomplete = True
            recipe.notes = "\n\n".join(
                part
                for part in (
                    recipe.notes,
                    "Imported from bake-tracker without these lines:\n"
                    + "\n".join(f"- {text}" for text in left_out),
                )
                if part
            )
            recipe.save(using=self.tx.using, update_fields=["incomplete", "notes"])

    def import_sub_recipes(self) -> None:
        for row in self.rows("recipes"):
            recipe = self.recipes.get(text_of(row, "name"))
            components = row.get("components")
            if (
                recipe is None
                or recipe.pk not in self.new_recipes
                or not isinstance(components, list)
            ):
                continue
            for component in components:
                if not isinstance(component, dict):
                    continue
                child_name = text_of(component, "recipe_name", "component_recipe_name")
                where = f"Recipe {recipe.name}, sub-recipe {child_name}"
                child = self.recipes.get(child_name)
                batches = as_decimal(component.get("quantity", component.get("batches")))
                if child is None:
                    self.report.problem(
                        where, f"it names recipe {child_name!r}, which was not imported"
                    )
                    continue
                try:
                    add_recipe_component(self.tx, recipe.pk, child.pk, batches)
                except DomainError as error:
                    self.report.problem(where, error.message)
                    continue
                self.report.imported["sub_recipes"] += 1

    def import_baked_items(self) -> None:
        items: list[tuple[str, dict[str, Any]]] = []
        for row in self.rows("recipes"):
            nested = row.get("finished_units")
            for item in nested if isinstance(nested, list) else []:
                if isinstance(item, dict):
                    items.append((text_of(row, "name"), item))
        slugs = {text_of(r, "slug"): text_of(r, "name") for r in self.rows("recipes")}
        for item in self.rows("finished_units"):
            recipe_name = text_of(item, "recipe_name") or slugs.get(
                text_of(item, "recipe_slug"), ""
            )
            items.append((recipe_name, item))
        done: set[str] = set()
        for recipe_name, item in items:
            name = text_of(item, "display_name", "name")
            key = text_of(item, "slug") or f"{recipe_name}|{name}"
            if key in done:
                continue
            done.add(key)
            where = f"Baked item {name or key}"
            found = self.earlier(FinishedUnit, "baked_item", key)
            if found is not None:
                self.units[key] = found
                self.report.kept["baked_items"] += 1
                continue
            recipe = self.recipes.get(recipe_name)
            mode = text_of(item, "yield_mode") or "discrete_count"
            count = as_decimal(item.get("items_per_batch", item.get("unit_yield_quantity")))
            if recipe is None:
                self.report.problem(
                    where, f"it names recipe {recipe_name!r}, which was not imported"
                )
                continue
            if mode != "discrete_count":
                self.report.problem(
                    where, "it is a portion of a batch; BakePlanner counts baked items whole"
                )
                continue
            if count is None or count != count.to_integral_value() or count <= 0:
                self.report.problem(where, "its items per batch is not a whole number above 0")
                continue
            try:
                unit = create_finished_unit(
                    self.tx,
                    recipe.pk,
                    name=name,
                    items_per_batch=int(count),
                    item_unit=text_of(item, "item_unit", "unit_yield_unit")[:40],
                )
            except DomainError as error:
                self.report.problem(where, error.message)
                continue
            self.units[key] = unit
            self.remember("baked_item", key, unit)
            self.report.imported["baked_items"] += 1
