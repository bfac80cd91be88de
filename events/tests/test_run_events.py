"""Which event a run counts towards: the suggestion for "Record baking" and moving a recorded
run to another event afterwards."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.text import slugify

from bakeplanner.errors import InvalidTransition, NotFound
from bakeplanner.testing import assert_all_or_nothing, count_statements, db_snapshot
from bakeplanner.tx import unit_of_work
from events.models import Assignment, Event, Package, PackageItem, ProductionTarget, Recipient
from events.services import (
    get_assembly_progress,
    get_event_plan,
    get_production_progress,
    set_assembly_run_event,
    set_assembly_target,
    set_production_run_event,
    set_production_target,
    suggest_event_for_baking,
)
from events.services.run_events import MAX_EVENTS_CHECKED
from production.models import (
    AssemblyRun,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    ProductionRun,
    Recipe,
    RunEventChange,
)
from production.services import (
    record_assembly,
    record_batch_production,
    reverse_production_run,
)

# --- A small world: cookies in boxes, fudge in tins, events around today ----------------------


def make_event(household, name, days_from_today):
    return Event.objects.create(
        household=household,
        name=name,
        event_date=timezone.localdate() + dt.timedelta(days=days_from_today),
        slug=slugify(name),
    )


def build_bake_world(household):
    """Sugar Cookies (48 a batch) go 12 to a Cookie Box; Fudge (24 a batch) 6 to a Fudge Tin.
    The Gift package is one Cookie Box; the Sweet package one Fudge Tin. No ingredients, so
    any number of batches can be baked."""
    h = household
    cookies = Recipe.objects.create(household=h, name="Sugar Cookies")
    cookie = FinishedUnit.objects.create(
        household=h, recipe=cookies, name="cookie", items_per_batch=48, item_unit="cookie"
    )
    fudge = Recipe.objects.create(household=h, name="Fudge")
    fudge_square = FinishedUnit.objects.create(
        household=h, recipe=fudge, name="fudge square", items_per_batch=24
    )
    cookie_box = FinishedGood.objects.create(household=h, name="Cookie Box")
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=cookie_box,
        component_type=FinishedGoodComponent.FINISHED_UNIT,
        finished_unit=cookie,
        quantity=12,
    )
    fudge_tin = FinishedGood.objects.create(household=h, name="Fudge Tin")
    FinishedGoodComponent.objects.create(
        household=h,
        finished_good=fudge_tin,
        component_type=FinishedGoodComponent.FINISHED_UNIT,
        finished_unit=fudge_square,
        quantity=6,
    )
    gift = Package.objects.create(household=h, name="Gift")
    PackageItem.objects.create(household=h, package=gift, finished_good=cookie_box, quantity=1)
    sweet = Package.objects.create(household=h, name="Sweet")
    PackageItem.objects.create(household=h, package=sweet, finished_good=fudge_tin, quantity=1)
    anna = Recipient.objects.create(household=h, name="Anna")
    return SimpleNamespace(
        household=h,
        cookies=cookies,
        cookie=cookie,
        fudge=fudge,
        fudge_square=fudge_square,
        cookie_box=cookie_box,
        fudge_tin=fudge_tin,
        gift=gift,
        sweet=sweet,
        anna=anna,
    )


@pytest.fixture
def bake_world(household, member):
    return build_bake_world(household)


def give(world, event, package, quantity):
    return Assignment.objects.create(
        household=world.household,
        event=event,
        recipient=world.anna,
        package=package,
        quantity=quantity,
    )


def target(world, event, recipe, batches):
    return ProductionTarget.objects.create(
        household=world.household, event=event, recipe=recipe, target_batches=batches
    )


def bake(world, batches=1, *, event=None, unit=None, actor=None):
    unit = unit or world.cookie
    with unit_of_work(world.household, actor=actor) as tx:
        return record_batch_production(
            tx,
            unit.recipe_id,
            unit.pk,
            batches,
            batches * unit.items_per_batch,
            event_id=event.pk if event else None,
        )


def suggested(world, unit=None):
    with unit_of_work(world.household, read_only=True) as tx:
        return suggest_event_for_baking(tx, (unit or world.cookie).pk)


# --- suggest_event_for_baking --------------------------------------------------------------


def test_nearest_upcoming_event_with_batches_left_is_suggested(bake_world):
    w = bake_world
    later = make_event(w.household, "New Year", 30)
    soon = make_event(w.household, "Christmas", 10)
    target(w, later, w.cookies, 2)
    target(w, soon, w.cookies, 2)
    assert suggested(w) == soon


def test_an_event_today_is_still_upcoming(bake_world):
    w = bake_world
    today = make_event(w.household, "Party", 0)
    target(w, today, w.cookies, 1)
    assert suggested(w) == today


def test_past_events_are_passed_by(bake_world):
    w = bake_world
    past = make_event(w.household, "Last Christmas", -1)
    target(w, past, w.cookies, 3)
    later = make_event(w.household, "New Year", 30)
    target(w, later, w.cookies, 1)
    assert suggested(w) == later


def test_an_event_whose_target_is_baked_is_passed_by(bake_world):
    w = bake_world
    soon = make_event(w.household, "Christmas", 10)
    target(w, soon, w.cookies, 2)
    bake(w, 2, event=soon)
    later = make_event(w.household, "New Year", 30)
    target(w, later, w.cookies, 1)
    assert suggested(w) == later


def test_an_undone_run_does_not_count_as_baked(bake_world):
    w = bake_world
    soon = make_event(w.household, "Christmas", 10)
    target(w, soon, w.cookies, 1)
    run = bake(w, 1, event=soon)
    with unit_of_work(w.household) as tx:
        reverse_production_run(tx, run["id"], reason="dropped the tray")
    assert suggested(w) == soon


def test_without_a_target_the_events_demand_decides(bake_world):
    w = bake_world
    soon = make_event(w.household, "Christmas", 10)
    give(w, soon, w.gift, 4)  # 4 boxes × 12 cookies = 48: one batch
    assert suggested(w) == soon
    bake(w, 1, event=soon)
    assert suggested(w) is None


def test_a_target_wins_over_the_demand(bake_world):
    w = bake_world
    soon = make_event(w.household, "Christmas", 10)
    give(w, soon, w.gift, 8)  # the demand would be two batches
    target(w, soon, w.cookies, 1)
    bake(w, 1, event=soon)
    assert suggested(w) is None


def test_an_event_that_needs_only_other_recipes_is_passed_by(bake_world):
    w = bake_world
    soon = make_event(w.household, "Christmas", 10)
    give(w, soon, w.sweet, 4)
    target(w, soon, w.fudge, 1)
    later = make_event(w.household, "New Year", 30)
    give(w, later, w.gift, 1)
    assert suggested(w) == later
    assert suggested(w, w.fudge_square) == soon


def test_a_later_event_with_a_target_follows_nearer_ones_that_need_other_recipes(bake_world):
    w = bake_world
    give(w, make_event(w.household, "Fair", 3), w.sweet, 2)
    later = make_event(w.household, "Christmas", 10)
    target(w, later, w.cookies, 1)
    assert suggested(w) == later


def test_a_gift_box_that_contains_itself_gives_no_suggestion_and_no_error(bake_world):
    w = bake_world
    outer, inner = w.cookie_box, w.fudge_tin
    for good, nested in ((outer, inner), (inner, outer)):
        FinishedGoodComponent.objects.create(
            household=w.household,
            finished_good=good,
            component_type=FinishedGoodComponent.FINISHED_GOOD,
            nested_good=nested,
            quantity=1,
        )
    give(w, make_event(w.household, "Christmas", 10), w.gift, 1)
    assert suggested(w) is None


def test_nothing_is_suggested_when_no_event_needs_the_item(bake_world):
    w = bake_world
    make_event(w.household, "Christmas", 10)  # no target, nothing assigned
    past = make_event(w.household, "Last Christmas", -30)
    give(w, past, w.gift, 4)
    assert suggested(w) is None


def test_another_households_events_are_never_suggested(bake_world, outsider_household):
    w = bake_world
    theirs = make_event(outsider_household, "Their Christmas", 5)
    ProductionTarget.objects.create(
        household=outsider_household, event=theirs, recipe=w.cookies, target_batches=1
    )
    assert suggested(w) is None


def test_another_households_baked_item_is_not_found(bake_world, outsider_household):
    other = build_bake_world(outsider_household)
    with unit_of_work(bake_world.household, read_only=True) as tx:
        with pytest.raises(NotFound):
            suggest_event_for_baking(tx, other.cookie.pk)


def _statements_to_suggest(world):
    return count_statements(
        world.household, lambda tx: suggest_event_for_baking(tx, world.cookie.pk), read_only=True
    )


def test_the_suggestion_reads_the_demand_of_the_nearest_events_in_one_load(bake_world):
    """Every upcoming event has fudge assigned and no cookies: only their demand can tell,
    and it is read once for the nearest few, however many events there are."""
    w = bake_world
    baseline = _statements_to_suggest(w)  # the unit of work, the baked item, the events
    for day in range(1, MAX_EVENTS_CHECKED + 2):
        give(w, make_event(w.household, f"Fair {day}", day), w.sweet, 1)
    few = _statements_to_suggest(w)
    for day in range(MAX_EVENTS_CHECKED + 2, 40):
        give(w, make_event(w.household, f"Fair {day}", day), w.sweet, 1)
    assert _statements_to_suggest(w) == few
    assert few <= baseline + 7


def test_events_with_a_target_need_no_demand_load(bake_world):
    w = bake_world
    baseline = _statements_to_suggest(w)
    soon = make_event(w.household, "Christmas", 10)
    give(w, soon, w.gift, 4)
    target(w, soon, w.cookies, 1)
    assert _statements_to_suggest(w) == baseline


# --- set_production_run_event ------------------------------------------------------------------


@pytest.fixture
def moving(bake_world, member):
    """A baking run of one batch for Christmas; New Year is another upcoming event."""
    w = bake_world
    w.christmas = make_event(w.household, "Christmas", 10)
    w.new_year = make_event(w.household, "New Year", 30)
    w.member = member
    w.run = bake(w, 1, event=w.christmas)
    return w


def move(world, run_id, event, *, actor=None, assembly=False):
    service = set_assembly_run_event if assembly else set_production_run_event
    with unit_of_work(world.household, actor=actor or world.member) as tx:
        return service(tx, run_id, event.pk if isinstance(event, Event) else event)


def test_moving_a_baking_run_changes_its_event(moving):
    w = moving
    move(w, w.run["id"], w.new_year)
    assert ProductionRun.objects.get(pk=w.run["id"]).event_id == w.new_year.pk


def test_moving_a_baking_run_to_stock_for_later_clears_its_event(moving):
    w = moving
    move(w, w.run["id"], None)
    assert ProductionRun.objects.get(pk=w.run["id"]).event_id is None


def test_a_move_is_kept_in_the_runs_history_with_who_and_when(moving):
    w = moving
    before = timezone.now()
    move(w, w.run["id"], w.new_year)
    change = RunEventChange.objects.get()
    assert change.production_run_id == w.run["id"] and change.assembly_run_id is None
    assert (change.old_event_id, change.new_event_id) == (w.christmas.pk, w.new_year.pk)
    assert (change.old_event_name, change.new_event_name) == ("Christmas", "New Year")
    assert change.changed_by == w.member
    assert change.changed_at >= before
    assert change.household_id == w.household.pk


def test_a_run_for_no_event_can_be_given_one(bake_world, member):
    w = bake_world
    w.member = member
    christmas = make_event(w.household, "Christmas", 10)
    run = bake(w, 1)
    move(w, run["id"], christmas)
    change = RunEventChange.objects.get()
    assert (change.old_event_id, change.old_event_name) == (None, "")
    assert ProductionRun.objects.get(pk=run["id"]).event_id == christmas.pk


def test_moving_to_the_same_event_writes_nothing(moving):
    w = moving
    before = db_snapshot()
    assert move(w, w.run["id"], w.christmas) is None
    assert db_snapshot() == before


def test_progress_follows_the_move_at_once(moving):
    w = moving
    target(w, w.christmas, w.cookies, 2)
    target(w, w.new_year, w.cookies, 2)

    def baked(event):
        with unit_of_work(w.household, read_only=True) as tx:
            return get_production_progress(tx, event.pk)[0]["produced_batches"]

    assert (baked(w.christmas), baked(w.new_year)) == (1, 0)
    move(w, w.run["id"], w.new_year)
    assert (baked(w.christmas), baked(w.new_year)) == (0, 1)


def test_the_plan_follows_the_move_at_once(moving):
    w = moving
    give(w, w.new_year, w.gift, 4)

    def plan_row(event):
        with unit_of_work(w.household, read_only=True) as tx:
            rows = get_event_plan(tx, event.pk)["production"]
        return next((row for row in rows if row["recipe_id"] == w.cookies.pk), None)

    assert plan_row(w.new_year)["produced_batches"] == 0
    move(w, w.run["id"], w.new_year)
    assert plan_row(w.new_year)["produced_batches"] == 1


def test_an_undone_run_keeps_its_event(moving):
    w = moving
    with unit_of_work(w.household) as tx:
        reverse_production_run(tx, w.run["id"], reason="burnt")
    before = db_snapshot()
    with pytest.raises(InvalidTransition, match="was undone on .* its event cannot be changed"):
        move(w, w.run["id"], w.new_year)
    assert db_snapshot() == before


def test_another_households_run_is_not_found(moving, outsider_household):
    w = moving
    before = db_snapshot()
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound, match="Baking run"):
            set_production_run_event(tx, w.run["id"], None)
    assert db_snapshot() == before


def test_another_households_event_is_not_found(moving, outsider_household):
    w = moving
    theirs = make_event(outsider_household, "Their Christmas", 5)
    before = db_snapshot()
    with pytest.raises(NotFound, match="Event"):
        move(w, w.run["id"], theirs)
    assert db_snapshot() == before


@pytest.mark.parametrize("bad", ["abc", -1, 10**12, True])
def test_an_event_id_that_is_no_event_is_not_found(moving, bad):
    w = moving
    before = db_snapshot()
    with pytest.raises(NotFound):
        move(w, w.run["id"], bad)
    assert db_snapshot() == before


def test_moving_a_baking_run_is_all_or_nothing(moving):
    w = moving
    assert_all_or_nothing(
        w.household,
        lambda tx: set_production_run_event(tx, w.run["id"], w.new_year.pk),
        expect_changed={"production.ProductionRun", "production.RunEventChange"},
        actor=w.member,
    )


def test_an_event_deleted_later_keeps_its_name_in_the_history(moving):
    w = moving
    move(w, w.run["id"], w.new_year)
    move(w, w.run["id"], w.christmas)
    w.new_year.delete()
    first, second = RunEventChange.objects.order_by("pk")
    assert (first.new_event_id, first.new_event_name) == (None, "New Year")
    assert (second.old_event_id, second.old_event_name) == (None, "New Year")


# --- set_assembly_run_event --------------------------------------------------------------------


@pytest.fixture
def packed(moving):
    """One Cookie Box packed for Christmas (from the run's 48 cookies)."""
    w = moving
    with unit_of_work(w.household) as tx:
        w.packing = record_assembly(tx, w.cookie_box.pk, 1, event_id=w.christmas.pk)
    return w


def test_moving_a_packing_run_changes_its_event_and_history(packed):
    w = packed
    move(w, w.packing["id"], w.new_year, assembly=True)
    assert AssemblyRun.objects.get(pk=w.packing["id"]).event_id == w.new_year.pk
    change = RunEventChange.objects.get()
    assert change.assembly_run_id == w.packing["id"] and change.production_run_id is None
    assert (change.old_event_name, change.new_event_name, change.changed_by) == (
        "Christmas",
        "New Year",
        w.member,
    )


def test_packing_progress_follows_the_move_at_once(packed):
    w = packed
    with unit_of_work(w.household) as tx:
        set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, 1)
        set_assembly_target(tx, w.new_year.pk, w.cookie_box.pk, 1)

    def packed_for(event):
        with unit_of_work(w.household, read_only=True) as tx:
            return get_assembly_progress(tx, event.pk)[0]["assembled_quantity"]

    assert (packed_for(w.christmas), packed_for(w.new_year)) == (1, 0)
    move(w, w.packing["id"], None, assembly=True)
    assert (packed_for(w.christmas), packed_for(w.new_year)) == (0, 0)
    move(w, w.packing["id"], w.new_year, assembly=True)
    assert (packed_for(w.christmas), packed_for(w.new_year)) == (0, 1)


def test_a_packing_run_is_not_a_baking_run(packed):
    w = packed
    before = db_snapshot()
    with pytest.raises(NotFound, match="Packing run"):
        move(w, w.run["id"] + 1000, w.new_year, assembly=True)
    assert db_snapshot() == before


def test_moving_a_packing_run_is_all_or_nothing(packed):
    w = packed
    assert_all_or_nothing(
        w.household,
        lambda tx: set_assembly_run_event(tx, w.packing["id"], None),
        expect_changed={"production.AssemblyRun", "production.RunEventChange"},
        actor=w.member,
    )


def test_targets_set_through_the_service_count_for_the_suggestion(bake_world):
    w = bake_world
    soon = make_event(w.household, "Christmas", 10)
    with unit_of_work(w.household) as tx:
        set_production_target(tx, soon.pk, w.cookies.pk, 1)
    assert suggested(w) == soon
