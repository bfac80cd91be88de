"""What the planning pages read from the demand engine (events/services/demand.py) and the
one thing they do with it: recipe needs, the event's plan, and suggested targets to apply."""

from __future__ import annotations

import logging
from typing import Any

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.services.demand import Demand, by_name, load_demand
from events.services.targets import set_assembly_target, set_production_target

__all__ = [
    "apply_suggested_targets",
    "get_event_plan",
    "get_recipe_needs",
    "suggest_targets",
]

# Applying suggestions is logged as a demand-engine operation (log readers filter on the name).
logger = logging.getLogger("bakeplanner.events.demand")


def get_recipe_needs(tx: Tx, event_id: int) -> list[dict[str, Any]]:
    """Per recipe and finished unit: units the event's packages need, and whole batches."""
    tx.require()
    demand = load_demand(tx, event_id)
    units = sorted(
        (u for u in demand.units.values() if u.units_needed > 0),
        key=lambda u: (u.recipe_name.lower(), u.recipe_id, u.name.lower(), u.finished_unit_id),
    )
    return [
        {
            "recipe_id": u.recipe_id,
            "recipe_name": u.recipe_name,
            "finished_unit_id": u.finished_unit_id,
            "finished_unit_name": u.name,
            "units_needed": u.units_needed,
            "items_per_batch": u.items_per_batch,
            "batches_needed": u.batches_needed,
        }
        for u in units
    ]


def _suggestions(demand: Demand) -> dict[str, list[dict[str, Any]]]:
    recipes = by_name(
        [r for r in demand.recipes.values() if r.batches_needed > 0], "name", "recipe_id"
    )
    goods = by_name([g for g in demand.goods.values() if g.needed > 0], "name", "finished_good_id")
    return {
        "production": [
            {"recipe_id": r.recipe_id, "recipe_name": r.name, "target_batches": r.batches_needed}
            for r in recipes
        ],
        "assembly": [
            {
                "finished_good_id": g.finished_good_id,
                "finished_good_name": g.name,
                "target_quantity": g.needed,
            }
            for g in goods
        ],
    }


def suggest_targets(tx: Tx, event_id: int) -> dict[str, list[dict[str, Any]]]:
    """Production targets (batches per recipe) and assembly targets (every good to assemble,
    nested ones included) that the event's assignments call for."""
    tx.require()
    return _suggestions(load_demand(tx, event_id))


def apply_suggested_targets(tx: Tx, event_id: int) -> dict[str, Any]:
    """Set every suggested target (upsert); targets for other recipes or goods stay as they are.

    Returns the suggestions that were applied with counts.
    """
    tx.require()
    with logged_operation(logger, tx, "apply_suggested_targets", event_id=event_id) as op:
        demand = load_demand(tx, event_id)
        event_pk = demand.event.pk
        suggestions = _suggestions(demand)
        # Notes already written on a target are kept; only the number changes.
        for row in suggestions["production"]:
            notes = demand.recipes[row["recipe_id"]].target_notes
            set_production_target(
                tx, event_pk, row["recipe_id"], row["target_batches"], notes=notes
            )
        for row in suggestions["assembly"]:
            notes = demand.goods[row["finished_good_id"]].target_notes
            set_assembly_target(
                tx, event_pk, row["finished_good_id"], row["target_quantity"], notes=notes
            )
        op.add(
            production_targets=len(suggestions["production"]),
            assembly_targets=len(suggestions["assembly"]),
        )
    return {
        "event_id": event_pk,
        "production": suggestions["production"],
        "assembly": suggestions["assembly"],
        "production_count": len(suggestions["production"]),
        "assembly_count": len(suggestions["assembly"]),
    }


def get_event_plan(tx: Tx, event_id: int) -> dict[str, Any]:
    """The engine's plan per recipe and per good: need, target, done, plan and what is left.

    Recipes and goods appear when the assignments need them or a target names them.
    """
    tx.require()
    demand = load_demand(tx, event_id)
    recipes = by_name(list(demand.recipes.values()), "name", "recipe_id")
    goods = by_name(list(demand.goods.values()), "name", "finished_good_id")
    return {
        "event_id": demand.event.pk,
        "production": [
            {
                "recipe_id": r.recipe_id,
                "recipe_name": r.name,
                "batches_needed": r.batches_needed,
                "target_batches": r.target,
                "produced_batches": r.produced,
                "plan_batches": r.plan,
                "remaining_batches": r.remaining,
            }
            for r in recipes
        ],
        "assembly": [
            {
                "finished_good_id": g.finished_good_id,
                "finished_good_name": g.name,
                "quantity_needed": g.needed,
                "target_quantity": g.target,
                "assembled_quantity": g.assembled,
                "plan_quantity": g.plan,
                "remaining_quantity": g.remaining,
            }
            for g in goods
        ],
    }
