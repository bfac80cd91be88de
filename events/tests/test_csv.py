"""CSV exports and their commands (docs/design.md, "CSV exports")."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import override_settings
from django.urls import reverse

from bakeplanner.money import cost_to_string
from bakeplanner.tx import unit_of_work
from events.csv_export import (
    Text,
    assignments_csv,
    assignments_rows,
    csv_bytes,
    escape_text,
    event_summary_rows,
    shopping_list_csv,
    shopping_list_rows,
)
from events.models import Assignment, Recipient
from events.tests.demand_fixtures import build_estimate_world, build_gift_world, ingredient, line

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def gift_world(household):
    return build_gift_world(household)


def parse(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def test_shopping_list_rows_hand_computed(gift_world, tx):
    header, rows = shopping_list_rows(tx, gift_world.event.pk)
    assert header == [
        "Kind",
        "Category",
        "Ingredient",
        "Needed",
        "On Hand",
        "To Buy",
        "Unit",
        "Product",
        "Brand",
        "Packages To Buy",
        "Estimated Cost (USD)",
        "Recipes",
    ]
    data = csv_bytes(header, rows)
    assert parse(data)[1:] == [
        ["ingredient", "Baking", "Flour", "1480", "200", "1280", "g", "Big bag", "Mill & Co",
         "1", "3.00", "Shortbread; Sugar Cookies"],
        ["ingredient", "Baking", "Sugar", "500", "0", "500", "g", "Organic", "", "2", "6.00",
         "Shortbread; Sugar Cookies"],
        ["ingredient", "Baking", "Vanilla", "4.929", "0", "4.929", "ml", "Bottle", "", "1", "",
         "Shortbread"],
        ["ingredient", "Dairy", "Butter", "500", "250", "250", "g", "Block", "", "1", "2.50",
         "Shortbread"],
        ["packaging", "Packaging", "Cellophane bag", "8", "5", "3", "each", "Pack of 10", "",
         "1", "2.00", "Cookie Bag"],
        ["packaging", "Packaging", "Ribbon", "14", "0", "14", "each", "Spool", "", "1", "5.00",
         "Cookie Bag; Shortbread Tin"],
        ["packaging", "", "Cookie tin", "3", "0", "3", "each", "", "", "", "",
         "Shortbread Tin"],
    ]  # fmt: skip


def test_csv_is_utf8_with_bom_crlf_and_rfc4180_quoting():
    data = csv_bytes(["Name", "Notes"], [['Nuts, "mixed"', "two\nlines"], ["Crème", 3]])
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    assert text == 'Name,Notes\r\n"Nuts, ""mixed""","two\nlines"\r\nCrème,3\r\n'


def test_header_is_written_even_with_no_rows(gift_world, tx):
    data = shopping_list_csv(tx, gift_world.other_event.pk)
    assert parse(data) == [
        [
            "Kind",
            "Category",
            "Ingredient",
            "Needed",
            "On Hand",
            "To Buy",
            "Unit",
            "Product",
            "Brand",
            "Packages To Buy",
            "Estimated Cost (USD)",
            "Recipes",
        ]
    ]
    assert data.endswith(b"Recipes\r\n")


@override_settings(CURRENCY="EUR")
def test_currency_comes_from_settings(gift_world, tx):
    header, _ = shopping_list_rows(tx, gift_world.event.pk)
    assert "Estimated Cost (EUR)" in header


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_text_is_escaped(start):
    assert escape_text(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_ordinary_text_is_not_escaped():
    assert escape_text("Flour") == "Flour"
    assert escape_text("") == ""
    assert escape_text("a=b") == "a=b"


@pytest.mark.parametrize(
    "blank",
    [" ", "   ", "\n", "\r\n", "\u3000", "\u00a0", "\u200b", "\u200d", "\ufeff", " \u3000\n"],
    ids=["space", "spaces", "newline", "crlf", "ideographic", "nbsp", "zwsp", "zwj", "bom", "mix"],
)
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formula_after_leading_whitespace_is_escaped(blank, start):
    value = f"{blank}{start}SUM(A1:A9)"
    assert escape_text(value) == "'" + value


@pytest.mark.parametrize("start", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_full_width_formula_start_is_escaped(start):
    assert escape_text(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


@pytest.mark.parametrize("start", ["\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_full_width_formula_start_after_ideographic_space_is_escaped(start):
    value = f"\u3000{start}1+1"
    assert escape_text(value) == "'" + value


def test_whitespace_only_and_inner_formula_signs_are_not_escaped():
    assert escape_text("   ") == "   "
    assert escape_text("\u3000") == "\u3000"
    assert escape_text(" Flour = 500 g") == " Flour = 500 g"


def test_pipe_and_percent_are_plain_text():
    # Neither starts a formula in a spreadsheet on its own, so no quote is added in front.
    assert escape_text("|a|b|") == "|a|b|"
    assert escape_text("%20 off") == "%20 off"


def test_negative_figures_stay_numbers_but_negative_looking_text_is_escaped():
    data = csv_bytes(
        ["Name", "Amount", "Count"],
        [[Text("-5 for the fair"), cost_to_string(Decimal("-2.5")), -3]],
    )
    assert parse(data)[1] == ["'-5 for the fair", "-2.50", "-3"]


def test_hidden_formula_in_notes_and_address_is_escaped_in_the_file(gift_world, tx):
    # Notes and addresses are stored as typed, leading spaces and all.
    Assignment.objects.filter(event=gift_world.event).update(notes="\u3000=1+1")
    Recipient.objects.filter(household=gift_world.household).update(address="\n\uff20SUM(A1)")
    rows = parse(assignments_csv(tx, gift_world.event.pk))[1:]
    assert rows
    assert {row[7] for row in rows} == {"'\u3000=1+1"}
    assert {row[2] for row in rows} == {"'\n\uff20SUM(A1)"}


def test_formula_injection_in_names_is_escaped_in_the_file(gift_world, tx):
    evil = ingredient(gift_world.household, '=HYPERLINK("http://x","y")', "weight",
                      category="-Evil")  # fmt: skip
    line(gift_world.household, gift_world.cookies, evil, 5, "g")
    rows = parse(shopping_list_csv(tx, gift_world.event.pk))
    row = next(r for r in rows if "HYPERLINK" in r[2])
    assert row[1] == "'-Evil"
    assert row[2] == '\'=HYPERLINK("http://x","y")'
    assert row[3] == "10"  # numbers are written as they are


def test_no_packaging_leaves_packaging_rows_out(gift_world, tx):
    rows = parse(shopping_list_csv(tx, gift_world.event.pk, include_packaging=False))
    assert {r[0] for r in rows[1:]} == {"ingredient"}


def test_event_summary_rows_hand_computed(household, tx):
    w = build_estimate_world(household)
    header, rows = event_summary_rows(tx, w.event.pk)
    assert header == [
        "Kind",
        "Name",
        "Household Name",
        "Event Date",
        "Assignments",
        "Packages",
        "Estimated Cost (USD)",
    ]
    assert parse(csv_bytes(header, rows))[1:] == [
        ["recipient", "Ann", "", "2026-12-24", "2", "3", "6.90"],
        ["recipient", "Ben", "", "2026-12-24", "1", "3", "2.70"],
        ["total", "Winter Fair", "", "2026-12-24", "3", "6", "9.60"],
    ]


def test_assignments_rows_are_a_packing_list_by_recipient(gift_world, tx):
    header, rows = assignments_rows(tx, gift_world.event.pk)
    assert header == [
        "Recipient",
        "Household Name",
        "Address",
        "Package",
        "Quantity",
        "Contents",
        "Status",
        "Notes",
    ]
    assert parse(csv_bytes(header, rows))[1:] == [
        ["Ann", "", "1 Elm St", "Deluxe", "2", "1 × Cookie Bag; 1 × Shortbread Tin", "pending",
         ""],
        ["Ben", "The Bens", "", "Deluxe", "1", "1 × Cookie Bag; 1 × Shortbread Tin", "pending",
         ""],
        ["Cat", "", "", "Simple", "1", "2 × Cookie Bag", "pending", ""],
    ]  # fmt: skip


# --- Commands ---------------------------------------------------------------------------------


def test_command_writes_the_default_file_name(gift_world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("export_shopping_list", "Christmas 2026", stdout=out)
    written = (tmp_path / "christmas-2026-shopping-list.csv").read_bytes()
    with unit_of_work(gift_world.household, read_only=True) as tx:
        assert written == shopping_list_csv(tx, gift_world.event.pk)
    assert "christmas-2026-shopping-list.csv" in out.getvalue()


def test_command_finds_the_event_by_slug_and_household_by_name_or_id(
    gift_world, tmp_path, outsider_household
):
    first = tmp_path / "a.csv"
    second = tmp_path / "b.csv"
    call_command(
        "export_shopping_list", "christmas-2026", "--household", "baker family",
        "--output", str(first), stdout=io.StringIO(),
    )  # fmt: skip
    call_command(
        "export_shopping_list", "CHRISTMAS 2026", "--household", str(gift_world.household.pk),
        "--output", str(second), stdout=io.StringIO(),
    )  # fmt: skip
    assert first.read_bytes() == second.read_bytes()
    assert parse(first.read_bytes())[1][2] == "Flour"


def test_command_refuses_to_overwrite_without_force(gift_world, tmp_path):
    target = tmp_path / "list.csv"
    target.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists; use --force"):
        call_command("export_shopping_list", "Christmas 2026", "--output", str(target))
    assert target.read_bytes() == b"keep me"
    call_command(
        "export_shopping_list", "Christmas 2026", "--output", str(target), "--force",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert target.read_bytes().startswith(BOM)


def test_command_writes_to_standard_output_with_a_dash(gift_world):
    out = io.StringIO()
    call_command("export_shopping_list", "Christmas 2026", "--output", "-", "--no-packaging",
                 stdout=out)  # fmt: skip
    text = out.getvalue()
    assert text.startswith("\ufeffKind,Category,Ingredient,")
    assert "\r\ningredient,Baking,Flour,1480," in text
    assert "packaging" not in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["Nope"], "No event named or with slug 'Nope' in household 'Baker Family'."),
        (["Christmas 2026", "--household", "Nobody"], "No household named or numbered 'Nobody'."),
    ],
)
def test_user_mistakes_are_one_line_command_errors(gift_world, tmp_path, argv, message):
    with pytest.raises(CommandError) as exc:
        call_command("export_shopping_list", *argv, "--output", str(tmp_path / "x.csv"))
    assert str(exc.value) == message
    assert not (tmp_path / "x.csv").exists()


def test_more_than_one_household_needs_the_option(gift_world, outsider_household):
    with pytest.raises(CommandError, match="There are 2 households; choose one with --household"):
        call_command("export_shopping_list", "Christmas 2026", "--output", "-")


def test_other_households_event_is_not_exported(gift_world, outsider_household, tmp_path):
    with pytest.raises(CommandError, match="No event named"):
        call_command(
            "export_shopping_list", "Christmas 2026", "--household", "Other Family",
            "--output", str(tmp_path / "x.csv"),
        )  # fmt: skip


def test_missing_folder_is_a_clear_error(gift_world, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command(
            "export_shopping_list", "Christmas 2026", "--output", str(tmp_path / "no" / "x.csv")
        )


def test_unknown_event_exits_non_zero_with_one_line(gift_world, tmp_path, monkeypatch, capsys):
    from django.core.management import load_command_class

    # run_from_argv (what manage.py calls) closes every connection when it ends; the test's
    # own transaction must survive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    command = load_command_class("events", "export_shopping_list")
    with pytest.raises(SystemExit) as exc:
        command.run_from_argv(
            ["manage.py", "export_shopping_list", "Nope", "--output", str(tmp_path / "x.csv")]
        )
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "CommandError: No event named or with slug 'Nope' in household 'Baker Family'."
    ]


def test_summary_and_assignments_commands_write_their_files(gift_world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("export_event_summary", "Christmas 2026", stdout=io.StringIO())
    call_command("export_assignments", "Christmas 2026", stdout=io.StringIO())
    summary = parse((tmp_path / "christmas-2026-summary.csv").read_bytes())
    assignments = parse((tmp_path / "christmas-2026-assignments.csv").read_bytes())
    assert [r[0] for r in summary[1:]] == [
        "recipient", "recipient", "recipient", "total", "missing_price", "missing_price",
    ]  # fmt: skip
    assert [r[1] for r in summary[-2:]] == ["Cookie tin", "Vanilla"]
    assert [r[0] for r in assignments[1:]] == ["Ann", "Ben", "Cat"]
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_assignments", "Christmas 2026")


def test_web_download_gives_the_same_bytes_as_the_command(gift_world, member_client, tmp_path):
    target = tmp_path / "list.csv"
    call_command("export_shopping_list", "Christmas 2026", "--output", str(target),
                 stdout=io.StringIO())  # fmt: skip
    response = member_client.get(
        reverse("events:event_shopping_list_csv", args=[gift_world.event.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="christmas-2026-shopping-list.csv"' in response["Content-Disposition"]
    assert response.content == target.read_bytes()


def test_web_download_without_packaging_matches_the_command_option(
    gift_world, member_client, tmp_path
):
    target = tmp_path / "list.csv"
    call_command("export_shopping_list", "Christmas 2026", "--no-packaging", "--output",
                 str(target), stdout=io.StringIO())  # fmt: skip
    url = reverse("events:event_shopping_list_csv", args=[gift_world.event.pk])
    response = member_client.get(url, {"include_packaging": "0"})
    assert response.content == target.read_bytes()


def test_a_domain_error_is_a_one_line_command_error(gift_world, tmp_path):
    line(gift_world.household, gift_world.shortbread, gift_world.butter, 1, "cup")
    with pytest.raises(CommandError) as exc:
        call_command("export_shopping_list", "Christmas 2026", "--output", str(tmp_path / "x.csv"))
    assert "no density" in str(exc.value)
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "x.csv").exists()
