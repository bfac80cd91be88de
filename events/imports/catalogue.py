"""Ingredients, packaging supplies, products and lots of a bake-tracker export."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from bakeplanner.errors import DomainError
from bakeplanner.names import name_key
from bakeplanner.units import COUNT, can_convert
from events.imports.mapping import IngredientPlan, as_decimal, our_unit, plan_ingredients, text_of
from events.imports.report import EstimatedDensity
from events.imports.state import ImportState, number_text
from production.models import (
    Ingredient,
    InventoryLot,
    Product,
)
from production.services import (
    create_ingredient,
    create_product,
    record_purchase,
)

__all__ = ["CatalogueImport"]

PACKAGES_STEP = Decimal("0.001")  # a purchase's package count precision


class CatalogueImport(ImportState):
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
        size = number_text(quantity) if quantity is not None else ""
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
