"""Record baking preselects the event, a run's page changes its event, and the baking
history downloads as CSV."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.csv_export import production_history_csv
from events.models import Recipient
from events.tests.test_run_events import (
    bake,
    bake_world,  # noqa: F401 (a fixture these tests use)
    build_bake_world,
    give,
    make_event,
    target,
)
from production.models import (
    AssemblyRun,
    FinishedUnit,
    ProductionRun,
    Recipe,
    RunEventChange,
)
from production.services import record_assembly, reverse_production_run

NEW = reverse("production:production_run_create")


def selected(html: str, field: str) -> list[str]:
    """The values of the selected options of a select."""
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    assert select, f"no select {field}"
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))


def number_value(html: str, field: str) -> str | None:
    found = re.search(rf'<input type="number" name="{field}"[^>]*?value="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.fixture
def world(bake_world):  # noqa: F811 (the imported fixture)
    """Christmas in ten days needs one batch of cookies (4 boxes of 12); New Year has a
    target of 2 batches of fudge."""
    w = bake_world
    w.christmas = make_event(w.household, "Christmas", 10)
    give(w, w.christmas, w.gift, 4)
    w.new_year = make_event(w.household, "New Year", 30)
    target(w, w.new_year, w.fudge, 2)
    return w


# --- Record baking: the event preselected ------------------------------------------------------


def test_choosing_a_baked_item_by_link_preselects_the_event_that_needs_it(world, member_client):
    html = member_client.get(NEW, {"finished_unit": world.cookie.pk}).content.decode()
    assert selected(html, "finished_unit") == [str(world.cookie.pk)]
    assert selected(html, "event") == [str(world.christmas.pk)]
    assert '<option value="">No event (stock for later)</option>' in html
    assert not ProductionRun.objects.exists()


def test_each_baked_item_preselects_its_own_event(world, member_client):
    html = member_client.get(NEW, {"finished_unit": world.fudge_square.pk}).content.decode()
    assert selected(html, "event") == [str(world.new_year.pk)]


def test_a_baked_item_no_event_needs_preselects_no_event(world, member_client):
    bake(world, 1, event=world.christmas)  # Christmas has its batch now
    html = member_client.get(NEW, {"finished_unit": world.cookie.pk}).content.decode()
    assert selected(html, "event") == [""]


def test_without_a_baked_item_no_event_is_preselected(world, member_client):
    html = member_client.get(NEW).content.decode()
    assert selected(html, "finished_unit") == [""] and selected(html, "event") == [""]
    assert f'data-suggest-url="{reverse("production:production_run_suggest_event")}"' in html
    assert 'data-event-chosen="0"' in html
    assert "js/run_event.js" in html


def test_the_three_link_parameters_fill_the_form(world, member_client):
    page = member_client.get(
        NEW,
        {"finished_unit": world.cookie.pk, "event": world.new_year.pk, "batches": 3},
    )
    html = page.content.decode()
    assert selected(html, "finished_unit") == [str(world.cookie.pk)]
    assert selected(html, "event") == [str(world.new_year.pk)]  # the link's, not the suggestion
    assert number_value(html, "num_batches") == "3"
    assert 'data-event-chosen="1"' in html


def test_an_empty_event_in_the_link_means_stock_for_later(world, member_client):
    html = member_client.get(NEW, {"finished_unit": world.cookie.pk, "event": ""}).content
    assert selected(html.decode(), "event") == [""]
    assert b'data-event-chosen="1"' in html


def test_a_recipe_in_the_link_chooses_its_first_baked_item(world, member_client):
    FinishedUnit.objects.create(
        household=world.household, recipe=world.cookies, name="big cookie", items_per_batch=12
    )
    html = member_client.get(NEW, {"recipe": world.cookies.pk}).content.decode()
    big = FinishedUnit.objects.get(name="big cookie")
    assert selected(html, "finished_unit") == [str(big.pk)]  # "big cookie" before "cookie"
    assert selected(html, "event") == [str(world.christmas.pk)]


@pytest.mark.parametrize(
    "query",
    [
        {"finished_unit": "abc", "event": "x", "batches": "0"},
        {"finished_unit": "999999", "recipe": "999999", "batches": "100000000"},
        {"batches": "-2", "event": "999999"},
        {"finished_unit": "²"},
    ],
)
def test_link_parameters_that_are_not_the_households_are_ignored(world, member_client, query):
    response = member_client.get(NEW, query)
    html = response.content.decode()
    assert response.status_code == 200
    assert selected(html, "finished_unit") == [""]
    assert number_value(html, "num_batches") == "1"
    assert not ProductionRun.objects.exists()


def test_another_households_baked_item_and_event_in_a_link_are_ignored(
    world, member_client, outsider_household
):
    other = build_bake_world(outsider_household)
    theirs = make_event(outsider_household, "Their Party", 5)
    html = member_client.get(
        NEW, {"finished_unit": other.cookie.pk, "event": theirs.pk}
    ).content.decode()
    assert selected(html, "finished_unit") == [""] and selected(html, "event") == [""]
    assert "Their Party" not in html


def test_recording_with_the_preselected_event_counts_towards_it(world, member_client):
    response = member_client.post(
        NEW,
        {
            "finished_unit": world.cookie.pk,
            "num_batches": 1,
            "scale": "1",
            "event": world.christmas.pk,
        },
        follow=True,
    )
    run = ProductionRun.objects.get()
    assert run.event_id == world.christmas.pk
    assert "Counts towards <strong>Christmas</strong>" in response.content.decode()


def test_choosing_no_event_on_the_form_keeps_the_baking_as_stock(world, member_client):
    member_client.post(
        NEW, {"finished_unit": world.cookie.pk, "num_batches": 1, "scale": "1", "event": ""}
    )
    assert ProductionRun.objects.get().event_id is None


def test_a_refused_form_keeps_the_event_the_person_chose(world, member_client):
    response = member_client.post(
        NEW, {"finished_unit": world.cookie.pk, "num_batches": 0, "scale": "1", "event": ""}
    )
    html = response.content.decode()
    assert selected(html, "event") == [""] and 'data-event-chosen="1"' in html
    assert not ProductionRun.objects.exists()


def _record_page_queries(client, unit):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(NEW, {"finished_unit": unit.pk})
    assert response.status_code == 200
    return len(captured)


def test_the_record_page_costs_the_same_queries_for_a_large_household(world, member_client):
    small = _record_page_queries(member_client, world.cookie)
    w = world
    for number in range(40):
        recipe = Recipe.objects.create(household=w.household, name=f"Recipe {number}")
        FinishedUnit.objects.create(
            household=w.household, recipe=recipe, name=f"item {number}", items_per_batch=10
        )
        event = make_event(w.household, f"Event {number}", 40 + number)
        target(w, event, recipe, 3)
        w.anna = Recipient.objects.create(household=w.household, name=f"Person {number}")
        give(w, event, w.gift, 2)
        bake(w, 1, event=event, unit=w.fudge_square)
    assert _record_page_queries(member_client, w.cookie) == small


def test_viewer_cannot_open_record_baking(world, viewer_client):
    assert viewer_client.get(NEW).status_code == 403


# --- The suggestion as JSON ---------------------------------------------------------------------


SUGGEST = reverse("production:production_run_suggest_event")


def test_the_suggestion_endpoint_names_the_event(world, member_client):
    data = member_client.get(SUGGEST, {"finished_unit": world.cookie.pk}).json()
    assert data == {"event_id": world.christmas.pk, "event_name": "Christmas"}


def test_the_suggestion_endpoint_says_stock_when_nothing_needs_it(world, member_client):
    bake(world, 1, event=world.christmas)
    data = member_client.get(SUGGEST, {"finished_unit": world.cookie.pk}).json()
    assert data == {"event_id": None, "event_name": ""}


def test_the_suggestion_endpoint_refuses_a_missing_or_foreign_item(
    world, member_client, outsider_household
):
    other = build_bake_world(outsider_household)
    assert member_client.get(SUGGEST).status_code == 400
    assert member_client.get(SUGGEST, {"finished_unit": other.cookie.pk}).status_code == 404
    assert member_client.get(SUGGEST, {"finished_unit": "x"}).status_code == 404


# --- Changing a run's event on its page ---------------------------------------------------------


@pytest.fixture
def baked(world, member):
    world.member = member
    world.run = bake(world, 1, event=world.christmas, actor=member)
    return world


def detail_url(world):
    return reverse("production:production_run_detail", args=[world.run["id"]])


def event_url(world):
    return reverse("production:production_run_event", args=[world.run["id"]])


def test_a_member_sees_the_change_event_form(baked, member_client):
    html = member_client.get(detail_url(baked)).content.decode()
    assert f'action="{event_url(baked)}"' in html
    assert selected(html, "event") == [str(baked.christmas.pk)]
    assert "Change event" in html


def test_changing_the_event_moves_the_run_and_shows_the_history(baked, member_client):
    response = member_client.post(event_url(baked), {"event": baked.new_year.pk}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == detail_url(baked)
    assert f"Baking run {baked.run['id']} now counts towards New Year." in html
    assert "Counts towards <strong>New Year</strong>" in html
    assert re.search(r"<td>mia</td><td>Christmas</td><td>New Year</td>", html)
    assert ProductionRun.objects.get(pk=baked.run["id"]).event_id == baked.new_year.pk
    assert RunEventChange.objects.get().changed_by == baked.member


def test_changing_to_stock_for_later_clears_the_event(baked, member_client):
    html = member_client.post(event_url(baked), {"event": ""}, follow=True).content.decode()
    assert f"Baking run {baked.run['id']} is now stock for later." in html
    assert "<td>Christmas</td><td>Stock for later</td>" in html
    assert ProductionRun.objects.get(pk=baked.run["id"]).event_id is None


def test_choosing_the_same_event_changes_nothing(baked, member_client):
    before = db_snapshot()
    html = member_client.post(
        event_url(baked), {"event": baked.christmas.pk}, follow=True
    ).content.decode()
    assert "already counts towards Christmas" in html
    assert db_snapshot() == before


def test_a_viewer_sees_the_event_but_no_form(baked, viewer_client):
    html = viewer_client.get(detail_url(baked)).content.decode()
    assert "Counts towards <strong>Christmas</strong>" in html
    assert "Change event" not in html and event_url(baked) not in html


def test_a_viewer_cannot_change_the_event(baked, viewer_client):
    before = db_snapshot()
    assert viewer_client.post(event_url(baked), {"event": baked.new_year.pk}).status_code == 403
    assert db_snapshot() == before


def test_another_household_cannot_change_our_runs_event(baked, outsider_client):
    before = db_snapshot()
    assert outsider_client.post(event_url(baked), {"event": ""}).status_code == 404
    assert db_snapshot() == before


def test_another_households_event_is_refused_with_a_message(
    baked, member_client, outsider_household
):
    theirs = make_event(outsider_household, "Their Party", 5)
    before = db_snapshot()
    response = member_client.post(event_url(baked), {"event": theirs.pk}, follow=True)
    assert "Choose one of the events in the list" in response.content.decode()
    assert db_snapshot() == before


def test_an_undone_run_shows_no_form_and_refuses_a_change(baked, member_client):
    with unit_of_work(baked.household) as tx:
        reverse_production_run(tx, baked.run["id"], reason="burnt")
    page = member_client.get(detail_url(baked)).content.decode()
    assert "Change event" not in page
    before = db_snapshot()
    html = member_client.post(
        event_url(baked), {"event": baked.new_year.pk}, follow=True
    ).content.decode()
    assert "its event cannot be changed" in html
    assert db_snapshot() == before


def test_a_packing_runs_event_changes_on_its_page(baked, member_client):
    with unit_of_work(baked.household) as tx:
        packing = record_assembly(tx, baked.cookie_box.pk, 1, event_id=baked.christmas.pk)
    url = reverse("production:assembly_run_event", args=[packing["id"]])
    detail = reverse("production:assembly_run_detail", args=[packing["id"]])
    assert f'action="{url}"' in member_client.get(detail).content.decode()
    html = member_client.post(url, {"event": baked.new_year.pk}, follow=True).content.decode()
    assert f"Packing run {packing['id']} now counts towards New Year." in html
    assert "<td>Christmas</td><td>New Year</td>" in html
    assert AssemblyRun.objects.get(pk=packing["id"]).event_id == baked.new_year.pk


def test_the_change_event_page_takes_only_posts(baked, member_client):
    assert member_client.get(event_url(baked)).status_code == 405


# --- Baking history CSV ------------------------------------------------------------------------


CSV = reverse("production:production_history_csv")


def test_the_history_page_links_the_csv_with_its_filters(baked, viewer_client):
    html = viewer_client.get(
        reverse("production:production_run_list"),
        {"event": baked.christmas.pk, "start": "2020-01-01", "end": ""},
    ).content.decode()
    assert f'href="{CSV}?event={baked.christmas.pk}&amp;start=2020-01-01"' in html


def test_the_csv_is_the_bytes_the_command_writes(baked, viewer_client, tmp_path):
    response = viewer_client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="production-history.csv"' in response["Content-Disposition"]
    target_file = tmp_path / "history.csv"
    call_command("export_production_history", output=str(target_file))
    assert response.content == target_file.read_bytes()
    assert b"Sugar Cookies" in response.content


def test_the_csv_for_one_event_is_named_for_it(baked, member_client):
    bake(baked, 1, event=baked.new_year, unit=baked.fudge_square)
    response = member_client.get(CSV, {"event": baked.new_year.pk})
    assert 'filename="new-year-production-history.csv"' in response["Content-Disposition"]
    with unit_of_work(baked.household, read_only=True) as tx:
        assert response.content == production_history_csv(tx, event_id=baked.new_year.pk)
    assert b"Fudge" in response.content and b"Sugar Cookies" not in response.content


@pytest.mark.parametrize(
    "query", [{"start": "not a day"}, {"event": "abc"}, {"event": "999999"}, {"end": "1800-01-01"}]
)
def test_a_bad_csv_filter_goes_back_to_the_history_with_a_message(baked, member_client, query):
    response = member_client.get(CSV, query, follow=True)
    assert response.redirect_chain[-1][0] == reverse("production:production_run_list")
    assert "The baking history cannot be downloaded" in response.content.decode()


def test_another_households_event_is_no_csv_filter(baked, member_client, outsider_household):
    theirs = make_event(outsider_household, "Their Party", 5)
    response = member_client.get(CSV, {"event": theirs.pk}, follow=True)
    assert "cannot be downloaded" in response.content.decode()
