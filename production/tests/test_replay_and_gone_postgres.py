"""Double submits and rows deleted under a form, with real concurrent requests
(PostgreSQL, threads through the web layer)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from bakeplanner.households import add_member, create_household
from bakeplanner.models import FormSubmission
from bakeplanner.tests.racing import WORKERS, race_posts
from bakeplanner.tx import unit_of_work
from conftest import make_user
from production.models import (
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionRun,
    Purchase,
    Recipe,
    RecipeIngredient,
)
from production.services import delete_purchase, record_purchase

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _kitchen():
    household = create_household("Racing Kitchen")
    user = make_user("racer")
    add_member(household, user, "member")
    flour = Ingredient.objects.create(household=household, name="Flour", stock_family="weight")
    bag = Product.objects.create(
        household=household, ingredient=flour, package_quantity=1, package_unit="kg"
    )
    with unit_of_work(household) as tx:
        record_purchase(tx, bag.pk, packages=5, price_per_package="2.00", purchased_on="2026-11-01")
    recipe = Recipe.objects.create(household=household, name="Shortbread")
    RecipeIngredient.objects.create(
        household=household, recipe=recipe, ingredient=flour, quantity=300, unit="g"
    )
    unit = FinishedUnit.objects.create(
        household=household, recipe=recipe, name="finger", items_per_batch=20
    )
    return household, user, bag, unit


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_racing_identical_baking_posts_record_one_run():
    household, user, _bag, unit = _kitchen()
    data = {
        "finished_unit": unit.pk,
        "num_batches": 1,
        "scale": "1",
        "actual_yield": "",
        "loss_category": "",
        "loss_notes": "",
        "event": "",
        "produced_at": "",
        "notes": "",
        "submit_token": "same-form-token",
    }
    outcomes = race_posts(user, reverse("production:production_run_create"), data)

    run = ProductionRun.objects.get()
    detail = reverse("production:production_run_detail", args=[run.pk])
    assert [(o.status_code, o["Location"]) for o in outcomes] == [(302, detail)] * WORKERS
    assert FormSubmission.objects.get().result_url == detail
    lots = InventoryLot.objects.filter(ingredient__household=household)
    assert sum(lot.quantity_remaining for lot in lots) == Decimal("4700")


def test_editing_a_purchase_while_it_is_deleted_reads_as_gone():
    household, user, bag, _unit = _kitchen()
    purchase = Purchase.objects.get(product=bag)
    deleted = threading.Event()
    release = threading.Event()

    def delete_and_hold() -> None:
        try:
            with unit_of_work(household) as tx:
                delete_purchase(tx, purchase.pk)
                deleted.set()
                # Hold the deleted rows' locks while the edit reaches them.
                release.wait(timeout=10)
        finally:
            connections.close_all()

    deleter = threading.Thread(target=delete_and_hold)
    deleter.start()
    assert deleted.wait(timeout=10)
    outcome: dict[str, object] = {}

    def edit() -> None:
        try:
            response = _client(user).post(
                reverse("production:purchase_edit", args=[purchase.pk]),
                {
                    "product_id": bag.pk,
                    "purchased_on": "2026-11-01",
                    "packages": "5",
                    "price_per_package": "1.50",
                    "supplier": "",
                    "notes": "",
                },
            )
            outcome["status"] = response.status_code
            outcome["html"] = response.content.decode()
        except Exception as exc:  # recorded so the test shows it
            outcome["status"] = f"error: {exc!r}"
        finally:
            connections.close_all()

    editor = threading.Thread(target=edit)
    editor.start()
    time.sleep(0.5)  # let the edit block on the deleted rows (not a timing assertion)
    release.set()
    deleter.join(timeout=30)
    editor.join(timeout=30)

    assert outcome["status"] in (200, 404), outcome["status"]
    html = str(outcome["html"])
    assert "no longer exists" in html or "was not found" in html
    assert not Purchase.objects.filter(pk=purchase.pk).exists()
    assert not InventoryLot.objects.filter(purchase_id=purchase.pk).exists()
