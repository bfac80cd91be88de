"""Gift boxes, recipients, events, packages, assignments and targets of an export."""

from __future__ import annotations

from typing import Any

from django.db import models

from bakeplanner.errors import DomainError
from bakeplanner.names import name_key
from events.imports.mapping import as_decimal, text_of
from events.imports.state import ImportState
from events.models import Event, Package, Recipient
from events.services import (
    add_package_item,
    assign_package_to_recipient,
    create_event,
    create_package,
    create_recipient,
    set_assembly_target,
    set_production_target,
)
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
)
from production.services import (
    add_component,
    create_finished_good,
)

__all__ = ["GiftImport"]

HISTORY_SECTIONS = ("production_records", "production_runs", "assembly_runs")


class GiftImport(ImportState):
    # --- Gift boxes, recipients, events, packages ------------------------------------------

    def import_gift_boxes(self) -> None:
        existing = self.by_name(FinishedGood)
        for row in self.rows("finished_goods"):
            name = text_of(row, "display_name", "name")
            key = text_of(row, "slug") or name
            found = self.earlier(FinishedGood, "gift_box", key)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("gift_box", key, found)
            if found is not None:
                self.goods[key] = found
                self.report.kept["gift_boxes"] += 1
                continue
            description = "\n\n".join(
                p
                for p in (
                    text_of(row, "description"),
                    text_of(row, "packaging_instructions"),
                    text_of(row, "notes"),
                )
                if p
            )
            try:
                good = create_finished_good(self.tx, name=name, description=description)
            except DomainError as error:
                self.report.problem(f"Gift box {name or key}", error.message)
                continue
            self.goods[key] = good
            self.remember("gift_box", key, good)
            self.report.imported["gift_boxes"] += 1
        for row in self.rows("compositions"):
            self.gift_box_content(row)

    def gift_box_content(self, row: dict[str, Any]) -> None:
        parent_key = text_of(row, "finished_good_slug", "assembly_slug")
        where = f"Contents of gift box {parent_key or text_of(row, 'package_name')}"
        targets: list[tuple[str, str, models.Model | None]] = [
            (FinishedGoodComponent.FINISHED_UNIT, text_of(row, "finished_unit_slug"), None),
            (
                FinishedGoodComponent.FINISHED_GOOD,
                text_of(row, "finished_good_component_slug"),
                None,
            ),
            (
                FinishedGoodComponent.PACKAGING,
                text_of(row, "packaging_ingredient_slug", "material_slug"),
                None,
            ),
        ]
        kind, slug = next(((k, s) for k, s, _ in targets if s), ("", ""))
        key = f"{parent_key}|{kind}|{slug}"
        if self.known.get(("gift_box_content", key)) is not None:
            self.report.kept["gift_box_contents"] += 1
            return
        parent = self.goods.get(parent_key)
        if parent is None:
            self.report.problem(where, "it belongs to no imported gift box")
            return
        item: models.Model | None = {
            FinishedGoodComponent.FINISHED_UNIT: self.units.get(slug),
            FinishedGoodComponent.FINISHED_GOOD: self.goods.get(slug),
            FinishedGoodComponent.PACKAGING: self.ingredients.get(slug),
        }.get(kind)
        if item is None:
            self.report.problem(where, f"it holds {slug or 'something'!r}, which was not imported")
            return
        try:
            content = add_component(
                self.tx, parent.pk, kind, int(item.pk), as_decimal(row.get("component_quantity"))
            )
        except DomainError as error:
            self.report.problem(where, error.message)
            return
        self.remember("gift_box_content", key, content)
        self.report.imported["gift_box_contents"] += 1

    def import_recipients(self) -> None:
        existing = self.by_name(Recipient)
        for row in self.rows("recipients"):
            name = text_of(row, "name")
            found = self.earlier(Recipient, "recipient", name)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("recipient", name, found)
            if found is not None:
                self.recipients[name] = found
                self.report.kept["recipients"] += 1
                continue
            try:
                recipient = create_recipient(
                    self.tx,
                    name=name,
                    household_name=text_of(row, "household_name"),
                    address=text_of(row, "address"),
                    notes=text_of(row, "notes"),
                )
            except DomainError as error:
                self.report.problem(f"Recipient {name or '(no name)'}", error.message)
                continue
            self.recipients[name] = recipient
            self.remember("recipient", name, recipient)
            self.report.imported["recipients"] += 1

    def import_events(self) -> None:
        existing = self.by_name(Event)
        for row in self.rows("events"):
            name = text_of(row, "name")
            found = self.earlier(Event, "event", name)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("event", name, found)
            if found is not None:
                self.events[name] = found
                self.report.kept["events"] += 1
                continue
            try:
                event = create_event(
                    self.tx,
                    name=name,
                    event_date=text_of(row, "event_date"),
                    notes=text_of(row, "notes"),
                )
            except DomainError as error:
                self.report.problem(f"Event {name or '(no name)'}", error.message)
                continue
            self.events[name] = event
            self.remember("event", name, event)
            self.report.imported["events"] += 1

    def import_packages(self) -> None:
        existing = self.by_name(Package)
        for row in self.rows("packages"):
            name = text_of(row, "name")
            found = self.earlier(Package, "package", name)
            if found is None and (found := existing.get(name_key(name))) is not None:
                self.remember("package", name, found)
            if found is not None:
                self.packages[name] = found
                self.report.kept["packages"] += 1
                continue
            notes = "\n\n".join(
                p for p in (text_of(row, "description"), text_of(row, "notes")) if p
            )
            try:
                package = create_package(self.tx, name=name, notes=notes)
            except DomainError as error:
                self.report.problem(f"Package {name or '(no name)'}", error.message)
                continue
            self.packages[name] = package
            self.remember("package", name, package)
            self.report.imported["packages"] += 1
        for row in self.rows("package_finished_goods"):
            package_name, slug = text_of(row, "package_name"), text_of(row, "finished_good_slug")
            self.linked(
                "package_contents",
                f"{package_name}|{slug}",
                f"Package {package_name}, gift box {slug}",
                [("package", self.packages.get(package_name)), ("gift box", self.goods.get(slug))],
                lambda p, g, row=row: add_package_item(
                    self.tx, p, g, as_decimal(row.get("quantity"))
                ),
            )

    def linked(
        self,
        kind: str,
        key: str,
        where: str,
        parts: list[tuple[str, models.Model | None]],
        write: Any,
    ) -> None:
        """A row that joins two or three imported rows (assignments, targets, contents)."""
        if self.known.get((kind, key)) is not None:
            self.report.kept[kind] += 1
            return
        missing = [label for label, obj in parts if obj is None]
        if missing:
            self.report.problem(where, f"its {' and '.join(missing)} was not imported")
            return
        try:
            obj = write(*(int(o.pk) for _, o in parts if o is not None))
        except DomainError as error:
            self.report.problem(where, error.message)
            return
        self.remember(kind, key, obj)
        self.report.imported[kind] += 1

    def import_assignments_and_targets(self) -> None:
        statuses = 0
        for row in self.rows("event_recipient_packages"):
            event, recipient, package = (
                text_of(row, k) for k in ("event_name", "recipient_name", "package_name")
            )
            if text_of(row, "fulfillment_status", "status") not in ("", "pending"):
                statuses += 1
            self.linked(
                "assignments",
                f"{event}|{recipient}|{package}",
                f"Assignment of {package} to {recipient} at {event}",
                [
                    ("event", self.events.get(event)),
                    ("recipient", self.recipients.get(recipient)),
                    ("package", self.packages.get(package)),
                ],
                lambda e, r, p, row=row: assign_package_to_recipient(
                    self.tx,
                    e,
                    r,
                    p,
                    quantity=as_decimal(row.get("quantity")) or 1,
                    notes=text_of(row, "notes"),
                ),
            )
        if statuses:
            self.report.notes.append(
                f"Statuses of assignments ({statuses} not pending) are not imported: "
                "every imported assignment starts pending."
            )
        for row in self.rows("event_production_targets"):
            event, recipe = text_of(row, "event_name"), text_of(row, "recipe_name")
            self.linked(
                "baking_targets",
                f"{event}|{recipe}",
                f"Baking target for {recipe} at {event}",
                [("event", self.events.get(event)), ("recipe", self.recipes.get(recipe))],
                lambda e, r, row=row: set_production_target(
                    self.tx,
                    e,
                    r,
                    as_decimal(row.get("target_batches")),
                    notes=text_of(row, "notes"),
                ),
            )
        for row in self.rows("event_assembly_targets"):
            event, slug = text_of(row, "event_name"), text_of(row, "finished_good_slug")
            self.linked(
                "packing_targets",
                f"{event}|{slug}",
                f"Packing target for {slug} at {event}",
                [("event", self.events.get(event)), ("gift box", self.goods.get(slug))],
                lambda e, g, row=row: set_assembly_target(
                    self.tx,
                    e,
                    g,
                    as_decimal(row.get("target_quantity")),
                    notes=text_of(row, "notes"),
                ),
            )

    def history_note(self) -> None:
        runs = sum(len(self.rows(section)) for section in HISTORY_SECTIONS)
        if runs:
            self.report.notes.append(
                f"Past baking and packing records ({runs}) are not imported: stock starts from "
                "the file's lots."
            )
