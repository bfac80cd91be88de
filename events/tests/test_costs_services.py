"""Cost analysis, production totals, packing checks and the dashboard summary."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from bakeplanner.errors import NotFound
from bakeplanner.tx import unit_of_work
from events.services import (
    can_assemble_package,
    get_dashboard_summary,
    get_event_cost_analysis,
    get_production_total,
    get_recipe_cost_breakdown,
)
from events.tests.demand_fixtures import build_estimate_world
from production.models import AssemblyRun, FinishedGood, ProductionRun


@pytest.fixture
def world(household):
    w = build_estimate_world(household)
    h = household

    def bake(batches, cost, *, event=w.event, reversed_=False):
        return ProductionRun.objects.create(
            household=h,
            recipe=w.bread,
            finished_unit=w.roll,
            event=event,
            num_batches=batches,
            expected_yield=10 * batches,
            actual_yield=10 * batches,
            status="complete",
            produced_at=timezone.now(),
            total_ingredient_cost=Decimal(cost),
            reversed_at=timezone.now() if reversed_ else None,
        )

    def assemble(good, quantity, packaging, components, *, event=w.event):
        return AssemblyRun.objects.create(
            household=h,
            finished_good=good,
            event=event,
            quantity=quantity,
            assembled_at=timezone.now(),
            packaging_cost=Decimal(packaging),
            component_cost=Decimal(components),
            total_cost=Decimal(packaging) + Decimal(components),
        )

    w.bake, w.assemble = bake, assemble
    return w


def test_grand_total_is_ingredients_plus_packaging_and_components_are_not_added(world, tx):
    world.bake(2, "2.00")
    world.bake(1, "0.995")
    world.bake(5, "99.00", reversed_=True)  # reversed: out of costs
    world.bake(1, "7.00", event=None)  # standalone: not this event's
    world.assemble(world.roll_box, 4, "1.50", "3.00")
    analysis = get_event_cost_analysis(tx, world.event.pk)
    assert analysis["production_costs"] == [
        {"recipe_id": world.bread.pk, "recipe_name": "Bread", "run_count": 2, "total_cost": "3.00"}
    ]
    assert analysis["assembly_costs"] == [
        {
            "finished_good_id": world.roll_box.pk,
            "finished_good_name": "Roll Box",
            "run_count": 1,
            "packaging_cost": "1.50",
            "component_cost": "3.00",
        }
    ]
    assert analysis["total_ingredient_cost"] == "3.00"  # 2.995 rounded once, at the end
    assert analysis["total_packaging_cost"] == "1.50"
    assert analysis["grand_total"] == "4.50"
    assert analysis["estimated_cost"] == "9.60"
    assert analysis["variance"] == "5.11"  # 9.60 − 4.495, rounded once
    json.dumps(analysis)


def test_production_total_counts_only_the_events_live_runs(world, tx):
    world.bake(2, "2.00")
    world.bake(3, "3.00", reversed_=True)
    assert get_production_total(tx, world.event.pk, world.bread.pk) == {
        "batches_produced": 2,
        "total_ingredient_cost": "2.00",
    }


def test_recipe_cost_breakdown_against_the_estimate(world, tx):
    world.bake(2, "2.00")
    [row] = get_recipe_cost_breakdown(tx, world.event.pk)
    # 36 rolls → 4 batches at 1.00 a batch
    assert row == {
        "recipe_id": world.bread.pk,
        "recipe_name": "Bread",
        "batches_needed": 4,
        "batches_produced": 2,
        "estimated_cost": "4.00",
        "actual_cost": "2.00",
        "variance": "2.00",
        "variance_pct": 50.0,
    }


def test_can_assemble_package_lists_missing_goods(world, tx):
    FinishedGood.objects.filter(pk=world.roll_box.pk).update(inventory_count=3)
    result = can_assemble_package(tx, world.ben_small.pk)  # 3 × Small = 3 roll boxes
    assert result == {"assignment_id": world.ben_small.pk, "can_assemble": True, "missing": []}
    result = can_assemble_package(tx, world.ann_big.pk)  # 2 × (hamper + roll box)
    assert result["can_assemble"] is False
    # the roll boxes (2 needed, 3 in stock) are fine; the hampers are not
    assert result["missing"] == [
        {
            "finished_good_id": world.hamper.pk,
            "finished_good_name": "Hamper",
            "needed": 2,
            "available": 0,
        }
    ]


def test_dashboard_summary_has_progress_packages_and_costs(world, tx):
    world.bake(2, "2.00")
    world.assemble(world.roll_box, 1, "0.50", "0.40")
    [row] = get_dashboard_summary(tx)
    assert row["event_name"] == "Winter Fair"
    assert row["packages_by_status"] == {"pending": 6, "ready": 0, "delivered": 0}
    assert row["actual_cost"] == "2.50"
    assert row["estimated_cost"] == "9.60"
    assert row["progress"]["status"] == "in_progress"
    json.dumps(row)


def test_other_households_ids_are_not_found(world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            get_event_cost_analysis(tx, world.event.pk)
        with pytest.raises(NotFound):
            can_assemble_package(tx, world.ann_big.pk)
        assert get_dashboard_summary(tx) == []
