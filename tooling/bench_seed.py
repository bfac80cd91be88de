"""The household the benchmark measures (docs/performance.md, "What is seeded").

Rows are written with `bulk_create`; the stock ledgers are computed here the way the
services would write them: every baking run draws its ingredients first in, first out from
the lots received by then, every packing run draws its baked items and packaging supplies,
and each lot keeps `quantity_remaining = quantity_initial − what the ledgers drew`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from bakeplanner.households import add_member, create_household
from bakeplanner.models import Household
from bakeplanner.units import to_base
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
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionConsumption,
    ProductionRun,
    Purchase,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)

__all__ = ["PASSWORD", "World", "seed"]

PASSWORD = "bench-pass-123"  # the bench member's login on a throwaway database

EVENTS = 9
PAST_EVENTS = 5
ITEMS_PER_BATCH = 24
BOX_ITEMS = 6  # baked items of each kind in a gift box
SIX_PLACES = Decimal("0.000001")


def _money(value: Decimal) -> Decimal:
    return value.quantize(SIX_PLACES)


@dataclass
class World:
    household: Household
    user: Any
    upcoming_event_id: int
    recipe_id: int
    finished_unit_id: int
    items_per_batch: int
    finished_good_id: int
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Stock:
    """Lots per ingredient in FIFO order, drawn as the simulated runs happen."""

    lots: dict[int, list[InventoryLot]] = field(default_factory=lambda: defaultdict(list))

    def draw(self, ingredient_id: int, needed: Decimal, day: dt.date) -> list[tuple[Any, Decimal]]:
        """(lot, quantity) pairs covering `needed` from lots received by `day`; [] if short."""
        usable = [
            lot
            for lot in self.lots[ingredient_id]
            if lot.received_on <= day and lot.quantity_remaining > 0
        ]
        if sum((lot.quantity_remaining for lot in usable), Decimal(0)) < needed:
            return []
        taken, left = [], needed
        for lot in usable:
            if left <= 0:
                break
            quantity = min(left, lot.quantity_remaining)
            lot.quantity_remaining -= quantity
            left -= quantity
            taken.append((lot, quantity))
        return taken


def seed(scale: int, *, rng_seed: int = 2026) -> World:
    """≈30·S ingredients, 10·S recipes, 5·S gift boxes and packages, 50·S recipients and 9
    events of 40·S assignments, with baking and packing runs and their ledgers."""
    rng = random.Random(rng_seed + scale)
    household = create_household(f"Bench household S={scale}")
    user = get_user_model().objects.create_user(f"bench{scale}", password=PASSWORD)
    add_member(household, user)
    h = household
    today = timezone.localdate()
    counts: Counter[str] = Counter()

    food = [
        Ingredient(
            household=h,
            name=f"Food {i}",
            stock_family="weight",
            density_g_per_cup=Decimal(rng.randint(90, 220)),
            category=f"Cat {i % 6}",
        )
        for i in range(25 * scale)
    ]
    packaging = [
        Ingredient(household=h, name=f"Packaging {i}", kind="packaging", stock_family="count")
        for i in range(5 * scale)
    ]
    ingredients = Ingredient.objects.bulk_create(food + packaging)
    counts["ingredients"] = len(ingredients)
    products_of: dict[int, list[Product]] = {}
    all_products: list[Product] = []
    for ing in ingredients:
        weight = ing.stock_family == "weight"
        mine = [
            Product(
                household=h,
                ingredient=ing,
                brand=f"Brand {k}",
                name="Bag" if weight else "Pack",
                package_quantity=Decimal((500 * (k + 1)) if weight else 25 * (k + 1)),
                package_unit="g" if weight else "each",
                preferred=k == 0,
            )
            for k in range(rng.randint(1, 3))
        ]
        products_of[ing.pk] = mine
        all_products += mine
    Product.objects.bulk_create(all_products)
    counts["products"] = len(all_products)

    recipes = Recipe.objects.bulk_create(
        [Recipe(household=h, name=f"Recipe {i}", category="Cookies") for i in range(10 * scale)]
    )
    lines: list[RecipeIngredient] = []
    per_batch: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for recipe in recipes:
        for ing in rng.sample(food, 4):
            quantity = Decimal(rng.choice(["1", "2", "0.5"]))
            lines.append(
                RecipeIngredient(
                    household=h, recipe=recipe, ingredient=ing, quantity=quantity, unit="cup"
                )
            )
            grams = to_base(quantity, "cup", "weight", density_g_per_cup=ing.density_g_per_cup)
            per_batch[recipe.pk][ing.pk] += grams
    RecipeIngredient.objects.bulk_create(lines)
    # Every fifth recipe uses half a batch of the next one (a frosting, a filling).
    subs = [
        RecipeComponent(
            household=h, recipe=recipes[i], component_recipe=recipes[i + 1], batches=Decimal("0.5")
        )
        for i in range(0, len(recipes) - 1, 5)
    ]
    RecipeComponent.objects.bulk_create(subs)
    for sub in subs:
        for ing_id, grams in list(per_batch[sub.component_recipe.pk].items()):
            per_batch[sub.recipe.pk][ing_id] += grams * sub.batches
    counts["recipes"] = len(recipes)

    units = FinishedUnit.objects.bulk_create(
        [
            FinishedUnit(
                household=h, recipe=r, name=f"{r.name} piece", items_per_batch=ITEMS_PER_BATCH
            )
            for r in recipes
        ]
    )
    unit_of_recipe = {unit.recipe.pk: unit for unit in units}
    goods = FinishedGood.objects.bulk_create(
        [FinishedGood(household=h, name=f"Box {i}") for i in range(5 * scale)]
    )
    box_units: dict[int, list[FinishedUnit]] = {}
    box_packaging: dict[int, Ingredient] = {}
    components = []
    for good in goods:
        box_units[good.pk] = rng.sample(units, 2)
        box_packaging[good.pk] = rng.choice(packaging)
        for unit in box_units[good.pk]:
            components.append(
                FinishedGoodComponent(
                    household=h,
                    finished_good=good,
                    component_type="finished_unit",
                    finished_unit=unit,
                    quantity=BOX_ITEMS,
                )
            )
        components.append(
            FinishedGoodComponent(
                household=h,
                finished_good=good,
                component_type="packaging",
                packaging=box_packaging[good.pk],
                quantity=1,
            )
        )
    FinishedGoodComponent.objects.bulk_create(components)
    packages = Package.objects.bulk_create(
        [Package(household=h, name=f"Package {i}") for i in range(5 * scale)]
    )
    PackageItem.objects.bulk_create(
        [
            PackageItem(household=h, package=p, finished_good=g, quantity=rng.randint(1, 2))
            for p in packages
            for g in rng.sample(goods, 2)
        ]
    )
    recipients = Recipient.objects.bulk_create(
        [Recipient(household=h, name=f"Recipient {i}") for i in range(50 * scale)]
    )
    counts["gift boxes"], counts["recipients"] = len(goods), len(recipients)

    # Events every 40 days; the first upcoming one (20 days ahead) is the measured event.
    events = Event.objects.bulk_create(
        [
            Event(
                household=h,
                name=f"Event {i}",
                slug=f"event-{i}",
                event_date=today + dt.timedelta(days=(i - PAST_EVENTS) * 40 + 20),
            )
            for i in range(EVENTS)
        ]
    )
    upcoming = events[PAST_EVENTS]
    assignments, ptargets, atargets = [], [], []
    plan: dict[int, tuple[list[Recipe], list[FinishedGood]]] = {}
    for event in events:
        past = event.event_date < today
        for recipient in rng.sample(recipients, 40 * scale):
            assignments.append(
                Assignment(
                    household=h,
                    event=event,
                    recipient=recipient,
                    package=rng.choice(packages),
                    quantity=rng.randint(1, 2),
                    fulfillment_status="delivered" if past else "pending",
                )
            )
        event_goods = rng.sample(goods, 3 * scale)
        wanted = {unit.recipe.pk for good in event_goods for unit in box_units[good.pk]}
        event_recipes = [r for r in recipes if r.pk in wanted]
        event_recipes += rng.sample([r for r in recipes if r.pk not in wanted], scale)
        plan[event.pk] = (event_recipes, event_goods)
        ptargets += [
            ProductionTarget(household=h, event=event, recipe=r, target_batches=3)
            for r in event_recipes
        ]
        atargets += [
            AssemblyTarget(household=h, event=event, finished_good=g, target_quantity=10)
            for g in event_goods
        ]
    Assignment.objects.bulk_create(assignments)
    ProductionTarget.objects.bulk_create(ptargets)
    AssemblyTarget.objects.bulk_create(atargets)
    counts["events"], counts["assignments"] = len(events), len(assignments)
    counts["targets"] = len(ptargets) + len(atargets)

    # Purchases: three lots per ingredient long before the first event, at different
    # dates, products and prices, then a purchase of what each event needs before it.
    stock = _Stock()
    purchases: list[Purchase] = []
    lots: list[InventoryLot] = []

    def buy(ing: Ingredient, day: dt.date, at_least: Decimal) -> None:
        product = rng.choice(products_of[ing.pk])
        size = product.package_quantity
        packages_bought = max(
            Decimal(1), (at_least / size).to_integral_value(rounding=ROUND_CEILING)
        )
        price = Decimal(rng.randint(150, 900)) / 100
        purchase = Purchase(
            household=h,
            product=product,
            purchased_on=day,
            packages=packages_bought,
            price_per_package=price,
        )
        lot = InventoryLot(
            household=h,
            product=product,
            ingredient=ing,
            purchase=purchase,
            quantity_initial=size * packages_bought,
            quantity_remaining=size * packages_bought,
            cost_per_unit=(price / size).quantize(Decimal("0.000000000001")),
            received_on=day,
        )
        purchases.append(purchase)
        lots.append(lot)
        stock.lots[ing.pk].append(lot)

    first = events[0].event_date
    for ing in ingredients:
        for k in range(3):
            base = Decimal(rng.randint(2, 6) * (1000 if ing.stock_family == "weight" else 25))
            buy(ing, first - dt.timedelta(days=90 - 20 * k), base)

    runs: list[ProductionRun] = []
    ledger: list[ProductionConsumption] = []
    packs: list[AssemblyRun] = []
    unit_ledger: list[AssemblyFinishedUnitConsumption] = []
    pack_ledger: list[AssemblyPackagingConsumption] = []
    on_hand: dict[int, int] = defaultdict(int)
    unit_cost: dict[int, Decimal] = defaultdict(Decimal)
    boxes_made: dict[int, int] = defaultdict(int)
    box_cost: dict[int, Decimal] = defaultdict(Decimal)

    for event in events[: PAST_EVENTS + 1]:
        event_recipes, event_goods = plan[event.pk]
        if event is upcoming:  # about half of the measured event is already baked and packed
            event_recipes = event_recipes[: len(event_recipes) // 2]
            event_goods = event_goods[: len(event_goods) // 2]
        bake_day = min(event.event_date - dt.timedelta(days=7), today - dt.timedelta(days=1))
        shop_day = bake_day - dt.timedelta(days=3)
        batches = 3 if event is not upcoming else 2
        needs: dict[int, Decimal] = defaultdict(Decimal)
        for recipe in event_recipes:
            for ing_id, grams in per_batch[recipe.pk].items():
                needs[ing_id] += grams * batches
        for good in event_goods:
            needs[box_packaging[good.pk].pk] += Decimal(10)
        by_id = {ing.pk: ing for ing in ingredients}
        for ing_id, amount in needs.items():
            buy(by_id[ing_id], shop_day, amount * Decimal("0.8"))  # older lots cover the rest
        when = timezone.make_aware(dt.datetime.combine(bake_day, dt.time(10)))
        for recipe in event_recipes:
            unit = unit_of_recipe[recipe.pk]
            expected = ITEMS_PER_BATCH * batches
            draws = [
                (ing_id, stock.draw(ing_id, grams * batches, bake_day))
                for ing_id, grams in per_batch[recipe.pk].items()
            ]
            if any(not taken for _, taken in draws):
                raise RuntimeError(f"bench seed: not enough stock for {recipe.name}")
            lossy = rng.random() < 0.1
            actual = expected - rng.randint(1, expected // 2) if lossy else expected
            run = ProductionRun(
                household=h,
                recipe=recipe,
                finished_unit=unit,
                event=event,
                num_batches=batches,
                expected_yield=expected,
                actual_yield=actual,
                loss_quantity=expected - actual,
                loss_category="broken" if lossy else "",
                status=ProductionRun.PARTIAL_LOSS if lossy else ProductionRun.COMPLETE,
                produced_at=when + dt.timedelta(minutes=len(runs)),
                recorded_by=user,
            )
            total = Decimal(0)
            for ing_id, taken in draws:
                for lot, quantity in taken:
                    cost = _money(quantity * lot.cost_per_unit)
                    total += cost
                    ledger.append(
                        ProductionConsumption(
                            household=h,
                            run=run,
                            lot=lot,
                            ingredient_id=ing_id,
                            quantity=quantity,
                            cost=cost,
                        )
                    )
            run.total_ingredient_cost = _money(total)
            run.per_unit_cost = _money(total / actual)
            run.loss_cost = _money(Decimal(expected - actual) * total / expected)
            runs.append(run)
            before = on_hand[unit.pk]
            on_hand[unit.pk] += actual
            unit_cost[unit.pk] = _money(
                (before * unit_cost[unit.pk] + total) / Decimal(on_hand[unit.pk])
            )
        pack_when = when + dt.timedelta(days=2)
        for good in event_goods:
            made = min([10] + [on_hand[u.pk] // BOX_ITEMS for u in box_units[good.pk]])
            if made <= 0:
                continue
            box_lots = stock.draw(box_packaging[good.pk].pk, Decimal(made), pack_when.date())
            if not box_lots:
                continue
            pack = AssemblyRun(
                household=h,
                finished_good=good,
                event=event,
                quantity=made,
                assembled_at=pack_when + dt.timedelta(minutes=len(packs)),
                recorded_by=user,
            )
            component_cost = packaging_cost = Decimal(0)
            for unit in box_units[good.pk]:
                used = BOX_ITEMS * made
                cost = _money(used * unit_cost[unit.pk])
                component_cost += cost
                on_hand[unit.pk] -= used
                unit_ledger.append(
                    AssemblyFinishedUnitConsumption(
                        household=h,
                        run=pack,
                        finished_unit=unit,
                        quantity=used,
                        unit_cost=unit_cost[unit.pk],
                        cost=cost,
                    )
                )
            for lot, quantity in box_lots:
                cost = _money(quantity * lot.cost_per_unit)
                packaging_cost += cost
                pack_ledger.append(
                    AssemblyPackagingConsumption(
                        household=h,
                        run=pack,
                        lot=lot,
                        ingredient=box_packaging[good.pk],
                        quantity=quantity,
                        cost=cost,
                    )
                )
            pack.component_cost, pack.packaging_cost = component_cost, packaging_cost
            pack.total_cost = component_cost + packaging_cost
            pack.per_unit_cost = _money(pack.total_cost / made)
            packs.append(pack)
            before_boxes = boxes_made[good.pk]
            boxes_made[good.pk] += made
            box_cost[good.pk] = _money(
                (before_boxes * box_cost[good.pk] + pack.total_cost) / boxes_made[good.pk]
            )

    Purchase.objects.bulk_create(purchases)
    InventoryLot.objects.bulk_create(lots)
    ProductionRun.objects.bulk_create(runs)
    ProductionConsumption.objects.bulk_create(ledger)
    AssemblyRun.objects.bulk_create(packs)
    AssemblyFinishedUnitConsumption.objects.bulk_create(unit_ledger)
    AssemblyPackagingConsumption.objects.bulk_create(pack_ledger)
    for unit in units:
        unit.inventory_count, unit.average_unit_cost = on_hand[unit.pk], unit_cost[unit.pk]
    FinishedUnit.objects.bulk_update(units, ["inventory_count", "average_unit_cost"], 500)
    for good in goods:
        good.inventory_count, good.average_unit_cost = boxes_made[good.pk], box_cost[good.pk]
    FinishedGood.objects.bulk_update(goods, ["inventory_count", "average_unit_cost"], 500)
    counts["purchases (lots)"] = len(lots)
    counts["baking runs"] = len(runs)
    counts["runs with losses"] = sum(1 for run in runs if run.loss_quantity)
    counts["baking ledger rows"] = len(ledger)
    counts["packing runs"] = len(packs)
    counts["packing ledger rows"] = len(unit_ledger) + len(pack_ledger)

    # The timed writes bake 2 batches of a recipe of the measured event and pack 2 boxes.
    event_recipes, event_goods = plan[upcoming.pk]
    recipe = event_recipes[-1]
    good = max(goods, key=lambda g: min(on_hand[u.pk] // BOX_ITEMS for u in box_units[g.pk]))
    return World(
        household=h,
        user=user,
        upcoming_event_id=upcoming.pk,
        recipe_id=recipe.pk,
        finished_unit_id=unit_of_recipe[recipe.pk].pk,
        items_per_batch=ITEMS_PER_BATCH,
        finished_good_id=good.pk,
        counts=dict(counts),
    )
