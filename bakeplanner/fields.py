"""Field shapes shared by the apps, so every money and quantity column has one precision."""

from decimal import Decimal
from typing import Any

from django.db import models


def money_field(**kwargs: Any) -> models.DecimalField:
    """Costs: 6 decimal places; only DTOs and displays round.

    See docs/design.md, "Money and rounding".
    """
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(max_digits=18, decimal_places=6, **kwargs)


def unit_cost_field(**kwargs: Any) -> models.DecimalField:
    """Cost per base unit of a lot, kept effectively unrounded."""
    return models.DecimalField(max_digits=24, decimal_places=12, **kwargs)


def base_quantity_field(**kwargs: Any) -> models.DecimalField:
    """A quantity in an ingredient's base unit (g, ml, each): 3 decimal places."""
    return models.DecimalField(max_digits=16, decimal_places=3, **kwargs)


def entered_quantity_field(**kwargs: Any) -> models.DecimalField:
    """A quantity as a person entered it, in any unit (2.5 cup, 0.125 tsp)."""
    return models.DecimalField(max_digits=14, decimal_places=4, **kwargs)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
