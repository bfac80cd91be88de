"""The state one bake-tracker import shares between its steps (docs/import-baketracker.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from bakeplanner.names import name_key
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, family_of
from events.imports.mapping import rows_of
from events.imports.report import ImportReport
from events.models import Event, ImportedRecord, Package, Recipient
from production.models import FinishedGood, FinishedUnit, Ingredient, Product, Recipe

__all__ = ["SOURCE", "ImportState", "number_text"]

SOURCE = "bake-tracker"

M = TypeVar("M", bound=models.Model)


def number_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


class ImportState:
    """The state of one import: what the file names, what exists, what was written."""

    def __init__(self, tx: Tx, data: dict[str, Any], report: ImportReport) -> None:
        self.tx = tx
        self.data = data
        self.report = report
        self.known: dict[tuple[str, str], int] = {
            (kind, key): object_id
            for kind, key, object_id in tx.objects(ImportedRecord)
            .filter(source=SOURCE)
            .values_list("kind", "key", "object_id")
        }
        self.new_records: list[ImportedRecord] = []
        self.ingredients: dict[str, Ingredient] = {}  # by the file's slug
        self.products: dict[str, Product] = {}  # by the product's key
        self.recipes: dict[str, Recipe] = {}  # by the file's recipe name
        self.new_recipes: set[int] = set()
        self.units: dict[str, FinishedUnit] = {}  # by slug
        self.goods: dict[str, FinishedGood] = {}  # by slug
        self.events: dict[str, Event] = {}
        self.recipients: dict[str, Recipient] = {}
        self.packages: dict[str, Package] = {}

    # --- Helpers ------------------------------------------------------------------------

    def rows(self, section: str) -> list[dict[str, Any]]:
        rows, problems = rows_of(self.data, section)
        for reason in problems:
            self.report.problem("The file", reason)
        return rows

    def earlier(self, model: type[M], kind: str, key: str) -> M | None:
        """The row an earlier import made for this key, if it is still there."""
        object_id = self.known.get((kind, key))
        if object_id is None:
            return None
        return self.tx.objects(model).filter(pk=object_id).first()

    def remember(self, kind: str, key: str, obj: models.Model) -> None:
        if (kind, key) in self.known:
            # Imported before and deleted since: the record now points at the new row.
            self.tx.objects(ImportedRecord).filter(source=SOURCE, kind=kind, key=key).update(
                object_id=obj.pk
            )
        else:
            self.new_records.append(
                ImportedRecord(
                    household=self.tx.household,
                    source=SOURCE,
                    kind=kind,
                    key=key,
                    object_id=obj.pk,
                )
            )
        self.known[(kind, key)] = int(obj.pk)

    def by_name(self, model: type[M]) -> dict[str, M]:
        found: dict[str, M] = {}
        for obj in self.tx.objects(model):
            named: Any = obj
            found[name_key(str(named.name))] = obj
        return found

    @staticmethod
    def conversion_reason(ingredient: Ingredient, unit: str) -> str:
        base = BASE_UNIT[ingredient.stock_family]
        if {family_of(unit), ingredient.stock_family} == {"weight", "volume"}:
            return (
                f"{unit} cannot be converted to {base} for {ingredient.name}: the file gives no "
                "density and the table of estimated densities has none for it"
            )
        return f"{unit} cannot be used for {ingredient.name}, which is counted in {base}"
