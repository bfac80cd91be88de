"""The admin for the catalogue: every model listed, history read-only.

See docs/design.md, "Ledgers are history".
"""

import pytest
from django.test import Client
from django.urls import reverse

from bakeplanner.tx import unit_of_work
from conftest import make_user
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    InventoryLot,
    Purchase,
    RecipeComponent,
    StockAdjustment,
)
from production.services import record_depletion

MODELS = [
    "ingredient",
    "product",
    "purchase",
    "inventorylot",
    "recipe",
    "recipeingredient",
    "recipecomponent",
    "finishedunit",
    "finishedgood",
    "finishedgoodcomponent",
    "stockadjustment",
    "stockadjustmentlot",
]


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(make_user("sam", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def audited(spec_world):
    """The worked example with some flour depleted (lot 1 drawn) and a box holding the cookie."""
    with unit_of_work(spec_world.household) as tx:
        record_depletion(tx, spec_world.flour.pk, 50, "g", reason="spoilage", notes="")
    box = FinishedGood.objects.create(household=spec_world.household, name="Box")
    FinishedGoodComponent.objects.create(
        household=spec_world.household,
        finished_good=box,
        component_type="finished_unit",
        finished_unit=spec_world.cookie,
        quantity=6,
    )
    return spec_world


@pytest.mark.parametrize("model", MODELS)
def test_every_catalogue_model_has_a_searchable_filterable_list(audited, staff_client, model):
    url = reverse(f"admin:production_{model}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url + "?q=flour").status_code == 200
    assert (
        staff_client.get(url + f"?household__id__exact={audited.household.pk}").status_code == 200
    )


def test_lots_and_adjustments_are_read_only(audited, staff_client):
    lot = InventoryLot.objects.get(pk=audited.lot1.pk)
    adjustment = StockAdjustment.objects.get()
    for model, pk in (("inventorylot", lot.pk), ("stockadjustment", adjustment.pk)):
        page = staff_client.get(reverse(f"admin:production_{model}_change", args=[pk]))
        assert page.status_code == 200
        assert b'name="_save"' not in page.content
        assert staff_client.get(reverse(f"admin:production_{model}_add")).status_code == 403
        response = staff_client.post(
            reverse(f"admin:production_{model}_delete", args=[pk]), {"post": "yes"}
        )
        assert response.status_code == 403
    assert InventoryLot.objects.filter(pk=lot.pk).exists()


def test_drawn_purchase_is_read_only_and_untouched_purchase_keeps_its_figures(
    audited, staff_client
):
    drawn = staff_client.get(
        reverse("admin:production_purchase_change", args=[audited.lot1.purchase_id])
    ).content.decode()
    assert 'name="supplier"' not in drawn
    untouched = staff_client.get(
        reverse("admin:production_purchase_change", args=[audited.lot2.purchase_id])
    ).content.decode()
    assert 'name="supplier"' in untouched
    assert 'name="packages"' not in untouched  # the lot was counted from it
    assert staff_client.get(reverse("admin:production_purchase_add")).status_code == 403


def test_delete_unused_purchases_action_goes_through_the_service(audited, staff_client):
    response = staff_client.post(
        reverse("admin:production_purchase_changelist"),
        {
            "action": "delete_unused_purchases",
            "_selected_action": [audited.lot1.purchase_id, audited.lot2.purchase_id],
        },
        follow=True,
    )
    html = response.content.decode()
    assert "already been used" in html
    assert "Deleted 1 purchase(s)" in html
    assert Purchase.objects.filter(pk=audited.lot1.purchase_id).exists()
    assert not Purchase.objects.filter(pk=audited.lot2.purchase_id).exists()
    assert not InventoryLot.objects.filter(pk=audited.lot2.pk).exists()


def test_finished_counts_are_read_only_in_the_admin(audited, staff_client):
    page = staff_client.get(
        reverse("admin:production_finishedunit_change", args=[audited.cookie.pk])
    ).content.decode()
    assert 'name="inventory_count"' not in page
    assert 'name="items_per_batch"' in page
    assert RecipeComponent.objects.count() == 0
