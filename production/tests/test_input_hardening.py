"""Bad numbers, out-of-range dates, double submits and rows deleted under a form, on the
run and catalogue pages: each gets a clear answer and changes nothing
(docs/security.md)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from bakeplanner.errors import NotFound
from bakeplanner.models import FormSubmission
from bakeplanner.testing import db_snapshot
from production.models import (
    InventoryLot,
    ProductionRun,
    Purchase,
    Recipe,
    StockAdjustment,
)
from production.services import run_inputs
from production.services.lookup import get_owned
from production.tests import run_fixtures
from production.tests.run_fixtures import make_event
from production.tests.test_runs_views import production_post

HUGE = "1e400000"

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests


def _guarded_int(value, *args):
    """int() that refuses to build a number with thousands of digits."""
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > 30:
        raise AssertionError(f"int() of a {value.adjusted()}-digit number")
    return int(value, *args)


# --- Input bounds -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["num_batches", "scale"])
def test_huge_exponent_on_the_baking_check_is_refused_without_building_it(
    spec_world, member_client, monkeypatch, field
):
    monkeypatch.setattr(run_inputs, "int", _guarded_int, raising=False)
    params = {"finished_unit": spec_world.cookie.pk, "num_batches": "1", "scale": "1"}
    params[field] = HUGE
    response = member_client.get(reverse("production:check_can_produce"), params)
    assert response.status_code == 400
    assert "at most" in response.json()["error"]


def test_huge_exponent_on_the_packing_check_is_refused_without_building_it(
    assembly_world, member_client, monkeypatch
):
    monkeypatch.setattr(run_inputs, "int", _guarded_int, raising=False)
    response = member_client.get(
        reverse("production:check_can_assemble"),
        {"finished_good": assembly_world.cookie_bag.pk, "quantity": HUGE},
    )
    assert response.status_code == 400
    assert "at most" in response.json()["error"]


def test_whole_number_checks_the_range_before_converting():
    with mock.patch.object(run_inputs, "int", _guarded_int, create=True):
        with pytest.raises(run_inputs.ValidationFailed, match="at most 1000"):
            run_inputs.whole_number(Decimal(HUGE), "Batches", minimum=1, maximum=1000)
        with pytest.raises(run_inputs.ValidationFailed, match="at least 1"):
            run_inputs.whole_number(Decimal("-" + HUGE), "Batches", minimum=1, maximum=1000)


@pytest.mark.parametrize("text", ["9" * 5000, "1" + "0" * 100, "0." + "0" * 100 + "1"])
def test_overlong_number_text_is_not_a_number(spec_world, member_client, text):
    response = member_client.get(
        reverse("production:check_can_produce"),
        {"finished_unit": spec_world.cookie.pk, "num_batches": text},
    )
    assert response.status_code == 400
    assert response.json()["error"]


def test_huge_numbers_in_a_recipe_line_are_a_form_error(spec_world, member_client):
    before = db_snapshot()
    response = member_client.post(
        reverse("production:recipe_line_create", args=[spec_world.cookies.pk]),
        {"ingredient_id": spec_world.flour.pk, "quantity": HUGE, "unit": "g", "notes": ""},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert db_snapshot() == before


# --- Dates and times in range -------------------------------------------------------------


@override_settings(TIME_ZONE="Europe/Berlin")
@pytest.mark.parametrize(
    "when",
    ["0001-01-01", "0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T10:00", "2201-01-01T00:00"],
)
def test_baking_time_outside_the_accepted_years_is_a_form_error(spec_world, member_client, when):
    before = db_snapshot()
    response = member_client.post(
        reverse("production:production_run_create"), production_post(spec_world, produced_at=when)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "between 1900 and 2200" in html
    assert db_snapshot() == before


@override_settings(TIME_ZONE="Europe/Berlin")
def test_baking_time_at_the_edges_of_the_range_is_recorded_and_listed(spec_world, member_client):
    for when in ("1900-01-01T00:00", "2200-12-31T23:59"):
        response = member_client.post(
            reverse("production:production_run_create"),
            production_post(spec_world, num_batches=1, actual_yield="", produced_at=when),
        )
        assert response.status_code == 302
    assert ProductionRun.objects.count() == 2
    assert member_client.get(reverse("production:production_run_list")).status_code == 200
    for run in ProductionRun.objects.all():
        detail = reverse("production:production_run_detail", args=[run.pk])
        assert member_client.get(detail).status_code == 200


@override_settings(TIME_ZONE="Europe/Berlin")
@pytest.mark.parametrize(
    "params",
    [
        {"end": "9999-12-31"},
        {"start": "0001-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
    ],
)
def test_history_filter_outside_the_accepted_years_is_a_message(spec_world, member_client, params):
    for name in ("production:production_run_list", "production:assembly_run_list"):
        response = member_client.get(reverse(name), params)
        assert response.status_code == 200
        assert "between 1900 and 2200" in response.content.decode()


def test_recording_baking_service_refuses_year_one(tx, spec_world):
    from production.services import record_batch_production

    with pytest.raises(run_inputs.ValidationFailed, match="between 1900 and 2200"):
        record_batch_production(
            tx, spec_world.cookies.pk, spec_world.cookie.pk, 1, 48, produced_at="0001-01-01"
        )
    assert not ProductionRun.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_purchase_date_outside_the_accepted_years_is_a_form_error(spec_world, member_client, day):
    before = db_snapshot()
    response = member_client.post(
        reverse("production:purchase_create"),
        {
            "product_id": spec_world.flour_big.pk,
            "purchased_on": day,
            "packages": "1",
            "price_per_package": "3.00",
            "supplier": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "between 1900 and 2200" in response.content.decode()
    assert db_snapshot() == before


# --- Double submits -----------------------------------------------------------------------


def _token(html: str) -> str:
    match = re.search(r'name="submit_token" value="([^"]+)"', html)
    assert match, "the form carries a one-time token"
    return match.group(1)


def test_the_same_baking_post_twice_records_one_run(spec_world, member_client):
    page = member_client.get(reverse("production:production_run_create")).content.decode()
    data = production_post(spec_world, submit_token=_token(page))
    first = member_client.post(reverse("production:production_run_create"), data)
    stock_after_first = db_snapshot()
    second = member_client.post(reverse("production:production_run_create"), data, follow=True)
    run = ProductionRun.objects.get()
    detail = reverse("production:production_run_detail", args=[run.pk])
    assert first["Location"] == detail
    assert second.redirect_chain[-1][0] == detail
    assert "already saved" in second.content.decode()
    assert db_snapshot() == stock_after_first


def test_a_refused_baking_leaves_its_token_free_for_the_corrected_form(spec_world, member_client):
    data = production_post(spec_world, num_batches=10, actual_yield="", submit_token="tok-1")
    refused = member_client.post(reverse("production:production_run_create"), data)
    assert refused.status_code == 200
    assert 'value="tok-1"' in refused.content.decode()  # the re-shown form keeps its token
    assert not FormSubmission.objects.exists()
    fixed = member_client.post(
        reverse("production:production_run_create"),
        production_post(spec_world, num_batches=1, actual_yield="", submit_token="tok-1"),
    )
    assert fixed.status_code == 302
    assert ProductionRun.objects.count() == 1


def test_two_forms_each_record_their_own_run(spec_world, member_client):
    for token in ("tok-a", "tok-b"):
        member_client.post(
            reverse("production:production_run_create"),
            production_post(spec_world, num_batches=1, actual_yield="", submit_token=token),
        )
    assert ProductionRun.objects.count() == 2


def test_another_households_token_is_not_shown_its_record(
    spec_world, member_client, outsider_client, outsider_household
):
    data = production_post(spec_world, num_batches=1, actual_yield="", submit_token="shared")
    member_client.post(reverse("production:production_run_create"), data)
    response = outsider_client.post(
        reverse("production:production_run_create"), {"submit_token": "shared"}
    )
    assert response.status_code == 200  # just the outsider's own (invalid) form
    assert ProductionRun.objects.count() == 1


def test_the_same_packing_post_twice_records_one_run(assembly_world, member_client):
    from production.models import AssemblyRun

    page = member_client.get(reverse("production:assembly_run_create")).content.decode()
    data = {
        "finished_good": assembly_world.cookie_bag.pk,
        "quantity": 1,
        "event": "",
        "assembled_at": "",
        "notes": "",
        "submit_token": _token(page),
    }
    member_client.post(reverse("production:assembly_run_create"), data)
    second = member_client.post(reverse("production:assembly_run_create"), data)
    run = AssemblyRun.objects.get()
    assert second["Location"] == reverse("production:assembly_run_detail", args=[run.pk])


def test_the_same_purchase_post_twice_records_one_purchase(spec_world, member_client):
    page = member_client.get(reverse("production:purchase_create")).content.decode()
    before = Purchase.objects.count()
    data = {
        "product_id": spec_world.flour_big.pk,
        "purchased_on": "2026-11-30",
        "packages": "2",
        "price_per_package": "3.10",
        "supplier": "",
        "notes": "",
        "submit_token": _token(page),
    }
    member_client.post(reverse("production:purchase_create"), data)
    second = member_client.post(reverse("production:purchase_create"), data, follow=True)
    assert Purchase.objects.count() == before + 1
    assert "already saved" in second.content.decode()


def test_the_same_stock_adjustment_twice_adjusts_once(spec_world, member_client):
    url = reverse("production:finished_unit_adjust", args=[spec_world.cookie.pk])
    token = _token(member_client.get(url).content.decode())
    data = {"change": "12", "reason": "gift", "notes": "", "submit_token": token}
    member_client.post(url, data)
    member_client.post(url, data)
    assert StockAdjustment.objects.count() == 1
    spec_world.cookie.refresh_from_db()
    assert spec_world.cookie.inventory_count == 12


# --- Deleted under a form -----------------------------------------------------------------


def test_a_row_deleted_while_the_form_was_open_reads_as_gone(spec_world, member_client):
    purchase = Purchase.objects.filter(product=spec_world.flour_big).get()
    before = db_snapshot()
    with mock.patch(
        "production.views.ingredients.update_purchase",
        side_effect=InventoryLot.DoesNotExist("InventoryLot matching query does not exist."),
    ):
        response = member_client.post(
            reverse("production:purchase_edit", args=[purchase.pk]),
            {
                "product_id": spec_world.flour_big.pk,
                "purchased_on": "2026-02-01",
                "packages": "1",
                "price_per_package": "2.50",
                "supplier": "",
                "notes": "",
            },
        )
    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()
    assert db_snapshot() == before


# --- Commands -----------------------------------------------------------------------------


@override_settings(TIME_ZONE="Europe/Berlin")
@pytest.mark.parametrize("option", [["--to", "9999-12-31"], ["--from", "0001-01-01"]])
def test_history_export_refuses_dates_outside_the_accepted_years(spec_world, option):
    make_event(spec_world.household)
    with pytest.raises(CommandError, match="outside the accepted years"):
        call_command("export_production_history", *option, "--output", "-")


def test_dates_module_bounds():
    from bakeplanner.dates import EARLIEST, LATEST, in_range

    assert in_range(EARLIEST) and in_range(LATEST)
    assert not in_range(EARLIEST - dt.timedelta(days=1))
    assert not in_range(LATEST + dt.timedelta(days=1))


# --- NUL bytes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, params",
    [
        ("production:ingredient_list", {"q": "flour\x00"}),
        ("production:inventory", {"kind": "\x00"}),
        ("production:purchase_list", {"q\x00": "x"}),
    ],
)
def test_a_nul_byte_in_the_address_is_a_clear_400(spec_world, member_client, url_name, params):
    response = member_client.get(reverse(url_name), params)
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()


def test_a_nul_byte_in_a_form_is_refused_and_changes_nothing(spec_world, member_client):
    before = db_snapshot()
    response = member_client.post(
        reverse("production:ingredient_create"), {"name": "Rye\x00", "stock_family": "weight"}
    )
    assert response.status_code == 400
    assert db_snapshot() == before


@pytest.mark.parametrize("bad", [1.5, float("inf"), float("nan"), True, "1.5", None])
def test_an_id_that_is_no_whole_number_names_no_row(tx, bad):
    Recipe.objects.create(household=tx.household, name="Row one")
    with pytest.raises(NotFound):
        get_owned(tx, Recipe, bad)
