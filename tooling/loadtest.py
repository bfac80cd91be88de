"""A bounded load test through the web layer: several clients recording runs and reading
dashboards at once, then a check that stock still adds up.

Each client is a thread with its own database connection and a Django test client, so
every request goes through the whole middleware stack and the views' units of work.
Requests stay inside this process: nothing is sent over any network.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bakeplanner.households import add_member, create_household
from bakeplanner.models import Household
from events.models import Event
from production.models import (
    AssemblyFinishedUnitConsumption,
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
    RecipeIngredient,
)


@dataclass
class LoadWorld:
    household: Household
    user: Any
    event_id: int
    unit_id: int
    items_per_batch: int
    good_id: int
    batches_possible: int


@dataclass
class LoadResult:
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


def seed_scarce(batches_possible: int = 12) -> LoadWorld:
    """A household whose flour covers only `batches_possible` batches of one recipe."""
    household = create_household(f"Load test {timezone.now():%Y%m%d%H%M%S%f}")
    user = get_user_model().objects.create_user(f"load-{household.pk}", password="load-pass-123")
    add_member(household, user)
    h = household
    flour = Ingredient.objects.create(household=h, name="Flour", stock_family="weight")
    product = Product.objects.create(
        household=h, ingredient=flour, package_quantity=Decimal(100), package_unit="g"
    )
    for index in range(3):  # several lots, so runs draw across lot boundaries
        day = dt.date(2026, 10, 1) + dt.timedelta(days=index)
        packages = Decimal(batches_possible)  # 3 lots × 100 g × n = 300 g × n in all
        purchase = Purchase.objects.create(
            household=h,
            product=product,
            purchased_on=day,
            packages=packages,
            price_per_package=Decimal("0.25") + index,
        )
        InventoryLot.objects.create(
            household=h,
            product=product,
            ingredient=flour,
            purchase=purchase,
            quantity_initial=packages * 100,
            quantity_remaining=packages * 100,
            cost_per_unit=(Decimal("0.25") + index) / 100,
            received_on=day,
        )
    recipe = Recipe.objects.create(household=h, name="Shortbread")
    RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=flour, quantity=300, unit="g"
    )
    unit = FinishedUnit.objects.create(
        household=h, recipe=recipe, name="finger", items_per_batch=12
    )
    good = FinishedGood.objects.create(household=h, name="Shortbread tin")
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=good,
        component_type="finished_unit",
        finished_unit=unit,
        quantity=6,
    )
    event = Event.objects.create(
        household=h,
        name="Load Christmas",
        slug="load-christmas",
        event_date=timezone.localdate() + dt.timedelta(days=20),
    )
    return LoadWorld(h, user, event.pk, unit.pk, 12, good.pk, batches_possible)


def run_load(world: LoadWorld, *, clients: int, seconds: float) -> LoadResult:
    """`clients` threads for `seconds`: bakers, packers and readers in turn."""
    result = LoadResult(seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    urls = {
        "dashboard": reverse("home"),
        "event": reverse("events:event_detail", args=[world.event_id]),
        "bake": reverse("production:production_run_create"),
        "pack": reverse("production:assembly_run_create"),
    }
    bake_form = {
        "finished_unit": world.unit_id,
        "num_batches": 1,
        "scale": "1",
        "actual_yield": world.items_per_batch,
        "loss_category": "",
        "loss_notes": "",
        "event": world.event_id,
        "produced_at": "",
        "notes": "load test",
    }
    pack_form = {
        "finished_good": world.good_id,
        "quantity": 1,
        "event": world.event_id,
        "assembled_at": "",
        "notes": "load test",
    }

    def client_loop(index: int) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(world.user)
        plan = ["bake", "dashboard", "pack", "event"]
        step = index
        try:
            while time.monotonic() < deadline:
                kind = plan[step % len(plan)]
                step += 1
                if kind == "bake":
                    response = client.post(urls["bake"], bake_form)
                elif kind == "pack":
                    response = client.post(urls["pack"], pack_form)
                else:
                    response = client.get(urls[kind])
                with lock:
                    result.statuses[response.status_code] += 1
                    result.by_kind[kind] += 1
        except Exception as exc:  # reported, never hidden
            with lock:
                result.errors.append(f"client {index}: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.problems = check_invariants(world)
    return result


def check_invariants(world: LoadWorld) -> list[str]:
    """Stock that left the lots equals what the ledgers say; counts equal runs in − out."""
    problems = []
    for lot in InventoryLot.objects.filter(household=world.household):
        drawn = ProductionConsumption.objects.filter(lot=lot).aggregate(q=Sum("quantity"))["q"]
        if lot.quantity_remaining < 0:
            problems.append(f"lot {lot.pk} is below zero")
        if lot.quantity_initial - lot.quantity_remaining != (drawn or 0):
            problems.append(
                f"lot {lot.pk}: ledger {drawn} ≠ {lot.quantity_initial - lot.quantity_remaining}"
            )
    runs = ProductionRun.objects.filter(household=world.household, reversed_at__isnull=True)
    made = runs.aggregate(y=Sum("actual_yield"))["y"] or 0
    if runs.count() > world.batches_possible:
        problems.append(f"{runs.count()} batches baked from flour for {world.batches_possible}")
    used = (
        AssemblyFinishedUnitConsumption.objects.filter(household=world.household).aggregate(
            q=Sum("quantity")
        )["q"]
        or 0
    )
    unit = FinishedUnit.objects.get(pk=world.unit_id)
    if unit.inventory_count != made - used:
        problems.append(f"finished unit count {unit.inventory_count} ≠ {made} made − {used} used")
    packed = (
        AssemblyRun.objects.filter(household=world.household).aggregate(q=Sum("quantity"))["q"] or 0
    )
    good = FinishedGood.objects.get(pk=world.good_id)
    if good.inventory_count != packed:
        problems.append(f"finished good count {good.inventory_count} ≠ {packed} packed")
    return problems
