"""Structured operation logging (docs/design.md, "Structured logging").

`log_operation` writes one record with `operation`, `outcome`, `op_id`, `household_id` and
the figures that matter as structured fields; `LOG_FORMAT=json` prints one JSON object per
line. `logged_operation` wraps a service body and logs its outcome whatever happens.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bakeplanner.errors import DomainError

if TYPE_CHECKING:
    from bakeplanner.tx import Tx

SUCCESS = "success"
REJECTED = "rejected"
ERROR = "error"

_RESERVED = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def log_operation(
    logger: logging.Logger,
    tx: Tx | None,
    operation: str,
    outcome: str,
    *,
    level: int | None = None,
    message: str = "",
    **fields: Any,
) -> None:
    """Log one operation outcome with structured fields."""
    if level is None:
        level = {SUCCESS: logging.INFO, REJECTED: logging.WARNING}.get(outcome, logging.ERROR)
    data: dict[str, Any] = {"operation": operation, "outcome": outcome}
    if tx is not None:
        data.update(tx.log_fields())
    data.update({k: _plain(v) for k, v in fields.items()})
    text = message or f"{operation} {outcome}"
    logger.log(level, text, extra={"fields": data})


def log_debug(logger: logging.Logger, tx: Tx | None, operation: str, **fields: Any) -> None:
    """Parameters and intermediate figures, at DEBUG."""
    if logger.isEnabledFor(logging.DEBUG):
        data: dict[str, Any] = {"operation": operation}
        if tx is not None:
            data.update(tx.log_fields())
        data.update({k: _plain(v) for k, v in fields.items()})
        logger.debug(f"{operation} detail", extra={"fields": data})


class OperationLog:
    """Fields gathered while an operation runs, logged once when it ends."""

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def add(self, **fields: Any) -> None:
        self.fields.update(fields)


@contextmanager
def logged_operation(
    logger: logging.Logger, tx: Tx, operation: str, **fields: Any
) -> Iterator[OperationLog]:
    """Log `success`, `rejected` (a DomainError, WARNING) or `error` for the wrapped body."""
    op = OperationLog(dict(fields))
    try:
        yield op
    except DomainError as exc:
        detail: dict[str, Any] = {"reason": exc.message}
        items = getattr(exc, "items", None)
        if items:
            detail["short"] = items
        log_operation(
            logger,
            tx,
            operation,
            REJECTED,
            message=f"{operation} rejected: {exc}",
            **op.fields,
            **detail,
        )
        raise
    except Exception as exc:
        log_operation(
            logger,
            tx,
            operation,
            ERROR,
            message=f"{operation} failed: {exc!r}",
            **op.fields,
            error=repr(exc),
        )
        raise
    else:
        log_operation(logger, tx, operation, SUCCESS, **op.fields)


class TextFormatter(logging.Formatter):
    """`time level logger message key=value …` for people reading a console."""

    def format(self, record: logging.LogRecord) -> str:
        base = (
            f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} {record.levelname} "
            f"{record.name} {record.getMessage()}"
        )
        fields = getattr(record, "fields", None)
        if fields:
            base += " " + " ".join(
                f"{k}={json.dumps(v) if not isinstance(v, str) else v}" for k, v in fields.items()
            )
        if record.exc_info:
            base += "\n" + self.formatException(record.exc_info)
        return base


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if fields:
            data.update(_plain(fields))
        for key, value in vars(record).items():
            if key not in _RESERVED and key != "fields" and not key.startswith("_"):
                data.setdefault(key, _plain(value))
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)
