"""Production and assembly targets: upserts, reads with relations loaded, deletes."""

from __future__ import annotations

import json

import pytest

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing
from bakeplanner.tx import unit_of_work
from events.models import AssemblyTarget, ProductionTarget
from events.services import (
    delete_assembly_target,
    delete_production_target,
    get_assembly_targets,
    get_production_targets,
    set_assembly_target,
    set_production_target,
)


def test_set_production_target_creates_then_updates_one_row(gift_world, tx):
    w = gift_world
    first = set_production_target(tx, w.christmas.pk, w.cookies.pk, 4, notes="two trays")
    again = set_production_target(tx, w.christmas.pk, w.cookies.pk, 6)
    assert first.pk == again.pk
    row = ProductionTarget.objects.get()
    assert (row.target_batches, row.notes) == (6, "")
    assert again.recipe.name == "Sugar Cookies"


def test_set_assembly_target_creates_then_updates_one_row(gift_world, tx):
    w = gift_world
    first = set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, 10)
    again = set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, 12, notes="spares")
    assert first.pk == again.pk
    row = AssemblyTarget.objects.get()
    assert (row.target_quantity, row.notes) == (12, "spares")


def test_targets_are_per_event(gift_world, tx):
    w = gift_world
    set_production_target(tx, w.christmas.pk, w.cookies.pk, 4)
    set_production_target(tx, w.last_christmas.pk, w.cookies.pk, 2)
    assert [t.target_batches for t in get_production_targets(tx, w.christmas.pk)] == [4]
    assert [t.target_batches for t in get_production_targets(tx, w.last_christmas.pk)] == [2]


@pytest.mark.parametrize("bad", [0, -1, "two", 1.5, None, True, 10_001])
def test_bad_target_numbers_are_refused_and_change_nothing(gift_world, tx, bad):
    w = gift_world
    with pytest.raises(ValidationFailed):
        set_production_target(tx, w.christmas.pk, w.cookies.pk, bad)
    with pytest.raises(ValidationFailed):
        set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, bad)
    assert not ProductionTarget.objects.exists()
    assert not AssemblyTarget.objects.exists()


def test_numeric_strings_are_accepted(gift_world, tx):
    target = set_production_target(tx, gift_world.christmas.pk, gift_world.cookies.pk, "3")
    assert target.target_batches == 3


def test_targets_read_with_relations_in_constant_queries(gift_world, tx, django_assert_num_queries):
    w = gift_world
    set_production_target(tx, w.christmas.pk, w.cookies.pk, 4)
    set_production_target(tx, w.christmas.pk, w.fudge.pk, 1)
    set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, 8)
    set_assembly_target(tx, w.christmas.pk, w.fudge_tin.pk, 3)
    with django_assert_num_queries(2):
        production = get_production_targets(tx, w.christmas.pk)
        names = [t.recipe.name for t in production]
    assert names == ["Fudge", "Sugar Cookies"]
    with django_assert_num_queries(2):
        assembly = get_assembly_targets(tx, w.christmas.pk)
        goods = [(t.finished_good.name, t.target_quantity) for t in assembly]
    assert goods == [("Cookie Box", 8), ("Fudge Tin", 3)]


def test_delete_targets_report_whether_a_row_went(gift_world, tx):
    w = gift_world
    set_production_target(tx, w.christmas.pk, w.cookies.pk, 4)
    set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, 8)
    assert delete_production_target(tx, w.christmas.pk, w.cookies.pk) is True
    assert delete_production_target(tx, w.christmas.pk, w.cookies.pk) is False
    assert delete_assembly_target(tx, w.christmas.pk, w.cookie_box.pk) is True
    assert delete_assembly_target(tx, w.christmas.pk, w.cookie_box.pk) is False
    assert delete_assembly_target(tx, w.christmas.pk, "junk") is False  # type: ignore[arg-type]  # a malformed id


def test_other_households_ids_are_not_found(gift_world, outsider_household):
    w = gift_world
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            set_production_target(tx, w.christmas.pk, w.cookies.pk, 1)
        with pytest.raises(NotFound):
            get_assembly_targets(tx, w.christmas.pk)
        with pytest.raises(NotFound):
            delete_production_target(tx, w.christmas.pk, w.cookies.pk)
    assert not ProductionTarget.objects.exists()


def test_recipe_of_another_household_is_not_found(gift_world, outsider_household, tx):
    from production.models import Recipe

    theirs = Recipe.objects.create(household=outsider_household, name="Their Cookies")
    with pytest.raises(NotFound):
        set_production_target(tx, gift_world.christmas.pk, theirs.pk, 1)


def test_set_targets_are_all_or_nothing(gift_world):
    w = gift_world
    ProductionTarget.objects.create(
        household=w.household, event=w.christmas, recipe=w.fudge, target_batches=1
    )
    assert_all_or_nothing(
        w.household,
        lambda tx: set_production_target(tx, w.christmas.pk, w.cookies.pk, 2),
        expect_changed={"events.ProductionTarget"},
    )
    assert_all_or_nothing(
        w.household,
        lambda tx: set_production_target(tx, w.christmas.pk, w.fudge.pk, 5),
        expect_changed={"events.ProductionTarget"},
    )
    assert_all_or_nothing(
        w.household,
        lambda tx: set_assembly_target(tx, w.christmas.pk, w.cookie_box.pk, 2),
        expect_changed={"events.AssemblyTarget"},
    )
    assert_all_or_nothing(
        w.household,
        lambda tx: delete_production_target(tx, w.christmas.pk, w.fudge.pk),
        expect_changed={"events.ProductionTarget"},
    )


def test_target_log_fields_are_plain(gift_world, tx, caplog):
    caplog.set_level("INFO", logger="bakeplanner.events.targets")
    set_production_target(tx, gift_world.christmas.pk, gift_world.cookies.pk, 4)
    record = caplog.records[-1]
    assert record.fields["operation"] == "set_production_target"
    assert record.fields["outcome"] == "success"
    json.dumps(record.fields)
