"""Backup and restore round trip (works on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from bakeplanner.backup import database_is_empty
from bakeplanner.testing import db_snapshot
from production.models import Ingredient, InventoryLot, Product, Purchase

pytestmark = pytest.mark.django_db(transaction=True)


def _flush():
    call_command("flush", "--no-input", verbosity=0)


def _some_data():
    from bakeplanner.households import add_member, create_household
    from conftest import make_user

    household = create_household('Backup Family ☃ "quoted"')
    add_member(household, make_user("bea"))
    flour = Ingredient.objects.create(
        household=household,
        name="Flour <b>",
        stock_family="weight",
        density_g_per_cup=Decimal("120"),
    )
    product = Product.objects.create(
        household=household, ingredient=flour, package_quantity=Decimal("2.5"), package_unit="kg"
    )
    purchase = Purchase.objects.create(
        household=household,
        product=product,
        purchased_on=dt.date(2026, 11, 1),
        packages=Decimal("1"),
        price_per_package=Decimal("3.3333"),
    )
    InventoryLot.objects.create(
        household=household,
        product=product,
        ingredient=flour,
        purchase=purchase,
        quantity_initial=Decimal("2500"),
        quantity_remaining=Decimal("1234.567"),
        cost_per_unit=Decimal("0.001333320000"),
        received_on=dt.date(2026, 11, 1),
    )


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_backup_then_restore_gives_back_every_row(tmp_path, name):
    _some_data()
    before = db_snapshot()
    path = tmp_path / name
    call_command("backup", "--output", str(path))
    _flush()
    assert database_is_empty()
    call_command("restore", str(path))
    assert db_snapshot() == before


def test_backup_refuses_to_overwrite(tmp_path):
    path = tmp_path / "b.json"
    path.write_text("keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(path))
    assert path.read_text() == "keep me"


def test_restore_refuses_a_database_with_data(tmp_path):
    _some_data()
    path = tmp_path / "b.json"
    call_command("backup", "--output", str(path))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(path))


def test_restore_of_a_broken_file_loads_nothing(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        '[{"model": "bakeplanner.household", "pk": 1, "fields": {"name": "A"}}, {"model": "nope.x"'
    )
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("restore", str(path))
    assert database_is_empty()
