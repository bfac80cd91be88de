"""The choice lists the events forms need, read inside the page's unit of work."""

from __future__ import annotations

from bakeplanner.tx import Tx
from events.forms.common import Choices
from events.models import Package, Recipient
from production.models import FinishedGood, Recipe


def recipient_choices(tx: Tx) -> Choices:
    """Active recipients, with their family name when they have one."""
    rows = tx.objects(Recipient).filter(active=True).order_by("name", "id")
    return [
        (pk, f"{name} ({family})" if family else name)
        for pk, name, family in rows.values_list("pk", "name", "household_name")
    ]


def package_choices(tx: Tx) -> Choices:
    return list(tx.objects(Package).order_by("name", "id").values_list("pk", "name"))


def recipe_choices(tx: Tx) -> Choices:
    return list(
        tx.objects(Recipe).filter(archived=False).order_by("name", "id").values_list("pk", "name")
    )


def good_choices(tx: Tx) -> Choices:
    return list(tx.objects(FinishedGood).order_by("name", "id").values_list("pk", "name"))
