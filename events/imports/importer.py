"""Import a household's kitchen from a bake-tracker export (docs/import-baketracker.md).

One service, `import_baketracker`, writes every row through the catalogue, recipe and
events services in the caller's unit of work. A row it cannot take either refuses the
whole file (every such row is listed) or, with `skip_invalid`, is left out and reported.
Rows are matched to earlier imports by the file's own keys, kept in `ImportedRecord`, so
importing the same file again changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from bakeplanner.logs import logged_operation
from bakeplanner.tx import Tx
from events.imports.catalogue import CatalogueImport
from events.imports.gifts import GiftImport
from events.imports.recipes import RecipeImport
from events.imports.report import ImportRefused, ImportReport
from events.imports.state import SOURCE
from events.models import ImportedRecord

__all__ = ["SOURCE", "import_baketracker"]

logger = logging.getLogger("bakeplanner.events.imports")


class _Importer(CatalogueImport, RecipeImport, GiftImport):
    """Every step of the import over one shared state."""


def import_baketracker(
    tx: Tx, data: dict[str, Any], *, skip_invalid: bool = False, dry_run: bool = False
) -> ImportReport:
    """Bring a bake-tracker export (read by `read_export`) into the household.

    Raises `ImportRefused`, listing every row it cannot take, unless `skip_invalid`.
    `dry_run` only labels the report: the caller rolls the unit of work back.
    """
    tx.require()
    report = ImportReport(
        version=str(data.get("version", "")), dry_run=dry_run, skip_invalid=skip_invalid
    )
    with logged_operation(logger, tx, "import_baketracker", skip_invalid=skip_invalid) as op:
        importer = _Importer(tx, data, report)
        plans = importer.import_ingredients()
        importer.import_materials()
        suppliers = importer.suppliers()
        importer.import_products(suppliers)
        importer.import_material_products()
        importer.import_lots(suppliers)
        importer.import_recipes(plans)
        importer.import_sub_recipes()
        importer.import_baked_items()
        importer.import_gift_boxes()
        importer.import_recipients()
        importer.import_events()
        importer.import_packages()
        importer.import_assignments_and_targets()
        importer.history_note()
        if report.problems:
            op.add(problems=len(report.problems))
            raise ImportRefused(report)
        ImportedRecord.objects.using(tx.using).bulk_create(importer.new_records)
        op.add(imported=report.total_imported, skipped=len(report.skipped))
    return report
