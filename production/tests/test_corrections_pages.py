"""The purchase correction pages: the two steps, who may use them, what they show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from conftest import make_user
from production.models import InventoryLot, ProductionRun, PurchaseCorrection
from production.services import correct_purchase
from production.tests.test_corrections import build_world


@pytest.fixture
def world(household, member):
    return build_world(household, member)


def _url(world) -> str:
    return reverse("production:purchase_correct", args=[world.purchase_id])


def test_first_post_shows_the_consequences_and_changes_nothing(world, member_client):
    before = db_snapshot()
    response = member_client.post(_url(world), {"price_per_package": "4.50", "reason": "Receipt"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This changes the cost of 2 runs by +$0.60." in page
    assert f"Baking run {world.baking_id}" in page
    assert 'name="confirm" value="1"' in page
    assert db_snapshot() == before


def test_confirmed_post_saves_and_says_so(world, member_client):
    response = member_client.post(
        _url(world),
        {"price_per_package": "4.50", "reason": "Receipt", "confirm": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "Corrected the purchase: the cost of 2 runs changed by +$0.60." in page
    assert "“Receipt”" in page  # listed on the purchase's page
    assert InventoryLot.objects.get(pk=world.lot.pk).cost_per_unit == Decimal("0.045")
    assert ProductionRun.objects.get(pk=world.baking_id).total_ingredient_cost == Decimal("1.55")


def test_packages_below_used_are_shown_on_the_form(world, member_client):
    response = member_client.post(
        _url(world), {"packages": "0.3", "reason": "Miscounted", "confirm": "1"}
    )
    assert "Packages cannot go below what has already been used" in response.content.decode()
    assert InventoryLot.objects.get(pk=world.lot.pk).quantity_initial == Decimal(200)
    assert not PurchaseCorrection.objects.exists()


def test_neither_figure_is_refused_by_the_form(world, member_client):
    response = member_client.post(_url(world), {"reason": "Oops"})
    assert "Enter the right price per package or number of packages." in response.content.decode()


def test_viewer_is_refused(world, viewer_client):
    before = db_snapshot()
    assert viewer_client.get(_url(world)).status_code == 403
    response = viewer_client.post(
        _url(world), {"price_per_package": "4.50", "reason": "x", "confirm": "1"}
    )
    assert response.status_code == 403
    assert db_snapshot() == before


def test_outsider_gets_404(world, outsider_client):
    before = db_snapshot()
    response = outsider_client.post(
        _url(world), {"price_per_package": "4.50", "reason": "x", "confirm": "1"}
    )
    assert response.status_code == 404
    assert db_snapshot() == before


def test_list_offers_correct_for_used_purchases_to_members(world, member_client, viewer_client):
    link = _url(world)
    assert link in member_client.get(reverse("production:purchase_list")).content.decode()
    assert link not in viewer_client.get(reverse("production:purchase_list")).content.decode()


def test_edit_page_of_used_purchase_offers_correct_instead_of_the_form(world, member_client):
    page = member_client.get(
        reverse("production:purchase_edit", args=[world.purchase_id])
    ).content.decode()
    assert _url(world) in page
    assert "Save purchase" not in page


def test_admin_shows_corrections_read_only(world, member):
    with unit_of_work(world.household, actor=member) as tx:
        correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    row = PurchaseCorrection.objects.get()
    client = Client()
    client.force_login(make_user("sam", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:production_purchasecorrection_changelist") + "?q=Receipt")
    assert listing.status_code == 200
    assert "4.5000" in listing.content.decode()
    change = client.post(
        reverse("admin:production_purchasecorrection_change", args=[row.pk]), {"reason": "x"}
    )
    assert change.status_code == 403
    assert PurchaseCorrection.objects.get().reason == "Receipt"


@pytest.mark.parametrize(
    ("url_name", "run_attr"),
    [
        ("production:production_run_detail", "baking_id"),
        ("production:assembly_run_detail", "packing_id"),
    ],
)
def test_each_restated_run_shows_the_correction(world, member, member_client, url_name, run_attr):
    with unit_of_work(world.household, actor=member) as tx:
        correct_purchase(tx, world.purchase_id, price_per_package="4.50", reason="Receipt")
    page = member_client.get(reverse(url_name, args=[getattr(world, run_attr)])).content.decode()
    assert "Cost corrections" in page
    assert "“Receipt”" in page
    assert reverse("production:purchase_edit", args=[world.purchase_id]) in page
