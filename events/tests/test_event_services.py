"""Event CRUD: slugs, years, updates, and deletes refused while something uses the event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from bakeplanner.errors import InUse, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from events.models import Assignment, Event, ProductionTarget
from events.services import (
    create_event,
    delete_event,
    get_all_events,
    get_available_years,
    get_event_by_id,
    get_event_by_name,
    get_event_by_slug,
    get_events_by_year,
    update_event,
)
from events.tests.conftest import assign
from production.models import AssemblyRun, FinishedGood, ProductionRun


def test_create_event_derives_slug_and_year(tx):
    event = create_event(tx, name="  Christmas 2026 ", event_date=dt.date(2026, 12, 24))
    assert event.name == "Christmas 2026"
    assert event.slug == "christmas-2026"
    assert event.year == 2026
    assert Event.objects.get().slug == "christmas-2026"


def test_slug_collisions_get_numbered_suffixes(tx):
    first = create_event(tx, name="Cookie Swap!", event_date="2026-12-01")
    second = create_event(tx, name="Cookie swap?", event_date="2026-12-02")
    third = create_event(tx, name="Cookie  Swap", event_date="2026-12-03")
    assert [first.slug, second.slug, third.slug] == [
        "cookie-swap",
        "cookie-swap-2",
        "cookie-swap-3",
    ]


def test_name_without_slug_characters_still_gets_a_slug(tx):
    assert create_event(tx, name="🎄🎁", event_date="2026-12-24").slug == "event"


def test_event_names_are_unique_case_insensitively(tx):
    create_event(tx, name="Christmas", event_date="2026-12-24")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_event(tx, name="CHRISTMAS", event_date="2027-12-24")
    assert Event.objects.count() == 1


def test_same_event_name_is_fine_in_another_household(household, outsider_household):
    with unit_of_work(household) as tx:
        create_event(tx, name="Christmas", event_date="2026-12-24")
    with unit_of_work(outsider_household) as other:
        assert create_event(other, name="Christmas", event_date="2026-12-24").slug == "christmas"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "event_date": "2026-12-24"}, "needs a name"),
        ({"name": "x" * 121, "event_date": "2026-12-24"}, "at most 120"),
        ({"name": "Party", "event_date": "24/12/2026"}, "not a date"),
        ({"name": "Party", "event_date": "2026-02-30"}, "not a date"),
        ({"name": "Party", "event_date": None}, "not a date"),
        ({"name": None, "event_date": "2026-12-24"}, "must be text"),
    ],
)
def test_bad_event_input_is_refused_and_changes_nothing(tx, fields, message):
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match=message):
        create_event(tx, **fields)
    assert db_snapshot() == before


def test_text_is_stored_as_given(tx):
    notes = "<b>Bring 'tins'</b> & \"bows\" — ünïcode"
    event = create_event(tx, name="<i>Party</i>", event_date="2026-12-24", notes=notes)
    assert Event.objects.get(pk=event.pk).notes == notes
    assert event.name == "<i>Party</i>"


def test_reads_by_id_name_slug_and_year(gift_world, tx):
    w = gift_world
    assert get_event_by_id(tx, w.christmas.pk) == w.christmas
    assert get_event_by_name(tx, "christmas 2026") == w.christmas
    assert get_event_by_slug(tx, "christmas-2025") == w.last_christmas
    assert get_all_events(tx) == [w.christmas, w.last_christmas]
    assert get_events_by_year(tx, 2025) == [w.last_christmas]
    assert get_events_by_year(tx, 2030) == []
    assert get_available_years(tx) == [2026, 2025]


def test_unknown_and_foreign_events_are_not_found(gift_world, outsider_household):
    w = gift_world
    with unit_of_work(outsider_household) as tx:
        for call in (
            lambda: get_event_by_id(tx, w.christmas.pk),
            lambda: get_event_by_name(tx, "Christmas 2026"),
            lambda: get_event_by_slug(tx, "christmas-2026"),
            lambda: get_event_by_id(tx, "abc"),  # type: ignore[arg-type]  # a malformed id
            lambda: update_event(tx, w.christmas.pk, notes="hi"),
            lambda: delete_event(tx, w.christmas.pk),
        ):
            with pytest.raises(NotFound):
                call()
        assert get_available_years(tx) == []
    assert Event.objects.filter(pk=w.christmas.pk, notes="").exists()


def test_update_event_changes_fields_and_follows_the_name_with_the_slug(gift_world, tx):
    w = gift_world
    event = update_event(
        tx, w.christmas.pk, name="Christmas Eve 2026", event_date="2026-12-23", notes="early"
    )
    stored = Event.objects.get(pk=w.christmas.pk)
    assert (stored.name, stored.slug, stored.event_date, stored.notes) == (
        "Christmas Eve 2026",
        "christmas-eve-2026",
        dt.date(2026, 12, 23),
        "early",
    )
    assert event.slug == stored.slug


def test_renaming_to_another_events_name_is_refused(gift_world, tx):
    with pytest.raises(ValidationFailed, match="already exists"):
        update_event(tx, gift_world.christmas.pk, name="christmas 2025")
    assert Event.objects.get(pk=gift_world.christmas.pk).name == "Christmas 2026"


def test_changing_only_the_case_of_the_name_is_allowed(gift_world, tx):
    assert update_event(tx, gift_world.christmas.pk, name="CHRISTMAS 2026").name == "CHRISTMAS 2026"


def test_update_event_refuses_unknown_fields(gift_world, tx):
    with pytest.raises(ValidationFailed, match="Unknown event field.*year"):
        update_event(tx, gift_world.christmas.pk, year=2030, notes="x")
    assert Event.objects.get(pk=gift_world.christmas.pk).notes == ""


def test_delete_event_is_refused_with_the_assignment_count(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.ben, w.small)
    with pytest.raises(InUse, match="has 2 assignment"):
        delete_event(tx, w.christmas.pk)
    assert Event.objects.filter(pk=w.christmas.pk).exists()
    assert Assignment.objects.count() == 2


def test_delete_event_with_cascade_removes_assignments_and_targets(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    kept = assign(w, w.last_christmas, w.anna, w.small)
    ProductionTarget.objects.create(
        household=w.household, event=w.christmas, recipe=w.cookies, target_batches=2
    )
    assert delete_event(tx, w.christmas.pk, cascade_assignments=True) == 1
    assert not Event.objects.filter(pk=w.christmas.pk).exists()
    assert list(Assignment.objects.all()) == [kept]
    assert not ProductionTarget.objects.exists()


def test_delete_event_without_assignments_needs_no_cascade(gift_world, tx):
    assert delete_event(tx, gift_world.last_christmas.pk) == 0
    assert not Event.objects.filter(pk=gift_world.last_christmas.pk).exists()


def _runs_for(world, event):
    production = ProductionRun.objects.create(
        household=world.household,
        recipe=world.cookies,
        finished_unit=world.cookie,
        event=event,
        num_batches=1,
        expected_yield=48,
        actual_yield=48,
        status=ProductionRun.COMPLETE,
        produced_at=timezone.now(),
        total_ingredient_cost=Decimal("1.00"),
    )
    assembly = AssemblyRun.objects.create(
        household=world.household,
        finished_good=FinishedGood.objects.get(pk=world.cookie_box.pk),
        event=event,
        quantity=1,
        assembled_at=timezone.now(),
    )
    return production, assembly


def test_delete_event_with_linked_runs_is_refused_and_runs_keep_their_event(gift_world, tx):
    w = gift_world
    production, assembly = _runs_for(w, w.christmas)
    with pytest.raises(InUse) as exc:
        delete_event(tx, w.christmas.pk, cascade_assignments=True)
    assert "1 baking run and 1 packing run are recorded" in str(exc.value)
    assert ProductionRun.objects.get(pk=production.pk).event_id == w.christmas.pk
    assert AssemblyRun.objects.get(pk=assembly.pk).event_id == w.christmas.pk
    assert Event.objects.filter(pk=w.christmas.pk).exists()


def test_create_update_and_cascading_delete_are_all_or_nothing(gift_world):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.ben, w.big, quantity=2)
    ProductionTarget.objects.create(
        household=w.household, event=w.christmas, recipe=w.cookies, target_batches=2
    )
    h = w.household
    assert_all_or_nothing(
        h,
        lambda tx: create_event(tx, name="Christmas", event_date="2027-12-24"),
        expect_changed={"events.Event"},
    )
    assert_all_or_nothing(
        h, lambda tx: update_event(tx, w.christmas.pk, name="Yule"), expect_changed={"events.Event"}
    )
    total = assert_all_or_nothing(
        h,
        lambda tx: delete_event(tx, w.christmas.pk, cascade_assignments=True),
        expect_changed={"events.Assignment", "events.Event", "events.ProductionTarget"},
    )
    assert total >= 4


def test_event_writes_are_logged(tx, caplog):
    caplog.set_level("INFO", logger="bakeplanner.events.events")
    event = create_event(tx, name="Party", event_date="2026-12-24")
    with pytest.raises(ValidationFailed):
        update_event(tx, event.pk, colour="red")
    outcomes = [(r.fields["operation"], r.fields["outcome"]) for r in caplog.records]
    assert outcomes == [("create_event", "success"), ("update_event", "rejected")]
    assert caplog.records[0].fields["event_id"] == event.pk
