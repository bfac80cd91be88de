"""Shelf lives of baked items and the best-before dates of baking runs.

See docs/allergens-and-freshness.md, "Freshness". A run's best-before date is the local date
it was baked plus its baked item's shelf life in days (the last good day); with a frozen
shelf life the item also has a frozen best-before date. Both follow the item's current shelf
life, so correcting a shelf life corrects the dates of runs already recorded.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any, TypedDict

from django.utils import timezone

from bakeplanner.errors import ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from production.models import FinishedUnit, ProductionRun
from production.services.lookup import clean_whole_number, get_owned

__all__ = ["get_run_best_before", "set_shelf_life"]

logger = logging.getLogger("bakeplanner.production.freshness")

MAX_SHELF_LIFE_DAYS = 365
MAX_FROZEN_SHELF_LIFE_DAYS = 730


class BestBefore(TypedDict):
    """A run's dates as ISO strings (None when its baked item has no shelf life)."""

    baked_on: str
    best_before: str | None
    frozen_best_before: str | None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def set_shelf_life(
    tx: Tx, finished_unit_id: int, *, days: Any, frozen_days: Any = None
) -> FinishedUnit:
    """Set how many days a baked item stays good (and frozen); `days=None` clears both."""
    tx.require()
    with logged_operation(logger, tx, "set_shelf_life", finished_unit_id=finished_unit_id) as op:
        unit = get_owned(tx, FinishedUnit, finished_unit_id, label="Baked item")
        if _blank(days):
            if not _blank(frozen_days):
                raise ValidationFailed(
                    "Set how many days it keeps fresh before how long it keeps frozen.",
                    field="frozen_days",
                )
            clean_days: int | None = None
            clean_frozen: int | None = None
        else:
            clean_days = clean_whole_number(
                days, "Shelf life (days)", field="days", maximum=MAX_SHELF_LIFE_DAYS
            )
            clean_frozen = None
            if not _blank(frozen_days):
                clean_frozen = clean_whole_number(
                    frozen_days,
                    "Frozen shelf life (days)",
                    field="frozen_days",
                    maximum=MAX_FROZEN_SHELF_LIFE_DAYS,
                )
                if clean_frozen < clean_days:
                    raise ValidationFailed(
                        "The frozen shelf life cannot be shorter than the fresh one.",
                        field="frozen_days",
                    )
        unit.shelf_life_days = clean_days
        unit.frozen_shelf_life_days = clean_frozen
        unit.save(
            using=tx.using,
            update_fields=["shelf_life_days", "frozen_shelf_life_days", "updated_at"],
        )
        op.add(days=clean_days, frozen_days=clean_frozen)
        return unit


def baked_on(produced_at: dt.datetime) -> dt.date:
    """The local calendar day a run was baked."""
    return timezone.localdate(produced_at)


def add_days(day: dt.date, days: int | None) -> dt.date | None:
    return None if days is None else day + dt.timedelta(days=days)


def run_dates(
    produced_at: dt.datetime, shelf_life_days: int | None, frozen_days: int | None
) -> BestBefore:
    day = baked_on(produced_at)
    fresh = add_days(day, shelf_life_days)
    frozen = add_days(day, frozen_days) if shelf_life_days is not None else None
    return {
        "baked_on": day.isoformat(),
        "best_before": fresh.isoformat() if fresh else None,
        "frozen_best_before": frozen.isoformat() if frozen else None,
    }


def get_run_best_before(tx: Tx, run_ids: Iterable[int]) -> dict[int, BestBefore]:
    """The baked day and best-before dates of these runs of the household, in one query.

    Ids of other households are left out of the answer.
    """
    tx.require()
    ids = {int(pk) for pk in run_ids}
    if not ids:
        return {}
    rows = (
        tx.objects(ProductionRun)
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "produced_at",
            "finished_unit__shelf_life_days",
            "finished_unit__frozen_shelf_life_days",
        )
    )
    return {pk: run_dates(at, days, frozen) for pk, at, days, frozen in rows}
