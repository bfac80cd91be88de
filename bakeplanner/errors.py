"""Errors shared by every service.

`DomainError` and its subclasses carry a human message: views show it on the form,
commands print it and exit non-zero. `TransactionRequired` is a programming error.
"""

from __future__ import annotations

from typing import Any


class TransactionRequired(RuntimeError):
    """A service was called outside the open unit of work that created its `tx`."""


class DomainError(Exception):
    """A business rule refused the operation; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """An id that does not exist in the caller's household (views answer 404)."""

    def __init__(self, entity: str, entity_id: Any) -> None:
        super().__init__(f"{entity} {entity_id} was not found.")
        self.entity = entity
        self.entity_id = entity_id


class ValidationFailed(DomainError):
    """Input that breaks a rule of the entity (bad number, name collision, cycle …)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConversionError(ValidationFailed):
    """A unit conversion that cannot be done (other family, no density)."""


class DuplicateAssignment(ValidationFailed):
    """The (event, recipient, package) triple is already assigned."""


class InvalidTransition(DomainError):
    """A fulfilment status change that the state machine does not allow."""

    def __init__(self, message: str, *, current: str = "", allowed: list[str] | None = None):
        super().__init__(message)
        self.current = current
        self.allowed = list(allowed or [])


class InUse(DomainError):
    """A delete refused because something still uses the row."""


def _shortage_text(item: dict[str, Any]) -> str:
    return (
        f"{item['name']}: needed {item['needed']} {item['unit']}, "
        f"available {item['available']} {item['unit']}"
    )


class _Shortages(DomainError):
    """Base for errors that list every short item.

    Each item is a dict with at least `name`, `needed`, `available` and `unit`
    (quantities as strings); subclasses add the ids their callers need.
    """

    lead = "Not enough stock"

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = [dict(item) for item in items]
        super().__init__(f"{self.lead}: " + "; ".join(_shortage_text(i) for i in self.items) + ".")


class InsufficientInventory(_Shortages):
    """Ingredients or packaging short: lists every short item with needed and available."""

    lead = "Not enough ingredients"

    @classmethod
    def single(
        cls, ingredient: Any, needed: Any, available: Any, unit: str
    ) -> InsufficientInventory:
        """One short ingredient (`ingredient` is a model instance or a name)."""
        from bakeplanner.money import qty_to_string

        name = getattr(ingredient, "name", str(ingredient))
        return cls(
            [
                {
                    "ingredient_id": getattr(ingredient, "pk", None),
                    "name": name,
                    "needed": qty_to_string(needed),
                    "available": qty_to_string(available),
                    "unit": unit,
                }
            ]
        )


class InsufficientStock(_Shortages):
    """Finished units or finished goods short."""

    lead = "Not enough finished stock"
