"""The benchmark of docs/performance.md: seed a household at scale S, then time reads, writes
and pages.

Run through `manage.py bench`; it works on a throwaway database so the real data is never
touched. Writes are measured inside a unit of work that is rolled back, so every repetition
starts from the same state.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bakeplanner.households import add_member, create_household
from bakeplanner.models import Household
from bakeplanner.tx import Tx, unit_of_work
from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from events.services import (
    clone_event,
    get_event_cost_analysis,
    get_event_summary,
    get_events_with_progress,
    get_shopping_list,
)
from production.models import (
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
from production.services import record_assembly, record_batch_production


class _Rollback(Exception):
    pass


@dataclass
class World:
    household: Household
    user: Any
    upcoming_event_id: int
    recipe_id: int
    finished_unit_id: int
    items_per_batch: int
    finished_good_id: int


def seed(scale: int, *, rng_seed: int = 2026) -> World:
    """≈30·S ingredients, 10·S recipes, 5·S goods, 5·S packages, 50·S recipients, 9 events
    of 40·S assignments, runs for the past events."""
    rng = random.Random(rng_seed + scale)
    household = create_household(f"Bench household S={scale}")
    user = get_user_model().objects.create_user(f"bench{scale}", password="bench-pass-123")
    add_member(household, user)
    h = household
    today = timezone.localdate()

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
    products = Product.objects.bulk_create(
        [
            Product(
                household=h,
                ingredient=ing,
                name="Bag",
                package_quantity=Decimal(1000 if ing.stock_family == "weight" else 50),
                package_unit="g" if ing.stock_family == "weight" else "each",
            )
            for ing in ingredients
        ]
    )
    purchases, lots = [], []
    for product in products:
        for k in range(2):
            purchases.append(
                Purchase(
                    household=h,
                    product=product,
                    purchased_on=today - dt.timedelta(days=60 - k),
                    packages=Decimal(20),
                    price_per_package=Decimal(rng.randint(150, 900)) / 100,
                )
            )
    purchases = Purchase.objects.bulk_create(purchases)
    for purchase in purchases:
        size = purchase.product.package_quantity * purchase.packages
        lots.append(
            InventoryLot(
                household=h,
                product=purchase.product,
                ingredient=purchase.product.ingredient,
                purchase=purchase,
                quantity_initial=size,
                quantity_remaining=size,
                cost_per_unit=purchase.price_per_package / purchase.product.package_quantity,
                received_on=purchase.purchased_on,
            )
        )
    InventoryLot.objects.bulk_create(lots)

    recipes = Recipe.objects.bulk_create(
        [Recipe(household=h, name=f"Recipe {i}", category="Cookies") for i in range(10 * scale)]
    )
    lines = []
    for recipe in recipes:
        for ing in rng.sample(food, 4):
            lines.append(
                RecipeIngredient(
                    household=h,
                    recipe=recipe,
                    ingredient=ing,
                    quantity=Decimal(rng.choice(["1", "2", "0.5"])),
                    unit="cup",
                )
            )
    RecipeIngredient.objects.bulk_create(lines)
    # Every fifth recipe uses the next one as a sub-recipe (a frosting, a filling).
    RecipeComponent.objects.bulk_create(
        [
            RecipeComponent(
                household=h,
                recipe=recipes[i],
                component_recipe=recipes[i + 1],
                batches=Decimal("0.5"),
            )
            for i in range(0, len(recipes) - 1, 5)
        ]
    )
    units = FinishedUnit.objects.bulk_create(
        [
            FinishedUnit(
                household=h,
                recipe=r,
                name=f"{r.name} piece",
                items_per_batch=24,
                inventory_count=100000,
                average_unit_cost=Decimal("0.10"),
            )
            for r in recipes
        ]
    )
    goods = FinishedGood.objects.bulk_create(
        [
            FinishedGood(
                household=h, name=f"Box {i}", inventory_count=100000, average_unit_cost=Decimal("3")
            )
            for i in range(5 * scale)
        ]
    )
    components = []
    for good in goods:
        for unit in rng.sample(units, 2):
            components.append(
                FinishedGoodComponent(
                    household=h,
                    finished_good=good,
                    component_type="finished_unit",
                    finished_unit=unit,
                    quantity=6,
                )
            )
        components.append(
            FinishedGoodComponent(
                household=h,
                finished_good=good,
                component_type="packaging",
                packaging=rng.choice(packaging),
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
    events = Event.objects.bulk_create(
        [
            Event(
                household=h,
                name=f"Event {i}",
                slug=f"event-{i}",
                event_date=today + dt.timedelta(days=(i - 5) * 40),
            )
            for i in range(9)
        ]
    )
    assignments, runs, ptargets, atargets = [], [], [], []
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
        for recipe in rng.sample(recipes, min(len(recipes), 5 * scale)):
            ptargets.append(
                ProductionTarget(household=h, event=event, recipe=recipe, target_batches=3)
            )
        for good in rng.sample(goods, min(len(goods), 3 * scale)):
            atargets.append(
                AssemblyTarget(household=h, event=event, finished_good=good, target_quantity=10)
            )
        if past:
            for unit in rng.sample(units, min(len(units), 5 * scale)):
                runs.append(
                    ProductionRun(
                        household=h,
                        recipe_id=unit.recipe_id,
                        finished_unit=unit,
                        event=event,
                        num_batches=2,
                        expected_yield=48,
                        actual_yield=48,
                        status="complete",
                        produced_at=timezone.now(),
                        total_ingredient_cost=Decimal("4.5"),
                        per_unit_cost=Decimal("0.09375"),
                    )
                )
    Assignment.objects.bulk_create(assignments)
    ProductionTarget.objects.bulk_create(ptargets)
    AssemblyTarget.objects.bulk_create(atargets)
    ProductionRun.objects.bulk_create(runs)
    upcoming = min((e for e in events if e.event_date >= today), key=lambda e: e.event_date)
    return World(
        household=h,
        user=user,
        upcoming_event_id=upcoming.pk,
        recipe_id=recipes[-1].pk,
        finished_unit_id=units[-1].pk,
        items_per_batch=24,
        finished_good_id=goods[0].pk,
    )


def measure(call: Callable[[], Any], repeat: int) -> tuple[int, float]:
    """(queries of one call, median milliseconds over `repeat` calls)."""
    times, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return max(queries), statistics.median(times)


def operations(world: World) -> list[tuple[str, Callable[[], Any]]]:
    h, event_id = world.household, world.upcoming_event_id

    def read(fn: Callable[[Tx], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with unit_of_work(h, read_only=True) as tx:
                return fn(tx)

        return run

    def rolled_back(fn: Callable[[Tx], Any]) -> Callable[[], Any]:
        def run() -> None:
            try:
                with unit_of_work(h, actor=world.user) as tx:
                    fn(tx)
                    raise _Rollback
            except _Rollback:
                pass

        return run

    client = Client()
    client.force_login(world.user)

    def page(url: str) -> Callable[[], Any]:
        def run() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return run

    return [
        ("get_events_with_progress", read(lambda tx: get_events_with_progress(tx, filter="all"))),
        ("get_event_summary", read(lambda tx: get_event_summary(tx, event_id))),
        ("get_shopping_list", read(lambda tx: get_shopping_list(tx, event_id))),
        ("get_event_cost_analysis", read(lambda tx: get_event_cost_analysis(tx, event_id))),
        (
            "record_batch_production",
            rolled_back(
                lambda tx: record_batch_production(
                    tx,
                    world.recipe_id,
                    world.finished_unit_id,
                    1,
                    world.items_per_batch,
                    event_id=event_id,
                )
            ),
        ),
        (
            "record_assembly",
            rolled_back(
                lambda tx: record_assembly(tx, world.finished_good_id, 1, event_id=event_id)
            ),
        ),
        (
            "clone_event",
            rolled_back(
                lambda tx: clone_event(
                    tx, event_id, name="Bench clone", event_date="2030-12-24", copy_targets=True
                )
            ),
        ),
        ("dashboard page", page("/")),
        ("event page", page(reverse("events:event_detail", args=[event_id]))),
    ]
