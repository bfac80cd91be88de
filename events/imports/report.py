"""What an import did, or would do: counts per kind, estimates, rows left out, problems."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from bakeplanner.display import plural
from bakeplanner.errors import ValidationFailed

__all__ = ["KINDS", "DryRunDone", "EstimatedDensity", "ImportRefused", "ImportReport", "Problem"]

# (kind, singular, plural) in the order the report lists them, in the glossary's words.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("ingredients", "ingredient", "ingredients"),
    ("packaging", "packaging supply", "packaging supplies"),
    ("products", "product", "products"),
    ("lots", "lot", "lots"),
    ("recipes", "recipe", "recipes"),
    ("recipe_lines", "recipe line", "recipe lines"),
    ("sub_recipes", "sub-recipe", "sub-recipes"),
    ("baked_items", "baked item", "baked items"),
    ("gift_boxes", "gift box", "gift boxes"),
    ("gift_box_contents", "gift box content", "gift box contents"),
    ("recipients", "recipient", "recipients"),
    ("events", "event", "events"),
    ("packages", "package", "packages"),
    ("package_contents", "package content", "package contents"),
    ("assignments", "assignment", "assignments"),
    ("baking_targets", "baking target", "baking targets"),
    ("packing_targets", "packing target", "packing targets"),
)
KIND_NAMES = {kind: (one, many) for kind, one, many in KINDS}


@dataclass(frozen=True)
class Problem:
    """A row the import cannot take, named as the file names it, and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass(frozen=True)
class EstimatedDensity:
    ingredient: str
    g_per_cup: Decimal
    source: str


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    imported: int
    kept: int


@dataclass
class ImportReport:
    version: str = ""
    dry_run: bool = False
    skip_invalid: bool = False
    imported: Counter[str] = field(default_factory=Counter)
    # Rows already in the household: brought in by an earlier import of the file, or
    # matched by name to a row the household already had.
    kept: Counter[str] = field(default_factory=Counter)
    estimated: list[EstimatedDensity] = field(default_factory=list)
    price_unknown_lots: int = 0
    suppliers: int = 0
    skipped: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, where: str, reason: str) -> None:
        """A row that cannot be taken: skipped with `skip_invalid`, else it refuses the file."""
        (self.skipped if self.skip_invalid else self.problems).append(Problem(where, reason))

    @property
    def total_imported(self) -> int:
        return sum(self.imported.values())

    def rows(self) -> list[KindRow]:
        """One row per kind the file has or the import touched, in the report's order."""
        return [
            KindRow(kind, many, self.imported[kind], self.kept[kind])
            for kind, _one, many in KINDS
            if self.imported[kind] or self.kept[kind]
        ]

    def lines(self) -> list[str]:
        """The report as plain lines, for the command's output."""
        if self.dry_run:
            head = "Dry run: nothing was written. The import would bring in:"
        elif self.total_imported:
            head = "Imported:"
        else:
            head = "Nothing new to import: every row of the file is already here."
        out = [head]
        for row in self.rows():
            one, many = KIND_NAMES[row.kind]
            text = f"  {plural(row.imported, one, many)}"
            if row.kept:
                text += f" ({row.kept} already here, left as they are)"
            out.append(text)
        if self.suppliers:
            out.append(f"  {plural(self.suppliers, 'supplier')} kept as names on products and lots")
        if self.price_unknown_lots:
            out.append(
                f"{plural(self.price_unknown_lots, 'lot')} with price unknown (the file has no "
                "price): their costs say so until a price is entered."
            )
        if self.estimated:
            out.append("Estimated densities (check and correct them on each ingredient):")
            out += [
                f"  {e.ingredient}: {e.g_per_cup.normalize():f} g per cup ({e.source})"
                for e in self.estimated
            ]
        if self.skipped:
            out.append(f"Left out ({plural(len(self.skipped), 'row')}):")
            out += [f"  {p}" for p in self.skipped]
        out += self.notes
        return out


class ImportRefused(ValidationFailed):
    """The file has rows the import cannot take: nothing was imported; lists every one."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.problems = list(report.problems)
        count = plural(len(self.problems), "problem")
        super().__init__(
            f"Nothing was imported: the file has {count}. Fix them in bake-tracker and export "
            "again, or import the rest and leave these rows out.",
            field="file",
        )


class DryRunDone(Exception):
    """Raised by an entry point inside its unit of work to roll a dry run back."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report
