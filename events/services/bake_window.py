"""When to bake for an event so everything is still good on the day, and what will not be.

See docs/allergens-and-freshness.md, "Bake windows". A baked item baked on day D is good
through D + its shelf life, so for an event on day E the earliest baking day is
E − shelf life and the latest is E − 1. A recipe's window follows the shortest shelf life
among the recipe's baked items the event needs (all its baked items when the event has
only a baking target for it). When every one of those items keeps frozen, the earliest day
uses the shortest frozen shelf life instead, and the page says to freeze them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TypedDict

from bakeplanner.tx import Tx
from events.models import Event
from events.services.demand import load_demands
from production.models import FinishedUnit, ProductionRun
from production.services.freshness import run_dates
from production.services.lookup import get_owned, household_runs

__all__ = ["get_bake_window", "get_freshness_warnings"]


class BakeWindow(TypedDict):
    recipe_id: int
    recipe_name: str
    earliest: str | None  # ISO date; None when no item the event needs has a shelf life
    latest: str
    freeze: bool
    earliest_fresh: str | None  # the earliest day without the freezer
    shortest_days: int | None  # the shelf life the window follows (frozen when `freeze`)
    without_shelf_life: list[str]  # the needed items that have no shelf life set


class FreshnessWarning(TypedDict):
    run_id: int
    finished_unit_name: str
    recipe_name: str
    baked_on: str
    best_before: str
    frozen_best_before: str | None
    frozen_lasts: bool  # frozen, it keeps until the event


def get_bake_window(tx: Tx, event_id: int) -> list[BakeWindow]:
    """The baking window of every recipe the event's plan bakes, by recipe name."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    demand = load_demands(tx, [event])[event.pk]
    planned = {rid: plan.name for rid, plan in demand.recipes.items() if plan.plan > 0}
    if not planned:
        return []
    needed_units = {uid for uid, unit in demand.units.items() if unit.units_needed > 0}
    by_recipe: dict[int, list[tuple[int, str, int | None, int | None]]] = defaultdict(list)
    for pk, recipe_id, name, days, frozen in (
        tx.objects(FinishedUnit)
        .filter(recipe_id__in=planned)
        .order_by("name", "pk")
        .values_list("pk", "recipe_id", "name", "shelf_life_days", "frozen_shelf_life_days")
    ):
        by_recipe[recipe_id].append((pk, name, days, frozen))
    day = event.event_date
    latest = (day - dt.timedelta(days=1)).isoformat()
    windows: list[BakeWindow] = []
    for recipe_id, recipe_name in sorted(planned.items(), key=lambda kv: (kv[1].lower(), kv[0])):
        units = by_recipe.get(recipe_id, [])
        wanted = [u for u in units if u[0] in needed_units] or units
        with_life = [u for u in wanted if u[2] is not None]
        fresh_days = min((u[2] for u in with_life if u[2] is not None), default=None)
        frozen_all = bool(with_life) and all(u[3] is not None for u in with_life)
        frozen_days = min(u[3] for u in with_life if u[3] is not None) if frozen_all else None
        shortest = frozen_days if frozen_days is not None else fresh_days
        windows.append(
            {
                "recipe_id": recipe_id,
                "recipe_name": recipe_name,
                "earliest": (
                    (day - dt.timedelta(days=shortest)).isoformat()
                    if shortest is not None
                    else None
                ),
                "latest": latest,
                "freeze": frozen_days is not None,
                "earliest_fresh": (
                    (day - dt.timedelta(days=fresh_days)).isoformat()
                    if fresh_days is not None
                    else None
                ),
                "shortest_days": shortest,
                "without_shelf_life": [u[1] for u in wanted if u[2] is None],
            }
        )
    return windows


def get_freshness_warnings(tx: Tx, event_id: int) -> list[FreshnessWarning]:
    """The runs baked for the event whose items will be past their best on the event day
    (kept at room temperature), oldest first; one query beside the event's."""
    tx.require()
    event = get_owned(tx, Event, event_id, label="Event")
    rows = (
        household_runs(tx, ProductionRun)
        .not_reversed()
        .for_event(event.pk)
        .filter(finished_unit__shelf_life_days__isnull=False)
        .order_by("produced_at", "pk")
        .values_list(
            "pk",
            "produced_at",
            "finished_unit__name",
            "recipe__name",
            "finished_unit__shelf_life_days",
            "finished_unit__frozen_shelf_life_days",
        )
    )
    day = event.event_date.isoformat()
    warnings: list[FreshnessWarning] = []
    for pk, produced_at, unit_name, recipe_name, days, frozen in rows:
        dates = run_dates(produced_at, days, frozen)
        best_before = dates["best_before"]
        if best_before is None or best_before >= day:
            continue
        frozen_until = dates["frozen_best_before"]
        warnings.append(
            {
                "run_id": pk,
                "finished_unit_name": unit_name,
                "recipe_name": recipe_name,
                "baked_on": dates["baked_on"],
                "best_before": best_before,
                "frozen_best_before": frozen_until,
                "frozen_lasts": frozen_until is not None and frozen_until >= day,
            }
        )
    return warnings
