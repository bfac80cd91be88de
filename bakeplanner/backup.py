"""Whole-database backup and restore as a portable JSON document.

The same file restores into SQLite or PostgreSQL. A backup is read in one transaction (on
PostgreSQL REPEATABLE READ READ ONLY), so it is a consistent picture even while people keep
recording runs.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connections, transaction

# Everything a household's data needs, in dependency order for loading.
BACKUP_LABELS = ["auth.group", "auth.user", "bakeplanner", "production", "events"]


def _models():
    result = []
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


def restore_backup(path: Path, *, using: str = "default") -> None:
    """Load a backup into a migrated, empty database in one transaction."""
    with transaction.atomic(using=using, durable=True):
        call_command("loaddata", str(path), database=using, verbosity=0)
