"""Recipients and packages: CRUD, contents, and deletes refused while assigned."""

from __future__ import annotations

import pytest

from bakeplanner.errors import InUse, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing
from bakeplanner.tx import unit_of_work
from events.models import Package, PackageItem, Recipient
from events.services import (
    add_package_item,
    create_package,
    create_recipient,
    delete_package,
    delete_recipient,
    get_all_packages,
    get_package,
    get_recipient,
    get_recipients,
    remove_package_item,
    update_package,
    update_package_item,
    update_recipient,
)
from events.tests.conftest import assign
from production.models import FinishedGood

# --- Recipients ---------------------------------------------------------------------------


def test_create_recipient_stores_every_field(tx):
    r = create_recipient(
        tx, name=" Gran ", household_name="The Olds", address="1 Lane\nTown", notes="<nuts!>"
    )
    stored = Recipient.objects.get(pk=r.pk)
    assert (stored.name, stored.household_name, stored.address, stored.notes, stored.active) == (
        "Gran",
        "The Olds",
        "1 Lane\nTown",
        "<nuts!>",
        True,
    )


def test_recipient_needs_a_name(tx):
    with pytest.raises(ValidationFailed, match="needs a name"):
        create_recipient(tx, name="   ")
    assert not Recipient.objects.exists()


def test_update_recipient_including_active(gift_world, tx):
    r = update_recipient(tx, gift_world.ben.pk, active=False, address="New street")
    stored = Recipient.objects.get(pk=r.pk)
    assert (stored.active, stored.address, stored.name) == (False, "New street", "Ben")


@pytest.mark.parametrize(
    "fields", [{"colour": "red"}, {"active": "no"}, {"name": ""}, {"household_name": "x" * 121}]
)
def test_update_recipient_refuses_bad_fields(gift_world, tx, fields):
    with pytest.raises(ValidationFailed):
        update_recipient(tx, gift_world.ben.pk, **fields)
    stored = Recipient.objects.get(pk=gift_world.ben.pk)
    assert (stored.name, stored.active, stored.household_name) == ("Ben", True, "")


def test_delete_recipient_is_refused_while_assigned(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.last_christmas, w.anna, w.small)
    with pytest.raises(InUse, match="2 assignment"):
        delete_recipient(tx, w.anna.pk)
    assert Recipient.objects.filter(pk=w.anna.pk).exists()
    delete_recipient(tx, w.ben.pk)
    assert not Recipient.objects.filter(pk=w.ben.pk).exists()


def test_recipient_search_and_counts(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.anna, w.small)
    assign(w, w.christmas, w.anna, w.big)
    assert [(r.name, r.assignment_count) for r in get_recipients(tx)] == [
        ("Anna", 2),
        ("Ben", 0),
        ("Cara", 0),
    ]
    assert [r.name for r in get_recipients(tx, search="smith")] == ["Anna"]
    assert [r.name for r in get_recipients(tx, include_inactive=False)] == ["Anna", "Ben"]
    assert get_recipient(tx, w.anna.pk).assignment_count == 2


def test_recipient_writes_are_all_or_nothing(gift_world):
    w = gift_world
    assert_all_or_nothing(
        w.household,
        lambda tx: create_recipient(tx, name="Dora"),
        expect_changed={"events.Recipient"},
    )
    assert_all_or_nothing(
        w.household,
        lambda tx: update_recipient(tx, w.ben.pk, active=False),
        expect_changed={"events.Recipient"},
    )
    assert_all_or_nothing(
        w.household, lambda tx: delete_recipient(tx, w.ben.pk), expect_changed={"events.Recipient"}
    )


def test_other_household_recipients_are_not_found(gift_world, outsider_household):
    with unit_of_work(outsider_household) as tx:
        with pytest.raises(NotFound):
            get_recipient(tx, gift_world.anna.pk)
        with pytest.raises(NotFound):
            update_recipient(tx, gift_world.anna.pk, name="Hacked")
        with pytest.raises(NotFound):
            delete_recipient(tx, gift_world.ben.pk)
        assert get_recipients(tx) == []
    assert Recipient.objects.get(pk=gift_world.anna.pk).name == "Anna"


# --- Packages -----------------------------------------------------------------------------


def test_create_package_names_are_unique_case_insensitively(tx):
    create_package(tx, name="Tin", notes="red")
    with pytest.raises(ValidationFailed, match="already exists"):
        create_package(tx, name="TIN")
    assert Package.objects.count() == 1


def test_package_contents_add_update_remove(gift_world, tx):
    w = gift_world
    package = create_package(tx, name="Hamper")
    item = add_package_item(tx, package.pk, w.cookie_box.pk, 2)
    add_package_item(tx, package.pk, w.fudge_tin.pk, "1")
    update_package_item(tx, item.pk, 5)
    loaded = get_package(tx, package.pk)
    assert [(i.finished_good.name, i.quantity) for i in loaded.items.all()] == [
        ("Cookie Box", 5),
        ("Fudge Tin", 1),
    ]
    remove_package_item(tx, item.pk)
    assert list(PackageItem.objects.filter(package=package).values_list("quantity", flat=True)) == [
        1
    ]


def test_a_finished_good_is_in_a_package_at_most_once(gift_world, tx):
    w = gift_world
    with pytest.raises(ValidationFailed, match="already in Small Gift"):
        add_package_item(tx, w.small.pk, w.cookie_box.pk, 1)
    assert PackageItem.objects.filter(package=w.small).count() == 1


@pytest.mark.parametrize("bad", [0, -1, "x", 10_001])
def test_package_item_quantity_must_be_a_positive_whole_number(gift_world, tx, bad):
    w = gift_world
    with pytest.raises(ValidationFailed):
        add_package_item(tx, w.small.pk, w.fudge_tin.pk, bad)
    item = PackageItem.objects.get(package=w.small)
    with pytest.raises(ValidationFailed):
        update_package_item(tx, item.pk, bad)
    assert list(PackageItem.objects.filter(package=w.small).values_list("quantity", flat=True)) == [
        1
    ]


def test_finished_good_of_another_household_is_not_found(gift_world, outsider_household, tx):
    theirs = FinishedGood.objects.create(household=outsider_household, name="Their Box")
    with pytest.raises(NotFound):
        add_package_item(tx, gift_world.small.pk, theirs.pk, 1)


def test_update_package_name_and_unknown_fields(gift_world, tx):
    w = gift_world
    update_package(tx, w.small.pk, name="Little Gift", notes="x")
    assert Package.objects.get(pk=w.small.pk).name == "Little Gift"
    with pytest.raises(ValidationFailed, match="already exists"):
        update_package(tx, w.small.pk, name="big gift")
    with pytest.raises(ValidationFailed, match="Unknown package field"):
        update_package(tx, w.small.pk, price=3)


def test_delete_package_is_refused_while_assigned(gift_world, tx):
    w = gift_world
    assign(w, w.christmas, w.anna, w.big)
    with pytest.raises(InUse, match="1 assignment"):
        delete_package(tx, w.big.pk)
    assert PackageItem.objects.filter(package=w.big).count() == 2
    delete_package(tx, w.small.pk)
    assert not Package.objects.filter(pk=w.small.pk).exists()
    assert not PackageItem.objects.filter(package_id=w.small.pk).exists()


def test_package_list_has_items_and_counts_in_constant_queries(
    gift_world, tx, django_assert_num_queries
):
    w = gift_world
    assign(w, w.christmas, w.anna, w.big)
    assign(w, w.last_christmas, w.anna, w.big)
    with django_assert_num_queries(2):
        packages = get_all_packages(tx)
        summary = [
            (
                p.name,
                p.assignment_count,
                [(i.finished_good.name, i.quantity) for i in p.items.all()],
            )
            for p in packages
        ]
    assert summary == [
        ("Big Gift", 2, [("Cookie Box", 2), ("Fudge Tin", 1)]),
        ("Small Gift", 0, [("Cookie Box", 1)]),
    ]


def test_package_writes_are_all_or_nothing(gift_world):
    w = gift_world
    h = w.household
    item = PackageItem.objects.get(package=w.small)
    assert_all_or_nothing(
        h, lambda tx: create_package(tx, name="Hamper"), expect_changed={"events.Package"}
    )
    assert_all_or_nothing(
        h, lambda tx: update_package(tx, w.small.pk, name="Tiny"), expect_changed={"events.Package"}
    )
    assert_all_or_nothing(
        h,
        lambda tx: add_package_item(tx, w.small.pk, w.fudge_tin.pk, 2),
        expect_changed={"events.PackageItem"},
    )
    assert_all_or_nothing(
        h, lambda tx: update_package_item(tx, item.pk, 3), expect_changed={"events.PackageItem"}
    )
    assert_all_or_nothing(
        h, lambda tx: remove_package_item(tx, item.pk), expect_changed={"events.PackageItem"}
    )
    assert_all_or_nothing(
        h,
        lambda tx: delete_package(tx, w.big.pk),
        expect_changed={"events.Package", "events.PackageItem"},
    )


def test_other_household_packages_are_not_found(gift_world, outsider_household):
    w = gift_world
    item = PackageItem.objects.get(package=w.small)
    with unit_of_work(outsider_household) as tx:
        for call in (
            lambda: get_package(tx, w.small.pk),
            lambda: update_package(tx, w.small.pk, name="Mine"),
            lambda: delete_package(tx, w.small.pk),
            lambda: add_package_item(tx, w.small.pk, w.fudge_tin.pk, 1),
            lambda: update_package_item(tx, item.pk, 9),
            lambda: remove_package_item(tx, item.pk),
        ):
            with pytest.raises(NotFound):
                call()
    assert PackageItem.objects.get(pk=item.pk).quantity == 1
