"""Import a household's kitchen from a bake-tracker export (docs/import-baketracker.md).

One service, `import_baketracker`, writes every row through the catalogue, recipe and
events services in the caller's unit of work. A row it cannot take either refuses the
whole file (every such row is listed) or, with `skip_invalid`, is left out and reported.
Rows are matched to earlier imports by the file's own keys, kept in `ImportedRecord`, so
importing the same file again changes nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, TypeVar

from django.db import models

from bakeplanner.errors import DomainError
from bakeplanner.logs import logged_operation
from bakeplanner.names import name_key
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, COUNT, can_convert, family_of
from events.imports.mapping import (
    IngredientPlan,
    as_decimal,
    our_unit,
    plan_ingredients,
    rows_of,
    text_of,
)
from events.imports.report import EstimatedDensity, ImportRefused, ImportReport
from events.models import Event, ImportedRecord, Package, Recipient
from events.services import (
    add_package_item,
    assign_package_to_recipient,
    create_event,
    create_package,
    create_recipient,
    set_assembly_target,
    set_production_target,
)
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    Recipe,
)
from production.services import (
    add_component,
    add_recipe_component,
    add_recipe_ingredient,
    create_finished_good,
    create_finished_unit,
    create_ingredient,
    create_product,
    create_recipe,
    record_purchase,
)

__all__ = ["SOURCE", "import_baketracker"]

logger = logging.getLogger("bakeplanner.events.imports")

SOURCE = "bake-tracker"
PACKAGES_STEP = Decimal("0.001")  # a purchase's package count precision
HISTORY_SECTIONS = ("production_records", "production_runs", "assembly_runs")

M = TypeVar("M", bound=models.Model)


def _number_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


class _Importer:
    """The state of one import: what the file names, what exists, what was written."""

    def __init__(self, tx: Tx, data: dict[str, Any], report: ImportReport) -> None:
        self.tx = tx
        self.data = data
        self.report = report
        self.known: dict[tuple[str, str], int] = {
            (kind, key): object_id
            for kind, key, object_id in tx.objects(ImportedRecord)
            .filter(source=SOURCE)
            .values_list("kind", "key", "object_id")
        }
        self.new_records: list[ImportedRecord] = []
        self.ingredients: dict[str, Ingredient] = {}  # by the file's slug
        self.products: dict[str, Product] = {}  # by the product's key
        self.recipes: dict[str, Recipe] = {}  # by the file's recipe name
        self.new_recipes: set[int] = set()
        self.units: dict[str, FinishedUnit] = {}  # by slug
        self.goods: dict[str, FinishedGood] = {}  # by slug
        self.events: dict[str, Event] = {}
        self.recipients: dict[str, Recipient] = {}
        self.packages: dict[str, Package] = {}

    # --- Helpers ------------------------------------------------------------------------

    def rows(self, section: str) -> list[dict[str, Any]]:
        rows, problems = rows_of(self.data, section)
        for reason in problems:
            self.report.problem("The file", reason)
        return rows

    def earlier(self, model: type[M], kind: str, key: str) -> M | None:
        """The row an earlier import made for this key, if it is still there."""
        object_id = self.known.get((kind, key))
        if object_id is None:
            return None
        return self.tx.objects(model).filter(pk=object_id).first()

    def remember(self, kind: str, key: str, obj: models.Model) -> None:
        self.known[(kind, key)] = int(obj.pk)
        self.new_records.append(
            ImportedRecord(
                household=self.tx.household, source=SOURCE, kind=kind, key=key, object_id=obj.pk
            )
        )

    def by_name(self, model: type[M]) -> dict[str, M]:
        found: dict[str, M] = {}
        for obj in self.tx.objects(model):
            named: Any = obj
            found[name_key(str(named.name))] = obj
        return found

    # --- Ingredients and packaging supplies ----------------------------------------------

    def import_ingredients(self) -> dict[str, IngredientPlan]:
        product_units: dict[str, list[str]] = defaultdict(list)
        line_units: dict[str, list[str]] = defaultdict(list)
        for row in self.rows("products") + self.rows("inventory_items"):
            unit = our_unit(row.get("package_unit"))
            if unit:
                product_units[text_of(row, "ingredient_slug")].append(unit)
        for recipe in self.rows("recipes"):
            lines = recipe.get("ingredients")
            for line in lines if isinstance(lines, list) else []:
                if isinstance(line, dict) and (unit := our_unit(line.get("unit"))):
                    line_units[text_of(line, "ingredient_slug")].append(unit)
        plans, problems = plan_ingredients(self.rows("ingredients"), product_units, line_units)
        for where, reason in problems:
            self.report.problem(where, reason)
        existing = self.by_name(Ingredient)
        for slug, plan in plans.items():
            self.ingredient(slug, plan, existing, kind="ingredients")
        return plans

    def ingredient(
        self, key: str, plan: IngredientPlan, existing: dict[str, Ingredient], *, kind: str
    ) -> None:
        record_kind = "ingredient" if kind == "ingredients" else "material"
        found = self.earlier(Ingredient, record_kind, key)
        if found is None and (found := existing.get(name_key(plan.name))) is not None:
            self.remember(record_kind, key, found)
        if found is not None:
            self.ingredients[key] = found
            self.report.kept[kind] += 1
            return
        try:
            ingredient = create_ingredient(
                self.tx,
                name=plan.name,
                stock_family=plan.stock_family,
                kind="packaging" if plan.packaging else "food",
                density_g_per_cup=plan.density,
                category=plan.category,
                notes=plan.notes,
            )
        except DomainError as error:
            self.report.problem(f"Ingredient {plan.name}", error.message)
            return
        if plan.estimate is not None:
            ingredient.density_estimated = True
            ingredient.save(using=self.tx.using, update_fields=["density_estimated"])
            self.report.estimated.append(
                EstimatedDensity(plan.name, plan.estimate.g_per_cup, plan.estimate.source)
            )
        existing[name_key(ingredient.name)] = ingredient
        self.ingredients[key] = ingredient
        self.remember(record_kind, key, ingredient)
        self.report.imported[kind] += 1

    def import_materials(self) -> None:
        existing = self.by_name(Ingredient)
        for row in self.rows("materials"):
            name = text_of(row, "display_name", "name")
            key = text_of(row, "slug") or name
            if not name:
                self.report.problem("A packaging supply", "it has no name")
                continue
            description = text_of(row, "description")
            plan = IngredientPlan(
                slug=key,
                name=name,
                category=text_of(row, "category")[:80],
                notes=description if description != name else "",
                packaging=True,
                stock_family=COUNT,
                density=None,
            )
            self.ingredient(key, plan, existing, kind="packaging")
            if key in self.ingredients:
                # Material products name their material by its name, not its slug.
                self.ingredients.setdefault(f"material:{name}", self.ingredients[key])

    # --- Products and lots ----------------------------------------------------------------

    def suppliers(self) -> dict[str, str]:
        names: dict[str, str] = {}
        rows = self.rows("suppliers")
        for row in rows:
            name = text_of(row, "name")
            place = ", ".join(
                part for part in (text_of(row, "city"), text_of(row, "state")) if part
            )
            label = f"{name} ({place})" if place and name != "Unknown" else name
            for key in (text_of(row, "id"), text_of(row, "slug")):
                if key:
                    names[key] = label
        self.report.suppliers = len(rows)
        return names

    @staticmethod
    def product_key(row: dict[str, Any], unit: str, quantity: Decimal | None) -> str:
        size = _number_text(quantity) if quantity is not None else ""
        brand = text_of(row, "brand", "product_brand")
        return "|".join(
            (text_of(row, "ingredient_slug"), brand, text_of(row, "product_name"), size, unit)
        )

    def import_products(self, suppliers: dict[str, str]) -> None:
        for row in self.rows("products"):
            slug = text_of(row, "ingredient_slug")
            label = " ".join(p for p in (text_of(row, "brand"), text_of(row, "product_name")) if p)
            where = f"Product {label or slug}"
            unit = our_unit(row.get("package_unit"))
            size = as_decimal(row.get("package_unit_quantity", row.get("package_size")))
            if unit is None:
                self.report.problem(where, f"unknown unit {row.get('package_unit')!r}")
                continue
            if size is None or size <= 0:
                self.report.problem(where, "its package size is not a positive number")
                continue
            key = self.product_key(row, unit, size)
            ingredient = self.ingredients.get(slug)
            if ingredient is None:
                reason = (
                    f"it names ingredient {slug!r}, which is not in the file"
                    if not any(text_of(r, "slug") == slug for r in self.rows("ingredients"))
                    else "its ingredient was not imported"
                )
                self.report.problem(where, reason)
                continue
            found = self.earlier(Product, "product", key)
            if found is not None:
                self.products[key] = found
                self.report.kept["products"] += 1
                continue
            if not can_convert(unit, ingredient.base_unit, ingredient.density_g_per_cup):
                self.report.problem(where, self.conversion_reason(ingredient, unit))
                continue
            notes = []
            if text_of(row, "package_type"):
                notes.append(f"Package: {text_of(row, 'package_type')}.")
            supplier = suppliers.get(text_of(row, "preferred_supplier_id")) or text_of(
                row, "preferred_supplier_name"
            )
            if supplier:
                notes.append(f"Preferred supplier: {supplier}.")
            if row.get("is_hidden") is True:
                notes.append("Hidden in bake-tracker.")
            try:
                product = create_product(
                    self.tx,
                    ingredient.pk,
                    package_quantity=size,
                    package_unit=unit,
                    brand=text_of(row, "brand"),
                    name=text_of(row, "product_name"),
                    preferred=row.get("preferred") is True,
                    notes=" ".join(notes),
                )
            except DomainError as error:
                self.report.problem(where, error.message)
                continue
            gtin = text_of(row, "gtin", "upc_code")[:20]
            if gtin:
                product.gtin = gtin
                product.save(using=self.tx.using, update_fields=["gtin"])
            self.products[key] = product
            self.remember("product", key, product)
            self.report.imported["products"] += 1

    def import_material_products(self) -> None:
        for row in self.rows("material_products"):
            material = text_of(row, "material")
            name = text_of(row, "display_name", "name")
            where = f"Packaging supply product {name or material}"
            ingredient = self.ingredients.get(f"material:{material}")
            if ingredient is None:
                self.report.problem(
                    where, f"it names packaging supply {material!r}, which was not imported"
                )
                continue
            key = f"{material}|{name}"
            found = self.earlier(Product, "material_product", key)
            if found is not None:
                self.report.kept["products"] += 1
                continue
            unit_text = text_of(row, "default_unit") or "each"
            notes = [text_of(row, "notes")] if text_of(row, "notes") else []
            if text_of(row, "supplier"):
                notes.append(f"Supplier: {text_of(row, 'supplier')}.")
            if our_unit(unit_text) != "each":
                # Packaging supplies are counted: one here is one of bake-tracker's units.
                words = unit_text.replace("_", " ")
                notes.append(f"Counted in {words} in bake-tracker: one here is one of those.")
                self.report.notes.append(
                    f"{name}: bake-tracker counts it in {words}; here one each is one of those."
                )
            try:
                product = create_product(
                    self.tx,
                    ingredient.pk,
                    package_quantity=1,
                    package_unit="each",
                    name=name,
                    notes=" ".join(notes),
                )
            except DomainError as error:
                self.report.problem(where, error.message)
                continue
            self.remember("material_product", key, product)
            self.report.imported["products"] += 1

    def find_product(
        self, row: dict[str, Any], unit: str | None, size: Decimal | None
    ) -> Product | None:
        if unit is not None and size is not None:
            exact = self.products.get(self.product_key(row, unit, size))
            if exact is not None:
                return exact
        prefix = (
            "|".join(
                (
                    text_of(row, "ingredient_slug"),
                    text_of(row, "product_brand", "brand"),
                    text_of(row, "product_name"),
                )
            )
            + "|"
        )
        matches = [p for key, p in self.products.items() if key.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    def import_lots(self, suppliers: dict[str, str]) -> None:
        purchases = {
            text_of(row, "id"): row for row in self.rows("purchases") if text_of(row, "id")
        }
        seen: dict[str, int] = defaultdict(int)
        empty = 0
        for row in self.rows("inventory_items"):
            unit = our_unit(row.get("package_unit"))
            size = as_decimal(row.get("package_unit_quantity", row.get("package_size")))
            quantity = as_decimal(row.get("quantity"))
            day = text_of(row, "purchase_date")
            label = " ".join(
                p for p in (text_of(row, "product_brand"), text_of(row, "product_name")) if p
            )
            where = (
                f"Stock of {label or text_of(row, 'ingredient_slug')} bought {day or 'on no date'}"
            )
            base_key = "|".join(
                (self.product_key(row, unit or "", size), day, text_of(row, "quantity"))
            )
            seen[base_key] += 1
            key = f"{base_key}|{seen[base_key]}"
            if self.earlier(InventoryLot, "lot", key) is not None:
                self.report.kept["lots"] += 1
                continue
            if quantity is None or quantity < 0:
                self.report.problem(where, "its quantity is not a number of zero or more")
                continue
            if quantity == 0:
                empty += 1
                continue
            product = self.find_product(row, unit, size)
            if product is None:
                self.report.problem(where, "it names a product that is not in the file")
                continue
            packages = (quantity / product.package_quantity).quantize(
                PACKAGES_STEP, rounding=ROUND_HALF_EVEN
            )
            if packages <= 0:
                self.report.problem(where, "its quantity is less than 0.001 of a package")
                continue
            price = self.price_per_package(row, purchases, product)
            purchase = purchases.get(text_of(row, "purchase_id"), {})
            supplier = suppliers.get(text_of(purchase, "supplier_id"), "")
            try:
                lot = record_purchase(
                    self.tx,
                    product.pk,
                    packages=packages,
                    price_per_package=price if price is not None else 0,
                    purchased_on=day,
                    supplier=supplier,
                    notes=" ".join(
                        p
                        for p in (
                            text_of(row, "notes"),
                            text_of(row, "location") and f"Kept in: {text_of(row, 'location')}.",
                        )
                        if p
                    ),
                )
            except DomainError as error:
                self.report.problem(where, error.message)
                continue
            if price is None:
                lot.price_unknown = True
                lot.save(using=self.tx.using, update_fields=["price_unknown"])
                self.report.price_unknown_lots += 1
            self.remember("lot", key, lot)
            self.report.imported["lots"] += 1
        if empty:
            self.report.notes.append(f"Stock rows with nothing left ({empty}) were not imported.")

    @staticmethod
    def price_per_package(
        row: dict[str, Any], purchases: dict[str, dict[str, Any]], product: Product
    ) -> Decimal | None:
        """The price the file gives, per package; None when it gives none."""
        unit_cost = as_decimal(row.get("unit_cost"))
        if unit_cost is not None and unit_cost >= 0:
            # bake-tracker's cost per unit is per package unit (per oz of a 16 oz bag).
            return (unit_cost * product.package_quantity).quantize(Decimal("0.0001"))
        purchase = purchases.get(text_of(row, "purchase_id"))
        if purchase is not None:
            price = as_decimal(purchase.get("unit_price"))
            if price is not None and price >= 0:
                return price
        return None

    # --- Recipes ----------------------------------------------------------------------------

    @staticmethod
    def conversion_reason(ingredient: Ingredient, unit: str) -> str:
        base = BASE_UNIT[ingredient.stock_family]
        if {family_of(unit), ingredient.stock_family} == {"weight", "volume"}:
            return (
                f"{unit} cannot be converted to {base} for {ingredient.name}: the file gives no "
                "density and the table of estimated densities has none for it"
            )
        return f"{unit} cannot be used for {ingredient.name}, which is counted in {base}"

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

    # --- Gift boxes, recipients, events, packages ------------------------------------------

    def import_gift_boxes(self) -> None:
        existing = self.by_name(FinishedGood)
        for row in self.rows("finished_goods"):
            name = text_of(row, "display_name", "name")
            key = text_of(row, "slug") or name
            found = self.earlier(FinishedGood, "gift_box", key)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("gift_box", key, found)
            if found is not None:
                self.goods[key] = found
                self.report.kept["gift_boxes"] += 1
                continue
            description = "\n\n".join(
                p
                for p in (
                    text_of(row, "description"),
                    text_of(row, "packaging_instructions"),
                    text_of(row, "notes"),
                )
                if p
            )
            try:
                good = create_finished_good(self.tx, name=name, description=description)
            except DomainError as error:
                self.report.problem(f"Gift box {name or key}", error.message)
                continue
            self.goods[key] = good
            self.remember("gift_box", key, good)
            self.report.imported["gift_boxes"] += 1
        for row in self.rows("compositions"):
            self.gift_box_content(row)

    def gift_box_content(self, row: dict[str, Any]) -> None:
        parent_key = text_of(row, "finished_good_slug", "assembly_slug")
        where = f"Contents of gift box {parent_key or text_of(row, 'package_name')}"
        targets: list[tuple[str, str, models.Model | None]] = [
            (FinishedGoodComponent.FINISHED_UNIT, text_of(row, "finished_unit_slug"), None),
            (
                FinishedGoodComponent.FINISHED_GOOD,
                text_of(row, "finished_good_component_slug"),
                None,
            ),
            (
                FinishedGoodComponent.PACKAGING,
                text_of(row, "packaging_ingredient_slug", "material_slug"),
                None,
            ),
        ]
        kind, slug = next(((k, s) for k, s, _ in targets if s), ("", ""))
        key = f"{parent_key}|{kind}|{slug}"
        if self.known.get(("gift_box_content", key)) is not None:
            self.report.kept["gift_box_contents"] += 1
            return
        parent = self.goods.get(parent_key)
        if parent is None:
            self.report.problem(where, "it belongs to no imported gift box")
            return
        item: models.Model | None = {
            FinishedGoodComponent.FINISHED_UNIT: self.units.get(slug),
            FinishedGoodComponent.FINISHED_GOOD: self.goods.get(slug),
            FinishedGoodComponent.PACKAGING: self.ingredients.get(slug),
        }.get(kind)
        if item is None:
            self.report.problem(where, f"it holds {slug or 'something'!r}, which was not imported")
            return
        try:
            content = add_component(
                self.tx, parent.pk, kind, int(item.pk), as_decimal(row.get("component_quantity"))
            )
        except DomainError as error:
            self.report.problem(where, error.message)
            return
        self.remember("gift_box_content", key, content)
        self.report.imported["gift_box_contents"] += 1

    def import_recipients(self) -> None:
        existing = self.by_name(Recipient)
        for row in self.rows("recipients"):
            name = text_of(row, "name")
            found = self.earlier(Recipient, "recipient", name)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("recipient", name, found)
            if found is not None:
                self.recipients[name] = found
                self.report.kept["recipients"] += 1
                continue
            try:
                recipient = create_recipient(
                    self.tx,
                    name=name,
                    household_name=text_of(row, "household_name"),
                    address=text_of(row, "address"),
                    notes=text_of(row, "notes"),
                )
            except DomainError as error:
                self.report.problem(f"Recipient {name or '(no name)'}", error.message)
                continue
            self.recipients[name] = recipient
            self.remember("recipient", name, recipient)
            self.report.imported["recipients"] += 1

    def import_events(self) -> None:
        existing = self.by_name(Event)
        for row in self.rows("events"):
            name = text_of(row, "name")
            found = self.earlier(Event, "event", name)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("event", name, found)
            if found is not None:
                self.events[name] = found
                self.report.kept["events"] += 1
                continue
            try:
                event = create_event(
                    self.tx,
                    name=name,
                    event_date=text_of(row, "event_date"),
                    notes=text_of(row, "notes"),
                )
            except DomainError as error:
                self.report.problem(f"Event {name or '(no name)'}", error.message)
                continue
            self.events[name] = event
            self.remember("event", name, event)
            self.report.imported["events"] += 1

    def import_packages(self) -> None:
        existing = self.by_name(Package)
        for row in self.rows("packages"):
            name = text_of(row, "name")
            found = self.earlier(Package, "package", name)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("package", name, found)
            if found is not None:
                self.packages[name] = found
                self.report.kept["packages"] += 1
                continue
            notes = "\n\n".join(
                p for p in (text_of(row, "description"), text_of(row, "notes")) if p
            )
            try:
                package = create_package(self.tx, name=name, notes=notes)
            except DomainError as error:
                self.report.problem(f"Package {name or '(no name)'}", error.message)
                continue
            self.packages[name] = package
            self.remember("package", name, package)
            self.report.imported["packages"] += 1
        for row in self.rows("package_finished_goods"):
            package_name, slug = text_of(row, "package_name"), text_of(row, "finished_good_slug")
            self.linked(
                "package_contents",
                f"{package_name}|{slug}",
                f"Package {package_name}, gift box {slug}",
                [("package", self.packages.get(package_name)), ("gift box", self.goods.get(slug))],
                lambda p, g, row=row: add_package_item(
                    self.tx, p, g, as_decimal(row.get("quantity"))
                ),
            )

    def linked(
        self,
        kind: str,
        key: str,
        where: str,
        parts: list[tuple[str, models.Model | None]],
        write: Any,
    ) -> None:
        """A row that joins two or three imported rows (assignments, targets, contents)."""
        if self.known.get((kind, key)) is not None:
            self.report.kept[kind] += 1
            return
        missing = [label for label, obj in parts if obj is None]
        if missing:
            self.report.problem(where, f"its {' and '.join(missing)} was not imported")
            return
        try:
            obj = write(*(int(o.pk) for _, o in parts if o is not None))
        except DomainError as error:
            self.report.problem(where, error.message)
            return
        self.remember(kind, key, obj)
        self.report.imported[kind] += 1

    def import_assignments_and_targets(self) -> None:
        statuses = 0
        for row in self.rows("event_recipient_packages"):
            event, recipient, package = (
                text_of(row, k) for k in ("event_name", "recipient_name", "package_name")
            )
            if text_of(row, "fulfillment_status", "status") not in ("", "pending"):
                statuses += 1
            self.linked(
                "assignments",
                f"{event}|{recipient}|{package}",
                f"Assignment of {package} to {recipient} at {event}",
                [
                    ("event", self.events.get(event)),
                    ("recipient", self.recipients.get(recipient)),
                    ("package", self.packages.get(package)),
                ],
                lambda e, r, p, row=row: assign_package_to_recipient(
                    self.tx,
                    e,
                    r,
                    p,
                    quantity=as_decimal(row.get("quantity")) or 1,
                    notes=text_of(row, "notes"),
                ),
            )
        if statuses:
            self.report.notes.append(
                f"Statuses of assignments ({statuses} not pending) are not imported: "
                "every imported assignment starts pending."
            )
        for row in self.rows("event_production_targets"):
            event, recipe = text_of(row, "event_name"), text_of(row, "recipe_name")
            self.linked(
                "baking_targets",
                f"{event}|{recipe}",
                f"Baking target for {recipe} at {event}",
                [("event", self.events.get(event)), ("recipe", self.recipes.get(recipe))],
                lambda e, r, row=row: set_production_target(
                    self.tx,
                    e,
                    r,
                    as_decimal(row.get("target_batches")),
                    notes=text_of(row, "notes"),
                ),
            )
        for row in self.rows("event_assembly_targets"):
            event, slug = text_of(row, "event_name"), text_of(row, "finished_good_slug")
            self.linked(
                "packing_targets",
                f"{event}|{slug}",
                f"Packing target for {slug} at {event}",
                [("event", self.events.get(event)), ("gift box", self.goods.get(slug))],
                lambda e, g, row=row: set_assembly_target(
                    self.tx,
                    e,
                    g,
                    as_decimal(row.get("target_quantity")),
                    notes=text_of(row, "notes"),
                ),
            )

    def history_note(self) -> None:
        runs = sum(len(self.rows(section)) for section in HISTORY_SECTIONS)
        if runs:
            self.report.notes.append(
                f"Past baking and packing records ({runs}) are not imported: stock starts from "
                "the file's lots."
            )


def import_baketracker(
    tx: Tx, data: dict[str, Any], *, skip_invalid: bool = False, dry_run: bool = False
) -> ImportReport:
    """Bring a bake-tracker export (read by `read_export`) into the household.

    Raises `ImportRefused`, listing every row it cannot take, unless `skip_invalid`.
    `dry_run` only labels the report: the caller rolls the unit of work back.
    """
    tx.require()
    report = ImportReport(
        version=str(data.get("version", "")), dry_run=dry_run, skip_invalid=skip_invalid
    )
    with logged_operation(logger, tx, "import_baketracker", skip_invalid=skip_invalid) as op:
        importer = _Importer(tx, data, report)
        plans = importer.import_ingredients()
        importer.import_materials()
        suppliers = importer.suppliers()
        importer.import_products(suppliers)
        importer.import_material_products()
        importer.import_lots(suppliers)
        importer.import_recipes(plans)
        importer.import_sub_recipes()
        importer.import_baked_items()
        importer.import_gift_boxes()
        importer.import_recipients()
        importer.import_events()
        importer.import_packages()
        importer.import_assignments_and_targets()
        importer.history_note()
        if report.problems:
            op.add(problems=len(report.problems))
            raise ImportRefused(report)
        ImportedRecord.objects.using(tx.using).bulk_create(importer.new_records)
        op.add(imported=report.total_imported, skipped=len(report.skipped))
    return report
