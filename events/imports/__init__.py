"""Importing a household's kitchen from another application's export.

Callers write `from events.imports import import_baketracker, read_export`.
"""

from events.imports.importer import SOURCE, import_baketracker
from events.imports.reader import MAX_FILE_BYTES, check_size, read_export
from events.imports.report import DryRunDone, ImportRefused, ImportReport, Problem

__all__ = [
    "MAX_FILE_BYTES",
    "SOURCE",
    "DryRunDone",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "check_size",
    "import_baketracker",
    "read_export",
]
