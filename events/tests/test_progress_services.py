"""Progress against targets (docs/design.md, "Progress"; "Worked example", last case)."""

from __future__ import annotations

import json

import pytest

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.tx import unit_of_work
from events.services import (
    get_assembly_progress,
    get_event_overall_progress,
    get_events_with_progress,
    get_production_progress,
)
from events.tests.progress_fixtures import (
    assembly_target,
    assign,
    make_assembly,
    make_event,
    make_good,
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
    return event, recipe, unit


def test_spec_example_target_4_then_50_then_125_percent(household, christmas, tx):
    event, recipe, unit = christmas
    other = make_event(household, "Easter", days_ahead=120)
    make_run(household, recipe, unit, 2, event=event)
    make_run(household, recipe, unit, 3)  # standalone: does not count
    make_run(household, recipe, unit, 3, event=other)  # another event's: does not count
    [row] = get_production_progress(tx, event.pk)
    assert row["produced_batches"] == 2
    assert row["progress_pct"] == 50.0
    assert row["is_complete"] is False
    make_run(household, recipe, unit, 3, event=event)
    [row] = get_production_progress(tx, event.pk)
    assert row == {
        "recipe_id": recipe.pk,
        "recipe_name": "Sugar Cookies",
        "target_batches": 4,
        "produced_batches": 5,
        "produced_yield": 240,
        "progress_pct": 125.0,
        "is_complete": True,
    }


def test_reversed_runs_do_not_count(household, christmas, tx):
    event, recipe, unit = christmas
    make_run(household, recipe, unit, 4, event=event, reversed_=True)
    [row] = get_production_progress(tx, event.pk)
    assert row["produced_batches"] == 0
    assert get_event_overall_progress(tx, event.pk)["status"] == "not_started"


def test_assembly_progress_counts_only_the_events_runs(household, christmas, tx):
    event, *_ = christmas
    tin = make_good(household)
    assembly_target(household, event, tin, 10)
    make_assembly(household, tin, 4, event=event)
    make_assembly(household, tin, 6)
    make_assembly(household, tin, 6, event=event, reversed_=True)
    [row] = get_assembly_progress(tx, event.pk)
    assert row["assembled_quantity"] == 4
    assert row["progress_pct"] == 40.0
    assert row["finished_good_name"] == "Cookie Tin"


def test_overall_caps_each_target_at_100_and_counts_packages(household, christmas, tx):
    event, recipe, unit = christmas
    tin = make_good(household)
    assembly_target(household, event, tin, 10)
    make_run(household, recipe, unit, 8, event=event)  # 200 %
    make_assembly(household, tin, 5, event=event)  # 50 %
    box = make_package(household)
    assign(household, event, "Ann", box, quantity=3, status="pending")
    assign(household, event, "Bob", box, quantity=2, status="ready")
    assign(household, event, "Cy", box, quantity=1, status="delivered")
    overall = get_event_overall_progress(tx, event.pk)
    assert overall["production_pct"] == 100.0
    assert overall["assembly_pct"] == 50.0
    assert overall["overall_pct"] == 75.0
    assert overall["production_complete_count"] == 1
    assert overall["assembly_complete_count"] == 0
    assert (overall["packages_pending"], overall["packages_ready"]) == (3, 2)
    assert (overall["packages_delivered"], overall["packages_total"]) == (1, 6)
    assert overall["assignments_total"] == 3 and overall["assignments_delivered"] == 1
    assert overall["status"] == "in_progress"
    json.dumps(overall)


def test_status_complete_when_every_target_is_met(household, christmas, tx):
    event, recipe, unit = christmas
    make_run(household, recipe, unit, 4, event=event)
    assert get_event_overall_progress(tx, event.pk)["status"] == "complete"


def test_runs_without_targets_are_in_progress(household, tx):
    event = make_event(household, "No targets")
    recipe, unit = make_recipe(household)
    make_run(household, recipe, unit, 1, event=event)
    overall = get_event_overall_progress(tx, event.pk)
    assert overall["status"] == "in_progress"
    assert overall["overall_pct"] == 0.0


def test_other_households_event_is_not_found(christmas, outsider_household):
    event, *_ = christmas
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            get_event_overall_progress(tx, event.pk)


def test_events_with_progress_filters_and_orders(household, tx):
    make_event(household, "B later", days_ahead=40)
    make_event(household, "A later", days_ahead=40)
    make_event(household, "Soon", days_ahead=2)
    make_event(household, "Last year", days_ahead=-300)
    names = [e["event_name"] for e in get_events_with_progress(tx)]
    assert names == ["Soon", "A later", "B later"]
    assert [e["event_name"] for e in get_events_with_progress(tx, filter="past")] == ["Last year"]
    assert len(get_events_with_progress(tx, filter="all")) == 4
    soon = get_events_with_progress(tx, filter="all", date_from=None, date_to="2199-01-01")
    assert len(soon) == 4
    with pytest.raises(ValidationFailed):
        get_events_with_progress(tx, filter="future")
    with pytest.raises(ValidationFailed):
        get_events_with_progress(tx, date_from="yesterday")


def _world(household, events):
    recipe, unit = make_recipe(household, name=f"Recipe {events}")
    tin = make_good(household, name=f"Tin {events}")
    box = make_package(household, name=f"Box {events}")
    for index in range(events):
        event = make_event(household, f"Event {events}-{index}", days_ahead=10 + index)
        production_target(household, event, recipe, 2)
        assembly_target(household, event, tin, 3)
        make_run(household, recipe, unit, 1, event=event)
        make_assembly(household, tin, 1, event=event)
        assign(household, event, f"R{events}-{index}", box, quantity=2)


def test_events_with_progress_query_count_does_not_grow(household, django_assert_max_num_queries):
    for size in (2, 12):
        _world(household, size)
        with unit_of_work(household, read_only=True) as tx:
            with django_assert_max_num_queries(8):
                rows = get_events_with_progress(tx, filter="all")
        assert all(row["overall_progress"]["assignments_total"] == 1 for row in rows)


def test_progress_sees_a_run_recorded_earlier_in_the_same_unit_of_work(household, christmas):
    event, recipe, unit = christmas
    with unit_of_work(household) as tx:
        make_run(household, recipe, unit, 2, event=event)
        [row] = get_events_with_progress(tx)[0]["production_progress"]
        assert row["produced_batches"] == 2
