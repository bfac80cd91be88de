"""The household file: a household written whole and loaded again as a new household
(docs/household-file.md)."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from bakeplanner.households import add_member, create_household
from bakeplanner.models import Household, Membership
from bakeplanner.testing import InjectedFault, db_snapshot
from bakeplanner.tx import Tx, unit_of_work
from conftest import make_user
from events.models import Assignment, Event, FulfillmentChange, ShoppingTick
from events.services import (
    revert_fulfillment_status,
    set_assembly_run_event,
    set_production_run_event,
    set_shopping_tick,
    update_fulfillment_status,
)
from production.models import (
    FinishedGood,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    ProductionConsumption,
    ProductionRun,
    PurchaseCorrection,
    Recipe,
    StockAdjustment,
)
from production.services import (
    adjust_finished_stock,
    correct_purchase,
    record_assembly,
    record_depletion,
    reverse_production_run,
)
from tooling.household_file import (
    EXPORTED,
    FORMAT,
    IMPORTED_KINDS,
    LEFT_OUT,
    REF,
    VERSION,
    Edge,
    HouseholdFileRefused,
    dependency_order,
    household_tables,
    import_household,
    read_household_file,
    remap_row_ids,
    table_plans,
    unclassified_json_columns,
    write_household_file,
)
from tooling.management.commands.seed_demo import seed_household

# --- helpers -----------------------------------------------------------------------------------


def build_rich_household(tx: Tx) -> None:
    """The demo household, then a correction, a depletion, an undone baking run, a run moved
    to another event, status changes stepped back and a ticked shopping line."""
    seed_household(tx)
    events = list(tx.objects(Event).order_by("event_date"))
    last_year, this_year = events[0], events[-1]
    assignment = (
        tx.objects(Assignment)
        .filter(event=this_year, fulfillment_status=Assignment.PENDING)
        .order_by("id")
        .first()
    )
    assert assignment is not None
    update_fulfillment_status(tx, assignment.pk, Assignment.READY)
    revert_fulfillment_status(tx, assignment.pk, reason="Packed the wrong tin")
    update_fulfillment_status(tx, assignment.pk, Assignment.READY)
    runs = list(tx.objects(ProductionRun).order_by("id"))
    assert len(runs) >= 2
    set_production_run_event(tx, runs[0].pk, last_year.pk)
    consumption = tx.objects(ProductionConsumption).filter(run=runs[0]).order_by("id").first()
    assert consumption is not None
    lot = tx.objects(InventoryLot).get(pk=consumption.lot_id)
    record_depletion(
        tx, lot.ingredient_id, "1", lot.ingredient.base_unit, reason="spoilage", notes=""
    )
    correct_purchase(tx, lot.purchase_id, price_per_package="7.777", reason="Receipt was wrong")
    reverse_production_run(tx, runs[-1].pk, reason="Burnt")
    units = {unit.name: unit for unit in tx.objects(FinishedUnit)}
    for name, count in (("Truffle", 12), ("Sugar cookie", 6), ("Gingerbread man", 6)):
        adjust_finished_stock(
            tx, StockAdjustment.FINISHED_UNIT, units[name].pk, count, reason="gift", notes=""
        )
    adjust_finished_stock(
        tx,
        StockAdjustment.FINISHED_UNIT,
        units["Mini spice cake"].pk,
        1,
        reason="correction",
        notes="Found in the freezer",
    )
    goods = {good.name: good for good in tx.objects(FinishedGood)}
    record_assembly(tx, goods["Truffle Box"].pk, 1, event_id=this_year.pk)
    tin = record_assembly(tx, goods["Cookie Tin"].pk, 1)
    set_assembly_run_event(tx, tin["id"], this_year.pk)
    record_assembly(tx, goods["Holiday Hamper"].pk, 1, event_id=this_year.pk)
    set_shopping_tick(
        tx, this_year.pk, lot.ingredient_id, kind=ShoppingTick.INGREDIENT, ticked=True
    )


def export_text(household: Household) -> str:
    stream = io.StringIO()
    with unit_of_work(household, read_only=True) as tx:
        write_household_file(tx, stream)
    return stream.getvalue()


def read_text(text: str) -> Any:
    return read_household_file(io.StringIO(text))


def comparable(text: str) -> dict[str, Any]:
    """The file with the export time and the household's name left out and every id replaced
    by its table and position (ids are by position in both files: rows go by id)."""
    data = json.loads(text)
    del data["exported_at"]
    del data["household"]["name"]
    tables = data["tables"]
    position = {
        label: {row["id"]: f"{label}#{index}" for index, row in enumerate(rows)}
        for label, rows in tables.items()
    }

    def lookup(label: str, old: Any) -> Any:
        return position[label].get(old, f"missing {label} {old}")

    for plan in table_plans():
        rows = []
        for row in tables[plan.label]:
            row = remap_row_ids(plan.label, row, lookup)
            row["id"] = lookup(plan.label, row["id"])
            for column in plan.columns:
                if column.kind == REF and row[column.name] is not None:
                    row[column.name] = lookup(column.target, row[column.name])
            rows.append(row)
        tables[plan.label] = rows
    return data


def rows_by_household() -> dict[str, int]:
    snapshot = db_snapshot()
    return {label: len(rows) for label, rows in snapshot.items()}


@pytest.fixture
def rich(household: Household, member: Any) -> Household:
    with unit_of_work(household, actor=member) as tx:
        build_rich_household(tx)
    return household


# --- the round trip ----------------------------------------------------------------------------


def test_export_import_export_gives_the_same_file(rich: Household, member: Any) -> None:
    first = export_text(rich)
    # As on another instance: the member who did the work has no household yet.
    Membership.objects.filter(user=member).delete()
    copy = import_household(read_text(first), "Baker Family Copy", members=[member.username])
    second = export_text(copy.household)
    assert comparable(second) == comparable(first)


def test_the_rich_household_fills_every_kind_of_history(rich: Household) -> None:
    tables = json.loads(export_text(rich))["tables"]
    for label in (
        "production.PurchaseCorrection",
        "production.RunEventChange",
        "production.StockAdjustmentLot",
        "production.AssemblyPackagingConsumption",
        "production.AssemblyFinishedUnitConsumption",
        "production.AssemblyFinishedGoodConsumption",
        "events.FulfillmentChange",
        "events.ShoppingTick",
    ):
        assert tables[label], label


def test_ids_are_new_and_references_point_into_the_new_household(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    old_run = ProductionRun.objects.filter(household=rich).order_by("id").first()
    new_run = ProductionRun.objects.filter(household=copy).order_by("id").first()
    assert old_run is not None and new_run is not None
    assert new_run.pk != old_run.pk
    assert new_run.recipe.household_id == copy.pk
    assert new_run.event is not None and new_run.event.household_id == copy.pk


def test_ids_inside_a_recipe_snapshot_are_rewritten(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    run = ProductionRun.objects.filter(household=copy).order_by("id").first()
    assert run is not None
    assert run.recipe_snapshot["recipe_id"] == run.recipe_id
    line_ids = {line["ingredient_id"] for line in run.recipe_snapshot["lines"]}
    assert line_ids <= set(Ingredient.objects.filter(household=copy).values_list("id", flat=True))


def test_ids_inside_a_correction_summary_are_rewritten(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    correction = PurchaseCorrection.objects.get(household=copy)
    lot = InventoryLot.objects.get(pk=correction.summary["lot_id"])
    assert lot.purchase_id == correction.purchase_id
    run_ids = set(ProductionRun.objects.filter(household=copy).values_list("id", flat=True))
    assert {run["id"] for run in correction.summary["runs"] if run["kind"] == "production"} <= (
        run_ids
    )


def test_decimal_figures_are_written_as_text_and_kept_exact(rich: Household) -> None:
    text = export_text(rich)
    corrections = json.loads(text)["tables"]["production.PurchaseCorrection"]
    assert corrections[0]["new_price_per_package"] == "7.7770"
    copy = import_household(read_text(text), "Copy").household
    assert PurchaseCorrection.objects.get(household=copy).new_price_per_package == Decimal("7.777")
    old_lots = InventoryLot.objects.filter(household=rich).order_by("id")
    new_lots = InventoryLot.objects.filter(household=copy).order_by("id")
    assert [lot.cost_per_unit for lot in new_lots] == [lot.cost_per_unit for lot in old_lots]


def test_recorded_times_are_kept(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    old = Recipe.objects.filter(household=rich).order_by("id").first()
    new = Recipe.objects.filter(household=copy).order_by("id").first()
    assert old is not None and new is not None
    assert (new.created_at, new.updated_at) == (old.created_at, old.updated_at)


def test_a_username_without_a_member_leaves_the_reference_empty(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    assert FulfillmentChange.objects.filter(household=rich, changed_by__isnull=False).exists()
    assert not FulfillmentChange.objects.filter(household=copy, changed_by__isnull=False).exists()


def test_a_username_names_a_member_of_the_new_household(rich: Household, member: Any) -> None:
    text = export_text(rich)
    Membership.objects.filter(user=member).delete()
    copy = import_household(read_text(text), "Copy", members=[member.username]).household
    change = FulfillmentChange.objects.filter(household=copy).order_by("id").first()
    assert change is not None and change.changed_by == member


def test_the_household_settings_come_along(household: Household) -> None:
    Household.objects.filter(pk=household.pk).update(unit_system="us", time_zone="Europe/Berlin")
    household.refresh_from_db()
    copy = import_household(read_text(export_text(household)), "Copy").household
    copy.refresh_from_db()
    assert (copy.unit_system, copy.time_zone) == ("us", "Europe/Berlin")


# --- isolation -----------------------------------------------------------------------------------


def test_the_file_holds_only_its_own_households_rows(
    rich: Household, outsider_household: Household, outsider: Any
) -> None:
    with unit_of_work(outsider_household, actor=outsider) as tx:
        build_rich_household(tx)
    tables = json.loads(export_text(rich))["tables"]
    for plan in table_plans():
        ids = {row["id"] for row in tables[plan.label]}
        theirs = set(
            plan.model._default_manager.filter(**{plan.scope: outsider_household}).values_list(
                "pk", flat=True
            )
        )
        ours = set(
            plan.model._default_manager.filter(**{plan.scope: rich}).values_list("pk", flat=True)
        )
        assert ids == ours, plan.label
        assert not ids & theirs, plan.label


def test_users_are_not_in_the_file(rich: Household, member: Any) -> None:
    text = export_text(rich)
    assert "pbkdf2" not in text and "md5$" not in text
    assert "bakeplanner.Membership" not in text


# --- the imported household works ---------------------------------------------------------------


def test_the_imported_households_pages_render(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    baker = make_user("newbaker")
    add_member(copy, baker, Membership.MEMBER)
    client = Client()
    client.force_login(baker)
    event = Event.objects.filter(household=copy).order_by("-event_date").first()
    assert event is not None
    for url in (
        "/",
        f"/events/{event.pk}/shopping-list/",
        f"/events/{event.pk}/costs/",
        "/production/runs/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert event.name in client.get(f"/events/{event.pk}/costs/").content.decode()


def test_the_imported_households_stock_can_be_used(rich: Household) -> None:
    copy = import_household(read_text(export_text(rich)), "Copy").household
    lot = InventoryLot.objects.filter(household=copy, quantity_remaining__gt=1).first()
    assert lot is not None
    with unit_of_work(copy) as tx:
        record_depletion(
            tx, lot.ingredient_id, "1", lot.ingredient.base_unit, reason="gift", notes=""
        )
    assert StockAdjustment.objects.filter(household=copy).count() == (
        StockAdjustment.objects.filter(household=rich).count() + 1
    )


# --- refusals: one line, nothing written ----------------------------------------------------------


def refused_by_the_command(tmp_path: Path, content: str | bytes, name: str = "New") -> str:
    path = tmp_path / "household.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    before = db_snapshot()
    with pytest.raises(CommandError) as caught:
        call_command("import_household", str(path), "--name", name)
    assert db_snapshot() == before
    message = str(caught.value)
    assert "\n" not in message
    return message


def minimal_file(**changes: Any) -> str:
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": "2026-12-01T10:00:00+00:00",
        "household": {"name": "Old"},
        "tables": {},
    }
    data.update(changes)
    return json.dumps(data)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path, household: Household) -> None:
    message = refused_by_the_command(tmp_path, b"\x89PNG not a household")
    assert "not JSON" in message


def test_a_file_of_another_format_is_refused(tmp_path: Path, household: Household) -> None:
    message = refused_by_the_command(tmp_path, minimal_file(format="some-other-app"))
    assert "'some-other-app'" in message and "not a BakePlanner household file" in message


def test_a_json_file_with_no_format_is_refused(tmp_path: Path, household: Household) -> None:
    message = refused_by_the_command(tmp_path, "[1, 2, 3]")
    assert "names no format" in message


def test_a_newer_version_is_refused(tmp_path: Path, household: Household) -> None:
    message = refused_by_the_command(tmp_path, minimal_file(version=VERSION + 1))
    assert f"version {VERSION + 1}" in message and "update BakePlanner" in message


def test_a_name_already_taken_is_refused(tmp_path: Path, household: Household) -> None:
    message = refused_by_the_command(tmp_path, minimal_file(), name="baker family")
    assert "already exists" in message


def test_a_row_pointing_at_a_missing_row_is_refused(tmp_path: Path, household: Household) -> None:
    with unit_of_work(household) as tx:
        from production.services import create_ingredient, create_product

        flour = create_ingredient(tx, name="Flour", stock_family="weight")
        create_product(tx, flour.pk, package_quantity="1", package_unit="kg")
    data = json.loads(export_text(household))
    data["tables"]["production.Ingredient"] = []
    message = refused_by_the_command(tmp_path, json.dumps(data))
    assert "points at production.Ingredient" in message and "not in the file" in message


def test_an_unknown_table_is_refused(tmp_path: Path, household: Household) -> None:
    message = refused_by_the_command(tmp_path, minimal_file(tables={"events.Party": []}))
    assert "events.Party" in message


def test_a_decimal_written_as_a_number_is_refused(household: Household) -> None:
    with unit_of_work(household) as tx:
        from production.services import create_ingredient

        create_ingredient(tx, name="Flour", stock_family="weight")
    data = json.loads(export_text(household))
    data["tables"]["production.Ingredient"][0]["density_g_per_cup"] = 120.5
    before = db_snapshot()
    with pytest.raises(HouseholdFileRefused, match="written as text"):
        import_household(read_text(json.dumps(data)), "New")
    assert db_snapshot() == before


def test_a_failure_while_loading_leaves_nothing(
    rich: Household, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = read_text(export_text(rich))
    before = db_snapshot()
    original = ProductionRun.save_base

    def fail(self: Any, *args: Any, **kwargs: Any) -> None:
        raise InjectedFault("the disk is full")

    monkeypatch.setattr(ProductionRun, "save_base", fail)
    with pytest.raises(HouseholdFileRefused, match="the disk is full"):
        import_household(document, "New")
    monkeypatch.setattr(ProductionRun, "save_base", original)
    assert db_snapshot() == before


# --- which tables are in the file --------------------------------------------------------------


def test_every_household_table_is_exported_or_deliberately_left_out() -> None:
    found = set(household_tables())
    listed = set(EXPORTED) | set(LEFT_OUT)
    assert sorted(found - listed) == [], "add the table to EXPORTED or LEFT_OUT"
    assert sorted(listed - found) == []
    assert not set(EXPORTED) & set(LEFT_OUT)


def test_every_json_column_says_whether_it_holds_ids() -> None:
    assert unclassified_json_columns() == []


def test_every_kind_of_imported_record_names_its_table() -> None:
    from events.imports.report import KINDS

    assert sorted(kind for kind, _, _ in KINDS if kind not in IMPORTED_KINDS) == []


def test_every_table_comes_after_the_tables_it_points_at() -> None:
    seen: set[str] = set()
    for plan in table_plans():
        for column in plan.columns:
            if column.kind == REF and not column.deferred:
                assert column.target in seen, f"{plan.label}.{column.name}"
        seen.add(plan.label)


def test_a_reference_to_its_own_table_is_set_afterwards() -> None:
    order, deferred = dependency_order(["a", "b"], [Edge("a", "parent", "a", nullable=True)])
    assert order == ["a", "b"] and deferred == {("a", "parent")}


def test_an_optional_reference_inside_a_cycle_is_set_afterwards() -> None:
    edges = [Edge("a", "b", "b", nullable=False), Edge("b", "a", "a", nullable=True)]
    order, deferred = dependency_order(["a", "b"], edges)
    assert order == ["b", "a"] and deferred == {("b", "a")}


def test_a_cycle_of_required_references_cannot_be_planned() -> None:
    from django.core.exceptions import ImproperlyConfigured

    edges = [Edge("a", "b", "b", nullable=False), Edge("b", "a", "a", nullable=False)]
    with pytest.raises(ImproperlyConfigured, match="a, b"):
        dependency_order(["a", "b"], edges)


# --- the commands --------------------------------------------------------------------------------


def test_the_commands_write_and_load_a_file(
    rich: Household, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "baker.json"
    call_command("export_household", "--household", "Baker Family", "--output", str(path))
    call_command("import_household", str(path), "--name", "Bakers Again")
    out = capsys.readouterr().out
    assert "Wrote the household 'Baker Family'" in out
    assert "Imported the household 'Bakers Again'" in out
    copy = Household.objects.get(name="Bakers Again")
    assert StockAdjustment.objects.filter(household=copy).count() == (
        StockAdjustment.objects.filter(household=rich).count()
    )


def test_exporting_an_unknown_household_is_refused(household: Household, tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    with pytest.raises(CommandError, match="no household named 'Nobody'"):
        call_command("export_household", "--household", "Nobody", "--output", str(path))
    assert not path.exists()


def test_importing_with_a_member_who_has_a_household_is_refused(
    tmp_path: Path, household: Household, outsider: Any
) -> None:
    path = tmp_path / "household.json"
    path.write_text(minimal_file(), encoding="utf-8")
    before = db_snapshot()
    with pytest.raises(CommandError, match="already belongs to the household 'Other Family'"):
        call_command("import_household", str(path), "--name", "New", "--member", "otto")
    assert db_snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_the_import_command_commits_outside_a_test_transaction(tmp_path: Path) -> None:
    """The unit of work is durable: prove the command's transactions work for real."""
    source = create_household("Source Family")
    with unit_of_work(source) as tx:
        from production.services import create_ingredient

        create_ingredient(tx, name="Flour", stock_family="weight")
    path = tmp_path / "source.json"
    call_command("export_household", "--household", "Source Family", "--output", str(path))
    call_command("import_household", str(path), "--name", "Copied Family")
    copy = Household.objects.get(name="Copied Family")
    assert list(Ingredient.objects.filter(household=copy).values_list("name", flat=True)) == [
        "Flour"
    ]


# --- the Your data page ------------------------------------------------------------------------


def test_a_member_sees_the_your_data_page(member_client: Client) -> None:
    response = member_client.get("/data/")
    assert response.status_code == 200
    assert "Download the household file" in response.content.decode()


def test_a_member_downloads_the_household_file(rich: Household, member_client: Client) -> None:
    response = member_client.get("/data/household.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="baker-family-' in response["Content-Disposition"]
    assert comparable(response.content.decode("utf-8")) == comparable(export_text(rich))


def test_a_viewer_cannot_download_the_household_file(viewer_client: Client) -> None:
    assert viewer_client.get("/data/household.json").status_code == 403
    assert viewer_client.get("/data/").status_code == 403
