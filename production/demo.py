"""Demo pantry for `seed_demo`: a realistic catalogue built through the services.

Safe to run again: every ingredient, product, recipe, baked item and gift box is looked up by
name first and only what is missing is created; a product's purchases are recorded only
while it has none.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bakeplanner.tx import Tx
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Product,
    Purchase,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
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
    set_ingredient_allergens,
    set_shelf_life,
)

# Allergens of the demo pantry: name → (contains, may contain)
# (docs/allergens-and-freshness.md, "Allergens").
ALLERGENS: dict[str, tuple[list[str], list[str]]] = {
    "All-purpose flour": (["gluten"], []),
    "Rolled oats": (["gluten"], []),
    "Butter": (["milk"], []),
    "Cream cheese": (["milk"], []),
    "Milk": (["milk"], []),
    "Heavy cream": (["milk"], []),
    "Eggs": (["egg"], []),
    "Dark chocolate": (["milk", "soy"], ["peanut", "tree_nut"]),
    "Cocoa powder": ([], ["milk"]),
    "Almonds": (["tree_nut"], []),
    "Molasses": (["sulphite"], []),
}

# Shelf lives of the demo's baked items in days: name → (fresh, frozen or None).
SHELF_LIVES: dict[str, tuple[int, int | None]] = {
    "Sugar cookie": (14, 90),
    "Large sugar cookie": (14, 90),
    "Gingerbread man": (21, 90),
    "Chocolate chip cookie": (10, 90),
    "Snickerdoodle": (10, 90),
    "Shortbread finger": (28, 180),
    "Biscotti": (30, None),
    "Brownie square": (5, 90),
    "Oat bar": (7, 60),
    "Truffle": (14, None),
    "Mini spice cake": (5, 60),
}

# name: (kind, stock family, grams per cup, category)
INGREDIENTS: dict[str, tuple[str, str, str | None, str]] = {
    "All-purpose flour": ("food", "weight", "120", "Flour & grains"),
    "Rolled oats": ("food", "weight", "90", "Flour & grains"),
    "Granulated sugar": ("food", "weight", "200", "Sugars"),
    "Brown sugar": ("food", "weight", "213", "Sugars"),
    "Powdered sugar": ("food", "weight", "120", "Sugars"),
    "Molasses": ("food", "volume", None, "Sugars"),
    "Honey": ("food", "volume", None, "Sugars"),
    "Butter": ("food", "weight", "227", "Dairy & eggs"),
    "Cream cheese": ("food", "weight", "232", "Dairy & eggs"),
    "Milk": ("food", "volume", None, "Dairy & eggs"),
    "Heavy cream": ("food", "volume", None, "Dairy & eggs"),
    "Eggs": ("food", "count", None, "Dairy & eggs"),
    "Dark chocolate": ("food", "weight", "170", "Chocolate & nuts"),
    "Cocoa powder": ("food", "weight", "85", "Chocolate & nuts"),
    "Almonds": ("food", "weight", "143", "Chocolate & nuts"),
    "Ground cinnamon": ("food", "weight", "125", "Spices"),
    "Ground ginger": ("food", "weight", "96", "Spices"),
    "Ground cloves": ("food", "weight", "100", "Spices"),
    "Vanilla extract": ("food", "volume", None, "Spices"),
    "Baking soda": ("food", "weight", "220", "Leavening"),
    "Baking powder": ("food", "weight", "192", "Leavening"),
    "Salt": ("food", "weight", "292", "Leavening"),
    "Cellophane bags": ("packaging", "count", None, "Bags"),
    "Cookie tins": ("packaging", "count", None, "Boxes & tins"),
    "Kraft gift boxes": ("packaging", "count", None, "Boxes & tins"),
    "Tissue paper sheets": ("packaging", "count", None, "Wrapping"),
    # No length family: ribbon is counted in metres (1 each = 1 m).
    "Red satin ribbon (metres)": ("packaging", "count", None, "Wrapping"),
    "Gift tags": ("packaging", "count", None, "Wrapping"),
}

# (ingredient, brand, product name, package quantity, unit, preferred,
#  [(days ago, packages, price per package, supplier), ...])
PRODUCTS: list[tuple[str, str, str, str, str, bool, list[tuple[int, str, str, str]]]] = [
    (
        "All-purpose flour",
        "Millers' Best",
        "Sack",
        "5",
        "lb",
        True,
        [(60, "1", "4.29", "Corner grocer"), (20, "2", "4.49", "Corner grocer")],
    ),
    ("All-purpose flour", "", "Bag", "1", "kg", False, [(40, "1", "1.89", "Market")]),
    ("Rolled oats", "Hillside", "Canister", "42", "oz", True, [(35, "1", "4.99", "Market")]),
    (
        "Granulated sugar",
        "Sweetfield",
        "Bag",
        "4",
        "lb",
        True,
        [(58, "1", "3.49", "Corner grocer"), (18, "1", "3.79", "Corner grocer")],
    ),
    (
        "Brown sugar",
        "Sweetfield",
        "Light brown",
        "2",
        "lb",
        True,
        [(45, "1", "2.99", "Corner grocer")],
    ),
    (
        "Powdered sugar",
        "Sweetfield",
        "Confectioners'",
        "1",
        "lb",
        True,
        [(30, "2", "2.49", "Market")],
    ),
    ("Molasses", "Grandma's", "Unsulphured", "12", "fl oz", True, [(50, "1", "5.29", "Market")]),
    ("Honey", "Beeline", "Wildflower", "12", "fl oz", True, [(25, "1", "6.99", "Farm stand")]),
    (
        "Butter",
        "Dairy Vale",
        "Unsalted, 4 sticks",
        "1",
        "lb",
        True,
        [
            (55, "2", "4.79", "Corner grocer"),
            (21, "2", "5.19", "Corner grocer"),
            (7, "1", "5.49", "Corner grocer"),
        ],
    ),
    ("Cream cheese", "Dairy Vale", "Block", "8", "oz", True, [(10, "2", "2.89", "Corner grocer")]),
    ("Milk", "Dairy Vale", "Whole", "0.5", "gal", True, [(6, "1", "2.59", "Corner grocer")]),
    (
        "Heavy cream",
        "Dairy Vale",
        "Whipping cream",
        "1",
        "pt",
        True,
        [(6, "1", "3.99", "Corner grocer")],
    ),
    (
        "Eggs",
        "Happy Hens",
        "Large, free range",
        "1",
        "dozen",
        True,
        [(20, "2", "4.29", "Farm stand"), (5, "2", "4.59", "Farm stand")],
    ),
    (
        "Dark chocolate",
        "Cacao & Co",
        "Chips 60%",
        "10",
        "oz",
        True,
        [(42, "2", "3.99", "Market"), (12, "1", "4.29", "Market")],
    ),
    (
        "Dark chocolate",
        "Cacao & Co",
        "Baking bar 70%",
        "200",
        "g",
        False,
        [(12, "2", "3.49", "Market")],
    ),
    ("Cocoa powder", "Cacao & Co", "Dutch process", "8", "oz", True, [(42, "1", "5.49", "Market")]),
    ("Almonds", "Orchard Row", "Whole, raw", "1", "lb", True, [(33, "1", "7.99", "Market")]),
    ("Ground cinnamon", "Spice Route", "Jar", "2", "oz", True, [(80, "1", "3.29", "Market")]),
    ("Ground ginger", "Spice Route", "Jar", "1.5", "oz", True, [(80, "1", "3.79", "Market")]),
    ("Ground cloves", "Spice Route", "Jar", "1", "oz", True, [(80, "1", "4.49", "Market")]),
    ("Vanilla extract", "Spice Route", "Pure", "4", "fl oz", True, [(70, "1", "9.99", "Market")]),
    ("Baking soda", "Arm & Oven", "Box", "1", "lb", True, [(90, "1", "1.29", "Corner grocer")]),
    ("Baking powder", "Rise Right", "Tin", "8", "oz", True, [(90, "1", "2.49", "Corner grocer")]),
    ("Salt", "Seaside", "Fine sea salt", "26", "oz", True, [(120, "1", "1.99", "Corner grocer")]),
    (
        "Cellophane bags",
        "WrapIt",
        "Bag of 100",
        "100",
        "each",
        True,
        [(30, "1", "8.99", "Craft store")],
    ),
    (
        "Cookie tins",
        "Tin & Twine",
        "Round tins, set of 6",
        "6",
        "each",
        True,
        [(30, "2", "14.99", "Craft store")],
    ),
    (
        "Kraft gift boxes",
        "Tin & Twine",
        "Set of 10",
        "10",
        "each",
        True,
        [(30, "1", "11.49", "Craft store")],
    ),
    (
        "Tissue paper sheets",
        "WrapIt",
        "20 sheets",
        "20",
        "each",
        True,
        [(30, "1", "3.99", "Craft store")],
    ),
    (
        "Red satin ribbon (metres)",
        "Tin & Twine",
        "25 m spool",
        "25",
        "each",
        True,
        [(30, "1", "6.49", "Craft store")],
    ),
    (
        "Gift tags",
        "Tin & Twine",
        "Pack of 50",
        "50",
        "each",
        True,
        [(30, "1", "4.99", "Craft store")],
    ),
]

# name: (category, notes, [(ingredient, quantity, unit)], [(sub-recipe, batches)],
#        [(finished unit, items per batch, item label)])
RECIPES: dict[
    str,
    tuple[str, str, list[tuple[str, str, str]], list[tuple[str, str]], list[tuple[str, int, str]]],
] = {
    "Cream Cheese Frosting": (
        "Frostings",
        "Enough for one spice cake batch.",
        [
            ("Cream cheese", "8", "oz"),
            ("Butter", "0.5", "cup"),
            ("Powdered sugar", "2", "cup"),
            ("Vanilla extract", "1", "tsp"),
        ],
        [],
        [],
    ),
    "Vanilla Glaze": (
        "Frostings",
        "",
        [
            ("Powdered sugar", "1", "cup"),
            ("Milk", "2", "tbsp"),
            ("Vanilla extract", "0.5", "tsp"),
        ],
        [],
        [],
    ),
    "Sugar Cookies": (
        "Cookies",
        "Chill the dough for an hour before rolling.",
        [
            ("All-purpose flour", "2", "cup"),
            ("Granulated sugar", "1", "cup"),
            ("Butter", "1", "cup"),
            ("Eggs", "1", "each"),
            ("Vanilla extract", "1", "tsp"),
            ("Baking powder", "1", "tsp"),
            ("Salt", "0.25", "tsp"),
        ],
        [],
        [("Sugar cookie", 48, "cookie"), ("Large sugar cookie", 24, "cookie")],
    ),
    "Gingerbread Cookies": (
        "Cookies",
        "Glazed once cool.",
        [
            ("All-purpose flour", "3", "cup"),
            ("Brown sugar", "0.75", "cup"),
            ("Butter", "0.75", "cup"),
            ("Molasses", "0.5", "cup"),
            ("Eggs", "1", "each"),
            ("Ground ginger", "1", "tbsp"),
            ("Ground cinnamon", "1", "tbsp"),
            ("Ground cloves", "0.5", "tsp"),
            ("Baking soda", "1", "tsp"),
            ("Salt", "0.5", "tsp"),
        ],
        [("Vanilla Glaze", "0.5")],
        [("Gingerbread man", 24, "cookie")],
    ),
    "Chocolate Chip Cookies": (
        "Cookies",
        "",
        [
            ("All-purpose flour", "2.25", "cup"),
            ("Butter", "1", "cup"),
            ("Granulated sugar", "0.75", "cup"),
            ("Brown sugar", "0.75", "cup"),
            ("Eggs", "2", "each"),
            ("Vanilla extract", "1", "tsp"),
            ("Baking soda", "1", "tsp"),
            ("Salt", "1", "tsp"),
            ("Dark chocolate", "2", "cup"),
        ],
        [],
        [("Chocolate chip cookie", 36, "cookie")],
    ),
    "Snickerdoodles": (
        "Cookies",
        "",
        [
            ("All-purpose flour", "2.75", "cup"),
            ("Granulated sugar", "1.5", "cup"),
            ("Butter", "1", "cup"),
            ("Eggs", "2", "each"),
            ("Baking soda", "1", "tsp"),
            ("Ground cinnamon", "1", "tbsp"),
            ("Salt", "0.25", "tsp"),
        ],
        [],
        [("Snickerdoodle", 40, "cookie")],
    ),
    "Shortbread": (
        "Cookies",
        "",
        [
            ("All-purpose flour", "2", "cup"),
            ("Butter", "1", "cup"),
            ("Powdered sugar", "0.5", "cup"),
            ("Salt", "0.25", "tsp"),
        ],
        [],
        [("Shortbread finger", 32, "finger")],
    ),
    "Almond Biscotti": (
        "Cookies",
        "Baked twice.",
        [
            ("All-purpose flour", "2", "cup"),
            ("Granulated sugar", "0.75", "cup"),
            ("Eggs", "3", "each"),
            ("Almonds", "1", "cup"),
            ("Baking powder", "1", "tsp"),
            ("Vanilla extract", "1", "tsp"),
        ],
        [],
        [("Biscotti", 30, "piece")],
    ),
    "Fudgy Brownies": (
        "Bars",
        "",
        [
            ("Butter", "0.5", "cup"),
            ("Granulated sugar", "1", "cup"),
            ("Eggs", "2", "each"),
            ("Cocoa powder", "0.33", "cup"),
            ("All-purpose flour", "0.5", "cup"),
            ("Salt", "0.25", "tsp"),
            ("Vanilla extract", "1", "tsp"),
        ],
        [],
        [("Brownie square", 16, "square")],
    ),
    "Honey Oat Bars": (
        "Bars",
        "",
        [
            ("Rolled oats", "3", "cup"),
            ("Honey", "0.5", "cup"),
            ("Butter", "0.5", "cup"),
            ("Almonds", "0.5", "cup"),
            ("Brown sugar", "0.33", "cup"),
            ("Salt", "0.25", "tsp"),
        ],
        [],
        [("Oat bar", 16, "bar")],
    ),
    "Chocolate Truffles": (
        "Confections",
        "Keep chilled until packing.",
        [
            ("Dark chocolate", "8", "oz"),
            ("Heavy cream", "0.5", "cup"),
            ("Cocoa powder", "2", "tbsp"),
        ],
        [],
        [("Truffle", 30, "truffle")],
    ),
    "Spice Cake": (
        "Cakes",
        "Mini loaves, frosted.",
        [
            ("All-purpose flour", "2.5", "cup"),
            ("Granulated sugar", "1.5", "cup"),
            ("Butter", "0.5", "cup"),
            ("Eggs", "3", "each"),
            ("Milk", "1", "cup"),
            ("Ground cinnamon", "2", "tsp"),
            ("Ground ginger", "1", "tsp"),
            ("Baking powder", "2", "tsp"),
            ("Salt", "0.5", "tsp"),
        ],
        [("Cream Cheese Frosting", "1")],
        [("Mini spice cake", 6, "cake")],
    ),
}

# name: (description, [(kind, item name, quantity)]) — built in this order, so nested
# boxes come after the boxes they hold.
GOODS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "Cookie Tin": (
        "A round tin of three kinds of cookies.",
        [
            ("finished_unit", "Sugar cookie", "6"),
            ("finished_unit", "Gingerbread man", "6"),
            ("finished_unit", "Chocolate chip cookie", "6"),
            ("packaging", "Cookie tins", "1"),
            ("packaging", "Tissue paper sheets", "1"),
            ("packaging", "Red satin ribbon (metres)", "0.5"),
        ],
    ),
    "Treat Bag": (
        "Brownies and shortbread in a cellophane bag.",
        [
            ("finished_unit", "Brownie square", "3"),
            ("finished_unit", "Shortbread finger", "4"),
            ("packaging", "Cellophane bags", "1"),
            ("packaging", "Red satin ribbon (metres)", "0.3"),
            ("packaging", "Gift tags", "1"),
        ],
    ),
    "Truffle Box": (
        "A dozen truffles.",
        [
            ("finished_unit", "Truffle", "12"),
            ("packaging", "Kraft gift boxes", "1"),
            ("packaging", "Red satin ribbon (metres)", "0.5"),
        ],
    ),
    "Holiday Hamper": (
        "The big one: a cookie tin, a truffle box, a spice cake and biscotti.",
        [
            ("finished_good", "Cookie Tin", "1"),
            ("finished_good", "Truffle Box", "1"),
            ("finished_unit", "Mini spice cake", "1"),
            ("finished_unit", "Biscotti", "4"),
            ("packaging", "Kraft gift boxes", "1"),
            ("packaging", "Red satin ribbon (metres)", "1"),
            ("packaging", "Gift tags", "1"),
        ],
    ),
}


def _by_name(tx: Tx, model: Any, name: str, **scope: Any) -> Any:
    return tx.objects(model).filter(name__iexact=name, **scope).first()


def _seed_ingredients(tx: Tx) -> dict[str, Ingredient]:
    ingredients = {}
    for name, (kind, family, density, category) in INGREDIENTS.items():
        ingredient = _by_name(tx, Ingredient, name)
        if ingredient is None:
            ingredient = create_ingredient(
                tx,
                name=name,
                kind=kind,
                stock_family=family,
                density_g_per_cup=density,
                category=category,
            )
        ingredients[name] = ingredient
    return ingredients


def _seed_products(tx: Tx, ingredients: dict[str, Ingredient]) -> dict[str, Product]:
    today = timezone.localdate()
    products = {}
    for ingredient_name, brand, label, quantity, unit, preferred, purchases in PRODUCTS:
        ingredient = ingredients[ingredient_name]
        product = (
            tx.objects(Product)
            .filter(
                ingredient=ingredient,
                brand=brand,
                name=label,
                package_quantity=Decimal(quantity),
                package_unit=unit,
            )
            .first()
        )
        if product is None:
            product = create_product(
                tx,
                ingredient.pk,
                package_quantity=quantity,
                package_unit=unit,
                brand=brand,
                name=label,
                preferred=preferred,
            )
        if not tx.objects(Purchase).filter(product=product).exists():
            for days_ago, packages, price, supplier in purchases:
                record_purchase(
                    tx,
                    product.pk,
                    packages=packages,
                    price_per_package=price,
                    purchased_on=today - dt.timedelta(days=days_ago),
                    supplier=supplier,
                )
        products[f"{ingredient_name}: {brand} {label}".strip()] = product
    return products


def _seed_recipes(
    tx: Tx, ingredients: dict[str, Ingredient]
) -> tuple[dict[str, Recipe], dict[str, FinishedUnit]]:
    recipes: dict[str, Recipe] = {}
    units: dict[str, FinishedUnit] = {}
    for name, (category, notes, _, _, _) in RECIPES.items():
        recipe = _by_name(tx, Recipe, name)
        if recipe is None:
            recipe = create_recipe(tx, name=name, category=category, notes=notes)
        recipes[name] = recipe
    for name, (_, _, lines, subs, made) in RECIPES.items():
        recipe = recipes[name]
        if not tx.objects(RecipeIngredient).filter(recipe=recipe).exists():
            for ingredient_name, quantity, line_unit in lines:
                add_recipe_ingredient(
                    tx, recipe.pk, ingredients[ingredient_name].pk, quantity, line_unit
                )
        for child_name, batches in subs:
            child = recipes[child_name]
            if (
                not tx.objects(RecipeComponent)
                .filter(recipe=recipe, component_recipe=child)
                .exists()
            ):
                add_recipe_component(tx, recipe.pk, child.pk, batches)
        for unit_name, per_batch, label in made:
            unit = _by_name(tx, FinishedUnit, unit_name, recipe=recipe)
            if unit is None:
                unit = create_finished_unit(
                    tx, recipe.pk, name=unit_name, items_per_batch=per_batch, item_unit=label
                )
            units[unit_name] = unit
    return recipes, units


def _seed_goods(
    tx: Tx, ingredients: dict[str, Ingredient], units: dict[str, FinishedUnit]
) -> dict[str, FinishedGood]:
    goods: dict[str, FinishedGood] = {}
    for name, (description, components) in GOODS.items():
        good = _by_name(tx, FinishedGood, name)
        if good is None:
            good = create_finished_good(tx, name=name, description=description)
        goods[name] = good
        existing = tx.objects(FinishedGoodComponent).filter(finished_good=good)
        for kind, item_name, quantity in components:
            if kind == "finished_unit":
                item: Any = units[item_name]
                taken = existing.filter(finished_unit=item).exists()
            elif kind == "finished_good":
                item = goods[item_name]
                taken = existing.filter(nested_good=item).exists()
            else:
                item = ingredients[item_name]
                taken = existing.filter(packaging=item).exists()
            if not taken:
                add_component(tx, good.pk, kind, item.pk, quantity)
    return goods


def _seed_allergens_and_shelf_lives(
    tx: Tx, ingredients: dict[str, Ingredient], units: dict[str, FinishedUnit]
) -> None:
    """Tag the pantry and date the baked items, leaving alone whatever someone already set."""
    for name, (contains, may_contain) in ALLERGENS.items():
        ingredient = ingredients.get(name)
        if ingredient is not None and not ingredient.allergens and not ingredient.may_contain:
            set_ingredient_allergens(tx, ingredient.pk, contains=contains, may_contain=may_contain)
    for name, (days, frozen_days) in SHELF_LIVES.items():
        unit = units.get(name)
        if unit is not None and unit.shelf_life_days is None:
            set_shelf_life(tx, unit.pk, days=days, frozen_days=frozen_days)


def seed_pantry(tx: Tx) -> dict[str, Any]:
    """Create the demo catalogue; returns the objects other parts of the demo use by name.

    `{"ingredients": {name: Ingredient}, "products": {label: Product},
    "recipes": {name: Recipe}, "finished_units": {name: FinishedUnit},
    "finished_goods": {name: FinishedGood}}`.
    """
    tx.require()
    ingredients = _seed_ingredients(tx)
    products = _seed_products(tx, ingredients)
    recipes, units = _seed_recipes(tx, ingredients)
    goods = _seed_goods(tx, ingredients, units)
    _seed_allergens_and_shelf_lives(tx, ingredients, units)
    return {
        "ingredients": ingredients,
        "products": products,
        "recipes": recipes,
        "finished_units": units,
        "finished_goods": goods,
    }
