"""A recipe read from a web page: match its lines to the household's ingredients, then
create it (docs/recipe-import.md).

The preview only reads (`preview_recipe_import`); `import_recipe` creates the recipe, any
new ingredients, every line and the baked item through the catalogue services, all inside
the caller's unit of work, so one refused line leaves nothing behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from bakeplanner.errors import DomainError, ValidationFailed
from bakeplanner.logs import logged_operation
from bakeplanner.names import name_key, normalize_input
from bakeplanner.tx import Tx
from bakeplanner.units import BASE_UNIT, UNITS, can_convert, family_of
from production.models import Ingredient, Recipe
from production.recipe_import import PageRecipe, ParsedLine, singular
from production.services.catalogue import create_ingredient
from production.services.recipes import (
    add_recipe_ingredient,
    create_finished_unit,
    create_recipe,
)

__all__ = [
    "free_recipe_name",
    "import_recipe",
    "match_ingredient",
    "preview_recipe_import",
]

logger = logging.getLogger("bakeplanner.production.recipe_import")

NAME_LENGTH = 120

# Words that describe the ingredient as bought or prepared rather than name it: "3 large
# eggs" uses the household's "Egg", "85g unsalted butter melted" its "Unsalted butter".
DESCRIPTORS = frozenset(
    "large medium small extra-large jumbo fresh freshly packed lightly firmly softened melted "
    "sifted chopped finely roughly minced grated ground cold warm chilled room temperature "
    "at pure optional beaten divided".split()
)
# Names that are the same thing in another country's kitchen, or a plainer name for it.
ALIAS_GROUPS = [
    ("all-purpose flour", "all purpose flour", "plain flour", "ap flour", "flour"),
    ("self-raising flour", "self-rising flour", "self raising flour", "self rising flour"),
    ("icing sugar", "powdered sugar", "confectioners sugar", "confectioners' sugar"),
    ("caster sugar", "superfine sugar", "castor sugar"),
    ("granulated sugar", "white sugar", "sugar"),
    ("light brown sugar", "brown sugar"),
    ("baking soda", "bicarbonate of soda", "bicarb soda", "sodium bicarbonate"),
    ("cornstarch", "cornflour", "corn starch"),
    ("heavy cream", "double cream", "heavy whipping cream"),
    ("vanilla extract", "vanilla", "pure vanilla extract", "vanilla essence"),
    ("semi-sweet chocolate chips", "semisweet chocolate chips", "chocolate chips"),
    ("molasses", "treacle", "black treacle"),
    ("unsalted butter", "butter"),
    ("egg", "eggs", "large egg"),
]
ALIASES: dict[str, tuple[str, ...]] = {name: group for group in ALIAS_GROUPS for name in group}


@dataclass(frozen=True)
class PreviewLine:
    parsed: ParsedLine
    ingredient_id: int | None  # the household's ingredient it matched, if any
    ingredient_name: str
    warning: str = ""  # the matched ingredient cannot take the line's unit as it stands


@dataclass(frozen=True)
class ImportPreview:
    page: PageRecipe
    name: str  # the page's title, or a free name when that one is taken
    name_taken: bool
    lines: list[PreviewLine]


@dataclass(frozen=True)
class ImportLine:
    """A confirmed line: an existing ingredient (`ingredient_id`) or a new one (`new_name`)."""

    quantity: Decimal
    unit: str
    ingredient_id: int | None
    new_name: str = ""
    notes: str = ""
    source: str = ""


@dataclass(frozen=True)
class BakedItem:
    name: str
    items_per_batch: int
    item_unit: str = ""


class LineRefused(DomainError):
    """One confirmed line was refused; `index` is its place among the lines."""

    def __init__(self, index: int, error: DomainError) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


# --- Matching ---------------------------------------------------------------------------------


def _variants(key: str) -> list[str]:
    """The key with its last word singular and plural."""
    words = key.split()
    if not words:
        return []
    stem, last = words[:-1], words[-1]
    one = singular(last)
    forms = [last, one, one + "s", one + "es"]
    if one.endswith("y"):
        forms.append(one[:-1] + "ies")
    return [" ".join([*stem, form]) for form in dict.fromkeys(forms)]


def candidate_keys(name: str) -> list[str]:
    """Name keys to look for, best first: as written, singular or plural, a known alias,
    then without words that only describe it ("large", "softened")."""
    key = name_key(normalize_input(name)).replace("’", "'")
    core = " ".join(word for word in key.split() if word not in DESCRIPTORS)
    keys: list[str] = []
    for base in dict.fromkeys([key, core]):
        for variant in _variants(base):
            keys.append(variant)
        for variant in _variants(base):
            keys.extend(ALIASES.get(variant, ()))
    return [k for k in dict.fromkeys(keys) if k]


def _household_keys(tx: Tx) -> dict[str, tuple[int, str, str, Decimal | None]]:
    """name key → (id, name, stock family, density) of every ingredient, in one query."""
    return {
        key: (pk, name, family, density)
        for pk, key, name, family, density in tx.objects(Ingredient)
        .order_by("pk")
        .values_list("pk", "name_key", "name", "stock_family", "density_g_per_cup")
    }


def _unit_warning(unit: str, name: str, family: str, density: Decimal | None) -> str:
    base = BASE_UNIT[family]
    if unit not in UNITS or can_convert(unit, base, density):
        return ""
    return (
        f"{name} is kept in {base}, and {unit} cannot be converted to it"
        + (" without its density" if {family_of(unit), family} == {"weight", "volume"} else "")
        + ": change the quantity and unit, or choose another ingredient."
    )


def match_ingredient(tx: Tx, name: str) -> Ingredient | None:
    """The household's ingredient this name means, or None."""
    tx.require()
    keys = _household_keys(tx)
    for key in candidate_keys(name):
        if key in keys:
            return tx.objects(Ingredient).get(pk=keys[key][0])
    return None


def free_recipe_name(tx: Tx, name: str) -> str:
    """`name` when no recipe has it, else the first free "name (2)", "name (3)" …"""
    tx.require()
    clean = normalize_input(name)[:NAME_LENGTH].strip()
    taken = set(
        tx.objects(Recipe)
        .filter(name_key__startswith=name_key(clean[: NAME_LENGTH - 5]))
        .values_list("name_key", flat=True)
    )
    if name_key(clean) not in taken:
        return clean
    for number in range(2, 1000):
        suffix = f" ({number})"
        candidate = clean[: NAME_LENGTH - len(suffix)].rstrip() + suffix
        if name_key(candidate) not in taken:
            return candidate
    raise ValidationFailed("Choose another name for this recipe.", field="name")


def preview_recipe_import(tx: Tx, page: PageRecipe) -> ImportPreview:
    """Each line with the household ingredient it matches; writes nothing."""
    tx.require()
    keys = _household_keys(tx)
    lines = []
    for parsed in page.lines:
        found = next((keys[k] for k in candidate_keys(parsed.name) if k in keys), None)
        lines.append(
            PreviewLine(
                parsed=parsed,
                ingredient_id=found[0] if found else None,
                ingredient_name=found[1] if found else "",
                warning=_unit_warning(parsed.unit, *found[1:]) if found else "",
            )
        )
    name = free_recipe_name(tx, page.title)
    return ImportPreview(page=page, name=name, name_taken=name != page.title, lines=lines)


# --- Creating -------------------------------------------------------------------------------


def _notes(address: str, yields_text: str, left_out: list[str]) -> str:
    parts = []
    if address:
        parts.append(f"Imported from {address}")
    if yields_text:
        parts.append(f"The page says it makes {yields_text}.")
    if left_out:
        parts.append("Left out when imported: " + "; ".join(left_out))
    return "\n".join(parts)


def import_recipe(
    tx: Tx,
    *,
    name: str,
    lines: list[ImportLine],
    category: str = "",
    address: str = "",
    yields_text: str = "",
    left_out: list[str] | None = None,
    baked_item: BakedItem | None = None,
) -> Recipe:
    """Create the recipe, its new ingredients, its lines and its baked item.

    A taken name is refused with a free one suggested; a refused line raises `LineRefused`
    naming it. The caller's unit of work then rolls everything back.
    """
    tx.require()
    left_out = list(left_out or [])
    with logged_operation(logger, tx, "import_recipe") as op:
        if not lines:
            raise ValidationFailed(
                "Keep at least one ingredient line: every line is left out.", field=None
            )
        clean = normalize_input(name)
        if clean and tx.objects(Recipe).filter(name_key=name_key(clean)).exists():
            raise ValidationFailed(
                f"A recipe named “{clean}” already exists; try “{free_recipe_name(tx, clean)}”.",
                field="name",
            )
        recipe = create_recipe(
            tx, name=name, category=category, notes=_notes(address, yields_text, left_out)
        )
        created: dict[str, int] = {}
        for index, line in enumerate(lines):
            try:
                ingredient_id = line.ingredient_id
                if ingredient_id is None:
                    ingredient_id = _new_ingredient(tx, line, created)
                add_recipe_ingredient(
                    tx, recipe.pk, ingredient_id, line.quantity, line.unit, notes=line.notes
                )
            except DomainError as exc:
                raise LineRefused(index, exc) from exc
        if left_out:
            recipe.incomplete = True
            recipe.save(using=tx.using, update_fields=["incomplete"])
        if baked_item is not None:
            create_finished_unit(
                tx,
                recipe.pk,
                name=baked_item.name,
                items_per_batch=baked_item.items_per_batch,
                item_unit=baked_item.item_unit,
            )
        op.add(recipe_id=recipe.pk, lines=len(lines), new_ingredients=len(created))
        return recipe


def _new_ingredient(tx: Tx, line: ImportLine, created: dict[str, int]) -> int:
    """Create the line's new ingredient once per import, kept in its unit's family."""
    key = name_key(normalize_input(line.new_name))
    if key in created:
        return created[key]
    if line.unit not in UNITS:
        raise ValidationFailed("Choose a unit for this line.", field="unit")
    ingredient = create_ingredient(
        tx, name=line.new_name, stock_family=family_of(line.unit), kind=Ingredient.FOOD
    )
    created[key] = ingredient.pk
    return ingredient.pk
