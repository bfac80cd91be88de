"""Cost analysis: made so far against its estimate, what is left, the projected total, and the
runs that no event counts.

The world, by hand (every need is on hand, so the estimate prices at the lots' costs):

- Flour 0.002/g, sugar 0.004/g, a box 0.50.
- Bread: 500 g flour = 1.00 a batch, 10 rolls. Cake: 250 g sugar + 250 g flour = 1.50 a
  batch, 8 slices.
- Roll Box = 5 rolls + 1 box; Cake Tin = 4 slices + 1 box. Hamper package = 1 of each.
  Ann gets 4 hampers, Ben 2: 6 Roll Boxes (30 rolls, 3 batches of Bread) and 6 Cake Tins
  (24 slices, 3 batches of Cake).
- Bread has a target of 4 batches; Cake has none (plan 3).
- Baked for the event: Bread twice (2 batches for 2.30, 1 batch for 0.95); Cake not yet.
  Packed: 2 Roll Boxes, packaging 1.10.

Bread: made 3 ≈ 3.00, actual 3.25 (0.25 over); left 4 − 3 = 1 ≈ 1.00; projected 4.25.
Cake: made 0; left 3 ≈ 4.50; projected 4.50.
Roll Box: packed 2 ≈ 1.00, actual 1.10 (0.10 over); left 4 ≈ 2.00; projected 3.10.
Cake Tin: packed 0; left 6 ≈ 3.00; projected 3.00.
Made so far ≈ 4.00, actual 4.35: 0.35 over. Left ≈ 10.50. Projected 14.85.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bakeplanner.tx import unit_of_work
from events.models import Assignment, Package, PackageItem, Recipient
from events.services import get_dashboard_summary, get_event_cost_analysis
from events.tests.demand_fixtures import (
    build_scaled_world,
    component,
    event,
    ingredient,
    line,
    product,
    production_target,
    purchase,
)
from production.models import AssemblyRun, FinishedGood, FinishedUnit, ProductionRun, Recipe


def bake(household, recipe, unit, batches, cost, *, event=None, reversed_=False, days_ago=0):
    return ProductionRun.objects.create(
        household=household,
        recipe=recipe,
        finished_unit=unit,
        event=event,
        num_batches=batches,
        expected_yield=unit.items_per_batch * batches,
        actual_yield=unit.items_per_batch * batches,
        status=ProductionRun.COMPLETE,
        produced_at=timezone.now() - dt.timedelta(days=days_ago),
        total_ingredient_cost=Decimal(cost),
        reversed_at=timezone.now() if reversed_ else None,
    )


def pack(household, good, quantity, packaging, *, event=None, days_ago=0):
    return AssemblyRun.objects.create(
        household=household,
        finished_good=good,
        event=event,
        quantity=quantity,
        assembled_at=timezone.now() - dt.timedelta(days=days_ago),
        packaging_cost=Decimal(packaging),
        component_cost=Decimal(0),
        total_cost=Decimal(packaging),
    )


def build_bakery(household) -> SimpleNamespace:
    h = household
    w = SimpleNamespace(household=h)
    w.flour = ingredient(h, "Flour", "weight")
    w.sugar = ingredient(h, "Sugar", "weight")
    w.box = ingredient(h, "Box", "count", kind="packaging")
    flour_bag = product(h, w.flour, "Bag", 1, "kg")
    purchase(h, flour_bag, price="2.00", on=dt.date(2026, 1, 1), base_quantity=10000, packages=10)
    sugar_bag = product(h, w.sugar, "Bag", 1, "kg")
    purchase(h, sugar_bag, price="4.00", on=dt.date(2026, 1, 1), base_quantity=5000, packages=5)
    box_pack = product(h, w.box, "Ten boxes", 10, "each")
    purchase(h, box_pack, price="5.00", on=dt.date(2026, 1, 1), base_quantity=100, packages=10)
    w.bread = Recipe.objects.create(household=h, name="Bread")
    line(h, w.bread, w.flour, 500, "g")
    w.roll = FinishedUnit.objects.create(
        household=h, recipe=w.bread, name="roll", items_per_batch=10
    )
    w.cake = Recipe.objects.create(household=h, name="Cake")
    line(h, w.cake, w.sugar, 250, "g")
    line(h, w.cake, w.flour, 250, "g")
    w.slice = FinishedUnit.objects.create(
        household=h, recipe=w.cake, name="slice", items_per_batch=8
    )
    w.roll_box = FinishedGood.objects.create(household=h, name="Roll Box")
    component(h, w.roll_box, unit=w.roll, quantity=5)
    component(h, w.roll_box, packaging=w.box, quantity=1)
    w.cake_tin = FinishedGood.objects.create(household=h, name="Cake Tin")
    component(h, w.cake_tin, unit=w.slice, quantity=4)
    component(h, w.cake_tin, packaging=w.box, quantity=1)
    hamper = Package.objects.create(household=h, name="Hamper")
    PackageItem.objects.create(household=h, package=hamper, finished_good=w.roll_box, quantity=1)
    PackageItem.objects.create(household=h, package=hamper, finished_good=w.cake_tin, quantity=1)
    w.event = event(h, "Winter Fair")
    for name, quantity in (("Ann", 4), ("Ben", 2)):
        recipient = Recipient.objects.create(household=h, name=name)
        Assignment.objects.create(
            household=h, event=w.event, recipient=recipient, package=hamper, quantity=quantity
        )
    production_target(h, w.event, w.bread, 4)
    return w


@pytest.fixture
def bakery(household):
    return build_bakery(household)


@pytest.fixture
def under_way(bakery):
    h = bakery.household
    bake(h, bakery.bread, bakery.roll, 2, "2.30", event=bakery.event, days_ago=2)
    bake(h, bakery.bread, bakery.roll, 1, "0.95", event=bakery.event, days_ago=1)
    pack(h, bakery.roll_box, 2, "1.10", event=bakery.event)
    return bakery


def analysis_of(household, event_id):
    with unit_of_work(household) as tx:
        return get_event_cost_analysis(tx, event_id)


def test_made_so_far_is_compared_with_its_own_estimate(under_way):
    analysis = analysis_of(under_way.household, under_way.event.pk)
    assert analysis["anything_made"] is True
    assert analysis["made_estimate"] == "4.00"
    assert analysis["made_actual"] == "4.35"
    assert analysis["over_under"] == "0.35"
    assert analysis["over_under_word"] == "over"
    assert analysis["left_estimate"] == "10.50"
    assert analysis["projected_total"] == "14.85"
    assert analysis["missing_prices"] == []


def test_existing_totals_keep_their_meaning(under_way):
    analysis = analysis_of(under_way.household, under_way.event.pk)
    assert analysis["grand_total"] == "4.35"
    assert analysis["estimated_cost"] == "13.50"  # 6 × (Roll Box 1.00 + Cake Tin 1.25)
    assert analysis["variance"] == "9.15"
    assert [row["run_count"] for row in analysis["production_costs"]] == [2]
    json.dumps(analysis)


def test_each_recipe_shows_made_left_and_projected(under_way):
    analysis = analysis_of(under_way.household, under_way.event.pk)
    bread, cake = analysis["recipe_costs"]
    assert bread == {
        "recipe_id": under_way.bread.pk,
        "recipe_name": "Bread",
        "batches_made": 3,
        "batches_left": 1,
        "plan_batches": 4,
        "target_set": True,
        "each_estimate": "1.00",
        "made_estimate": "3.00",
        "made_actual": "3.25",
        "over_under": "0.25",
        "over_under_word": "over",
        "left_estimate": "1.00",
        "projected": "4.25",
    }
    assert cake == {
        "recipe_id": under_way.cake.pk,
        "recipe_name": "Cake",
        "batches_made": 0,
        "batches_left": 3,
        "plan_batches": 3,
        "target_set": False,
        "each_estimate": "1.50",
        "made_estimate": "0.00",
        "made_actual": "0.00",
        "over_under": "0.00",
        "over_under_word": "on estimate",
        "left_estimate": "4.50",
        "projected": "4.50",
    }


def test_each_gift_box_counts_its_packaging_only(under_way):
    analysis = analysis_of(under_way.household, under_way.event.pk)
    cake_tin, roll_box = analysis["gift_box_costs"]
    assert roll_box["finished_good_name"] == "Roll Box"
    assert (roll_box["packed"], roll_box["left"], roll_box["plan"]) == (2, 4, 6)
    assert roll_box["each_estimate"] == "0.50"
    assert (roll_box["made_estimate"], roll_box["made_actual"]) == ("1.00", "1.10")
    assert (roll_box["over_under"], roll_box["over_under_word"]) == ("0.10", "over")
    assert (roll_box["left_estimate"], roll_box["projected"]) == ("2.00", "3.10")
    assert cake_tin["finished_good_name"] == "Cake Tin"
    assert (cake_tin["packed"], cake_tin["left"], cake_tin["projected"]) == (0, 6, "3.00")


def test_spending_less_than_the_estimate_is_under(bakery):
    bake(bakery.household, bakery.bread, bakery.roll, 2, "1.60", event=bakery.event)
    analysis = analysis_of(bakery.household, bakery.event.pk)
    assert (analysis["over_under"], analysis["over_under_word"]) == ("-0.40", "under")
    assert analysis["recipe_costs"][0]["over_under_word"] == "under"
    # 1.60 spent + Bread 2 left × 1.00 + Cake 4.50 + 12 boxes × 0.50
    assert analysis["projected_total"] == "14.10"


def test_spending_the_estimate_to_the_cent_is_on_estimate(bakery):
    bake(bakery.household, bakery.bread, bakery.roll, 2, "2.00", event=bakery.event)
    analysis = analysis_of(bakery.household, bakery.event.pk)
    assert (analysis["over_under"], analysis["over_under_word"]) == ("0.00", "on estimate")


def test_reversed_runs_are_not_made(bakery):
    bake(bakery.household, bakery.bread, bakery.roll, 2, "9.00", event=bakery.event, reversed_=True)
    analysis = analysis_of(bakery.household, bakery.event.pk)
    assert analysis["anything_made"] is False
    assert analysis["made_actual"] == "0.00"
    assert analysis["recipe_costs"][0]["batches_left"] == 4


def test_nothing_made_projects_the_whole_plan(bakery):
    analysis = analysis_of(bakery.household, bakery.event.pk)
    assert analysis["anything_made"] is False
    assert analysis["over_under_word"] == "on estimate"
    # Bread 4 × 1.00 + Cake 3 × 1.50 + 12 boxes × 0.50
    assert analysis["projected_total"] == analysis["left_estimate"] == "14.50"


def test_a_recipe_no_package_needs_is_still_estimated_at_current_prices(bakery):
    h = bakery.household
    shortbread = Recipe.objects.create(household=h, name="Shortbread")
    line(h, shortbread, bakery.sugar, 100, "g")
    finger = FinishedUnit.objects.create(
        household=h, recipe=shortbread, name="finger", items_per_batch=20
    )
    bake(h, shortbread, finger, 1, "0.55", event=bakery.event)
    analysis = analysis_of(h, bakery.event.pk)
    [row] = [r for r in analysis["recipe_costs"] if r["recipe_name"] == "Shortbread"]
    assert (row["each_estimate"], row["made_actual"], row["over_under"]) == ("0.40", "0.55", "0.15")
    assert (row["batches_left"], row["projected"]) == (0, "0.55")


def test_runs_without_an_event_are_counted_and_listed_newest_first(bakery):
    h = bakery.household
    old = bake(h, bakery.cake, bakery.slice, 1, "1.40", days_ago=3)
    new = pack(h, bakery.cake_tin, 2, "1.00", days_ago=1)
    bake(h, bakery.cake, bakery.slice, 5, "9.99", reversed_=True)
    bake(h, bakery.bread, bakery.roll, 1, "1.00", event=bakery.event)
    found = analysis_of(h, bakery.event.pk)["runs_without_event"]
    assert found["count"] == 2
    assert (found["baking_count"], found["packing_count"]) == (1, 1)
    assert found["actual_cost"] == "2.40"
    assert [(r["kind"], r["run_id"]) for r in found["runs"]] == [
        ("packing", new.pk),
        ("baking", old.pk),
    ]
    assert found["runs"][1] == {
        "kind": "baking",
        "run_id": old.pk,
        "name": "Cake",
        "date": timezone.localdate(old.produced_at).isoformat(),
        "quantity": 1,
        "cost": "1.40",
    }
    assert found["not_shown"] == 0


def test_only_twenty_runs_without_an_event_are_listed(bakery):
    h = bakery.household
    for days_ago in range(23):
        bake(h, bakery.cake, bakery.slice, 1, "1.00", days_ago=days_ago)
    found = analysis_of(h, bakery.event.pk)["runs_without_event"]
    assert found["count"] == 23
    assert len(found["runs"]) == 20
    assert found["not_shown"] == 3
    assert found["actual_cost"] == "23.00"


def test_another_households_runs_without_an_event_are_never_listed(bakery, outsider_household):
    other = build_bakery(outsider_household)
    bake(outsider_household, other.cake, other.slice, 1, "1.40")
    found = analysis_of(bakery.household, bakery.event.pk)["runs_without_event"]
    assert found == {
        "count": 0,
        "baking_count": 0,
        "packing_count": 0,
        "actual_cost": "0.00",
        "runs": [],
        "not_shown": 0,
    }
    assert ProductionRun.objects.filter(household=outsider_household).count() == 1


def queries_for_analysis(household, size):
    world = build_scaled_world(household, size)
    unit = (
        FinishedUnit.objects.filter(household=household)
        .select_related("recipe")
        .get(name="slice 0")
    )
    good = FinishedGood.objects.filter(household=household).order_by("pk").first()
    for _ in range(size * 3):
        bake(household, unit.recipe, unit, 1, "1.00")
        pack(household, good, 1, "0.50")
    with unit_of_work(household) as tx, CaptureQueriesContext(connection) as queries:
        analysis = get_event_cost_analysis(tx, world.event.pk)
    assert analysis["recipe_costs"]
    return len(queries)


def test_analysis_queries_do_not_grow_with_the_event(household, outsider_household):
    assert queries_for_analysis(household, 1) == queries_for_analysis(outsider_household, 8)


def test_dashboard_summary_still_reports_actual_and_estimated_costs(under_way):
    with unit_of_work(under_way.household) as tx:
        [row] = get_dashboard_summary(tx)
    assert (row["actual_cost"], row["estimated_cost"]) == ("4.35", "13.50")
