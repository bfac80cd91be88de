"""`export_production_history` (docs/design.md, "CSV exports")."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from events.tests.progress_fixtures import make_event, make_recipe, make_run


@pytest.fixture
def history(household):
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household, name="=Gingerbread")
    make_run(household, recipe, unit, 2, event=event)
    make_run(household, recipe, unit, 1, reversed_=True)
    return event


def test_history_csv_has_bom_header_rows_and_escapes_formulas(history, tmp_path):
    path = tmp_path / "history.csv"
    call_command("export_production_history", "--output", str(path))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Produced At,Recipe,Finished Unit,Event,Batches")
    assert "Total Ingredient Cost (USD)" in lines[0]
    assert len([line for line in lines[1:] if line]) == 2
    assert ",'=Gingerbread," in lines[1]
    assert lines[1].endswith(",yes,") or lines[2].endswith(",yes,")


def test_history_for_one_event_only(history, tmp_path):
    path = tmp_path / "h.csv"
    call_command("export_production_history", "--event", "christmas", "--output", str(path))
    rows = [line for line in path.read_bytes().decode("utf-8-sig").split("\r\n")[1:] if line]
    assert len(rows) == 1
    assert ",Christmas,2," in rows[0]


def test_header_is_written_with_no_runs(household, tmp_path):
    path = tmp_path / "empty.csv"
    call_command("export_production_history", "--output", str(path))
    assert path.read_bytes().decode("utf-8-sig").count("\r\n") == 1


def test_refuses_to_overwrite_and_unknown_event_and_bad_dates(history, tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("keep")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_production_history", "--output", str(path))
    assert path.read_text() == "keep"
    with pytest.raises(CommandError, match="No event named"):
        call_command("export_production_history", "--event", "Easter", "--output", "-")
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_production_history", "--from", "12/01/2026", "--output", "-")
