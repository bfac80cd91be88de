"""Stock counts: what is on the shelf, set against what the app thinks is in stock.

See docs/design.md, "Stock counts".

A count names ingredients and the quantity found of each, in the ingredient's base unit.
Every line is checked first (all the problems are reported together and nothing is
written); then a shortfall is taken out oldest lot first through the depletion path with
the reason `count`, and a surplus becomes a purchase marked as found in a count, with a
lot of exactly the surplus at the latest purchase price per base unit. The caller's unit
of work holds the whole count: every line or none.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bakeplanner.display import quantity
from bakeplanner.errors import DomainError, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.money import MILLI, to_decimal
from bakeplanner.tx import Tx
from production.models import Ingredient, InventoryLot, Product, Purchase, StockAdjustment
from production.services.inventory import lots_for
from production.services.lookup import clean_decimal, clean_text
from production.services.purchases import base_units_per_package
from production.services.stock import write_depletion

__all__ = ["get_stock_count_sheet", "record_stock_count"]

logger = logging.getLogger("bakeplanner.production.stocktake")

MAX_LINES = 1000  # more than a household's whole pantry; a longer form is no count
SHEET_PAGE_SIZE = 100
PRICE_STEP = Decimal("0.0001")  # the purchase's price-per-package column keeps 4 places
MAX_ID = 2**63 - 1  # the largest id a 64-bit key column holds


@dataclass(frozen=True)
class StockCountRow:
    """One ingredient on the count sheet."""

    ingredient_id: int
    name: str
    category: str
    kind: str
    unit: str
    on_hand: Decimal


@dataclass(frozen=True)
class StockCountSheet:
    """A page of the count sheet: its rows and the page, for the links to the others."""

    rows: list[StockCountRow]
    page: Page


@dataclass
class StockCountResult:
    """What a count recorded: the lines filled in, the shortfalls taken out, the lots added."""

    counted: int = 0
    unchanged: int = 0
    shortfalls: list[StockAdjustment] = field(default_factory=list)
    surpluses: list[InventoryLot] = field(default_factory=list)

    @property
    def shortfall_cost(self) -> Decimal:
        return sum((adjustment.cost for adjustment in self.shortfalls), Decimal(0))

    @property
    def surplus_cost(self) -> Decimal:
        return sum((lot.quantity_initial * lot.cost_per_unit for lot in self.surpluses), Decimal(0))


class StockCountRefused(ValidationFailed):
    """Some lines of a count cannot be recorded; `line_errors` maps each line's key to why."""

    def __init__(self, line_errors: Mapping[Any, str]) -> None:
        self.line_errors = dict(line_errors)
        noun = "line" if len(self.line_errors) == 1 else "lines"
        verb = "needs" if len(self.line_errors) == 1 else "need"
        self.summary = (
            f"Nothing was recorded: {len(self.line_errors)} {noun} of the count {verb} fixing."
        )
        super().__init__(f"{self.summary} " + " ".join(self.line_errors.values()))


@dataclass
class _Surplus:
    """A surplus line, checked and priced: what its purchase and lot will say."""

    ingredient: Ingredient
    product: Product
    quantity: Decimal
    cost_per_unit: Decimal
    packages: Decimal
    price_per_package: Decimal


# --- The count sheet -------------------------------------------------------------------------


def get_stock_count_sheet(
    tx: Tx, *, q: str = "", kind: str = "", page: Any = 1, per_page: int = SHEET_PAGE_SIZE
) -> StockCountSheet:
    """A page of ingredients to count (by category, then name), each with its stock now.

    Two queries whatever the number of ingredients and lots: the count and the page, its
    stock summed in the database. Ingredients without a category come last.
    """
    tx.require()
    queryset = tx.objects(Ingredient)
    term = q.strip()
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(category__icontains=term))
    if kind in (Ingredient.FOOD, Ingredient.PACKAGING):
        queryset = queryset.filter(kind=kind)
    stock = (
        tx.objects(InventoryLot)
        .filter(ingredient=OuterRef("pk"))
        .order_by()
        .values("ingredient")
        .annotate(total=Sum("quantity_remaining"))
        .values("total")
    )
    queryset = queryset.annotate(
        on_hand=Coalesce(
            Subquery(stock, output_field=DecimalField(max_digits=20, decimal_places=3)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=20, decimal_places=3),
        ),
        uncategorised=Case(
            When(category="", then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    ).order_by("uncategorised", "category", "name", "pk")
    paginator = Paginator(queryset, max(1, min(int(per_page), MAX_LINES)))
    page_of = paginator.get_page(page)
    ingredients: list[Any] = list(page_of.object_list)  # annotated with `on_hand`
    rows = [
        StockCountRow(
            ingredient_id=ingredient.pk,
            name=ingredient.name,
            category=ingredient.category,
            kind=ingredient.kind,
            unit=ingredient.base_unit,
            on_hand=to_decimal(ingredient.on_hand),
        )
        for ingredient in ingredients
    ]
    return StockCountSheet(rows=rows, page=page_of)


# --- Recording a count -----------------------------------------------------------------------


def _ingredient_id(key: Any) -> int | None:
    """The ingredient id a line names, or None when the key names no row."""
    if isinstance(key, bool) or (isinstance(key, float) and not key.is_integer()):
        return None
    try:
        number = int(key)
    except (TypeError, ValueError, OverflowError):
        return None
    # Outside the id column's range no row can match (and PostgreSQL would refuse the query).
    return number if 0 < number <= MAX_ID else None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_count(ingredient: Ingredient, value: Any, key: Any) -> Decimal:
    if isinstance(value, str) and "," in value:
        # "1,5" is one and a half in some countries and "1,500" fifteen hundred in others:
        # guessing would record the wrong stock, so the person writes it plainly.
        raise ValidationFailed(
            f"The count of {ingredient.name}: write the number without commas, with a point "
            "for decimals (1.5 or 1500).",
            field=f"count_{key}",
        )
    return clean_decimal(
        value,
        f"The count of {ingredient.name}",
        model=InventoryLot,
        column="quantity_remaining",
        field=f"count_{key}",
        allow_zero=True,
    )


def _check_seen(ingredient: Ingredient, seen: Any, on_hand: Decimal) -> str | None:
    """Why the line is refused when the stock moved since the page showed `seen`."""
    if _is_blank(seen):
        return None
    try:
        shown = to_decimal(seen)
    except (TypeError, ValueError):
        shown = None
    if shown is not None and shown.is_finite() and shown == on_hand:
        return None
    if shown is None or not shown.is_finite():
        return f"{ingredient.name}: the page was out of date; reload it and count again."
    unit = ingredient.base_unit
    return (
        f"{ingredient.name}: the stock changed while you counted "
        f"(the page showed {quantity(shown, unit)}, it is now {quantity(on_hand, unit)}); "
        "check the count and save again."
    )


def _products_with_latest_lot(tx: Tx, ingredient_ids: list[int]) -> dict[int, list[Product]]:
    """The ingredients' products, each annotated with its latest lot's date, id and cost.

    One query. A lot is received on its purchase's date, so the latest lot is the latest
    purchase (a correction restates the lot's cost, so the lot's figure is the current one).
    A lot brought in without a price has a placeholder cost, not a price: it is passed over.
    """
    latest = (
        tx.objects(InventoryLot)
        .filter(product=OuterRef("pk"), price_unknown=False)
        .order_by("-received_on", "-id")
    )
    products = (
        tx.objects(Product)
        .filter(ingredient_id__in=ingredient_ids)
        .annotate(
            latest_on=Subquery(latest.values("received_on")[:1]),
            latest_lot_id=Subquery(latest.values("id")[:1]),
            latest_cost=Subquery(latest.values("cost_per_unit")[:1]),
        )
        .order_by("pk")
    )
    by_ingredient: dict[int, list[Product]] = {i: [] for i in ingredient_ids}
    for product in products:
        by_ingredient[product.ingredient_id].append(product)
    return by_ingredient


def _latest_key(product: Any) -> tuple[Any, int]:
    return (product.latest_on, product.latest_lot_id)


def _price_surplus(ingredient: Ingredient, products: list[Any], surplus: Decimal) -> _Surplus | str:
    """The surplus's product and prices, or why it cannot be added."""
    if not products:
        return (
            f"{ingredient.name} has no product, so the extra stock cannot be added: "
            "add a product for it first."
        )
    bought = [p for p in products if p.latest_lot_id is not None]
    preferred = [p for p in products if p.preferred]
    if preferred:
        product = preferred[0]
    elif bought:
        product = max(bought, key=_latest_key)
    else:
        product = products[0]
    if product.latest_cost is not None:
        cost_per_unit = to_decimal(product.latest_cost)
    elif bought:
        # A preferred product never bought: the ingredient's latest price per base unit,
        # whatever product it came in (every product's lot is costed per the same unit).
        cost_per_unit = to_decimal(max(bought, key=_latest_key).latest_cost)
    else:
        return (
            f"{ingredient.name} has no known purchase price, so the extra stock cannot be "
            "priced: record it as a purchase instead."
        )
    try:
        per_package = base_units_per_package(product, ingredient)
    except DomainError as exc:
        return f"{ingredient.name}: {exc}"
    packages = max(MILLI, (surplus / per_package).quantize(MILLI, rounding=ROUND_HALF_UP))
    price = (cost_per_unit * per_package).quantize(PRICE_STEP, rounding=ROUND_HALF_UP)
    packages_field = Purchase._meta.get_field("packages")
    price_field = Purchase._meta.get_field("price_per_package")
    if packages >= Decimal(10) ** (packages_field.max_digits - packages_field.decimal_places) or (
        price >= Decimal(10) ** (price_field.max_digits - price_field.decimal_places)
    ):
        return (
            f"{ingredient.name}: the extra {quantity(surplus, ingredient.base_unit)} is too "
            "large to record as a purchase of its product."
        )
    return _Surplus(
        ingredient=ingredient,
        product=product,
        quantity=surplus,
        cost_per_unit=cost_per_unit,
        packages=packages,
        price_per_package=price,
    )


def _add_surplus_lot(tx: Tx, surplus: _Surplus, *, notes: str) -> InventoryLot:
    """The purchase found in a count and its lot: exactly the surplus, at the latest price."""
    today = timezone.localdate()
    purchase = Purchase(
        household=tx.household,
        product=surplus.product,
        purchased_on=today,
        packages=surplus.packages,
        price_per_package=surplus.price_per_package,
        notes=notes,
        found_in_count=True,
    )
    purchase.save(using=tx.using)
    lot = InventoryLot(
        household=tx.household,
        product=surplus.product,
        ingredient=surplus.ingredient,
        purchase=purchase,
        quantity_initial=surplus.quantity,
        quantity_remaining=surplus.quantity,
        cost_per_unit=surplus.cost_per_unit,
        received_on=today,
    )
    lot.save(using=tx.using)
    return lot


def record_stock_count(
    tx: Tx,
    counts: Mapping[Any, Any],
    *,
    seen: Mapping[Any, Any] | None = None,
    notes: Any = "",
) -> StockCountResult:
    """Settle each counted ingredient's stock to the count: all lines or none.

    `counts` maps an ingredient id to the quantity found, in its base unit; a blank line
    (None or empty text) was not counted. `seen`, when given, maps an ingredient id to the
    stock the page showed: a line whose stock has moved since is refused, so a count taken
    while something was baked is checked again rather than settled against other figures.
    """
    tx.require()
    with logged_operation(logger, tx, "record_stock_count", lines=len(counts)) as op:
        notes = clean_text(notes, "Notes", field="notes", max_length=2000)
        lines = {key: value for key, value in counts.items() if not _is_blank(value)}
        if not lines:
            raise ValidationFailed("Nothing was counted: fill in at least one quantity.")
        if len(lines) > MAX_LINES:
            raise ValidationFailed(f"At most {MAX_LINES} ingredients can be counted at once.")
        errors: dict[Any, str] = {}
        ids: dict[Any, int] = {}
        for key in lines:
            ingredient_id = _ingredient_id(key)
            if ingredient_id is None:
                errors[key] = f"Ingredient {key!r} was not found."
            elif ingredient_id in ids.values():
                errors[key] = f"Ingredient {ingredient_id} is counted twice; give one quantity."
            else:
                ids[key] = ingredient_id
        # Locked in id order (ingredients, then their lots), so two counts of the same
        # ingredient take turns, and a run drawing the same lots waits or goes first.
        ingredients = {
            ingredient.pk: ingredient
            for ingredient in tx.objects(Ingredient)
            .filter(pk__in=sorted(set(ids.values())))
            .select_for_update()
            .order_by("pk")
        }
        lots = lots_for(tx, ingredients, lock=True)
        checked: list[tuple[Ingredient, Decimal, Decimal]] = []
        for key, ingredient_id in ids.items():
            ingredient = ingredients.get(ingredient_id)
            if ingredient is None:
                # Another household's ingredient reads as missing, never as theirs.
                errors[key] = f"Ingredient {key} was not found."
                continue
            try:
                counted = _clean_count(ingredient, lines[key], key)
            except ValidationFailed as exc:
                errors[key] = str(exc)
                continue
            on_hand = sum((lot.quantity_remaining for lot in lots[ingredient.pk]), Decimal(0))
            if seen is not None and key in seen:
                stale = _check_seen(ingredient, seen[key], on_hand)
                if stale:
                    errors[key] = stale
                    continue
            checked.append((ingredient, counted, on_hand))
        surplus_ids = [
            ingredient.pk for ingredient, counted, on_hand in checked if counted > on_hand
        ]
        products = _products_with_latest_lot(tx, surplus_ids) if surplus_ids else {}
        surpluses: dict[int, _Surplus] = {}
        for ingredient, counted, on_hand in checked:
            if counted > on_hand:
                priced = _price_surplus(ingredient, products[ingredient.pk], counted - on_hand)
                if isinstance(priced, str):
                    errors[_key_of(ids, ingredient.pk)] = priced
                else:
                    surpluses[ingredient.pk] = priced
        if errors:
            raise StockCountRefused(errors)

        result = StockCountResult(counted=len(checked))
        for ingredient, counted, on_hand in checked:
            if counted < on_hand:
                adjustment, _ = write_depletion(
                    tx,
                    ingredient,
                    on_hand - counted,
                    lots[ingredient.pk],
                    reason=StockAdjustment.COUNT,
                    notes=notes,
                    operation="record_stock_count",
                )
                result.shortfalls.append(adjustment)
            elif counted > on_hand:
                result.surpluses.append(_add_surplus_lot(tx, surpluses[ingredient.pk], notes=notes))
            else:
                result.unchanged += 1
        op.add(
            counted=result.counted,
            adjustment_ids=[adjustment.pk for adjustment in result.shortfalls],
            lot_ids=[lot.pk for lot in result.surpluses],
            shortfall_cost=result.shortfall_cost,
            surplus_cost=result.surplus_cost,
        )
        return result


def _key_of(ids: Mapping[Any, int], ingredient_id: int) -> Any:
    """The line key that named `ingredient_id` (the first, if two keys name the same row)."""
    return next(key for key, value in ids.items() if value == ingredient_id)
