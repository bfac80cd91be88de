"""The shared shopping checklist: ticks saved per event, and ticked lines bought as stock.

The rules: docs/design.md, "Shopping list". A tick belongs to a line of an event's list,
named by its kind and ingredient (`"ingredient-12"`, `"packaging-40"`), and is shared by
everyone in the household. Recording a ticked line calls `record_purchase` for it, so the
bought packages become a lot at once and the list counts them as stock; several lines are
recorded in the caller's one unit of work, all of them or none.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from bakeplanner.errors import DomainError, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.models import Event, ShoppingTick
from events.services.shopping import ShoppingLine, load_offers, shopping_lines
from production.models import Ingredient, InventoryLot, Product
from production.services import record_purchase
from production.services.lookup import clean_choice, clean_date, clean_text, get_owned

__all__ = [
    "get_lines_to_record",
    "get_shopping_ticks",
    "record_ticked_purchases",
    "set_shopping_tick",
]

logger = logging.getLogger(__name__)

KINDS = (ShoppingTick.INGREDIENT, ShoppingTick.PACKAGING)


class LineRefused(ValidationFailed):
    """One of several lines was refused; `index` says which (nothing was recorded)."""

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(str(error), field=getattr(error, "field", None))
        self.index = index


def line_key(kind: str, ingredient_id: int) -> str:
    return f"{kind}-{ingredient_id}"


def parse_line_key(value: Any) -> tuple[str, int]:
    """`"ingredient-12"` → `("ingredient", 12)`; anything else is refused."""
    text = str(value or "").strip()
    kind, _, number = text.partition("-")
    if kind not in KINDS or not number.isascii() or not number.isdigit() or len(number) > 18:
        raise ValidationFailed(f"{text[:40]!r} is not a line of the shopping list.", field="line")
    return kind, int(number)


def _who(user: User | None) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def set_shopping_tick(
    tx: Tx, event_id: int, ingredient_id: int, *, kind: str, ticked: bool
) -> dict[str, Any] | None:
    """Tick or untick one line of the event's list; the tick as `get_shopping_ticks` gives it.

    Ticking a line someone already ticked keeps their tick (who and when); unticking a line
    nobody ticked changes nothing. Untick a line recorded as a purchase and the purchase stays.
    """
    tx.require()
    event = get_owned(tx, Event, event_id)
    ingredient = get_owned(tx, Ingredient, ingredient_id)
    kind = clean_choice(kind, KINDS, "Kind of line", field="kind")
    with logged_operation(
        logger, tx, "set_shopping_tick", event_id=event.pk, ingredient_id=ingredient.pk
    ):
        ticks = tx.objects(ShoppingTick).filter(event=event, ingredient=ingredient, kind=kind)
        if not ticked:
            ticks.delete()
            return None
        _ensure_tick(tx, event, ingredient.pk, kind)
        return _tick_dicts(ticks)[line_key(kind, ingredient.pk)]


def _ensure_tick(tx: Tx, event: Event, ingredient_id: int, kind: str) -> None:
    """Tick the line unless it is ticked already (then its first tick stays). Two people
    ticking at once: the unique index keeps one row, nobody waits on an error."""
    ShoppingTick.objects.using(tx.using).bulk_create(
        [
            ShoppingTick(
                household=tx.household,
                event=event,
                ingredient_id=ingredient_id,
                kind=kind,
                ticked_by=tx.actor,
            )
        ],
        ignore_conflicts=True,
    )


def _tick_dicts(ticks: Any) -> dict[str, dict[str, Any]]:
    rows = ticks.select_related("ticked_by", "purchase").order_by()
    result = {}
    for tick in rows:
        key = line_key(tick.kind, tick.ingredient_id)
        purchase = tick.purchase
        result[key] = {
            "key": key,
            "kind": tick.kind,
            "ingredient_id": tick.ingredient_id,
            "ticked_by": _who(tick.ticked_by),
            "ticked_by_id": tick.ticked_by_id,
            "ticked_at": tick.ticked_at,
            "purchase_id": tick.purchase_id,
            "purchased_on": purchase.purchased_on if purchase is not None else None,
            "packages": purchase.packages if purchase is not None else None,
        }
    return result


def get_shopping_ticks(tx: Tx, event_id: int) -> dict[str, dict[str, Any]]:
    """Every tick of the event's list by line key (one query after the event's)."""
    tx.require()
    event = get_owned(tx, Event, event_id)
    return _tick_dicts(tx.objects(ShoppingTick).filter(event=event))


def _offer_dicts(tx: Tx, lines: list[ShoppingLine]) -> dict[int, list[dict[str, Any]]]:
    offers = load_offers(tx, {line.ingredient.pk: line.ingredient for line in lines})
    return {
        ingredient_id: [
            {
                "product_id": offer.product_id,
                "name": offer.product_name,
                "brand": offer.brand,
                "package_size": offer.package_size,
                "latest_price": offer.latest_price,
            }
            for offer in ingredient_offers
        ]
        for ingredient_id, ingredient_offers in offers.items()
    }


def get_lines_to_record(
    tx: Tx, event_id: int, keys: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The ticked lines not yet recorded as purchases (or only `keys` of them), each with
    what to record: its products, the suggested product, packages and latest price.

    A ticked line that is no longer on the list (nothing needs it any more) is left out.
    """
    tx.require()
    ticks = get_shopping_ticks(tx, event_id)
    wanted = {key for key, tick in ticks.items() if tick["purchase_id"] is None}
    if keys is not None:
        wanted &= {line_key(*parse_line_key(key)) for key in keys}
    if not wanted:
        return []
    lines = [
        line
        for line in shopping_lines(tx, event_id)
        if line_key(line.kind, line.ingredient.pk) in wanted
    ]
    offers = _offer_dicts(tx, lines)
    result = []
    for line in lines:
        key = line_key(line.kind, line.ingredient.pk)
        suggested = line.offer
        result.append(
            {
                "key": key,
                "kind": line.kind,
                "ingredient_id": line.ingredient.pk,
                "ingredient_name": line.ingredient.name,
                "unit": line.ingredient.base_unit,
                "to_buy": line.to_buy,
                "products": offers.get(line.ingredient.pk, []),
                "product_id": suggested.product_id if suggested else None,
                "packages": Decimal(line.packages_to_buy or 1),
                "price_per_package": suggested.latest_price if suggested else None,
                "tick": ticks[key],
            }
        )
    return result


def record_ticked_purchases(
    tx: Tx,
    event_id: int,
    rows: Iterable[Mapping[str, Any]],
    *,
    purchased_on: dt.date | str,
    supplier: str = "",
) -> list[InventoryLot]:
    """Record each row (`line`, `product_id`, `packages`, `price_per_package`) as a purchase
    through `record_purchase` and mark its line bought; all rows in the caller's unit of work.

    A refused row raises `LineRefused` with the row's index: the caller's unit of work then
    rolls back every purchase recorded before it.
    """
    tx.require()
    event = get_owned(tx, Event, event_id)
    day = clean_date(purchased_on, "Purchase date", field="purchased_on")
    supplier = clean_text(supplier, "Supplier", field="supplier", max_length=120)
    rows = list(rows)
    if not rows:
        raise ValidationFailed("Choose at least one line to record.")
    lots: list[InventoryLot] = []
    seen: set[str] = set()
    with logged_operation(logger, tx, "record_ticked_purchases", event_id=event.pk) as op:
        for index, row in enumerate(rows):
            try:
                kind, ingredient_id = parse_line_key(row.get("line"))
                key = line_key(kind, ingredient_id)
                if key in seen:
                    raise ValidationFailed("This line is recorded twice in one go.", field="line")
                seen.add(key)
                product = get_owned(tx, Product, row.get("product_id"))
                if product.ingredient_id != ingredient_id:
                    ingredient = get_owned(tx, Ingredient, ingredient_id)
                    raise ValidationFailed(
                        f"{product} is not a product of {ingredient.name}.", field="product_id"
                    )
                lot = record_purchase(
                    tx,
                    product.pk,
                    packages=row.get("packages"),
                    price_per_package=row.get("price_per_package"),
                    purchased_on=day,
                    supplier=supplier,
                    notes=f"Bought from the shopping list of {event.name}.",
                )
            except DomainError as exc:
                raise LineRefused(index, exc) from exc
            _mark_bought(tx, event, kind, product.ingredient_id, lot)
            lots.append(lot)
        op.add(purchases=len(lots))
    return lots


def _mark_bought(tx: Tx, event: Event, kind: str, ingredient_id: int, lot: InventoryLot) -> None:
    """The line's tick points at its purchase; a line unticked meanwhile is ticked again."""
    _ensure_tick(tx, event, kind=kind, ingredient_id=ingredient_id)
    tx.objects(ShoppingTick).filter(event=event, ingredient_id=ingredient_id, kind=kind).update(
        purchase_id=lot.purchase_id
    )
