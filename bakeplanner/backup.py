"""Whole-database backup and restore as a portable JSON document.

The same file restores into SQLite or PostgreSQL. A backup is read in one transaction (on
PostgreSQL REPEATABLE READ READ ONLY), so it is a consistent picture even while people keep
recording runs.

Restoring follows today's naming rule (bakeplanner/names.py) whatever wrote the backup:
names are normalised and their keys recomputed, and a backup in which two rows of one
household (or parent) have the same name under that rule is refused, naming both, before
anything is written.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connections, models, transaction

from bakeplanner.names import NameKeyed, name_key, normalize_name

# Everything a household's data needs, in dependency order for loading.
BACKUP_LABELS = ["auth.group", "auth.user", "bakeplanner", "production", "events"]

# Names without a uniqueness rule, normalised on restore like the services store them.
PLAIN_NAMES = {"events.recipient": ("name", "household_name")}


class RestoreRefused(Exception):
    """The backup cannot be restored as it is; nothing was written."""


def _models() -> list[type[models.Model]]:
    result: list[type[models.Model]] = []
    for label in BACKUP_LABELS:
        if "." in label:
            result.append(apps.get_model(label))
        else:
            result.extend(apps.get_app_config(label).get_models())
    return result


def write_backup(stream: IO[str], *, using: str = "default") -> int:
    """Serialise every BakePlanner row (and the users) to `stream`; returns the row count."""
    connection = connections[using]
    count = 0
    with transaction.atomic(using=using, durable=True):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        objects = []
        for model in _models():
            rows = list(model._default_manager.using(using).order_by("pk"))
            count += len(rows)
            objects.extend(rows)
        records = serializers.serialize("python", objects)
        json.dump(records, stream, default=_exact, indent=1, ensure_ascii=False)
    return count


def _exact(value: Any) -> Any:
    """JSON for what the serializer leaves as Python values, losing nothing.

    (Django's JSON encoder cuts timestamps to milliseconds; a backup keeps them whole.)
    """
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot back up a {type(value).__name__}")


def open_for_read(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open("r", encoding="utf-8")


def open_for_write(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "wb"), encoding="utf-8")
    return path.open("w", encoding="utf-8")


def database_is_empty(using: str = "default") -> bool:
    return not any(model._default_manager.using(using).exists() for model in _models())


def _key_scope(model: type[NameKeyed]) -> tuple[str, ...]:
    """The other fields of the unique constraint on the model's name key(s)."""
    keys = set(model.name_key_sources.values())
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and keys <= set(constraint.fields):
            return tuple(f for f in constraint.fields if f not in keys)
    return ()


def _scope_value(model: type[models.Model], field_name: str, raw: Any) -> Any:
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{field_name} is a reverse relation, not a column.")
    return field.to_python(raw)  # "2.50" and "2.500" are one package size


def prepare_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Normalise the names in backup records and fill their keys; refuse duplicates.

    Raises `RestoreRefused` naming every pair of rows whose names are the same under the
    naming rule within one household or parent (model, both names as written, both ids).
    """
    seen: dict[tuple[Any, ...], tuple[Any, str]] = {}
    clashes: list[str] = []
    for record in records:
        label = record.get("model", "")
        fields = record.get("fields", {})
        for source in PLAIN_NAMES.get(label, ()):
            if isinstance(fields.get(source), str):
                fields[source] = normalize_name(fields[source])
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        if not issubclass(model, NameKeyed):
            continue
        written = {source: fields.get(source) for source in model.name_key_sources}
        for source, key_field in model.name_key_sources.items():
            if isinstance(fields.get(source), str):
                fields[source] = normalize_name(fields[source])
                fields[key_field] = name_key(fields[source])
        scope = tuple(_scope_value(model, f, fields.get(f)) for f in _key_scope(model))
        identity = (label, scope) + tuple(
            fields.get(key) for key in model.name_key_sources.values()
        )
        shown = " ".join(repr(v) for v in written.values() if isinstance(v, str) and v) or "''"
        if identity in seen:
            first_pk, first_shown = seen[identity]
            clashes.append(
                f"{model._meta.verbose_name} {first_shown} (id {first_pk}) and {shown} "
                f"(id {record.get('pk')})"
            )
        else:
            seen[identity] = (record.get("pk"), shown)
    if clashes:
        raise RestoreRefused(
            "The backup has names that are the same once case, spacing and look-alike "
            "characters are ignored, so it cannot be restored as it is: "
            + "; ".join(clashes)
            + ". Rename one of each pair in the source database and back it up again; "
            "nothing was restored."
        )
    return records


def restore_backup(path: Path, *, using: str = "default") -> None:
    """Load a backup into a migrated, empty database in one transaction.

    The names are checked and normalised first (`prepare_records`): a refused backup
    leaves the database untouched.
    """
    with open_for_read(path) as stream:
        records = json.load(stream)
    if not isinstance(records, list):
        raise RestoreRefused(f"{path} is not a BakePlanner backup (expected a list of rows).")
    prepared = prepare_records(records)
    with tempfile.TemporaryDirectory() as folder:
        prepared_path = Path(folder) / "backup.json"
        with prepared_path.open("w", encoding="utf-8") as stream:
            json.dump(prepared, stream, ensure_ascii=False)
        with transaction.atomic(using=using, durable=True):
            call_command("loaddata", str(prepared_path), database=using, verbosity=0)
