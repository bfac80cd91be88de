"""Household-scoped fetches and the input checks every catalogue service shares.

See docs/design.md, "Errors and bad input".

Nothing here is a public service (the module's `__all__` is empty): these helpers are used by
the services of this package, which call `tx.require()` before reaching them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models.fields.reverse_related import ForeignObjectRel

from bakeplanner.dates import check_in_range
from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.money import to_decimal
from bakeplanner.names import check_name_free, lock_household_names, normalize_input
from bakeplanner.tx import Tx
from production.models import AssemblyRun, InventoryLot, LotQuerySet, ProductionRun, RunQuerySet

M = TypeVar("M", bound=models.Model)

__all__: list[str] = []

MAX_DATE_TEXT = 40  # longer text is no date; refused before parsing

# The largest value a PositiveIntegerField holds on every supported database.
MAX_WHOLE_NUMBER = 2_147_483_647


def get_owned(
    tx: Tx, model: type[M], pk: Any, *, label: str | None = None, lock: bool = False
) -> M:
    """The row with this id in `tx.household`, or the entity's `NotFound`."""
    name = label or str(model._meta.verbose_name).capitalize()
    if isinstance(pk, bool) or (isinstance(pk, float) and not pk.is_integer()):
        # True is not 1, and 1.5 names no row (int() would quietly make it row 1).
        raise NotFound(name, pk)
    try:
        key = int(pk)
    except (TypeError, ValueError, OverflowError):
        raise NotFound(name, pk) from None
    queryset = tx.objects(model)
    if lock:
        queryset = queryset.select_for_update()
    try:
        if lock:
            return queryset.get(pk=key)
        return tx.row_by_id(model, key, lambda: queryset.get(pk=key))
    except ObjectDoesNotExist:  # the model's own DoesNotExist
        raise NotFound(name, pk) from None


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's own field `name` (a reverse relation has no column to check against)."""
    column = model._meta.get_field(name)
    if not isinstance(column, models.Field):
        raise TypeError(f"{model.__name__}.{name} is a reverse relation, not a column.")
    return column


def household_lots(tx: Tx) -> LotQuerySet:
    """The household's inventory lots, with the lot filters (`with_stock()`, `fifo()`) at hand."""
    return cast(LotQuerySet, tx.objects(InventoryLot))


Run = TypeVar("Run", ProductionRun, AssemblyRun)


def household_runs(tx: Tx, model: type[Run]) -> RunQuerySet[Run]:
    """The household's production or assembly runs, with the run filters (`not_reversed()`,
    `for_event()`) at hand (the models' default manager is built from `RunQuerySet`)."""
    return cast("RunQuerySet[Run]", tx.objects(model))


def page_of(rows: Any, per_page: int, number: Any) -> Page:
    """Page `number` of `rows` (a queryset: only that page's rows are read), read now, inside
    the unit of work; a number out of range gives the nearest page."""
    page = Paginator(rows, per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page


def page_of_ids(
    ids: Any,
    rows_for: Callable[[list[int]], Iterable[models.Model]],
    per_page: int,
    number: Any,
) -> Page:
    """Page `number` of a list whose figures cost a query per row: `ids` (a queryset of
    primary keys in the list's order) is counted and cut to the page first, then `rows_for`
    reads the full rows of that page's ids only, kept in the page's order
    (docs/performance.md, "What keeps a page fast")."""
    page = Paginator(ids, per_page).get_page(number)
    shown = list(page.object_list)
    by_id = {row.pk: row for row in rows_for(shown)}
    page.object_list = [by_id[pk] for pk in shown if pk in by_id]
    return page


# --- Input checks --------------------------------------------------------------------------


def clean_text(
    value: Any, label: str, *, field: str, max_length: int | None = None, required: bool = False
) -> str:
    """Text as given (Unicode, quotes, HTML are stored unchanged), trimmed at the ends."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{label} must be text.", field=field)
    text = value.strip()
    if required and not text:
        raise ValidationFailed(f"{label} is required.", field=field)
    if max_length is not None and len(text) > max_length:
        raise ValidationFailed(
            f"{label} is too long (at most {max_length} characters).", field=field
        )
    return text


def clean_name(
    value: Any, model: type[models.Model], *, field: str = "name", label: str = "Name"
) -> str:
    """A required name that fits the model's column."""
    max_length = _column(model, field).max_length
    return clean_text(value, label, field=field, max_length=max_length, required=True)


def rename(tx: Tx, instance: Any, value: Any, *, entity: str) -> None:
    """Give `instance` the name `value` (normalised and checked), refused when another row of
    its kind in the household has that name. The household's name lock comes first, so two
    people choosing the same name at once take turns and the second gets the message."""
    model = type(instance)
    clean = clean_name(normalize_input(value), model)
    lock_household_names(tx)
    check_name_free(tx, model, clean, entity=entity, exclude_pk=instance.pk)
    instance.name = clean


def clean_decimal(
    value: Any,
    label: str,
    *,
    model: type[models.Model],
    column: str,
    field: str | None = None,
    allow_zero: bool = False,
) -> Decimal:
    """A number that is positive (or ≥ 0) and fits the model's column digits."""
    field = field or column
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise ValidationFailed(f"{label} must be a number.", field=field)
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{label} must be a number, not {value!r}.", field=field) from None
    if not amount.is_finite():
        raise ValidationFailed(f"{label} must be a number.", field=field)
    if allow_zero:
        if amount < 0:
            raise ValidationFailed(f"{label} cannot be negative.", field=field)
    elif amount <= 0:
        raise ValidationFailed(f"{label} must be more than zero.", field=field)
    column_field = _column(model, column)
    if not isinstance(column_field, models.DecimalField):
        raise TypeError(f"{model.__name__}.{column} is not a decimal column.")
    places = column_field.decimal_places
    whole_digits = column_field.max_digits - places
    if amount >= Decimal(10) ** whole_digits:
        limit = Decimal(10) ** whole_digits - Decimal(1).scaleb(-places)
        raise ValidationFailed(f"{label} is too large (at most {limit:f}).", field=field)
    step = Decimal(1).scaleb(-places)
    if amount != amount.quantize(step):
        raise ValidationFailed(
            f"{label} has too many decimal places (at most {places}).", field=field
        )
    return amount.quantize(step)


def clean_whole_number(
    value: Any,
    label: str,
    *,
    field: str,
    minimum: int = 1,
    maximum: int = MAX_WHOLE_NUMBER,
    allow_zero: bool = True,
) -> int:
    """A whole number in [minimum, maximum]; `allow_zero=False` refuses 0 inside the range."""
    if value is None or isinstance(value, bool):
        raise ValidationFailed(f"{label} must be a whole number.", field=field)
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise ValidationFailed(
            f"{label} must be a whole number, not {value!r}.", field=field
        ) from None
    if not amount.is_finite() or amount != amount.to_integral_value():
        raise ValidationFailed(f"{label} must be a whole number.", field=field)
    # Range first, on the Decimal: int() of "1e400000" alone takes seconds.
    if amount == 0 and not allow_zero:
        raise ValidationFailed(f"{label} cannot be zero.", field=field)
    if amount < minimum:
        if minimum == 1:
            raise ValidationFailed(f"{label} must be at least 1.", field=field)
        raise ValidationFailed(f"{label} must be at least {minimum}.", field=field)
    if amount > maximum:
        raise ValidationFailed(f"{label} is too large (at most {maximum}).", field=field)
    return int(amount)


def clean_date(value: Any, label: str, *, field: str) -> dt.date:
    """A date between 1900 and 2200, or a string in ISO form (YYYY-MM-DD)."""
    day: dt.date | None = None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and len(value) <= MAX_DATE_TEXT:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        raise ValidationFailed(
            f"{label}: {str(value)[:40]!r} is not a date (use YYYY-MM-DD).", field=field
        )
    check_in_range(day, label, field=field)
    return day


def clean_choice(value: Any, choices: Iterable[str], label: str, *, field: str) -> str:
    allowed = list(choices)
    if value not in allowed:
        raise ValidationFailed(
            f"{label} must be one of {', '.join(allowed)} (got {value!r}).", field=field
        )
    return str(value)


def check_fields(fields: Mapping[str, Any], allowed: Iterable[str], entity: str) -> None:
    """Unknown fields are an error, never silently ignored."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        noun = "field" if len(unknown) == 1 else "fields"
        raise ValidationFailed(
            f"Unknown {noun} for {entity}: {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(allowed))}."
        )
    if not fields:
        raise ValidationFailed(f"Nothing to change on the {entity}.")


# --- What still uses a row ----------------------------------------------------------------

# Friendlier words than the models' verbose names, where they read badly in a sentence.
_USAGE_WORDS = {
    "production.product": ("product", "products"),
    "production.purchase": ("purchase", "purchases"),
    "production.inventorylot": ("inventory lot", "inventory lots"),
    "production.recipeingredient": ("recipe line", "recipe lines"),
    "production.recipecomponent": (
        "recipe that uses it as a sub-recipe",
        "recipes that use it as a sub-recipe",
    ),
    "production.finishedunit": ("baked item", "baked items"),
    "production.finishedgoodcomponent": ("gift box component", "gift box components"),
    "production.productionrun": ("baking run", "baking runs"),
    "production.productionconsumption": ("baking run record", "baking run records"),
    "production.assemblyrun": ("packing run", "packing runs"),
    "production.assemblyfinishedunitconsumption": ("packing run record", "packing run records"),
    "production.assemblyfinishedgoodconsumption": ("packing run record", "packing run records"),
    "production.assemblypackagingconsumption": ("packing run record", "packing run records"),
    "production.stockadjustment": ("stock adjustment", "stock adjustments"),
    "production.stockadjustmentlot": ("stock adjustment", "stock adjustments"),
    "events.packageitem": ("package", "packages"),
    "events.productiontarget": ("baking target of an event", "baking targets of events"),
    "events.assemblytarget": ("packing target of an event", "packing targets of events"),
}


def usage(tx: Tx, instance: models.Model, *, skip: Iterable[str] = ()) -> list[str]:
    """What still points at `instance`, as phrases ("2 products"); empty when unused.

    Walks every relation to the model, hidden ones included, so rows of other apps that
    point here (an event's targets, a package's contents) are found without importing them.
    `skip` names relations (`app_label.model.field`) the caller deletes along with the row.
    """
    skipped = set(skip)
    counts: dict[tuple[str, str], int] = {}
    for relation in instance._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not isinstance(relation, ForeignObjectRel):  # the reverse side of a relation
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        related_model = relation.related_model
        key = f"{related_model._meta.label_lower}.{relation.field.name}"
        if key in skipped:
            continue
        count = tx.objects(related_model).filter(**{relation.field.name: instance}).count()
        if count:
            words = _USAGE_WORDS.get(
                related_model._meta.label_lower,
                (
                    str(related_model._meta.verbose_name),
                    str(related_model._meta.verbose_name_plural),
                ),
            )
            counts[words] = counts.get(words, 0) + count
    return [f"{n} {words[0] if n == 1 else words[1]}" for words, n in counts.items()]


def usage_sentence(what: str, uses: list[str]) -> str:
    return f"{what} is still used by {', '.join(uses)}; remove those first."


# --- Sorting lists ----------------------------------------------------------------------------


def sort_ordering(
    sort: str, whitelist: Mapping[str, tuple[str, ...]], default: str
) -> tuple[str, ...]:
    """`order_by` fields for a `sort` GET value (`name` or `-name`); unknown keys sort by default.

    A leading `-` reverses the first field only; the others keep breaking ties the same way.
    """
    sort = (sort or "").strip()
    key = sort.lstrip("-")
    if key not in whitelist:
        return whitelist[default]
    fields = whitelist[key]
    if sort.startswith("-"):
        first = fields[0][1:] if fields[0].startswith("-") else "-" + fields[0]
        return (first, *fields[1:])
    return fields
