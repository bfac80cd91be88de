"""Progress against the plan: the target where set, otherwise what the packages need."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bakeplanner.errors import NotFound
from bakeplanner.testing import assert_all_or_nothing
from bakeplanner.tx import unit_of_work
from events.models import AssemblyTarget, ProductionTarget
from events.services import (
    accept_suggested_plan,
    get_event_plan_progress,
    get_events_with_plan,
    get_production_progress,
)
from events.services.plan_progress import plan_steps
from events.tests.demand_fixtures import (
    assembly_run,
    build_gift_world,
    build_scaled_world,
    production_run,
    production_target,
)
from events.tests.demand_fixtures import event as make_event
from events.views.events import PLAN_ROWS_PER_PAGE

# The gift world's Christmas needs (no targets): Sugar Cookies 2 batches (80 cookies),
# Shortbread 2 batches (30 fingers); Cookie Bag 8 (5 loose, 3 inside tins), Shortbread Tin 3.


@pytest.fixture
def world(household):
    return build_gift_world(household)


def _rows(plan, kind):
    return {row["name"]: row for row in plan[kind]}


def test_rows_without_a_target_follow_what_the_packages_need(tx, world):
    plan = get_event_plan_progress(tx, world.event.pk)
    baking = _rows(plan, "baking")
    assert {name: (r["plan"], r["suggested"]) for name, r in baking.items()} == {
        "Shortbread": (2, True),
        "Sugar Cookies": (2, True),
    }
    packing = _rows(plan, "packing")
    assert {name: (r["plan"], r["suggested"]) for name, r in packing.items()} == {
        "Cookie Bag": (8, True),
        "Shortbread Tin": (3, True),
    }
    assert plan["overall"]["suggested_rows"] == 4
    assert plan["overall"]["batches_left"] == 4


def test_a_bake_without_a_target_moves_the_plan_but_not_the_target_progress(tx, world):
    production_run(world.household, world.cookies, world.cookie, 1, event=world.event)
    row = _rows(get_event_plan_progress(tx, world.event.pk), "baking")["Sugar Cookies"]
    assert (row["done"], row["remaining"], row["progress_pct"]) == (1, 1, 50.0)
    assert get_production_progress(tx, world.event.pk) == []


def test_a_target_replaces_the_need_in_the_plan(tx, world):
    production_target(world.household, world.event, world.shortbread, 5)
    row = _rows(get_event_plan_progress(tx, world.event.pk), "baking")["Shortbread"]
    assert (row["plan"], row["target"], row["needed"], row["suggested"]) == (5, 5, 2, False)


def test_reversed_runs_and_other_events_runs_do_not_count(tx, world):
    production_run(
        world.household, world.cookies, world.cookie, 2, event=world.event, reversed_=True
    )
    production_run(world.household, world.cookies, world.cookie, 2, event=world.other_event)
    production_run(world.household, world.cookies, world.cookie, 2)
    row = _rows(get_event_plan_progress(tx, world.event.pk), "baking")["Sugar Cookies"]
    assert row["done"] == 0


def test_packing_counts_against_the_gift_box_plan(tx, world):
    assembly_run(world.household, world.cookie_bag, 8, event=world.event)
    plan = get_event_plan_progress(tx, world.event.pk)
    assert _rows(plan, "packing")["Cookie Bag"]["is_complete"]
    assert plan["overall"]["packing_complete"] == 1
    assert plan["overall"]["status"] == "in_progress"


def test_the_baking_row_names_the_baked_item_the_event_needs(tx, world):
    row = _rows(get_event_plan_progress(tx, world.event.pk), "baking")["Shortbread"]
    assert row["finished_unit_id"] == world.finger.pk


def test_a_target_for_a_recipe_nobody_needs_still_names_a_baked_item(tx, world):
    production_target(world.household, world.other_event, world.cookies, 3)
    row = _rows(get_event_plan_progress(tx, world.other_event.pk), "baking")["Sugar Cookies"]
    assert (row["plan"], row["finished_unit_id"]) == (3, world.cookie.pk)


def test_days_left_count_down_to_the_event(tx, world):
    plan = get_event_plan_progress(tx, world.event.pk)
    assert plan["days_left"] == (world.event.event_date - timezone.localdate()).days


def test_another_households_event_is_not_found(tx, outsider_household):
    other = build_gift_world(outsider_household)
    with pytest.raises(NotFound):
        get_event_plan_progress(tx, other.event.pk)
    with pytest.raises(NotFound):
        accept_suggested_plan(tx, other.event.pk)


def test_the_dashboard_lists_only_this_households_events(tx, world, outsider_household):
    build_gift_world(outsider_household)
    names = [row["event_name"] for row in get_events_with_plan(tx, filter="all")]
    assert names == ["Christmas 2026", "New Year 2027"]


def test_accepting_the_plan_fills_only_the_rows_without_a_target(tx, world):
    production_target(world.household, world.event, world.shortbread, 5)
    result = accept_suggested_plan(tx, world.event.pk)
    assert result == {"baking": 1, "packing": 2}
    targets = dict(
        ProductionTarget.objects.filter(event=world.event).values_list(
            "recipe__name", "target_batches"
        )
    )
    assert targets == {"Shortbread": 5, "Sugar Cookies": 2}
    boxes = dict(
        AssemblyTarget.objects.filter(event=world.event).values_list(
            "finished_good__name", "target_quantity"
        )
    )
    assert boxes == {"Cookie Bag": 8, "Shortbread Tin": 3}
    assert get_event_plan_progress(tx, world.event.pk)["overall"]["suggested_rows"] == 0


def test_accepting_the_plan_is_all_or_nothing(household, world):
    assert_all_or_nothing(
        household,
        lambda tx: accept_suggested_plan(tx, world.event.pk),
        expect_changed={"events.ProductionTarget", "events.AssemblyTarget"},
    )


def test_next_steps_bake_what_the_plan_needs_first(tx, world):
    steps = plan_steps(get_events_with_plan(tx))
    kinds = [(step["kind"], step.get("row", {}).get("name"), step["count"]) for step in steps]
    assert kinds[:2] == [("bake", "Shortbread", 2), ("bake", "Sugar Cookies", 2)]
    assert ("pack", "Cookie Bag", 8) in kinds
    assert kinds[-1] == ("ready", None, 4)


def _queries(household, call):
    with unit_of_work(household, read_only=True) as tx, CaptureQueriesContext(connection) as ctx:
        call(tx)
    return len(ctx.captured_queries)


def test_the_dashboard_reads_a_constant_number_of_queries(household, outsider_household):
    build_scaled_world(outsider_household, 1)
    small = _queries(outsider_household, lambda tx: get_events_with_plan(tx))
    build_scaled_world(household, 6)
    for index in range(4):
        make_event(household, f"Extra {index}", on=dt.date(2026, 12, 20 + index))
    large = _queries(household, lambda tx: get_events_with_plan(tx))
    assert small == large


# --- Pages ---------------------------------------------------------------------------------


def test_home_page_next_step_opens_record_baking_filled_in(member_client, world):
    html = member_client.get("/").content.decode()
    assert "Bake 2 more batches of Shortbread" in html
    assert "Record baking" in html and "Record packing" in html
    start = html.index(reverse("production:production_run_create") + "?")
    link = html[start : html.index('"', start)].replace("&amp;", "&")
    query = parse_qs(urlparse(link).query)
    assert query["event"] == [str(world.event.pk)]
    assert query["finished_unit"] == [str(world.finger.pk)]
    assert query["batches"] == ["2"]


def test_home_page_marks_suggested_rows_and_offers_to_accept_them(member_client, world):
    html = member_client.get("/").content.decode()
    assert "suggested" in html
    assert reverse("events:event_accept_plan", args=[world.event.pk]) in html


def test_a_viewer_sees_the_plan_but_no_buttons(viewer_client, world):
    html = viewer_client.get("/").content.decode()
    assert "Shortbread" in html
    assert "Accept the plan" not in html and "Record baking" not in html


def test_accept_the_plan_button_sets_targets_and_says_so(member_client, world):
    url = reverse("events:event_accept_plan", args=[world.event.pk])
    response = member_client.post(url, {"next": "/"}, follow=True)
    assert "Accepted the plan: 2 baking targets and 2 packing targets set." in (
        response.content.decode()
    )
    assert response.redirect_chain[-1][0] == "/"
    assert ProductionTarget.objects.filter(event=world.event).count() == 2


def test_accept_the_plan_ignores_a_next_address_elsewhere(member_client, world):
    url = reverse("events:event_accept_plan", args=[world.event.pk])
    response = member_client.post(url, {"next": "https://example.com/"})
    assert response.url == reverse("events:event_detail", args=[world.event.pk])


def test_a_viewer_cannot_accept_the_plan(viewer_client, world):
    url = reverse("events:event_accept_plan", args=[world.event.pk])
    response = viewer_client.post(url)
    assert response.status_code == 403
    assert not ProductionTarget.objects.exists()


def test_accepting_another_households_plan_is_not_found(member_client, outsider_household):
    other = build_gift_world(outsider_household)
    url = reverse("events:event_accept_plan", args=[other.event.pk])
    assert member_client.post(url).status_code == 404
    assert not ProductionTarget.objects.exists()


def test_event_page_plan_tab_shows_record_links_and_targets(member_client, world):
    production_target(world.household, world.event, world.shortbread, 5)
    html = member_client.get(reverse("events:event_detail", args=[world.event.pk])).content.decode()
    assert "0 of 5 batches" in html and "0 of 2 batches" in html
    assert "Record baking<span" in html and "Record packing<span" in html
    assert "Change target" in html and "Set target" in html


def test_an_empty_event_shows_its_first_steps(member_client, household):
    empty = make_event(household, "Easter", on=dt.date(2027, 4, 4))
    html = member_client.get(reverse("events:event_detail", args=[empty.pk])).content.decode()
    assert "First steps" in html and "Add recipients" in html


def test_packages_tab_filters_by_status(member_client, world):
    world.ann_deluxe.fulfillment_status = "delivered"
    world.ann_deluxe.save()
    url = reverse("events:event_detail", args=[world.event.pk])
    html = member_client.get(url + "?tab=packages&status=delivered").content.decode()
    assert ">Ann</a>" in html and ">Ben</a>" not in html
    assert "Step back" in html


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


# The small world belongs to the member's household, the large one to the outsider's: each
# client sees only its own.


@pytest.mark.parametrize("tab", ["plan", "packages"])
def test_event_page_reads_a_constant_number_of_queries(
    member_client, household, outsider_client, outsider_household, tab
):
    small = build_scaled_world(household, 1).event
    large = build_scaled_world(outsider_household, 12).event
    query = f"?tab={tab}"
    small_count = _page_queries(
        member_client, reverse("events:event_detail", args=[small.pk]) + query
    )
    large_count = _page_queries(
        outsider_client, reverse("events:event_detail", args=[large.pk]) + query
    )
    assert small_count == large_count


def test_home_page_reads_a_constant_number_of_queries(
    member_client, household, outsider_client, outsider_household
):
    build_scaled_world(household, 1)
    build_scaled_world(outsider_household, 12)
    assert _page_queries(member_client, "/") == _page_queries(outsider_client, "/")


def test_a_long_plan_is_shown_a_page_at_a_time(member_client, household):
    world = build_scaled_world(household, 65)
    url = reverse("events:event_detail", args=[world.event.pk])
    last_page = -(-65 // PLAN_ROWS_PER_PAGE)
    first = member_client.get(url).content.decode()
    last = member_client.get(url + f"?tab=plan&page={last_page}").content.decode()
    # By name, "Cake 9" sorts last of "Cake 0" … "Cake 64".
    assert "Cake 0<" in first and "Cake 9<" not in first
    assert "Cake 9<" in last and "Cake 0<" not in last
    assert first.count('class="plan-row') <= 2 * PLAN_ROWS_PER_PAGE  # baking and packing
    assert "65 recipes and" in first


def test_the_next_step_link_opens_record_baking_with_everything_chosen(member_client, world):
    html = member_client.get("/").content.decode()
    start = html.index(reverse("production:production_run_create") + "?")
    link = html[start : html.index('"', start)].replace("&amp;", "&")
    form = member_client.get(link).content.decode()
    assert f'<option value="{world.finger.pk}" selected>' in form
    assert f'<option value="{world.event.pk}" selected>' in form
    assert 'name="num_batches" value="2"' in form


def test_baked_items_are_read_only_for_recipes_planned_by_target_alone(tx, world):
    with CaptureQueriesContext(connection) as needed_only:
        get_event_plan_progress(tx, world.event.pk)
    production_target(world.household, world.other_event, world.cookies, 3)
    with CaptureQueriesContext(connection) as with_target_only:
        get_event_plan_progress(tx, world.other_event.pk)
    units_read = 'FROM "production_finishedunit"'
    assert not any(units_read in q["sql"] for q in needed_only)
    assert sum(units_read in q["sql"] for q in with_target_only) == 1
