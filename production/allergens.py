"""The fixed list of allergens an ingredient may carry (docs/allergens-and-freshness.md).

The fourteen major allergens of EU food labelling; they cover the nine major allergens of US
labelling too, with wheat counted under gluten. Stored as these codes; shown with the labels.
"""

from __future__ import annotations

from collections.abc import Iterable

from bakeplanner.errors import ValidationFailed

__all__ = [
    "ALLERGEN_CHOICES",
    "ALLERGEN_CODES",
    "ALLERGEN_LABELS",
    "allergen_names",
    "clean_allergen_codes",
]

# In the order the forms list them.
ALLERGEN_CHOICES: list[tuple[str, str]] = [
    ("gluten", "Gluten (wheat, rye, barley, oats)"),
    ("crustacean", "Crustaceans (shrimp, crab, lobster)"),
    ("egg", "Eggs"),
    ("fish", "Fish"),
    ("peanut", "Peanuts"),
    ("soy", "Soy"),
    ("milk", "Milk"),
    ("tree_nut", "Tree nuts (almonds, hazelnuts, walnuts, pecans …)"),
    ("celery", "Celery"),
    ("mustard", "Mustard"),
    ("sesame", "Sesame"),
    ("sulphite", "Sulphites"),
    ("lupin", "Lupin"),
    ("mollusc", "Molluscs (mussels, oysters, squid)"),
]
ALLERGEN_CODES: tuple[str, ...] = tuple(code for code, _label in ALLERGEN_CHOICES)
ALLERGEN_LABELS: dict[str, str] = dict(ALLERGEN_CHOICES)
# The short word used in "Contains: …" lines, without the examples in brackets.
SHORT_NAMES: dict[str, str] = {code: label.split(" (")[0] for code, label in ALLERGEN_CHOICES}
_ORDER = {code: index for index, code in enumerate(ALLERGEN_CODES)}


def clean_allergen_codes(codes: Iterable[object] | None, *, field: str) -> list[str]:
    """Known codes, each once, sorted; an unknown code is refused with its name."""
    if codes is None:
        return []
    if isinstance(codes, str | bytes):
        raise ValidationFailed("Allergens must be a list of allergen codes.", field=field)
    clean: set[str] = set()
    for code in codes:
        if not isinstance(code, str) or code not in _ORDER:
            raise ValidationFailed(
                f"Unknown allergen {code!r}; use one of {', '.join(ALLERGEN_CODES)}.",
                field=field,
            )
        clean.add(code)
    return sorted(clean)


def allergen_names(codes: Iterable[str]) -> str:
    """The short names of `codes` in the list's order, joined for a "Contains: …" line."""
    known = sorted((c for c in set(codes) if c in _ORDER), key=_ORDER.__getitem__)
    return ", ".join(SHORT_NAMES[code] for code in known)


def allergen_texts(contains: Iterable[str], may_contain: Iterable[str]) -> dict[str, str]:
    """A roll-up's two lists as the words a page shows ("" for an empty list)."""
    return {"contains": allergen_names(contains), "may_contain": allergen_names(may_contain)}
