"""How names are stored and compared, the same way on SQLite and PostgreSQL.

A name is stored normalised: Unicode NFKC (full-width letters, ligatures and decomposed
accents become their ordinary forms), invisible format characters (joiners, byte-order
mark, soft hyphen, direction marks) and control characters removed, and every run of
whitespace of any kind turned into one ASCII space, with none at either end. The
zero-width space is invisible too and goes like the others, so "Gin<ZWSP>ger Snaps" is
"Ginger Snaps": a name is what a person sees.

Two names are the same name when their keys are equal: the key is the casefolded
normalised name (`str.casefold`, so "Crème" and "CRÈME", "Straße" and "STRASSE" match).

The database cannot casefold portably (SQLite's `lower()` folds ASCII only), so every named
model stores its key in a `name_key` column, derived in Python on every save, and the
unique constraints are on that column. Other text (notes, descriptions, addresses) is
stored exactly as given.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, ClassVar, TypeVar

from django.db import models

from bakeplanner.errors import ValidationFailed
from bakeplanner.models import Household
from bakeplanner.tx import Tx

__all__ = [
    "KEY_MAX_LENGTH",
    "check_name_free",
    "existing_name",
    "lock_parent_row",
    "unique_names",
    "NameKeyed",
    "NameKeyedQuerySet",
    "lock_household_names",
    "name_key",
    "normalize_input",
    "normalize_name",
]

# casefold() turns one character into at most three (e.g. U+0390 becomes three code points),
# so the key of a 120-character name fits in 360.
KEY_MAX_LENGTH = 360

# Control characters that are whitespace are kept until the whitespace is collapsed.
_WHITESPACE_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")


def _drop_invisible(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if unicodedata.category(ch) != "Cf"
        and (unicodedata.category(ch) != "Cc" or ch in _WHITESPACE_CONTROLS)
    )


def normalize_name(text: str) -> str:
    """The stored form of a name (see the module docstring)."""
    # Invisible characters go first, so one sitting between a letter and its combining
    # accent does not keep NFKC from composing them.
    visible = _drop_invisible(text)
    composed = _drop_invisible(unicodedata.normalize("NFKC", visible))
    return " ".join(composed.split())


def name_key(text: str) -> str:
    """What two names are compared by: the casefolded normalised name."""
    return unicodedata.normalize("NFKC", normalize_name(text).casefold())


def normalize_input(value: Any) -> Any:
    """A submitted name normalised; anything that is not text is left for the checks."""
    return normalize_name(value) if isinstance(value, str) else value


def lock_household_names(tx: Tx) -> None:
    """Serialise name checks in this household, so two people saving the same name at once
    get the duplicate-name message instead of a constraint error.

    FOR NO KEY UPDATE: it makes writers of names wait for each other on PostgreSQL but not
    rows being inserted elsewhere in the household (their foreign key takes KEY SHARE on the
    household row, which this lock does not block), so it cannot deadlock with them. SQLite
    already runs one writer at a time.
    """
    tx.require()
    list(
        tx.raw_objects(Household)
        .select_for_update(no_key=True)
        .filter(pk=tx.household.pk)
        .values_list("pk", flat=True)
    )


def lock_parent_row(tx: Tx, model: type[models.Model], pk: Any) -> None:
    """Serialise writers of the rows under one parent (a recipe's baked items, an
    ingredient's products), like `lock_household_names` does for the household."""
    tx.require()
    list(
        tx.objects(model).select_for_update(no_key=True).filter(pk=pk).values_list("pk", flat=True)
    )


def existing_name(
    tx: Tx, model: type[models.Model], name: str, *, exclude_pk: int | None = None, **scope: Any
) -> str | None:
    """The stored name of another row in the household (and `scope`) that has the same name
    as `name` under the rule above, or None when the name is free."""
    queryset = tx.objects(model).filter(name_key=name_key(name), **scope)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.values_list("name", flat=True).order_by("pk").first()


def check_name_free(
    tx: Tx,
    model: type[models.Model],
    name: str,
    *,
    entity: str,
    exclude_pk: int | None = None,
    **scope: Any,
) -> None:
    """Refuse a name another row already has (compared by key), naming that row."""
    existing = existing_name(tx, model, name, exclude_pk=exclude_pk, **scope)
    if existing is not None:
        raise ValidationFailed(f"{entity} named {existing!r} already exists.", field="name")


_Named = TypeVar("_Named", bound="NameKeyed")


class NameKeyedQuerySet(models.QuerySet[_Named]):
    """`bulk_create` skips `save()`, so it normalises the names and fills the keys itself."""

    def bulk_create(self, objs: Iterable[_Named], *args: Any, **kwargs: Any) -> list[_Named]:
        objs = list(objs)
        for obj in objs:
            obj.derive_name_keys()
        return super().bulk_create(objs, *args, **kwargs)


class NameKeyed(models.Model):
    """A model with a name (or several) stored normalised and compared by key.

    `name_key_sources` maps each name field to the column holding its key. The keys are a
    pure derivation of the names, so `save()` fills them wherever the row is written
    (services, the admin, fixtures built in tests).
    """

    name_key = models.CharField(max_length=KEY_MAX_LENGTH, editable=False)

    name_key_sources: ClassVar[dict[str, str]] = {"name": "name_key"}

    objects = NameKeyedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            for source, key_field in self.name_key_sources.items():
                if source in fields:
                    fields.add(key_field)
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Any = None) -> None:
        # Length and blank checks apply to the name as it will be stored.
        self.derive_name_keys()
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        # A model form leaves the key out (it is not editable), which would skip the
        # uniqueness check on it; the key is checked whenever its name is.
        self.derive_name_keys()
        if exclude:
            exclude = set(exclude)
            for source, key_field in self.name_key_sources.items():
                if source not in exclude:
                    exclude.discard(key_field)
        super().validate_constraints(exclude=exclude)

    def derive_name_keys(self) -> None:
        for source, key_field in self.name_key_sources.items():
            value = getattr(self, source)
            if isinstance(value, str):
                value = normalize_name(value)
                setattr(self, source, value)
                setattr(self, key_field, name_key(value))


def unique_names(
    rows: Iterable[tuple[int, Any, str]], *, max_length: int
) -> dict[int, tuple[str, str]]:
    """Normalised names for existing rows, made unique within their scope.

    `rows` are (pk, scope, name); the result maps every pk to (name, key). Rows are taken
    in pk order: the first keeps its name, a later one whose normalised name collides gets
    " (2)", " (3)" … appended (the name cut to fit), never taking a name another row has.
    Used by the migrations that introduced name keys, so old data never fails to migrate.
    """
    ordered = sorted(rows, key=lambda row: row[0])
    normalised = {pk: normalize_name(name) for pk, _, name in ordered}
    reserved = {(scope, name_key(normalised[pk])) for pk, scope, _ in ordered}
    assigned: set[tuple[Any, str]] = set()
    result: dict[int, tuple[str, str]] = {}
    for pk, scope, _ in ordered:
        name = normalised[pk]
        key = name_key(name)
        if (scope, key) in assigned:
            number = 2
            while True:
                suffix = f" ({number})"
                candidate = normalize_name(name[: max_length - len(suffix)] + suffix)
                candidate_key = name_key(candidate)
                taken = (scope, candidate_key)
                if taken not in assigned and taken not in reserved:
                    break
                number += 1
            name, key = candidate, candidate_key
        assigned.add((scope, key))
        result[pk] = (name, key)
    return result
