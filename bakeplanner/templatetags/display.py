"""Template filters for words and numbers (`{% load display %}`); see bakeplanner/display.py.

    {{ line.quantity|quantity:line.unit }}     286 g · 1.25 kg · 2.5 cup (10.09 oz under US)
    {{ line.quantity|written_quantity:line.unit }}  286 g in both unit systems
    {{ run.total_cost|money }}                 $2.50 · -$1.20
    {{ product.price_per_unit|unit_price:"g" }} $2.50 / kg
    {{ progress.percent|percent_text }}        31%
    {{ run.num_batches|plural:"batch,batches" }}  1 batch · 2 batches
    {{ count|plural:"cookie" }}                0 cookies
    {{ run.actual_yield|count_of:item.item_unit }}  48 cookies
    {{ value|number }}                          2,298.5
    {{ event.event_date|date_text }}            12/24/2026 · 24.12.2026
    {{ event.event_date|date_text:"weekday" }}  Thursday, 12/24/2026
    {{ run.when|datetime_text }}                12/24/2026 9:30 a.m. · 24.12.2026 09:30

Quantities, prices, numbers and dates follow the household's unit system and locale, which
the middleware activates for each request (docs/units-and-locale.md).

A figure a filter cannot read is shown as it came, so a page never fails on its formatting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import template

from bakeplanner import display
from bakeplanner.money import Number

register = template.Library()


def _shown(value: Any, format_text: Callable[[], str]) -> str:
    if value is None or value == "":
        return display.MISSING
    try:
        return format_text()
    except (TypeError, ValueError, ArithmeticError):
        return str(value)


@register.filter
def quantity(value: Number, unit: str = "") -> str:
    return _shown(value, lambda: display.quantity(value, str(unit or "")))


@register.filter
def written_quantity(value: Number, unit: str = "") -> str:
    """A quantity in the unit someone wrote it in (a recipe line): never converted."""
    return _shown(value, lambda: display.quantity(value, str(unit or ""), as_written=True))


@register.filter
def money(value: Number) -> str:
    return _shown(value, lambda: display.money(value))


@register.filter
def unit_price(value: Number, unit: str = "") -> str:
    return _shown(value, lambda: display.unit_price(value, str(unit or "")))


@register.filter
def percent_text(value: Number) -> str:
    return _shown(value, lambda: display.percent_text(value))


@register.filter
def plural(value: Number, nouns: str) -> str:
    """`"batch,batches"` gives both spellings; a single noun takes an "s"."""
    singular, _, plural_form = str(nouns).partition(",")
    return _shown(
        value,
        lambda: display.plural(value, singular.strip(), plural_form.strip() or None),
    )


@register.filter
def count_of(value: Number, noun: str = "") -> str:
    return _shown(value, lambda: display.count_of(value, str(noun or "")))


@register.filter
def number(value: Number, places: int = 2) -> str:
    return _shown(value, lambda: display.number_text(value, int(places)))


@register.filter
def date_text(value: dt.date | str | None, style: str = "") -> str:
    """`"weekday"` puts the day's name first. An ISO date string (as DTOs carry dates) is
    read as the date it names."""

    def text() -> str:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return display.date_text(day, weekday=style == "weekday")

    return _shown(value, text)


@register.filter
def datetime_text(value: dt.datetime | None) -> str:
    return _shown(value, lambda: display.datetime_text(value))
