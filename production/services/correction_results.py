"""What a purchase correction changes, as figures: the plan worked out before anything is
written, the summary kept on the `PurchaseCorrection` row and the result a page shows
(docs/design.md, "Corrections").

Not services: `production.services.corrections` builds the plan inside the caller's unit of
work and uses these to describe it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from bakeplanner.display import money, plural, plural_noun
from bakeplanner.money import cost_to_string, qty_to_string
from production.models import (
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
    Purchase,
    PurchaseCorrection,
    StockAdjustmentLot,
)

__all__: list[str] = []

RunKind = Literal["production", "assembly"]
PRODUCTION: Literal["production"] = "production"
ASSEMBLY: Literal["assembly"] = "assembly"


@dataclass
class RunChange:
    kind: RunKind
    run: ProductionRun | AssemblyRun
    old_total: Decimal
    new_total: Decimal
    old_per_unit: Decimal
    new_per_unit: Decimal
    new_loss_cost: Decimal = Decimal(0)
    new_packaging_cost: Decimal = Decimal(0)

    @property
    def reversed(self) -> bool:
        return self.run.reversed_at is not None

    @property
    def difference(self) -> Decimal:
        return self.new_total - self.old_total


@dataclass
class AverageChange:
    item: FinishedUnit | FinishedGood
    kind: str
    difference: Decimal
    old_average: Decimal
    new_average: Decimal

    @property
    def moved(self) -> bool:
        return self.new_average != self.old_average


@dataclass
class CorrectionPlan:
    purchase: Purchase
    lot: InventoryLot
    ingredient: Ingredient
    new_price: Decimal
    new_packages: Decimal
    new_cost_per_unit: Decimal
    new_quantity_initial: Decimal
    new_quantity_remaining: Decimal
    production_rows: list[tuple[ProductionConsumption, Decimal]] = field(default_factory=list)
    packaging_rows: list[tuple[AssemblyPackagingConsumption, Decimal]] = field(default_factory=list)
    depletion_rows: list[tuple[StockAdjustmentLot, Decimal]] = field(default_factory=list)
    runs: list[RunChange] = field(default_factory=list)
    averages: list[AverageChange] = field(default_factory=list)
    adjustments: dict[int, Decimal] = field(default_factory=dict)
    untouched_assemblies: list[AssemblyRun] = field(default_factory=list)


# --- Results -------------------------------------------------------------------------------


def run_label(change: RunChange) -> str:
    if change.kind == PRODUCTION:
        return f"Baking run {change.run.pk}"
    return f"Packing run {change.run.pk}"


def summary_of(plan: CorrectionPlan) -> dict[str, Any]:
    """Exact figures (6 or 12 places as stored) for the audit row and the result."""
    lot = plan.lot
    total_difference = sum((change.difference for change in plan.runs), Decimal(0))
    counted = [change for change in plan.runs if not change.reversed]
    return {
        "lot_id": lot.pk,
        "ingredient": plan.ingredient.name,
        "unit": plan.ingredient.base_unit,
        "old_cost_per_unit": str(lot.cost_per_unit),
        "new_cost_per_unit": str(plan.new_cost_per_unit),
        "old_quantity_initial": str(lot.quantity_initial),
        "new_quantity_initial": str(plan.new_quantity_initial),
        "old_quantity_remaining": str(lot.quantity_remaining),
        "new_quantity_remaining": str(plan.new_quantity_remaining),
        "runs": [
            {
                "kind": change.kind,
                "id": change.run.pk,
                "label": run_label(change),
                "reversed": change.reversed,
                "old_total": str(change.old_total),
                "new_total": str(change.new_total),
                "old_per_unit": str(change.old_per_unit),
                "new_per_unit": str(change.new_per_unit),
                "difference": str(change.difference),
            }
            for change in plan.runs
        ],
        "runs_changed": sum(1 for change in counted if change.difference),
        "total_difference": str(sum((c.difference for c in counted), Decimal(0))),
        "total_difference_with_undone": str(total_difference),
        "averages": [
            {
                "kind": average.kind,
                "id": average.item.pk,
                "name": average.item.name,
                "count": average.item.inventory_count,
                "difference": str(average.difference),
                "old_average": str(average.old_average),
                "new_average": str(average.new_average),
                "left_alone": average.item.inventory_count == 0 and bool(average.difference),
            }
            for average in plan.averages
        ],
        "depletions": sorted(plan.adjustments),
        "untouched_assemblies": [run.pk for run in plan.untouched_assemblies],
    }


def result_of(plan: CorrectionPlan, summary: dict[str, Any]) -> dict[str, Any]:
    """The DTO a page shows: money as two-decimal strings, plus the sentences to read."""
    purchase = plan.purchase
    runs = [
        {
            **entry,
            "old_total_text": money(entry["old_total"]),
            "new_total_text": money(entry["new_total"]),
            "old_per_unit_text": money(entry["old_per_unit"]),
            "new_per_unit_text": money(entry["new_per_unit"]),
            "difference_text": signed(Decimal(entry["difference"])),
        }
        for entry in summary["runs"]
    ]
    notes: list[str] = []
    for average in summary["averages"]:
        if average["left_alone"]:
            notes.append(
                f"No {plural_noun(average['name'])} are on hand, so their average cost "
                f"({money(average['old_average'])}) is left as it is."
            )
    if any(entry["reversed"] for entry in runs):
        notes.append("Undone runs are restated too, for the record; they move no average cost.")
    if summary["untouched_assemblies"]:
        ids = ", ".join(str(pk) for pk in summary["untouched_assemblies"])
        notes.append(
            f"Packing runs that used the restated items earlier keep their figures ({ids}): "
            "they took the items at the average cost of that day."
        )
    if summary["depletions"]:
        notes.append("Depletions drawn from this purchase are re-priced too.")
    count = summary["runs_changed"]
    difference = Decimal(summary["total_difference"])
    headline = (
        f"This changes the cost of {plural(count, 'run')} by {signed(difference)}."
        if count
        else "This changes the cost of no run."
    )
    return {
        "purchase_id": purchase.pk,
        "lot_id": plan.lot.pk,
        "old_price_per_package": str(purchase.price_per_package),
        "new_price_per_package": str(plan.new_price),
        "old_packages": qty_to_string(purchase.packages),
        "new_packages": qty_to_string(plan.new_packages),
        "unit": summary["unit"],
        "old_quantity_initial": qty_to_string(summary["old_quantity_initial"]),
        "new_quantity_initial": qty_to_string(summary["new_quantity_initial"]),
        "old_quantity_remaining": qty_to_string(summary["old_quantity_remaining"]),
        "new_quantity_remaining": qty_to_string(summary["new_quantity_remaining"]),
        "old_cost_per_unit": summary["old_cost_per_unit"],
        "new_cost_per_unit": summary["new_cost_per_unit"],
        "runs": runs,
        "averages": [
            {
                **average,
                "old_average_text": money(average["old_average"]),
                "new_average_text": money(average["new_average"]),
            }
            for average in summary["averages"]
        ],
        "runs_changed": count,
        "total_difference": signed(difference),
        "headline": headline,
        "notes": notes,
        "untouched_assemblies": summary["untouched_assemblies"],
    }


def signed(value: Decimal) -> str:
    """Money with its sign, as a change reads: "+$0.48", "-$1.20", "$0.00"."""
    text_value = money(value)
    return (
        text_value
        if text_value.startswith("-") or cost_to_string(value) == "0.00"
        else f"+{text_value}"
    )


def correction_dto(row: PurchaseCorrection) -> dict[str, Any]:
    user = row.corrected_by
    return {
        "id": row.pk,
        "purchase_id": row.purchase_id,
        "old_price_per_package": cost_to_string(row.old_price_per_package),
        "new_price_per_package": cost_to_string(row.new_price_per_package),
        "old_packages": qty_to_string(row.old_packages),
        "new_packages": qty_to_string(row.new_packages),
        "reason": row.reason,
        "corrected_by": (user.get_full_name() or user.get_username()) if user else "",
        "corrected_at": row.corrected_at,
        "runs": [
            {
                "label": entry["label"],
                "kind": entry["kind"],
                "id": entry["id"],
                "reversed": entry["reversed"],
                "old_total": cost_to_string(entry["old_total"]),
                "new_total": cost_to_string(entry["new_total"]),
            }
            for entry in row.summary.get("runs", [])
        ],
    }
