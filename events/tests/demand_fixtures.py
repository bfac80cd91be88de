"""Worlds for the demand engine's tests, built with the ORM (import explicitly).

`build_gift_world` is small enough to compute by hand; `build_scaled_world` grows with `size` for
query-budget tests.

Gift world, by hand (no targets, nothing baked or assembled yet):

- Packages: Deluxe = 1 Cookie Bag + 1 Shortbread Tin (the tin holds a Cookie Bag too);
  Simple = 2 Cookie Bags. Ann gets Deluxe × 2, Ben Deluxe × 1, Cat Simple × 1.
- Goods: Cookie Bag 3 + 2 + 3 nested = 8; Shortbread Tin 3.
- Units: cookies 8 × 10 = 80 → ceil(80 / 48) = 2 batches of Sugar Cookies;
  shortbread fingers 3 × 10 = 30 → ceil(30 / 20) = 2 batches of Shortbread.
- Ingredients: flour 2 × 2 cup (480 g) + 2 × 500 g = 1480 g; sugar 2 × 1 cup (400 g) +
  Vanilla Sugar 2 × 0.5 batch × 100 g = 500 g; butter 2 × 0.25 kg = 500 g;
  vanilla 1 tsp = 4.929 ml.
- On hand: flour 200 g, sugar 0, butter 250 g, vanilla 0.
- Products: flour Small bag 500 g at 1.00 (0.002/g) and Big bag 2 kg, latest 3.00
  (0.0015/g; an older purchase was 5.00) → Big bag, 1 × 3.00. Sugar: Bag 1 kg at 4.00 and
  the preferred Organic 400 g at 3.00 → Organic, ceil(500 / 400) = 2 × 3.00 = 6.00. Butter:
  Block 250 g at 2.50 → 1 × 2.50. Vanilla: Bottle 59 ml, never bought → price missing.
- Packaging: Cellophane bag 8 × 1 = 8 (5 on hand, Pack of 10 at 2.00 → 1 × 2.00);
  Ribbon 8 × 1 + 3 × 2 = 14 (Spool of 25 at 5.00 → 5.00); Cookie tin 3 × 1 (no product).
- Total 3.00 + 6.00 + 2.50 + 2.00 + 5.00 = 18.50 (items only 11.50).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from production.models import (
    AssemblyRun,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionRun,
    Purchase,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)


def ingredient(household, name, family, *, kind="food", density=None, category=""):
    return Ingredient.objects.create(
        household=household,
        name=name,
        stock_family=family,
        kind=kind,
        density_g_per_cup=None if density is None else Decimal(density),
        category=category,
    )


def product(household, ingr, name, quantity, unit, *, preferred=False, brand=""):
    return Product.objects.create(
        household=household,
        ingredient=ingr,
        name=name,
        brand=brand,
        package_quantity=Decimal(quantity),
        package_unit=unit,
        preferred=preferred,
    )


def purchase(household, prod, *, price, on, base_quantity, remaining=None, packages=1):
    """A purchase and its lot; `remaining` leaves part (or none) of it on hand."""
    bought = Purchase.objects.create(
        household=household,
        product=prod,
        purchased_on=on,
        packages=Decimal(packages),
        price_per_package=Decimal(price),
    )
    quantity = Decimal(base_quantity)
    return InventoryLot.objects.create(
        household=household,
        product=prod,
        ingredient=prod.ingredient,
        purchase=bought,
        quantity_initial=quantity,
        quantity_remaining=quantity if remaining is None else Decimal(remaining),
        cost_per_unit=Decimal(price) * Decimal(packages) / quantity,
        received_on=on,
    )


def line(household, recipe, ingr, quantity, unit):
    return RecipeIngredient.objects.create(
        household=household, recipe=recipe, ingredient=ingr, quantity=Decimal(quantity), unit=unit
    )


def component(household, good, *, unit=None, nested=None, packaging=None, quantity=1):
    kind = (
        FinishedGoodComponent.FINISHED_UNIT
        if unit
        else FinishedGoodComponent.FINISHED_GOOD
        if nested
        else FinishedGoodComponent.PACKAGING
    )
    return FinishedGoodComponent.objects.create(
        household=household,
        finished_good=good,
        component_type=kind,
        finished_unit=unit,
        nested_good=nested,
        packaging=packaging,
        quantity=Decimal(quantity),
    )


def production_run(household, recipe, unit, batches, *, event=None, reversed_=False):
    expected = unit.items_per_batch * batches
    return ProductionRun.objects.create(
        household=household,
        recipe=recipe,
        finished_unit=unit,
        event=event,
        num_batches=batches,
        expected_yield=expected,
        actual_yield=expected,
        status=ProductionRun.COMPLETE,
        produced_at=timezone.now(),
        reversed_at=timezone.now() if reversed_ else None,
    )


def assembly_run(household, good, quantity, *, event=None, reversed_=False):
    return AssemblyRun.objects.create(
        household=household,
        finished_good=good,
        event=event,
        quantity=quantity,
        assembled_at=timezone.now(),
        reversed_at=timezone.now() if reversed_ else None,
    )


def production_target(household, event, recipe, batches, notes=""):
    return ProductionTarget.objects.create(
        household=household, event=event, recipe=recipe, target_batches=batches, notes=notes
    )


def assembly_target(household, event, good, quantity, notes=""):
    return AssemblyTarget.objects.create(
        household=household, event=event, finished_good=good, target_quantity=quantity, notes=notes
    )


def event(household, name, *, slug=None, on=dt.date(2026, 12, 24)):
    return Event.objects.create(
        household=household,
        name=name,
        event_date=on,
        slug=slug or name.lower().replace(" ", "-"),
    )


def build_gift_world(household) -> SimpleNamespace:
    h = household
    w = SimpleNamespace(household=h)
    w.flour = ingredient(h, "Flour", "weight", density="120", category="Baking")
    w.sugar = ingredient(h, "Sugar", "weight", density="200", category="Baking")
    w.butter = ingredient(h, "Butter", "weight", category="Dairy")
    w.vanilla = ingredient(h, "Vanilla", "volume", category="Baking")
    w.cellophane = ingredient(h, "Cellophane bag", "count", kind="packaging", category="Packaging")
    w.ribbon = ingredient(h, "Ribbon", "count", kind="packaging", category="Packaging")
    w.tin = ingredient(h, "Cookie tin", "count", kind="packaging")

    w.flour_small = product(h, w.flour, "Small bag", 500, "g")
    w.flour_big = product(h, w.flour, "Big bag", 2, "kg", brand="Mill & Co")
    purchase(
        h, w.flour_small, price="1.00", on=dt.date(2026, 1, 5), base_quantity=500, remaining=200
    )
    purchase(h, w.flour_big, price="5.00", on=dt.date(2025, 11, 1), base_quantity=2000, remaining=0)
    purchase(h, w.flour_big, price="3.00", on=dt.date(2026, 1, 10), base_quantity=2000, remaining=0)
    w.sugar_bag = product(h, w.sugar, "Bag", 1, "kg")
    w.sugar_organic = product(h, w.sugar, "Organic", 400, "g", preferred=True)
    purchase(h, w.sugar_bag, price="4.00", on=dt.date(2026, 1, 5), base_quantity=1000, remaining=0)
    purchase(
        h, w.sugar_organic, price="3.00", on=dt.date(2026, 1, 5), base_quantity=400, remaining=0
    )
    w.butter_block = product(h, w.butter, "Block", 250, "g")
    purchase(h, w.butter_block, price="2.50", on=dt.date(2026, 1, 5), base_quantity=250)
    w.vanilla_bottle = product(h, w.vanilla, "Bottle", 59, "ml")
    w.cellophane_pack = product(h, w.cellophane, "Pack of 10", 10, "each")
    purchase(
        h, w.cellophane_pack, price="2.00", on=dt.date(2026, 1, 5), base_quantity=10, remaining=5
    )
    w.ribbon_spool = product(h, w.ribbon, "Spool", 25, "each")
    purchase(h, w.ribbon_spool, price="5.00", on=dt.date(2026, 1, 5), base_quantity=25, remaining=0)

    w.cookies = Recipe.objects.create(household=h, name="Sugar Cookies")
    line(h, w.cookies, w.flour, 2, "cup")
    line(h, w.cookies, w.sugar, 1, "cup")
    w.cookie = FinishedUnit.objects.create(
        household=h, recipe=w.cookies, name="cookie", items_per_batch=48, item_unit="cookie"
    )
    w.vanilla_sugar = Recipe.objects.create(household=h, name="Vanilla Sugar")
    line(h, w.vanilla_sugar, w.sugar, 100, "g")
    line(h, w.vanilla_sugar, w.vanilla, 1, "tsp")
    w.shortbread = Recipe.objects.create(household=h, name="Shortbread")
    line(h, w.shortbread, w.flour, 500, "g")
    line(h, w.shortbread, w.butter, "0.25", "kg")
    RecipeComponent.objects.create(
        household=h,
        recipe=w.shortbread,
        component_recipe=w.vanilla_sugar,
        batches=Decimal("0.5"),
    )
    w.finger = FinishedUnit.objects.create(
        household=h, recipe=w.shortbread, name="shortbread finger", items_per_batch=20
    )

    w.cookie_bag = FinishedGood.objects.create(household=h, name="Cookie Bag")
    component(h, w.cookie_bag, unit=w.cookie, quantity=10)
    component(h, w.cookie_bag, packaging=w.cellophane, quantity=1)
    component(h, w.cookie_bag, packaging=w.ribbon, quantity=1)
    w.shortbread_tin = FinishedGood.objects.create(household=h, name="Shortbread Tin")
    component(h, w.shortbread_tin, unit=w.finger, quantity=10)
    component(h, w.shortbread_tin, nested=w.cookie_bag, quantity=1)
    component(h, w.shortbread_tin, packaging=w.tin, quantity=1)
    component(h, w.shortbread_tin, packaging=w.ribbon, quantity=2)

    w.deluxe = Package.objects.create(household=h, name="Deluxe")
    PackageItem.objects.create(
        household=h, package=w.deluxe, finished_good=w.cookie_bag, quantity=1
    )
    PackageItem.objects.create(
        household=h, package=w.deluxe, finished_good=w.shortbread_tin, quantity=1
    )
    w.simple = Package.objects.create(household=h, name="Simple")
    PackageItem.objects.create(
        household=h, package=w.simple, finished_good=w.cookie_bag, quantity=2
    )

    w.ann = Recipient.objects.create(household=h, name="Ann", address="1 Elm St")
    w.ben = Recipient.objects.create(household=h, name="Ben", household_name="The Bens")
    w.cat = Recipient.objects.create(household=h, name="Cat")
    w.event = event(h, "Christmas 2026")
    w.other_event = event(h, "New Year 2027", on=dt.date(2027, 1, 1))
    w.ann_deluxe = Assignment.objects.create(
        household=h, event=w.event, recipient=w.ann, package=w.deluxe, quantity=2
    )
    w.ben_deluxe = Assignment.objects.create(
        household=h, event=w.event, recipient=w.ben, package=w.deluxe, quantity=1
    )
    w.cat_simple = Assignment.objects.create(
        household=h, event=w.event, recipient=w.cat, package=w.simple, quantity=1
    )
    return w


def build_scaled_world(household, size: int) -> SimpleNamespace:
    """`size` copies of a small catalogue, all assigned at one event, with runs and targets.

    Each copy: three ingredients (one packaging) with two products and purchases, a recipe
    with a sub-recipe, a finished unit, a good nesting another, a package, two recipients.
    """
    h = household
    ev = event(h, f"Scaled {size}")
    for n in range(size):
        flour = ingredient(h, f"Flour {n}", "weight", density="120", category=f"Cat {n % 3}")
        sugar = ingredient(h, f"Sugar {n}", "weight", category="Baking")
        bag = ingredient(h, f"Bag {n}", "count", kind="packaging", category="Packaging")
        for ingr, base_unit in ((flour, "g"), (sugar, "g"), (bag, "each")):
            small = product(h, ingr, "Small", 100, base_unit)
            big = product(h, ingr, "Big", 1000, base_unit)
            purchase(h, small, price="1.00", on=dt.date(2026, 1, 1), base_quantity=100)
            purchase(h, big, price="7.00", on=dt.date(2026, 1, 2), base_quantity=1000, remaining=10)
        base = Recipe.objects.create(household=h, name=f"Base {n}")
        line(h, base, sugar, 50, "g")
        recipe = Recipe.objects.create(household=h, name=f"Cake {n}")
        line(h, recipe, flour, 1, "cup")
        RecipeComponent.objects.create(
            household=h, recipe=recipe, component_recipe=base, batches=Decimal("0.5")
        )
        unit = FinishedUnit.objects.create(
            household=h, recipe=recipe, name=f"slice {n}", items_per_batch=7
        )
        inner = FinishedGood.objects.create(household=h, name=f"Inner {n}")
        component(h, inner, unit=unit, quantity=3)
        component(h, inner, packaging=bag, quantity=1)
        outer = FinishedGood.objects.create(household=h, name=f"Outer {n}")
        component(h, outer, nested=inner, quantity=2)
        component(h, outer, packaging=bag, quantity="0.5")
        package = Package.objects.create(household=h, name=f"Package {n}")
        PackageItem.objects.create(household=h, package=package, finished_good=outer, quantity=1)
        PackageItem.objects.create(household=h, package=package, finished_good=inner, quantity=1)
        for r in range(2):
            recipient = Recipient.objects.create(household=h, name=f"Recipient {n}-{r}")
            Assignment.objects.create(
                household=h, event=ev, recipient=recipient, package=package, quantity=r + 1
            )
        if n % 2:
            production_target(h, ev, recipe, 9)
            assembly_target(h, ev, outer, 4)
            production_run(h, recipe, unit, 1, event=ev)
            assembly_run(h, inner, 1, event=ev)
    return SimpleNamespace(household=h, event=ev)


def build_estimate_world(household) -> SimpleNamespace:
    """Prices that make the planned-cost estimates easy to follow by hand.

    Flour 0.002/g (1 kg on hand at 2.00, latest price the same), a box 0.50 (10 for 5.00,
    100 on hand). Bread: 500 g flour per batch, 10 rolls → a roll 0.10.
    Roll Box = 4 rolls + 1 box = 0.90; Hamper = 1 Roll Box + 2 rolls + 2 boxes = 2.10.
    Big = Hamper + Roll Box = 3.00; Small = Roll Box = 0.90.
    Ann: Big × 2 + Small × 1 = 6.90; Ben: Small × 3 = 2.70; total 9.60.
    """
    h = household
    w = SimpleNamespace(household=h)
    w.flour = ingredient(h, "Flour", "weight", category="Baking")
    w.box = ingredient(h, "Box", "count", kind="packaging", category="Packaging")
    w.flour_bag = product(h, w.flour, "Bag", 1, "kg")
    purchase(h, w.flour_bag, price="2.00", on=dt.date(2026, 1, 1), base_quantity=1000)
    w.box_pack = product(h, w.box, "Ten boxes", 10, "each")
    purchase(h, w.box_pack, price="5.00", on=dt.date(2026, 1, 1), base_quantity=100, packages=10)
    w.bread = Recipe.objects.create(household=h, name="Bread")
    line(h, w.bread, w.flour, 500, "g")
    w.roll = FinishedUnit.objects.create(
        household=h, recipe=w.bread, name="roll", items_per_batch=10
    )
    w.roll_box = FinishedGood.objects.create(household=h, name="Roll Box")
    component(h, w.roll_box, unit=w.roll, quantity=4)
    component(h, w.roll_box, packaging=w.box, quantity=1)
    w.hamper = FinishedGood.objects.create(household=h, name="Hamper")
    component(h, w.hamper, nested=w.roll_box, quantity=1)
    component(h, w.hamper, unit=w.roll, quantity=2)
    component(h, w.hamper, packaging=w.box, quantity=2)
    w.big = Package.objects.create(household=h, name="Big")
    PackageItem.objects.create(household=h, package=w.big, finished_good=w.hamper, quantity=1)
    PackageItem.objects.create(household=h, package=w.big, finished_good=w.roll_box, quantity=1)
    w.small = Package.objects.create(household=h, name="Small")
    PackageItem.objects.create(household=h, package=w.small, finished_good=w.roll_box, quantity=1)
    w.ann = Recipient.objects.create(household=h, name="Ann")
    w.ben = Recipient.objects.create(household=h, name="Ben")
    w.event = event(h, "Winter Fair")
    w.ann_big = Assignment.objects.create(
        household=h, event=w.event, recipient=w.ann, package=w.big, quantity=2
    )
    w.ann_small = Assignment.objects.create(
        household=h, event=w.event, recipient=w.ann, package=w.small, quantity=1
    )
    w.ben_small = Assignment.objects.create(
        household=h, event=w.event, recipient=w.ben, package=w.small, quantity=3
    )
    return w
