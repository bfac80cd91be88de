"""A whole household as one versioned JSON file, and that file loaded as a new household
(docs/household-file.md).

Which tables are in the file is found from the app registry: every model with a `household`
foreign key, plus ledger tables reached through a household-owned parent. Each one is either
exported (`EXPORTED`) or deliberately left out (`LEFT_OUT`); a test fails for a household
table that is neither. Rows are written per table in dependency order and, inside a table,
by their id; every id in the file is the row's id where it was exported, and loading gives
every row a new id and rewrites each reference to it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import IO, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DatabaseError, models
from django.utils import timezone

from bakeplanner.errors import DomainError
from bakeplanner.households import add_member, set_household_preferences
from bakeplanner.models import Household, Membership
from bakeplanner.tx import Tx, new_household_unit_of_work

FORMAT = "bakeplanner-household"
VERSION = 1

# The apps whose tables hold household data.
HOUSEHOLD_APPS = ("bakeplanner", "production", "events", "tooling")

# Every household table in the file. The load order is worked out from the foreign keys,
# not from this list.
EXPORTED: tuple[str, ...] = (
    "production.Ingredient",
    "production.Product",
    "production.Purchase",
    "production.InventoryLot",
    "production.Recipe",
    "production.RecipeIngredient",
    "production.RecipeComponent",
    "production.FinishedUnit",
    "production.FinishedGood",
    "production.FinishedGoodComponent",
    "production.ProductionRun",
    "production.ProductionConsumption",
    "production.AssemblyRun",
    "production.AssemblyFinishedUnitConsumption",
    "production.AssemblyFinishedGoodConsumption",
    "production.AssemblyPackagingConsumption",
    "production.StockAdjustment",
    "production.StockAdjustmentLot",
    "production.RunEventChange",
    "production.PurchaseCorrection",
    "events.Event",
    "events.Recipient",
    "events.Package",
    "events.PackageItem",
    "events.Assignment",
    "events.FulfillmentChange",
    "events.ProductionTarget",
    "events.AssemblyTarget",
    "events.ShoppingTick",
    "events.ImportedRecord",
)

# Household tables deliberately not in the file, with the reason (docs/household-file.md,
# "What is not in the file").
LEFT_OUT: dict[str, str] = {
    "bakeplanner.Membership": (
        "who belongs to the household: users are not in the file, so members are added on "
        "the instance that imports it"
    ),
    "bakeplanner.FormSubmission": (
        "one-time tokens of forms already sent; they only guard against a double submit"
    ),
}


class HouseholdFileRefused(DomainError):
    """The file cannot be loaded as it is; nothing was written."""


# --- ids inside JSON columns --------------------------------------------------------------

Lookup = Callable[[str, Any], Any]


def _snapshot_ids(value: Any, lookup: Lookup) -> Any:
    """A baking run's recipe as baked: recipe and ingredient ids at any depth."""
    if isinstance(value, list):
        return [_snapshot_ids(item, lookup) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key == "recipe_id":
            result[key] = lookup("production.Recipe", item)
        elif key == "ingredient_id":
            result[key] = lookup("production.Ingredient", item)
        else:
            result[key] = _snapshot_ids(item, lookup)
    return result


_RUN_KINDS = {"production": "production.ProductionRun", "assembly": "production.AssemblyRun"}
_ITEM_KINDS = {
    "finished_unit": "production.FinishedUnit",
    "finished_good": "production.FinishedGood",
}


def _correction_summary_ids(value: Any, lookup: Lookup) -> Any:
    """A purchase correction's summary: the lot, the runs and items it restated, the
    depletions it re-priced and the packing runs it left alone."""
    if not isinstance(value, dict):
        return value
    result = dict(value)
    if "lot_id" in result:
        result["lot_id"] = lookup("production.InventoryLot", result["lot_id"])
    for key, kinds in (("runs", _RUN_KINDS), ("averages", _ITEM_KINDS)):
        if isinstance(result.get(key), list):
            result[key] = [
                {**entry, "id": lookup(kinds[entry["kind"]], entry.get("id"))}
                if isinstance(entry, dict) and entry.get("kind") in kinds
                else entry
                for entry in result[key]
            ]
    for key, label in (
        ("depletions", "production.StockAdjustment"),
        ("untouched_assemblies", "production.AssemblyRun"),
    ):
        if isinstance(result.get(key), list):
            result[key] = [lookup(label, item) for item in result[key]]
    return result


# JSON columns that hold ids of other rows, and how to rewrite them (the ids are not foreign
# keys, so the database cannot say where they point).
JSON_IDS: dict[tuple[str, str], Callable[[Any, Lookup], Any]] = {
    ("production.ProductionRun", "recipe_snapshot"): _snapshot_ids,
    ("production.PurchaseCorrection", "summary"): _correction_summary_ids,
}
# JSON columns known to hold no ids (copied as they are). A test fails for a JSON column of
# an exported table that is in neither list.
JSON_WITHOUT_IDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("production.Ingredient", "allergens"),
        ("production.Ingredient", "may_contain"),
        ("events.Recipient", "avoids"),
    }
)


# What each kind of row an import from another application made is, by `ImportedRecord.kind`
# (docs/import-baketracker.md).
IMPORTED_KINDS = {
    "ingredients": "production.Ingredient",
    "packaging": "production.Ingredient",
    "products": "production.Product",
    "lots": "production.InventoryLot",
    "recipes": "production.Recipe",
    "recipe_lines": "production.RecipeIngredient",
    "sub_recipes": "production.RecipeComponent",
    "baked_items": "production.FinishedUnit",
    "gift_boxes": "production.FinishedGood",
    "gift_box_contents": "production.FinishedGoodComponent",
    "recipients": "events.Recipient",
    "events": "events.Event",
    "packages": "events.Package",
    "package_contents": "events.PackageItem",
    "assignments": "events.Assignment",
    "baking_targets": "events.ProductionTarget",
    "packing_targets": "events.AssemblyTarget",
}

# Whole-number columns that name a row of a table chosen by the row itself (not a foreign
# key): the table for a row, or None when the row's kind is unknown. A row whose id cannot
# be rewritten points at nothing and is not loaded.
ID_COLUMNS: dict[tuple[str, str], Callable[[dict[str, Any]], str | None]] = {
    ("events.ImportedRecord", "object_id"): lambda row: IMPORTED_KINDS.get(row.get("kind", "")),
}


def remap_json_ids(label: str, name: str, value: Any, lookup: Lookup) -> Any:
    """`value` of the JSON column `label.name` with every row id it holds passed through
    `lookup(model label, old id)`."""
    rewrite = JSON_IDS.get((label, name))
    return value if rewrite is None else rewrite(value, lookup)


def remap_row_ids(label: str, row: dict[str, Any], lookup: Lookup) -> dict[str, Any]:
    """A file row with the ids held outside foreign keys (JSON columns, `ID_COLUMNS`) passed
    through `lookup`; foreign keys are left as they are."""
    result = dict(row)
    for (table, name), rewrite in JSON_IDS.items():
        if table == label and name in result:
            result[name] = rewrite(result[name], lookup)
    for (table, name), target_of in ID_COLUMNS.items():
        if table == label and name in result:
            target = target_of(row)
            result[name] = None if target is None else lookup(target, result[name])
    return result


# --- the plan: tables, columns, order ---------------------------------------------------------

VALUE, REF, USER = "value", "ref", "user"


@dataclass(frozen=True)
class Column:
    field: models.Field[Any, Any]
    kind: str
    target: str = ""  # the referenced table, for REF
    deferred: bool = False  # set after every row is in (a reference inside a cycle)

    @property
    def name(self) -> str:
        return self.field.name


@dataclass(frozen=True)
class TablePlan:
    label: str
    model: type[models.Model]
    scope: str  # the lookup from a row to its household: "household" or "run__household"
    columns: tuple[Column, ...]

    @property
    def owns_household_column(self) -> bool:
        return self.scope == "household"


@dataclass(frozen=True)
class Edge:
    """A foreign key of `source` to `target`, for the load order."""

    source: str
    name: str
    target: str
    nullable: bool


def _is_household_key(model_field: Any) -> bool:
    return (
        isinstance(model_field, models.ForeignKey)
        and model_field.name == "household"
        and model_field.related_model is Household
    )


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in HOUSEHOLD_APPS and model is not Household
    ]


def household_tables() -> dict[str, str]:
    """Every household table → the lookup from one of its rows to the household.

    A table with a `household` column is owned directly; a table without one that must point
    at an owned table (a ledger of a run, say) is owned through that parent.
    """
    scopes: dict[type[models.Model], str] = {}
    candidates = _project_models()
    for model in candidates:
        if any(_is_household_key(f) for f in model._meta.concrete_fields):
            scopes[model] = "household"
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in scopes:
                continue
            for model_field in model._meta.concrete_fields:
                parent = model_field.related_model if model_field.is_relation else None
                if parent in scopes and not model_field.null:
                    assert isinstance(parent, type)
                    scopes[model] = f"{model_field.name}__{scopes[parent]}"
                    changed = True
                    break
    return {model._meta.label: scope for model, scope in scopes.items()}


def dependency_order(
    labels: Sequence[str], edges: Iterable[Edge]
) -> tuple[list[str], set[tuple[str, str]]]:
    """Tables in an order where each comes after the tables it points at, and the references
    (table, column) to set only after every row is in: a table's references to itself, and
    optional references inside a cycle. A required reference inside a cycle cannot be loaded.
    """
    deferred: set[tuple[str, str]] = set()
    pending: dict[str, list[Edge]] = {label: [] for label in labels}
    for edge in edges:
        if edge.source == edge.target:
            if not edge.nullable:
                raise ImproperlyConfigured(
                    f"{edge.source}.{edge.name} must point at its own table: such rows "
                    "cannot be loaded."
                )
            deferred.add((edge.source, edge.name))
        else:
            pending[edge.source].append(edge)
    order: list[str] = []
    while pending:
        ready = [
            label
            for label, out in pending.items()
            if all(edge.target not in pending for edge in out)
        ]
        if ready:
            for label in ready:
                order.append(label)
                del pending[label]
            continue
        # A cycle: load its optional references afterwards.
        soft = [
            edge
            for out in pending.values()
            for edge in out
            if edge.nullable and edge.target in pending
        ]
        if not soft:
            raise ImproperlyConfigured(
                "These tables point at each other through required references: "
                + ", ".join(sorted(pending))
            )
        for edge in soft:
            deferred.add((edge.source, edge.name))
            pending[edge.source].remove(edge)
    return order, deferred


@cache
def table_plans() -> tuple[TablePlan, ...]:
    """The exported tables in load order, with how each column is written."""
    scopes = household_tables()
    user_model = get_user_model()
    unknown = sorted(set(EXPORTED) - set(scopes))
    if unknown:
        raise ImproperlyConfigured(f"Not household tables: {', '.join(unknown)}")
    edges: list[Edge] = []
    models_by_label = {label: apps.get_model(label) for label in EXPORTED}
    for label, model in models_by_label.items():
        for model_field in model._meta.concrete_fields:
            target = model_field.related_model if model_field.is_relation else None
            if target is None or target is user_model or _is_household_key(model_field):
                continue
            assert isinstance(target, type) and issubclass(target, models.Model)
            target_label = target._meta.label
            if target_label not in models_by_label:
                raise ImproperlyConfigured(
                    f"{label}.{model_field.name} points at {target_label}, which is not "
                    "in the household file."
                )
            edges.append(Edge(label, model_field.name, target_label, model_field.null))
    order, deferred = dependency_order(list(EXPORTED), edges)
    plans = []
    for label in order:
        model = models_by_label[label]
        columns = []
        for model_field in model._meta.concrete_fields:
            if model_field.primary_key or _is_household_key(model_field):
                continue
            target = model_field.related_model if model_field.is_relation else None
            if target is None:
                columns.append(Column(model_field, VALUE))
            elif target is user_model:
                if not model_field.null:
                    raise ImproperlyConfigured(
                        f"{label}.{model_field.name} needs a user; the file names users "
                        "only where a row may be left without one."
                    )
                columns.append(Column(model_field, USER))
            else:
                assert isinstance(target, type) and issubclass(target, models.Model)
                columns.append(
                    Column(
                        model_field,
                        REF,
                        target=target._meta.label,
                        deferred=(label, model_field.name) in deferred,
                    )
                )
        plans.append(TablePlan(label, model, scopes[label], tuple(columns)))
    return tuple(plans)


def unclassified_json_columns() -> list[str]:
    """JSON columns of exported tables not yet said to hold row ids or not."""
    return [
        f"{plan.label}.{column.name}"
        for plan in table_plans()
        for column in plan.columns
        if isinstance(column.field, models.JSONField)
        and (plan.label, column.name) not in JSON_IDS
        and (plan.label, column.name) not in JSON_WITHOUT_IDS
    ]


# --- writing ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A column's value as JSON, losing nothing: decimals and times as text."""
    if isinstance(value, Decimal):
        # Fixed notation: str() would write a stored 0.000000 as "0E-6".
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _rows(tx: Tx, plan: TablePlan) -> Iterator[dict[str, Any]]:
    if plan.owns_household_column:
        queryset = tx.objects(plan.model)
    else:
        queryset = tx.raw_objects(plan.model).filter(**{plan.scope: tx.household})
    names = ["pk"]
    for column in plan.columns:
        names.append(f"{column.name}__username" if column.kind == USER else column.field.attname)
    for values in queryset.order_by("pk").values_list(*names).iterator(chunk_size=1000):
        row: dict[str, Any] = {"id": values[0]}
        for column, value in zip(plan.columns, values[1:], strict=True):
            row[column.name] = _plain(value)
        yield row


def household_header(household: Household) -> dict[str, Any]:
    """The household's own settings (its name is chosen again on import)."""
    return {
        model_field.name: _plain(model_field.value_from_object(household))
        for model_field in Household._meta.concrete_fields
        if not model_field.primary_key
    }


def write_household_file(tx: Tx, stream: IO[str]) -> dict[str, int]:
    """Write the household of `tx` to `stream` as one JSON document; returns rows per table.

    Rows are written one line each as they are read, so a large household never sits in
    memory whole. Run it in a read-only unit of work: every table is read from one snapshot.
    """
    tx.require()
    dump = json.dumps
    stream.write("{\n")
    stream.write(f' "format": {dump(FORMAT)},\n "version": {VERSION},\n')
    stream.write(f' "exported_at": {dump(timezone.now().isoformat())},\n')
    stream.write(f' "household": {dump(household_header(tx.household), ensure_ascii=False)},\n')
    stream.write(' "tables": {')
    counts: dict[str, int] = {}
    for table_index, plan in enumerate(table_plans()):
        stream.write("," if table_index else "")
        stream.write(f"\n  {dump(plan.label)}: [")
        count = 0
        for row in _rows(tx, plan):
            stream.write(",\n   " if count else "\n   ")
            stream.write(dump(row, ensure_ascii=False))
            count += 1
        stream.write("\n  ]" if count else "]")
        counts[plan.label] = count
    stream.write("\n }\n}\n")
    return counts


# --- reading -----------------------------------------------------------------------------------


@dataclass
class HouseholdDocument:
    """A household file that passed every check short of loading it."""

    version: int
    exported_at: str
    household: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    row_count: int = field(default=0)


def _refuse(message: str) -> HouseholdFileRefused:
    return HouseholdFileRefused(message)


def read_household_file(stream: IO[str] | IO[bytes]) -> HouseholdDocument:
    """Parse and check a household file: format, version, tables, columns, and that every
    reference points at a row of the file. Raises `HouseholdFileRefused` with one line."""
    try:
        data = json.load(stream)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _refuse(f"This is not a household file: it is not JSON ({exc}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        what = f"its format is {found!r}" if found else "it names no format"
        raise _refuse(f"This is not a BakePlanner household file: {what}, not {FORMAT!r}.")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _refuse(f"This household file has no valid version number ({version!r}).")
    if version > VERSION:
        raise _refuse(
            f"This household file is version {version}, newer than this BakePlanner reads "
            f"(up to version {VERSION}): update BakePlanner, then import it."
        )
    household = data.get("household")
    tables = data.get("tables")
    if not isinstance(household, dict) or not isinstance(tables, dict):
        raise _refuse("This household file has no household or no tables.")
    plans = {plan.label: plan for plan in table_plans()}
    for label in tables:
        if label not in plans:
            raise _refuse(f"This household file has a table BakePlanner does not know: {label}.")
    document = HouseholdDocument(
        version=version,
        exported_at=str(data.get("exported_at", "")),
        household=household,
        tables={},
    )
    ids: dict[str, set[int]] = {}
    for label, plan in plans.items():
        rows = tables.get(label, [])
        if not isinstance(rows, list):
            raise _refuse(f"The table {label} is not a list of rows.")
        ids[label] = _check_rows(label, plan, rows)
        document.tables[label] = sorted(rows, key=lambda row: int(row["id"]))
        document.row_count += len(rows)
    for label, plan in plans.items():
        _check_references(label, plan, document.tables[label], ids)
    return document


def _may_be_missing(model_field: models.Field[Any, Any]) -> bool:
    """A column an older file may lack: it gets its default (a stamp gets the import time)."""
    stamped = getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False)
    return bool(model_field.null or model_field.has_default() or stamped)


def _check_rows(label: str, plan: TablePlan, rows: list[Any]) -> set[int]:
    known = {"id"} | {column.name for column in plan.columns}
    seen: set[int] = set()
    for row in rows:
        row_id = row.get("id") if isinstance(row, dict) else None
        if not isinstance(row_id, int) or isinstance(row_id, bool):
            raise _refuse(f"A row of {label} has no whole-number id.")
        if row_id in seen:
            raise _refuse(f"The table {label} has the id {row_id} twice.")
        seen.add(row_id)
        extra = sorted(set(row) - known)
        if extra:
            raise _refuse(f"Row {row_id} of {label} has unknown columns: {', '.join(extra)}.")
        for column in plan.columns:
            if column.name not in row:
                if not _may_be_missing(column.field):
                    raise _refuse(f"Row {row_id} of {label} has no {column.name}.")
            elif row[column.name] is None and not column.field.null:
                raise _refuse(f"Row {row_id} of {label} has an empty {column.name}.")
            elif column.kind == USER and not isinstance(row[column.name], str | None):
                raise _refuse(f"Row {row_id} of {label}: {column.name} is not a username.")
    return seen


def _check_references(
    label: str, plan: TablePlan, rows: list[dict[str, Any]], ids: dict[str, set[int]]
) -> None:
    for column in plan.columns:
        if column.kind != REF:
            continue
        targets = ids[column.target]
        for row in rows:
            value = row.get(column.name)
            if value is not None and value not in targets:
                raise _refuse(
                    f"Row {row['id']} of {label} points at {column.target} {value!r} "
                    f"({column.name}), which is not in the file."
                )


# --- loading -----------------------------------------------------------------------------------


def _python_value(label: str, row: dict[str, Any], column: Column) -> Any:
    model_field = column.field
    if column.name not in row:
        if isinstance(model_field, models.DateTimeField) and not model_field.has_default():
            return timezone.now()  # a stamp (made, changed) the file does not have
        return model_field.get_default()
    value = row[column.name]
    if isinstance(model_field, models.DecimalField) and isinstance(value, float):
        raise _refuse(
            f"Row {row['id']} of {label}: {column.name} is written as a JSON number; "
            "decimal figures are written as text so that they stay exact."
        )
    try:
        return model_field.to_python(value)
    except ValidationError as exc:
        raise _refuse(
            f"Row {row['id']} of {label}: {column.name} {value!r} is not valid "
            f"({' '.join(exc.messages)})."
        ) from None


def load_household_rows(tx: Tx, document: HouseholdDocument) -> dict[str, int]:
    """Insert every row of `document` into the household of `tx` with new ids, references
    rewritten to them; returns rows per table.

    Rows keep their recorded times (`created_at`, `updated_at`): they are saved as raw rows,
    as fixtures are. A username names a member of the household, else the column is left
    empty.
    """
    tx.require()
    members = dict(tx.objects(Membership).values_list("user__username", "user_id"))
    new_ids: dict[str, dict[int, int]] = {}
    # (table, new id, column, value from the file, the file's row) to set once all are in
    later: list[tuple[TablePlan, int, str, Any, dict[str, Any]]] = []
    counts: dict[str, int] = {}
    for plan in table_plans():
        mapping: dict[int, int] = {}
        new_ids[plan.label] = mapping
        for row in document.tables.get(plan.label, []):
            values: dict[str, Any] = {}
            afterwards: list[tuple[str, Any]] = []
            for column in plan.columns:
                attname = column.field.attname
                if column.kind == USER:
                    values[attname] = members.get(row.get(column.name) or "")
                elif column.kind == REF:
                    old = row.get(column.name)
                    if column.deferred and old is not None:
                        afterwards.append((column.name, old))
                        old = None
                    values[attname] = None if old is None else new_ids[column.target][old]
                else:
                    values[attname] = _python_value(plan.label, row, column)
                    if (plan.label, column.name) in JSON_IDS or (
                        plan.label,
                        column.name,
                    ) in ID_COLUMNS:
                        # The ids inside may name rows of tables loaded later.
                        afterwards.append((column.name, values[attname]))
            if plan.owns_household_column:
                values["household_id"] = tx.household.pk
            instance = plan.model(**values)
            # Raw, as loaddata saves: the times a row was made and changed are kept.
            instance.save_base(raw=True, force_insert=True, using=tx.using)
            mapping[row["id"]] = instance.pk
            later.extend((plan, instance.pk, name, value, row) for name, value in afterwards)
        counts[plan.label] = len(mapping)

    def lookup(target: str, old: Any) -> Any:
        return new_ids.get(target, {}).get(old) if isinstance(old, int) else None

    for plan, pk, name, value, row in later:
        rows = plan.model._base_manager.using(tx.using).filter(pk=pk)
        column = next(c for c in plan.columns if c.name == name)
        target_of = ID_COLUMNS.get((plan.label, name))
        if column.kind == REF:
            rows.update(**{column.field.attname: lookup(column.target, value)})
        elif target_of is not None:
            target = target_of(row)
            new_id = None if target is None else lookup(target, value)
            if new_id is None:
                rows.delete()
                counts[plan.label] -= 1
            else:
                rows.update(**{column.field.attname: new_id})
        else:
            rows.update(**{name: remap_json_ids(plan.label, name, value, lookup)})
    return counts


@dataclass(frozen=True)
class ImportResult:
    household: Household
    counts: dict[str, int]

    @property
    def row_count(self) -> int:
        return sum(self.counts.values())


def _members_to_add(usernames: Sequence[str]) -> list[Any]:
    user_model = get_user_model()
    users = []
    for username in usernames:
        user = user_model._default_manager.filter(username=username).first()
        if user is None:
            raise _refuse(f"There is no user {username!r} to make a member.")
        membership = Membership.objects.filter(user=user).select_related("household").first()
        if membership is not None:
            raise _refuse(
                f"{username} already belongs to the household {membership.household.name!r}."
            )
        users.append(user)
    return users


def import_household(
    document: HouseholdDocument, name: str, *, members: Sequence[str] = ()
) -> ImportResult:
    """Load a checked household file as a new household named `name`, all or nothing.

    An entry point (it opens the transaction): the household, its members and every row are
    written in one unit of work, so a refused or failed import leaves nothing behind.
    """
    users = _members_to_add(members)
    try:
        # One transaction: the household, its members and every row, or nothing at all.
        with new_household_unit_of_work(name) as tx:
            for user in users:
                add_member(tx.household, user, Membership.MEMBER)
            _apply_header(tx, document.household)
            counts = load_household_rows(tx, document)
    except DatabaseError as exc:
        raise _refuse(f"The file's rows break a rule of the database: {exc}") from None
    return ImportResult(household=tx.household, counts=counts)


def _apply_header(tx: Tx, header: dict[str, Any]) -> None:
    """The household's display settings and creation time, as the file has them."""
    tx.require()
    preferences = {
        name: str(header[name]) for name in ("unit_system", "locale", "time_zone") if name in header
    }
    set_household_preferences(tx, **preferences)
    created_at = header.get("created_at")
    if created_at is not None:
        try:
            when = Household._meta.get_field("created_at").to_python(created_at)
        except ValidationError:
            raise _refuse(f"The household's creation time {created_at!r} is not valid.") from None
        Household.objects.using(tx.using).filter(pk=tx.household.pk).update(created_at=when)
        tx.household.created_at = when
