"""Correcting a purchase whose stock was already used (docs/design.md, "Corrections").

A new price re-prices the purchase's lot, every ledger row drawn from it (baking runs,
packaging drawn by packing runs, depletions) and the totals of the runs those rows belong
to, with the same rounding as recording them; the baked items' and gift boxes' moving
averages take the difference. A new package count recounts the lot, never below what was
used. Everything before is kept in a `PurchaseCorrection` row.

Lock order: the runs that drew from the lot (baking runs by id, then packing runs by id),
their baked items by id, their gift boxes by id, then the lot, the same order as undoing a
run, so a correction and a run being recorded or undone never wait on each other in
opposite orders.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from django.db.models import Q

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.money import cost_to_string, qty_to_string
from bakeplanner.tx import Tx
from production.models import (
    AssemblyFinishedGoodConsumption,
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionConsumption,
    ProductionRun,
    Purchase,
    PurchaseCorrection,
    StockAdjustment,
    StockAdjustmentLot,
)
from production.services.correction_results import (
    ASSEMBLY,
    PRODUCTION,
    AverageChange,
    CorrectionPlan,
    RunChange,
    correction_dto,
    result_of,
    summary_of,
)
from production.services.inventory import line_cost
from production.services.lookup import clean_decimal, get_owned
from production.services.purchases import _is_drawn, _lot_figures, base_units_per_package
from production.services.run_inputs import folded_average, money, text

__all__ = [
    "correct_purchase",
    "get_purchase_corrections",
    "get_run_corrections",
    "preview_purchase_correction",
]

logger = logging.getLogger("bakeplanner.production.corrections")

MAX_REASON = 2000


class ConcurrentUse(ValidationFailed):
    """Stock from the lot was used by a run this correction had not locked; try again."""


def lot_in_use(tx: Tx, lot: InventoryLot) -> bool:
    """Whether some of the lot was drawn: its purchase can then only be corrected here."""
    tx.require()
    return _is_drawn(tx, lot)


# --- Reading and planning ------------------------------------------------------------------


def _clean_request(
    purchase: Purchase, price_per_package: Any, packages: Any
) -> tuple[Decimal, Decimal]:
    price = purchase.price_per_package
    count = purchase.packages
    if price_per_package is not None and str(price_per_package).strip() != "":
        price = clean_decimal(
            price_per_package,
            "Price per package",
            model=Purchase,
            column="price_per_package",
            allow_zero=True,
        )
    if packages is not None and str(packages).strip() != "":
        count = clean_decimal(packages, "Packages", model=Purchase, column="packages")
    if price == purchase.price_per_package and count == purchase.packages:
        raise ValidationFailed(
            "Nothing to correct: enter a price per package or a package count different from "
            "what the purchase says."
        )
    return price, count


def _ids_drawing(tx: Tx, lot: InventoryLot) -> tuple[set[int], set[int]]:
    """Ids of the baking runs and the packing runs with ledger rows on the lot."""
    production = set(
        tx.objects(ProductionConsumption).filter(lot=lot).values_list("run_id", flat=True)
    )
    assembly = set(
        tx.objects(AssemblyPackagingConsumption).filter(lot=lot).values_list("run_id", flat=True)
    )
    return production, assembly


def _lock_runs(
    tx: Tx, production_ids: set[int], assembly_ids: set[int], *, nowait: bool = False
) -> tuple[dict[int, ProductionRun], dict[int, AssemblyRun]]:
    production = {
        run.pk: run
        for run in tx.objects(ProductionRun)
        .select_for_update(of=("self",), nowait=nowait)
        .filter(pk__in=production_ids)
        .order_by("id")
    }
    assembly = {
        run.pk: run
        for run in tx.objects(AssemblyRun)
        .select_for_update(of=("self",), nowait=nowait)
        .filter(pk__in=assembly_ids)
        .order_by("id")
    }
    return production, assembly


def _load(
    tx: Tx, purchase_id: Any, *, lock: bool
) -> tuple[
    Purchase,
    InventoryLot,
    dict[int, ProductionRun],
    dict[int, AssemblyRun],
    dict[str, dict[int, Any]],
]:
    """The purchase, its lot, the runs that drew from it and their items, locked if asked."""
    purchase = get_owned(tx, Purchase, purchase_id)
    lot = tx.objects(InventoryLot).get(purchase=purchase)
    production_ids, assembly_ids = _ids_drawing(tx, lot)
    if not lock:
        production = {
            run.pk: run for run in tx.objects(ProductionRun).filter(pk__in=production_ids)
        }
        assembly = {run.pk: run for run in tx.objects(AssemblyRun).filter(pk__in=assembly_ids)}
    else:
        production, assembly = _lock_runs(tx, production_ids, assembly_ids)
    unit_ids = {run.finished_unit_id for run in production.values() if run.reversed_at is None}
    good_ids = {run.finished_good_id for run in assembly.values() if run.reversed_at is None}
    units = tx.objects(FinishedUnit).filter(pk__in=unit_ids).order_by("id")
    goods = tx.objects(FinishedGood).filter(pk__in=good_ids).order_by("id")
    lots = tx.objects(InventoryLot).filter(pk=lot.pk)
    if lock:
        units, goods, lots = (
            units.select_for_update(),
            goods.select_for_update(),
            lots.select_for_update(),
        )
    items: dict[str, dict[int, Any]] = {
        "finished_unit": {unit.pk: unit for unit in units},
        "finished_good": {good.pk: good for good in goods},
    }
    lot = lots.get()
    if lock:
        _lock_late_runs(tx, lot, production, assembly, items)
    return purchase, lot, production, assembly, items


def _lock_late_runs(
    tx: Tx,
    lot: InventoryLot,
    production: dict[int, ProductionRun],
    assembly: dict[int, AssemblyRun],
    items: dict[str, dict[int, Any]],
) -> None:
    """Add the runs that drew from the lot after the first look, before its lock was ours.

    They have committed (their draw held the lot). Their rows and items are locked only if
    nobody holds them (`nowait`): this correction holds the lot, and waiting here for a row
    whose holder waits for the lot would deadlock. If one is held, the correction is
    refused and changes nothing.
    """
    more_production, more_assembly = _ids_drawing(tx, lot)
    late_production = more_production - production.keys()
    late_assembly = more_assembly - assembly.keys()
    if not late_production and not late_assembly:
        return
    try:
        extra_production, extra_assembly = _lock_runs(
            tx, late_production, late_assembly, nowait=True
        )
        unit_ids = {
            run.finished_unit_id for run in extra_production.values() if run.reversed_at is None
        } - items["finished_unit"].keys()
        good_ids = {
            run.finished_good_id for run in extra_assembly.values() if run.reversed_at is None
        } - items["finished_good"].keys()
        for unit in (
            tx.objects(FinishedUnit)
            .select_for_update(nowait=True)
            .filter(pk__in=unit_ids)
            .order_by("id")
        ):
            items["finished_unit"][unit.pk] = unit
        for good in (
            tx.objects(FinishedGood)
            .select_for_update(nowait=True)
            .filter(pk__in=good_ids)
            .order_by("id")
        ):
            items["finished_good"][good.pk] = good
    except DatabaseError:
        raise ConcurrentUse(_busy_message()) from None
    production.update(extra_production)
    assembly.update(extra_assembly)


def _busy_message() -> str:
    return (
        "Stock from this purchase was used by another run while the correction was being "
        "saved. Nothing was changed: look at the consequences again and save once more."
    )


def _plan(
    tx: Tx,
    purchase: Purchase,
    lot: InventoryLot,
    production: dict[int, ProductionRun],
    assembly: dict[int, AssemblyRun],
    items: dict[str, dict[int, Any]],
    price: Decimal,
    packages: Decimal,
) -> CorrectionPlan:
    product = tx.objects(Product).get(pk=purchase.product_id)
    ingredient = tx.objects(Ingredient).get(pk=lot.ingredient_id)
    quantity, cost_per_unit = _lot_figures(product, ingredient, packages, price)
    drawn = lot.quantity_initial - lot.quantity_remaining
    if quantity < drawn:
        per_package = base_units_per_package(product, ingredient)
        raise ValidationFailed(
            f"Packages cannot go below what has already been used: "
            f"{qty_to_string(drawn)} {ingredient.base_unit} of this purchase is used "
            f"({qty_to_string(drawn / per_package)} packages), and "
            f"{qty_to_string(packages)} packages hold only {qty_to_string(quantity)} "
            f"{ingredient.base_unit}.",
            field="packages",
        )
    plan = CorrectionPlan(
        purchase=purchase,
        lot=lot,
        ingredient=ingredient,
        new_price=price,
        new_packages=packages,
        new_cost_per_unit=cost_per_unit,
        new_quantity_initial=quantity,
        new_quantity_remaining=quantity - drawn,
    )
    _plan_runs(tx, plan, production, assembly)
    _plan_averages(plan, items)
    _plan_depletions(tx, plan)
    _find_untouched_assemblies(tx, plan)
    return plan


def _repriced(rows: list[Any], lot_pk: int, cost: Decimal, changed: list[Any]) -> Decimal:
    """A run's ledger total with the rows drawn from the corrected lot at its new cost (those
    rows and their new cost are added to `changed`); rows from other lots keep theirs."""
    total = Decimal(0)
    for row in rows:
        new_cost = line_cost(row.quantity, cost) if row.lot_id == lot_pk else row.cost
        if row.lot_id == lot_pk:
            changed.append((row, new_cost))
        total += new_cost
    return total


def _plan_runs(
    tx: Tx,
    plan: CorrectionPlan,
    production: dict[int, ProductionRun],
    assembly: dict[int, AssemblyRun],
) -> None:
    """Each run's ledger re-priced row by row and its totals recomputed as recording does."""
    lot_pk, cost = plan.lot.pk, plan.new_cost_per_unit
    by_run: dict[int, list[ProductionConsumption]] = defaultdict(list)
    for row in tx.objects(ProductionConsumption).filter(run_id__in=production).order_by("id"):
        by_run[row.run_id].append(row)
    for run_id in sorted(production):
        run = production[run_id]
        total = _repriced(by_run[run_id], lot_pk, cost, plan.production_rows)
        actual, expected = run.actual_yield, run.expected_yield
        plan.runs.append(
            RunChange(
                kind=PRODUCTION,
                run=run,
                old_total=run.total_ingredient_cost,
                new_total=money(total),
                old_per_unit=run.per_unit_cost,
                new_per_unit=money(total / actual) if actual else Decimal(0),
                new_loss_cost=money(Decimal(run.loss_quantity) * total / Decimal(expected)),
            )
        )
    packaging: dict[int, list[AssemblyPackagingConsumption]] = defaultdict(list)
    for pack in tx.objects(AssemblyPackagingConsumption).filter(run_id__in=assembly).order_by("id"):
        packaging[pack.run_id].append(pack)
    for run_id in sorted(assembly):
        packing = assembly[run_id]
        packaging_cost = _repriced(packaging[run_id], lot_pk, cost, plan.packaging_rows)
        total = packing.component_cost + packaging_cost
        plan.runs.append(
            RunChange(
                kind=ASSEMBLY,
                run=packing,
                old_total=packing.total_cost,
                new_total=money(total),
                old_per_unit=packing.per_unit_cost,
                new_per_unit=money(total / packing.quantity),
                new_packaging_cost=money(packaging_cost),
            )
        )


def _plan_averages(plan: CorrectionPlan, items: dict[str, dict[int, Any]]) -> None:
    """Each item's average takes its runs' difference spread over the count on hand now.

    new average = (count × average + difference) ÷ count, rounded as folding a run in is,
    and never below zero. With nothing on hand the average is left as it is. An undone run
    moves nothing: its cost already left the stock when it was undone.
    """
    differences: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for change in plan.runs:
        if change.reversed:
            continue
        if isinstance(change.run, ProductionRun):
            differences["finished_unit", change.run.finished_unit_id] += change.difference
        else:
            differences["finished_good", change.run.finished_good_id] += change.difference
    for (kind, item_id), difference in sorted(differences.items()):
        item = items[kind][item_id]
        count, average = item.inventory_count, item.average_unit_cost
        new_average = average
        if count > 0 and difference:
            new_average = max(Decimal(0), folded_average(count, average, difference, count))
        plan.averages.append(
            AverageChange(
                item=item,
                kind=kind,
                difference=difference,
                old_average=average,
                new_average=new_average,
            )
        )


def _plan_depletions(tx: Tx, plan: CorrectionPlan) -> None:
    """Depletions drawn from the lot: their rows and their adjustment's cost re-priced."""
    rows = list(tx.objects(StockAdjustmentLot).filter(lot=plan.lot).order_by("id"))
    if not rows:
        return
    adjustment_ids = {row.adjustment_id for row in rows}
    for row in rows:
        plan.depletion_rows.append((row, line_cost(row.quantity, plan.new_cost_per_unit)))
    changed = {row.pk: cost for row, cost in plan.depletion_rows}
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for every in tx.objects(StockAdjustmentLot).filter(adjustment_id__in=adjustment_ids):
        totals[every.adjustment_id] += changed.get(every.pk, every.cost)
    plan.adjustments = dict(totals)


def _find_untouched_assemblies(tx: Tx, plan: CorrectionPlan) -> None:
    """Packing runs that took the restated baked items or boxes: they keep their figures."""
    unit_ids = {
        change.run.finished_unit_id
        for change in plan.runs
        if isinstance(change.run, ProductionRun) and change.difference
    }
    good_ids = {
        change.run.finished_good_id
        for change in plan.runs
        if isinstance(change.run, AssemblyRun) and change.difference
    }
    restated = {change.run.pk for change in plan.runs if isinstance(change.run, AssemblyRun)}
    if not unit_ids and not good_ids:
        return
    uses = Q(
        pk__in=tx.objects(AssemblyFinishedUnitConsumption)
        .filter(finished_unit_id__in=unit_ids)
        .values("run_id")
    ) | Q(
        pk__in=tx.objects(AssemblyFinishedGoodConsumption)
        .filter(finished_good_id__in=good_ids)
        .values("run_id")
    )
    plan.untouched_assemblies = list(
        tx.objects(AssemblyRun)
        .filter(uses, reversed_at__isnull=True)
        .exclude(pk__in=restated)
        .order_by("assembled_at", "id")
    )


# --- Services ------------------------------------------------------------------------------


def preview_purchase_correction(
    tx: Tx, purchase_id: Any, *, price_per_package: Any = None, packages: Any = None
) -> dict[str, Any]:
    """What a correction would change (each run, old → new total), changing nothing."""
    tx.require()
    purchase, lot, production, assembly, items = _load(tx, purchase_id, lock=False)
    price, count = _clean_request(purchase, price_per_package, packages)
    plan = _plan(tx, purchase, lot, production, assembly, items, price, count)
    return result_of(plan, summary_of(plan))


def correct_purchase(
    tx: Tx,
    purchase_id: Any,
    *,
    price_per_package: Any = None,
    packages: Any = None,
    reason: Any,
) -> dict[str, Any]:
    """Correct a used purchase's price or package count and restate what drew from it."""
    tx.require()
    with logged_operation(logger, tx, "correct_purchase", purchase_id=purchase_id) as op:
        why = text(reason, "Reason").strip()
        if not why:
            raise ValidationFailed("Say why the purchase is being corrected.", field="reason")
        if len(why) > MAX_REASON:
            raise ValidationFailed(
                f"The reason is at most {MAX_REASON} characters.", field="reason"
            )
        purchase, lot, production, assembly, items = _load(tx, purchase_id, lock=True)
        price, count = _clean_request(purchase, price_per_package, packages)
        plan = _plan(tx, purchase, lot, production, assembly, items, price, count)
        summary = summary_of(plan)
        result = result_of(plan, summary)
        old_price, old_packages = purchase.price_per_package, purchase.packages
        _apply(tx, plan)
        correction = PurchaseCorrection(
            household=tx.household,
            purchase=purchase,
            old_price_per_package=old_price,
            new_price_per_package=price,
            old_packages=old_packages,
            new_packages=count,
            reason=why,
            corrected_by=tx.actor,
            summary=summary,
        )
        correction.save(using=tx.using, force_insert=True)
        op.add(
            correction_id=correction.pk,
            lot_id=lot.pk,
            runs=[entry["label"] for entry in summary["runs"]],
            total_difference=summary["total_difference"],
        )
        result["correction_id"] = correction.pk
        return result


def _apply(tx: Tx, plan: CorrectionPlan) -> None:
    purchase, lot = plan.purchase, plan.lot
    # A corrected price is a price known (docs/import-baketracker.md, "Price unknown").
    if purchase.price_per_package != plan.new_price:
        lot.price_unknown = False
    purchase.price_per_package = plan.new_price
    purchase.packages = plan.new_packages
    purchase.save(using=tx.using, update_fields=["price_per_package", "packages", "updated_at"])
    lot.cost_per_unit = plan.new_cost_per_unit
    lot.quantity_initial = plan.new_quantity_initial
    lot.quantity_remaining = plan.new_quantity_remaining
    lot.save(
        using=tx.using,
        update_fields=["cost_per_unit", "quantity_initial", "quantity_remaining", "price_unknown"],
    )
    for row, cost in plan.production_rows:
        row.cost = cost
    tx.objects(ProductionConsumption).bulk_update([r for r, _ in plan.production_rows], ["cost"])
    for pack, cost in plan.packaging_rows:
        pack.cost = cost
    tx.objects(AssemblyPackagingConsumption).bulk_update(
        [r for r, _ in plan.packaging_rows], ["cost"]
    )
    for depletion, cost in plan.depletion_rows:
        depletion.cost = cost
    tx.objects(StockAdjustmentLot).bulk_update([r for r, _ in plan.depletion_rows], ["cost"])
    for adjustment_id, total in sorted(plan.adjustments.items()):
        tx.objects(StockAdjustment).filter(pk=adjustment_id).update(cost=total)
    for change in plan.runs:
        run = change.run
        if isinstance(run, ProductionRun):
            run.total_ingredient_cost = change.new_total
            run.per_unit_cost = change.new_per_unit
            run.loss_cost = change.new_loss_cost
            run.save(
                using=tx.using,
                update_fields=["total_ingredient_cost", "per_unit_cost", "loss_cost"],
            )
        else:
            run.packaging_cost = change.new_packaging_cost
            run.total_cost = change.new_total
            run.per_unit_cost = change.new_per_unit
            run.save(
                using=tx.using, update_fields=["packaging_cost", "total_cost", "per_unit_cost"]
            )
    for average in plan.averages:
        if average.moved:
            average.item.average_unit_cost = average.new_average
            average.item.save(using=tx.using, update_fields=["average_unit_cost", "updated_at"])


def get_purchase_corrections(tx: Tx, purchase_id: Any) -> list[dict[str, Any]]:
    """The purchase's corrections, oldest first, as the pages show them."""
    tx.require()
    purchase = get_owned(tx, Purchase, purchase_id)
    rows = tx.objects(PurchaseCorrection).filter(purchase=purchase).select_related("corrected_by")
    return [correction_dto(row) for row in rows.order_by("corrected_at", "id")]


def get_run_corrections(tx: Tx, run_kind: str, run_id: Any) -> list[dict[str, Any]]:
    """Corrections that restated this run ("production" or "assembly"), oldest first."""
    tx.require()
    if run_kind == PRODUCTION:
        run_pk = get_owned(tx, ProductionRun, run_id, label="Baking run").pk
        lot_ids = list(
            tx.objects(ProductionConsumption).filter(run_id=run_pk).values_list("lot_id", flat=True)
        )
    elif run_kind == ASSEMBLY:
        run_pk = get_owned(tx, AssemblyRun, run_id, label="Packing run").pk
        lot_ids = list(
            tx.objects(AssemblyPackagingConsumption)
            .filter(run_id=run_pk)
            .values_list("lot_id", flat=True)
        )
    else:
        raise NotFound("Run kind", run_kind)
    purchase_ids = tx.objects(InventoryLot).filter(pk__in=lot_ids).values("purchase_id")
    rows = (
        tx.objects(PurchaseCorrection)
        .filter(purchase_id__in=purchase_ids)
        .select_related("corrected_by")
        .order_by("corrected_at", "id")
    )
    found = []
    for row in rows:
        for entry in row.summary.get("runs", []):
            if entry.get("kind") == run_kind and entry.get("id") == run_pk:
                dto = correction_dto(row)
                dto["run_old_total"] = cost_to_string(entry["old_total"])
                dto["run_new_total"] = cost_to_string(entry["new_total"])
                found.append(dto)
    return found
