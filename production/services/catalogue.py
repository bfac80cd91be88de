"""Ingredients and products: create, change, delete and list them (docs/design.md, "Catalogue")."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.paginator import Page
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower

from bakeplanner.display import plural
from bakeplanner.errors import InUse, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import (
    check_name_free,
    lock_household_names,
    lock_parent_row,
    name_key,
    normalize_input,
)
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, FAMILIES, UNITS, can_convert, family_of
from production.models import (
    FinishedGoodComponent,
    Ingredient,
    InventoryLot,
    Product,
    Purchase,
    RecipeIngredient,
)
from production.services.lookup import (
    check_fields,
    clean_choice,
    clean_decimal,
    clean_name,
    clean_text,
    get_owned,
    household_lots,
    page_of_ids,
    rename,
    sort_ordering,
    usage,
    usage_sentence,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

__all__ = [
    "create_ingredient",
    "create_product",
    "delete_ingredient",
    "delete_product",
    "get_ingredient_detail",
    "list_ingredients",
    "list_ingredients_page",
    "list_products",
    "list_products_page",
    "update_ingredient",
    "update_product",
]


class IngredientTotals(TypedDict):
    """What `list_ingredients` adds to each ingredient."""

    name_lower: str
    on_hand: Decimal
    product_count: int


class ProductPrices(TypedDict):
    """What `list_products` adds to each product (`latest_price` is per package)."""

    latest_price: Decimal | None
    purchase_count: int


logger = logging.getLogger("bakeplanner.production.catalogue")

KINDS = (Ingredient.FOOD, Ingredient.PACKAGING)
INGREDIENT_FIELDS = ("name", "kind", "stock_family", "density_g_per_cup", "category", "notes")
PRODUCT_FIELDS = ("brand", "name", "package_quantity", "package_unit", "preferred", "notes")

INGREDIENT_SORTS = {
    "name": ("name_lower",),
    "kind": ("kind", "name_lower"),
    "category": ("category", "name_lower"),
    "family": ("stock_family", "name_lower"),
    "on_hand": ("on_hand", "name_lower"),
}
PRODUCT_SORTS = {
    "ingredient": ("ingredient__name", "brand", "name"),
    "brand": ("brand", "name", "ingredient__name"),
    "size": ("package_unit", "package_quantity"),
    "price": ("latest_price", "ingredient__name"),
}


# --- Checks shared by create and update ------------------------------------------------------


def _clean_density(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_decimal(
        value, "Density (grams per cup)", model=Ingredient, column="density_g_per_cup"
    )


def _clean_unit(value: Any, *, field: str) -> str:
    if value not in UNITS:
        raise ValidationFailed(
            f"Unknown unit {value!r}; use one of {', '.join(UNITS)}.", field=field
        )
    return str(value)


def _check_unit_fits(
    ingredient_name: str, unit: str, family: str, density: Decimal | None, *, field: str
) -> None:
    """A unit is usable for an ingredient when it converts to the stock family's base unit."""
    base = BASE_UNIT[family]
    if can_convert(unit, base, density):
        return
    if {family_of(unit), family} == {"weight", "volume"}:
        raise ValidationFailed(
            f"{unit} cannot be converted to {base} for {ingredient_name}: set its density "
            "(grams per cup) first.",
            field=field,
        )
    raise ValidationFailed(
        f"{unit} cannot be used for {ingredient_name}, which is counted in {base}.", field=field
    )


def _units_in_use(tx: Tx, ingredient: Ingredient) -> list[tuple[str, str]]:
    """(unit, where) pairs of every product and recipe line of the ingredient."""
    pairs = [
        (unit, "a product")
        for unit in tx.objects(Product)
        .filter(ingredient=ingredient)
        .values_list("package_unit", flat=True)
    ]
    pairs += [
        (unit, "a recipe line")
        for unit in tx.objects(RecipeIngredient)
        .filter(ingredient=ingredient)
        .values_list("unit", flat=True)
    ]
    return pairs


# --- Ingredients ----------------------------------------------------------------------------


def create_ingredient(
    tx: Tx,
    *,
    name: str,
    stock_family: str,
    kind: str = "food",
    density_g_per_cup: Any = None,
    category: str = "",
    notes: str = "",
) -> Ingredient:
    """Create an ingredient (food or packaging) kept in the base unit of its stock family."""
    tx.require()
    with logged_operation(logger, tx, "create_ingredient") as op:
        clean = clean_name(normalize_input(name), Ingredient)
        family = clean_choice(stock_family, FAMILIES, "Stock family", field="stock_family")
        kind = clean_choice(kind, KINDS, "Kind", field="kind")
        density = _clean_density(density_g_per_cup)
        category = clean_text(category, "Category", field="category", max_length=80)
        notes = clean_text(notes, "Notes", field="notes")
        # Two people adding the same ingredient at once: the second waits here, then sees
        # the first one's row and gets the duplicate-name message.
        lock_household_names(tx)
        check_name_free(tx, Ingredient, clean, entity="An ingredient")
        ingredient = Ingredient(
            household=tx.household,
            name=clean,
            kind=kind,
            stock_family=family,
            density_g_per_cup=density,
            category=category,
            notes=notes,
        )
        ingredient.save(using=tx.using)
        op.add(ingredient_id=ingredient.pk)
        return ingredient


def update_ingredient(tx: Tx, ingredient_id: int, **fields: Any) -> Ingredient:
    """Change an ingredient; the stock family is fixed once it has lots or recipe lines."""
    tx.require()
    with logged_operation(logger, tx, "update_ingredient", ingredient_id=ingredient_id) as op:
        check_fields(fields, INGREDIENT_FIELDS, "ingredient")
        ingredient = get_owned(tx, Ingredient, ingredient_id)
        op.add(fields=sorted(fields))
        if "name" in fields:
            rename(tx, ingredient, fields["name"], entity="An ingredient")
        if "category" in fields:
            ingredient.category = clean_text(
                fields["category"], "Category", field="category", max_length=80
            )
        if "notes" in fields:
            ingredient.notes = clean_text(fields["notes"], "Notes", field="notes")
        if "kind" in fields:
            kind = clean_choice(fields["kind"], KINDS, "Kind", field="kind")
            if kind != Ingredient.PACKAGING and ingredient.kind == Ingredient.PACKAGING:
                used = tx.objects(FinishedGoodComponent).filter(packaging=ingredient).count()
                if used:
                    raise ValidationFailed(
                        f"{ingredient.name} is packaging in "
                        f"{plural(used, 'gift box', 'gift boxes')}; "
                        "take it out of those before making it a food ingredient.",
                        field="kind",
                    )
            ingredient.kind = kind
        family = ingredient.stock_family
        if "stock_family" in fields:
            family = clean_choice(
                fields["stock_family"], FAMILIES, "Stock family", field="stock_family"
            )
            if family != ingredient.stock_family:
                has_lots = tx.objects(InventoryLot).filter(ingredient=ingredient).exists()
                has_lines = tx.objects(RecipeIngredient).filter(ingredient=ingredient).exists()
                has_components = (
                    tx.objects(FinishedGoodComponent).filter(packaging=ingredient).exists()
                )
                if has_lots or has_lines or has_components:
                    raise ValidationFailed(
                        f"The stock family of {ingredient.name} cannot change: it already has "
                        "lots, recipe lines or gift boxes that use it in "
                        f"{ingredient.base_unit}.",
                        field="stock_family",
                    )
        density = ingredient.density_g_per_cup
        if "density_g_per_cup" in fields:
            density = _clean_density(fields["density_g_per_cup"])
        if family != ingredient.stock_family or density != ingredient.density_g_per_cup:
            # Every product and recipe line must still convert to the stock unit.
            for unit, where in _units_in_use(tx, ingredient):
                if not can_convert(unit, BASE_UNIT[family], density):
                    raise ValidationFailed(
                        f"{ingredient.name} has {where} in {unit}, which could no longer be "
                        f"converted to {BASE_UNIT[family]}; change it first.",
                        field="density_g_per_cup"
                        if family == ingredient.stock_family
                        else "stock_family",
                    )
        if density != ingredient.density_g_per_cup:
            ingredient.density_estimated = False  # a density someone chose is not an estimate
        ingredient.stock_family = family
        ingredient.density_g_per_cup = density
        ingredient.save(using=tx.using)
        return ingredient


def delete_ingredient(tx: Tx, ingredient_id: int) -> None:
    """Delete an ingredient nothing uses (no products, lots, recipe lines, components)."""
    tx.require()
    with logged_operation(logger, tx, "delete_ingredient", ingredient_id=ingredient_id):
        ingredient = get_owned(tx, Ingredient, ingredient_id)
        uses = usage(tx, ingredient)
        if uses:
            raise InUse(usage_sentence(ingredient.name, uses))
        ingredient.delete(using=tx.using)


# A latest price is one somebody paid: not a lot found in a stock count (its price is worked
# out from other lots) nor one brought in without a price.
PRICED = {"found_in_count": False, "lot__price_unknown": False}


def _on_hand_subquery(tx: Tx) -> Subquery:
    return Subquery(
        tx.raw_objects(InventoryLot)
        .filter(ingredient=OuterRef("pk"))
        .values("ingredient")
        .annotate(total=Sum("quantity_remaining"))
        .values("total")[:1],
        output_field=DecimalField(max_digits=20, decimal_places=3),
    )


def list_ingredients(
    tx: Tx, *, q: str = "", kind: str = "", sort: str = "name"
) -> list[WithAnnotations[Ingredient, IngredientTotals]]:
    """Ingredients with `on_hand` and `product_count`; searchable and sortable."""
    tx.require()
    return list(_ingredients(tx, q, kind, sort))


def list_ingredients_page(
    tx: Tx, *, q: str = "", kind: str = "", sort: str = "name", page: Any = 1, per_page: int = 50
) -> Page:
    """One page of `list_ingredients`: the page's ids are chosen first, and only their stock
    and products are summed (docs/performance.md)."""
    tx.require()
    return page_of_ids(
        _ingredients(tx, q, kind, sort, figures=False).values_list("pk", flat=True),
        lambda ids: _ingredients(tx, "", "", sort).filter(pk__in=ids),
        per_page,
        page,
    )


def _ingredients(tx: Tx, q: str, kind: str, sort: str, *, figures: bool = True) -> QuerySet[Any]:
    """The household's ingredients in `sort` order; with `figures`, each with `on_hand` and
    `product_count` (the stock is summed anyway when it is the order)."""
    ordering = sort_ordering(sort, INGREDIENT_SORTS, "name")
    queryset = tx.objects(Ingredient).annotate(name_lower=Lower("name"))
    if figures or "on_hand" in {field.lstrip("-") for field in ordering}:
        queryset = queryset.annotate(
            on_hand=Coalesce(
                _on_hand_subquery(tx),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=20, decimal_places=3),
            )
        )
    if figures:
        queryset = queryset.annotate(product_count=Count("products", distinct=True))
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(name__icontains=term) | Q(category__icontains=term) | Q(notes__icontains=term)
        )
    if kind in KINDS:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by(*ordering, "pk")


def get_ingredient_detail(tx: Tx, ingredient_id: int) -> dict[str, Any]:
    """An ingredient with its products (and latest prices), lots on hand and recipe uses."""
    tx.require()
    ingredient = get_owned(tx, Ingredient, ingredient_id)
    latest_price = Subquery(
        tx.raw_objects(Purchase)
        .filter(product=OuterRef("pk"), **PRICED)
        .order_by("-purchased_on", "-id")
        .values("price_per_package")[:1]
    )
    products = list(
        tx.objects(Product)
        .filter(ingredient=ingredient)
        .annotate(latest_price=latest_price, purchase_count=Count("purchases"))
        .order_by("-preferred", "brand", "name", "package_quantity")
    )
    lots = list(
        household_lots(tx)
        .with_stock()
        .filter(ingredient=ingredient)
        .select_related("product", "purchase")
        .fifo()
    )
    lines = list(
        tx.objects(RecipeIngredient)
        .filter(ingredient=ingredient)
        .select_related("recipe")
        .order_by("recipe__name", "id")
    )
    components = list(
        tx.objects(FinishedGoodComponent)
        .filter(packaging=ingredient)
        .select_related("finished_good")
        .order_by("finished_good__name")
    )
    on_hand = sum((lot.quantity_remaining for lot in lots), Decimal(0))
    value = sum((lot.quantity_remaining * lot.cost_per_unit for lot in lots), Decimal(0))
    return {
        "ingredient": ingredient,
        "products": products,
        "lots": lots,
        "recipe_lines": lines,
        "components": components,
        "on_hand": on_hand,
        "value": value,
    }


# --- Products -------------------------------------------------------------------------------


def _check_product_unique(
    tx: Tx,
    ingredient: Ingredient,
    brand: str,
    name: str,
    quantity: Decimal,
    unit: str,
    *,
    exclude_pk: int | None = None,
) -> None:
    queryset = tx.objects(Product).filter(
        ingredient=ingredient,
        brand_key=name_key(brand),
        name_key=name_key(name),
        package_quantity=quantity,
        package_unit=unit,
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        label = " ".join(part for part in (brand, name) if part) or ingredient.name
        raise ValidationFailed(
            f"{ingredient.name} already has the product {label} ({quantity.normalize():f} {unit})."
        )


def _unprefer_others(tx: Tx, ingredient: Ingredient, keep_pk: int | None) -> None:
    """At most one preferred product per ingredient: the newly preferred one wins."""
    others = tx.objects(Product).filter(ingredient=ingredient, preferred=True)
    if keep_pk is not None:
        others = others.exclude(pk=keep_pk)
    others.update(preferred=False)


def create_product(
    tx: Tx,
    ingredient_id: int,
    *,
    package_quantity: Any,
    package_unit: str,
    brand: str = "",
    name: str = "",
    preferred: bool = False,
    notes: str = "",
) -> Product:
    """A purchasable form of an ingredient; preferring it un-prefers the ingredient's other."""
    tx.require()
    with logged_operation(logger, tx, "create_product", ingredient_id=ingredient_id) as op:
        ingredient = get_owned(tx, Ingredient, ingredient_id)
        quantity = clean_decimal(
            package_quantity, "Package size", model=Product, column="package_quantity"
        )
        unit = _clean_unit(package_unit, field="package_unit")
        _check_unit_fits(
            ingredient.name,
            unit,
            ingredient.stock_family,
            ingredient.density_g_per_cup,
            field="package_unit",
        )
        brand = clean_text(normalize_input(brand), "Brand", field="brand", max_length=80)
        name = clean_text(normalize_input(name), "Product name", field="name", max_length=120)
        notes = clean_text(notes, "Notes", field="notes")
        # The ingredient's row lock makes two people adding the same product, or preferring
        # two products of one ingredient, at once take turns: the second sees the first.
        lock_parent_row(tx, Ingredient, ingredient.pk)
        _check_product_unique(tx, ingredient, brand, name, quantity, unit)
        preferred = bool(preferred)
        if preferred:
            _unprefer_others(tx, ingredient, None)
        product = Product(
            household=tx.household,
            ingredient=ingredient,
            brand=brand,
            name=name,
            package_quantity=quantity,
            package_unit=unit,
            preferred=preferred,
            notes=notes,
        )
        product.save(using=tx.using)
        op.add(product_id=product.pk)
        return product


def update_product(tx: Tx, product_id: int, **fields: Any) -> Product:
    """Change a product; its package size is fixed once it has purchases."""
    tx.require()
    with logged_operation(logger, tx, "update_product", product_id=product_id) as op:
        check_fields(fields, PRODUCT_FIELDS, "product")
        product = get_owned(tx, Product, product_id)
        ingredient = get_owned(tx, Ingredient, product.ingredient_id)
        op.add(fields=sorted(fields))
        brand = product.brand
        name = product.name
        quantity = product.package_quantity
        unit = product.package_unit
        if "brand" in fields:
            brand = clean_text(
                normalize_input(fields["brand"]), "Brand", field="brand", max_length=80
            )
        if "name" in fields:
            name = clean_text(
                normalize_input(fields["name"]), "Product name", field="name", max_length=120
            )
        if "package_quantity" in fields:
            quantity = clean_decimal(
                fields["package_quantity"],
                "Package size",
                model=Product,
                column="package_quantity",
            )
        if "package_unit" in fields:
            unit = _clean_unit(fields["package_unit"], field="package_unit")
            _check_unit_fits(
                ingredient.name,
                unit,
                ingredient.stock_family,
                ingredient.density_g_per_cup,
                field="package_unit",
            )
        if (quantity, unit) != (product.package_quantity, product.package_unit):
            if tx.objects(Purchase).filter(product=product).exists():
                raise ValidationFailed(
                    "The package size cannot change once the product has purchases: their lots "
                    "were counted with it. Add a new product instead.",
                    field="package_quantity",
                )
        lock_parent_row(tx, Ingredient, ingredient.pk)
        _check_product_unique(tx, ingredient, brand, name, quantity, unit, exclude_pk=product.pk)
        if "notes" in fields:
            product.notes = clean_text(fields["notes"], "Notes", field="notes")
        if "preferred" in fields:
            preferred = bool(fields["preferred"])
            if preferred:
                _unprefer_others(tx, ingredient, product.pk)
            product.preferred = preferred
        product.brand, product.name = brand, name
        product.package_quantity, product.package_unit = quantity, unit
        product.save(using=tx.using)
        return product


def delete_product(tx: Tx, product_id: int) -> None:
    """Delete a product that was never bought."""
    tx.require()
    with logged_operation(logger, tx, "delete_product", product_id=product_id):
        product = get_owned(tx, Product, product_id)
        uses = usage(tx, product)
        if uses:
            raise InUse(usage_sentence(str(product), uses))
        product.delete(using=tx.using)


def list_products(
    tx: Tx, *, q: str = "", sort: str = "ingredient"
) -> list[WithAnnotations[Product, ProductPrices]]:
    """Every product with its ingredient and `latest_price` (per package, or None)."""
    tx.require()
    return list(_products(tx, q, sort))


def list_products_page(
    tx: Tx, *, q: str = "", sort: str = "ingredient", page: Any = 1, per_page: int = 50
) -> Page:
    """One page of `list_products`: the page's ids are chosen first, and only they are
    priced and their purchases counted."""
    tx.require()
    return page_of_ids(
        _products(tx, q, sort, figures=False).values_list("pk", flat=True),
        lambda ids: _products(tx, "", sort).filter(pk__in=ids),
        per_page,
        page,
    )


def _products(tx: Tx, q: str, sort: str, *, figures: bool = True) -> QuerySet[Any]:
    """The household's products with their ingredient in `sort` order; with `figures`, each
    with `latest_price` (per package, or None) and `purchase_count` (the price is read anyway
    when it is the order)."""
    ordering = sort_ordering(sort, PRODUCT_SORTS, "ingredient")
    queryset = tx.objects(Product).select_related("ingredient")
    if figures or "latest_price" in {field.lstrip("-") for field in ordering}:
        queryset = queryset.annotate(
            latest_price=Subquery(
                tx.raw_objects(Purchase)
                .filter(product=OuterRef("pk"), **PRICED)
                .order_by("-purchased_on", "-id")
                .values("price_per_package")[:1]
            )
        )
    if figures:
        queryset = queryset.annotate(purchase_count=Count("purchases"))
    if q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(ingredient__name__icontains=term) | Q(brand__icontains=term) | Q(name__icontains=term)
        )
    return queryset.order_by(*ordering, "pk")
