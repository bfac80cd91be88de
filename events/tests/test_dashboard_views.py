"""The dashboard home page."""

from __future__ import annotations

import pytest

from events.tests.progress_fixtures import (
    assign,
    make_event,
    make_package,
    make_recipe,
    make_run,
    production_target,
)


@pytest.fixture
def christmas(household):
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household)
    production_target(household, event, recipe, 4)
    make_run(household, recipe, unit, 2, event=event)
    assign(household, event, "Gran", make_package(household), quantity=2)
    return event


def test_dashboard_shows_progress_and_next_steps(member_client, christmas):
    html = member_client.get("/").content.decode()
    assert "Christmas" in html
    assert "2 of 4 batches" in html
    assert "Bake 2 more batches of Sugar Cookies" in html
    assert "Mark 2 packages ready" in html
    assert "In progress" in html


def test_dashboard_filters_past_events(member_client, household, christmas):
    make_event(household, "Last Christmas", days_ahead=-330)
    html = member_client.get("/?filter=past").content.decode()
    assert "Last Christmas" in html
    assert "2 of 4 batches" not in html


def test_dashboard_bad_filter_input_shows_message_not_error(member_client, christmas):
    response = member_client.get("/?filter=soon&date_from=yesterday")
    assert response.status_code == 200
    assert "Showing upcoming events" in response.content.decode()
    assert "Christmas" in response.content.decode()


def test_viewer_sees_dashboard(viewer_client, christmas):
    assert viewer_client.get("/").status_code == 200


def test_dashboard_query_count_does_not_grow(
    member_client, household, django_assert_max_num_queries
):
    recipe, unit = make_recipe(household)
    box = make_package(household)
    for size in (2, 10):
        for index in range(size):
            event = make_event(household, f"Event {size}-{index}", days_ahead=5 + index)
            production_target(household, event, recipe, 3)
            make_run(household, recipe, unit, 1, event=event)
            assign(household, event, f"R{size}-{index}", box)
        with django_assert_max_num_queries(16):
            assert member_client.get("/").status_code == 200


def test_the_event_date_on_a_card_follows_the_household_locale(member_client, christmas):
    household = christmas.household
    household.locale = "en-GB"
    household.save(update_fields=["locale"])
    html = member_client.get("/").content.decode()
    assert f"({christmas.event_date:%d/%m/%Y})" in html
    assert christmas.event_date.isoformat() not in html
