"""Finished goods and their components (docs/design.md, "Catalogue")."""

from decimal import Decimal

import pytest

from bakeplanner.errors import InUse, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import FinishedGood, FinishedGoodComponent
from production.services import (
    add_component,
    create_finished_good,
    create_ingredient,
    delete_finished_good,
    get_finished_good_detail,
    list_finished_goods,
    remove_component,
    update_component,
    update_finished_good,
)


@pytest.fixture
def packing(spec_world):
    with unit_of_work(spec_world.household) as tx:
        bag = create_ingredient(tx, name="Cellophane bag", stock_family="count", kind="packaging")
        ribbon = create_ingredient(
            tx, name="Ribbon (metres)", stock_family="count", kind="packaging"
        )
        tin = create_finished_good(tx, name="Cookie tin")
        hamper = create_finished_good(tx, name="Hamper")
    return {
        "bag": bag,
        "ribbon": ribbon,
        "tin": tin,
        "hamper": hamper,
        "cookie": spec_world.cookie,
        "flour": spec_world.flour,
    }


def test_a_good_holds_units_nested_goods_and_packaging(packing, tx):
    tin, hamper = packing["tin"], packing["hamper"]
    add_component(tx, tin.pk, "finished_unit", packing["cookie"].pk, 12)
    add_component(tx, tin.pk, "packaging", packing["ribbon"].pk, "0.5")
    add_component(tx, hamper.pk, "finished_good", tin.pk, 2)
    add_component(tx, hamper.pk, "packaging", packing["bag"].pk, 1)
    detail = get_finished_good_detail(tx, tin.pk)
    assert [(c.component_type, c.quantity) for c in detail["components"]] == [
        ("finished_unit", Decimal("12")),
        ("packaging", Decimal("0.5")),
    ]
    assert [c.finished_good.name for c in detail["used_in"]] == ["Hamper"]


def test_names_collide_ignoring_case(packing, tx):
    with pytest.raises(ValidationFailed, match="already exists"):
        create_finished_good(tx, name="COOKIE TIN")
    with pytest.raises(ValidationFailed, match="already exists"):
        update_finished_good(tx, packing["hamper"].pk, name="cookie tin")


@pytest.mark.parametrize(
    ("kind", "quantity", "message"),
    [
        ("finished_unit", "1.5", "whole number"),
        ("finished_unit", 0, "cannot be zero"),
        ("finished_unit", -2, "at least 1"),
        ("finished_unit", 10**7, "too large"),
        ("sweets", 1, "Component kind must be one of"),
    ],
)
def test_bad_component_input_is_refused(packing, tx, kind, quantity, message):
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match=message):
        add_component(tx, packing["tin"].pk, kind, packing["cookie"].pk, quantity)
    assert db_snapshot() == before


def test_packaging_must_be_a_packaging_ingredient(packing, tx):
    with pytest.raises(ValidationFailed, match="food ingredient, not packaging"):
        add_component(tx, packing["tin"].pk, "packaging", packing["flour"].pk, 1)
    with pytest.raises(ValidationFailed, match="more than zero"):
        add_component(tx, packing["tin"].pk, "packaging", packing["bag"].pk, 0)


def test_each_component_once(packing, tx):
    add_component(tx, packing["tin"].pk, "finished_unit", packing["cookie"].pk, 12)
    with pytest.raises(ValidationFailed, match="already contains"):
        add_component(tx, packing["tin"].pk, "finished_unit", packing["cookie"].pk, 6)


def test_goods_never_contain_themselves(packing, tx):
    tin, hamper = packing["tin"], packing["hamper"]
    crate = create_finished_good(tx, name="Crate")
    with pytest.raises(ValidationFailed, match="cannot contain itself"):
        add_component(tx, tin.pk, "finished_good", tin.pk, 1)
    add_component(tx, hamper.pk, "finished_good", tin.pk, 1)
    add_component(tx, crate.pk, "finished_good", hamper.pk, 1)
    with pytest.raises(ValidationFailed, match="loop"):
        add_component(tx, tin.pk, "finished_good", crate.pk, 1)


def test_update_and_remove_components(packing, tx):
    component = add_component(tx, packing["tin"].pk, "finished_unit", packing["cookie"].pk, 12)
    update_component(tx, component.pk, quantity=10)
    assert FinishedGoodComponent.objects.get(pk=component.pk).quantity == 10
    with pytest.raises(ValidationFailed, match="whole number"):
        update_component(tx, component.pk, quantity="2.5")
    remove_component(tx, component.pk)
    assert not FinishedGoodComponent.objects.exists()


def test_delete_nested_or_stocked_good_is_refused(packing, tx):
    tin, hamper = packing["tin"], packing["hamper"]
    add_component(tx, hamper.pk, "finished_good", tin.pk, 1)
    with pytest.raises(InUse, match="gift box component"):
        delete_finished_good(tx, tin.pk)
    FinishedGood.objects.filter(pk=hamper.pk).update(inventory_count=3)
    with pytest.raises(InUse, match="3 in stock"):
        delete_finished_good(tx, hamper.pk)


def test_delete_good_takes_its_components(packing, tx):
    add_component(tx, packing["tin"].pk, "finished_unit", packing["cookie"].pk, 12)
    delete_finished_good(tx, packing["tin"].pk)
    assert not FinishedGood.objects.filter(pk=packing["tin"].pk).exists()
    assert not FinishedGoodComponent.objects.exists()


def test_other_household_items_are_not_found(packing, outsider_household):
    with unit_of_work(outsider_household) as other:
        mine = create_finished_good(other, name="Mine")
        with pytest.raises(NotFound):
            add_component(other, mine.pk, "finished_unit", packing["cookie"].pk, 1)
        with pytest.raises(NotFound):
            add_component(other, mine.pk, "finished_good", packing["tin"].pk, 1)
        with pytest.raises(NotFound):
            add_component(other, packing["tin"].pk, "finished_good", mine.pk, 1)


def test_list_finished_goods(packing, tx):
    add_component(tx, packing["tin"].pk, "finished_unit", packing["cookie"].pk, 12)
    rows = list_finished_goods(tx, sort="-components")
    assert [(g.name, g.component_count) for g in rows] == [("Cookie tin", 1), ("Hamper", 0)]
    assert [g.name for g in list_finished_goods(tx, q="hamp")] == ["Hamper"]


def test_goods_writes_are_all_or_nothing(packing):
    h = packing["tin"].household
    with unit_of_work(h) as tx:
        component = add_component(tx, packing["tin"].pk, "finished_unit", packing["cookie"].pk, 12)
    good, component_table = "production.FinishedGood", "production.FinishedGoodComponent"
    calls = [
        (lambda tx: create_finished_good(tx, name="Sampler", description="six of each"), {good}),
        (lambda tx: update_finished_good(tx, packing["tin"].pk, name="Big tin"), {good}),
        (
            lambda tx: add_component(
                tx, packing["hamper"].pk, "finished_good", packing["tin"].pk, 2
            ),
            {component_table},
        ),
        (
            lambda tx: add_component(tx, packing["tin"].pk, "packaging", packing["bag"].pk, 1),
            {component_table},
        ),
        (lambda tx: update_component(tx, component.pk, quantity=6), {component_table}),
        (lambda tx: remove_component(tx, component.pk), {component_table}),
        (lambda tx: delete_finished_good(tx, packing["tin"].pk), {good, component_table}),
    ]
    for call, changed in calls:
        assert assert_all_or_nothing(h, call, expect_changed=changed) > 0
