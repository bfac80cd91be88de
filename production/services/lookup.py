"""Household-scoped fetches that turn a foreign id into `NotFound`."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from bakeplanner.errors import NotFound
from bakeplanner.tx import Tx

M = TypeVar("M", bound=models.Model)

__all__: list[str] = []


def get_owned(
    tx: Tx, model: type[M], pk: Any, *, label: str | None = None, lock: bool = False
) -> M:
    """The row with this id in `tx.household`, or the entity's `NotFound`."""
    name = label or str(model._meta.verbose_name).capitalize()
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound(name, pk) from None
    queryset = tx.objects(model)
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=key)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise NotFound(name, pk) from None
