"""Input checks and arithmetic shared by production and assembly runs, their forms and
views: whole numbers, scales, dates, paging, money rounding and moving averages.

Not services: nothing here touches the database except `resolve_event`, which uses the
caller's `tx`."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from bakeplanner.dates import check_in_range
from bakeplanner.errors import ValidationFailed
from bakeplanner.money import to_decimal
from bakeplanner.tx import Tx
from production.services.lookup import get_owned

__all__: list[str] = []  # helpers, not services: callers import them from this module

COST_PLACES = Decimal("0.000001")  # money columns keep 6 decimal places
SCALE_PLACES = Decimal("0.001")  # the run's scale column
MAX_BATCHES = 1000  # more than a household bakes in a season; larger is a typing slip
MAX_SCALE = Decimal("100")
MAX_COUNT = 2_147_483_647  # the largest value the yield and count columns hold
MAX_HISTORY_LIMIT = 1000


# --- Input checks shared with assembly (plain functions, not services) ---------------------


def whole_number(value: Any, label: str, *, minimum: int, maximum: int) -> int:
    """A whole number between `minimum` and `maximum`, or a `ValidationFailed` naming it."""
    if isinstance(value, bool):
        raise ValidationFailed(f"{label} must be a whole number.", field=_field_name(label))
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{label} must be a whole number.", field=_field_name(label)
        ) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ValidationFailed(f"{label} must be a whole number.", field=_field_name(label))
    # Range first, on the Decimal: int() of "1e400000" alone takes seconds.
    if amount < minimum:
        lowest = "zero or more" if minimum == 0 else f"at least {minimum}"
        raise ValidationFailed(f"{label} must be {lowest}.", field=_field_name(label))
    if amount > maximum:
        raise ValidationFailed(f"{label} must be at most {maximum}.", field=_field_name(label))
    return int(amount)


def _field_name(label: str) -> str:
    return label.lower().replace(" ", "_")


def positive_scale(value: Any) -> Decimal:
    """The run's scale: more than zero, at most `MAX_SCALE`, at most three decimals."""
    if isinstance(value, bool):
        raise ValidationFailed("Scale must be a number.", field="scale")
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed("Scale must be a number.", field="scale") from None
    if not amount.is_finite():
        raise ValidationFailed("Scale must be a number.", field="scale")
    if amount <= 0:
        raise ValidationFailed("Scale must be more than zero.", field="scale")
    if amount > MAX_SCALE:
        raise ValidationFailed(f"Scale must be at most {MAX_SCALE}.", field="scale")
    if amount != amount.quantize(SCALE_PLACES):
        raise ValidationFailed("Scale has at most three decimal places.", field="scale")
    return amount


def moment(value: Any, label: str) -> dt.datetime:
    """A timezone-aware time: now when `None`; dates and ISO strings are accepted."""
    if value is None or value == "":
        return timezone.now()
    if isinstance(value, str):
        text = value.strip()
        parsed = _parse_when(text)
        if parsed is None:
            raise ValidationFailed(f"{label} {text[:40]!r} is not a date and time.")
        value = parsed
    if isinstance(value, dt.date):
        check_in_range(value, label)
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return timezone.make_aware(value)
        return value
    if isinstance(value, dt.date):
        return timezone.make_aware(dt.datetime.combine(value, dt.time.min))
    raise ValidationFailed(f"{label} {value!r} is not a date and time.")


def _parse_when(value: str) -> dt.date | dt.datetime | None:
    """A date ("2026-12-24", a whole day) or a date and time; `None` when it does not parse."""
    if len(value) > 40:
        return None
    try:
        # Dates first: parse_datetime would read "2026-12-24" as midnight, not the whole day.
        return parse_date(value) or parse_datetime(value)
    except ValueError:
        return None


def text(value: Any, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label} must be text.")
    return value


def resolve_event(tx: Tx, run_model: type[models.Model], event_id: Any) -> Any:
    """The run's optional event, checked to belong to `tx.household`.

    Production never imports the events app: the model comes from the run's foreign key.
    """
    tx.require()
    if event_id is None or event_id == "":
        return None
    event_model = run_model._meta.get_field("event").related_model
    if not isinstance(event_model, type):  # the foreign key's model, once the apps are loaded
        raise TypeError(f"{run_model.__name__}.event has no resolved model.")
    return get_owned(tx, event_model, event_id, label="Event")


def day_bounds(start: Any, end: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """History filters: `start` and `end` are inclusive days (or exact times)."""

    def parse(value: Any, label: str) -> dt.date | dt.datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            check_in_range(value, f"The {label} date")
            return value
        if isinstance(value, str):
            parsed = _parse_when(value.strip())
            if parsed is not None:
                check_in_range(parsed, f"The {label} date")
                return parsed
        raise ValidationFailed(
            f"The {label} date {str(value)[:40]!r} does not parse (use YYYY-MM-DD)."
        )

    lower, upper = parse(start, "start"), parse(end, "end")
    low: dt.datetime | None = None
    high: dt.datetime | None = None
    if isinstance(lower, dt.datetime):
        low = lower if timezone.is_aware(lower) else timezone.make_aware(lower)
    elif lower is not None:
        low = timezone.make_aware(dt.datetime.combine(lower, dt.time.min))
    if isinstance(upper, dt.datetime):
        high = upper if timezone.is_aware(upper) else timezone.make_aware(upper)
    elif upper is not None:
        # Inclusive: everything before the start of the next day.
        high = timezone.make_aware(dt.datetime.combine(upper + dt.timedelta(days=1), dt.time.min))
    if low is not None and high is not None and high < low:
        raise ValidationFailed("The end date is before the start date.")
    return low, high


def page_bounds(limit: Any, offset: Any) -> tuple[int, int]:
    size = whole_number(limit, "Limit", minimum=1, maximum=MAX_HISTORY_LIMIT)
    skip = whole_number(offset, "Offset", minimum=0, maximum=MAX_COUNT)
    return size, skip


def money(value: Decimal) -> Decimal:
    """Round a stored cost to the 6 places the money columns keep."""
    return value.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def exact(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros (snapshots keep 0.0625)."""
    return format(value.normalize(), "f")


def folded_average(
    old_count: int, old_average: Decimal, added_cost: Decimal, new_count: int
) -> Decimal:
    """Moving weighted average after adding stock worth `added_cost`.

    With nothing left on hand the old average is kept (there is nothing to average over).
    """
    if new_count <= 0:
        return old_average
    return money((Decimal(old_count) * old_average + added_cost) / Decimal(new_count))


def unfolded_average(
    old_count: int, old_average: Decimal, removed_cost: Decimal, new_count: int
) -> Decimal:
    """Average after taking stock worth `removed_cost` back out (the inverse of folding)."""
    if new_count <= 0:
        return old_average
    value = Decimal(old_count) * old_average - removed_cost
    # Items used since may have carried part of that cost away at the old average.
    return money(max(Decimal(0), value) / Decimal(new_count))


def expected_yield_for(items_per_batch: int, num_batches: int, scale: Decimal) -> int:
    """items_per_batch × batches × scale, rounded down (half a cookie is not a cookie)."""
    product = Decimal(items_per_batch) * Decimal(num_batches) * scale
    return int(product.to_integral_value(rounding=ROUND_FLOOR))


# --- Snapshot ------------------------------------------------------------------------------
