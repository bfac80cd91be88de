"""Shopping on a phone, and a price fixed after the fact, in a real browser.

A member opens the event's shopping list at phone width, ticks two lines in the shop, reloads
(the ticks are kept, with who ticked them), records both as purchases in one step from the
list and sees the lines covered. Then a baking run uses the first flour bought, the member
finds its price was wrong, corrects it (seeing what changes before saving) and the run's
cost follows. Checked on the page and in the database; screenshots at phone and desktop
width, light and dark.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By

from bakeplanner.tx import unit_of_work
from e2e.browser import Browser
from events.models import Event, ShoppingTick
from events.services import (
    assign_package_to_recipient,
    create_event,
    set_production_target,
)
from production.models import InventoryLot, ProductionRun, Purchase
from production.services import record_batch_production

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def plan_an_event(world: SimpleNamespace) -> Event:
    """Twelve batches of Sugar Cookies: more flour and sugar than the pantry holds."""
    with unit_of_work(world.household) as tx:
        event = create_event(tx, name=world.event_name, event_date=world.event_date)
        set_production_target(tx, event.pk, world.cookies.pk, 12)
        assign_package_to_recipient(tx, event.pk, world.anna.pk, world.gift.pk)
    return event


def log_in(browser: Browser, world: SimpleNamespace) -> None:
    browser.visit("/accounts/login/")
    browser.fill("id_username", world.username)
    browser.fill("id_password", world.password)
    browser.follow(browser.button("Log in"))


def line(browser: Browser, key: str) -> Any:
    return browser.by_id(f"line-{key}")


def tick(browser: Browser, key: str) -> None:
    """Tap a line's tick button; the page saves it in the background and stays put."""
    row = line(browser, key)
    row.find_element(By.CSS_SELECTOR, "button.shop-tick").click()
    browser.wait(
        lambda _: "is-ticked" in (line(browser, key).get_attribute("class") or ""),
        f"the line {key} to show its tick",
    )


def tick_two_lines_on_a_phone(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.phone()
    browser.visit(f"/events/{event.pk}/shopping-list/")
    text = browser.main_text()
    assert "Flour" in text and "Sugar" in text
    # The checklist fits the phone: no sideways scrolling, tick buttons of at least 44 px.
    assert browser.driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"
    )
    sizes = browser.driver.execute_script(
        "return [...document.querySelectorAll('button.shop-tick')]"
        ".map(b => [b.getBoundingClientRect().width, b.getBoundingClientRect().height]);"
    )
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes)

    flour, sugar = f"ingredient-{world.flour.pk}", f"ingredient-{world.sugar.pk}"
    tick(browser, flour)
    tick(browser, sugar)
    assert ShoppingTick.objects.filter(event=event, purchase=None).count() == 2

    browser.visit(f"/events/{event.pk}/shopping-list/")  # a reload keeps the ticks
    for key in (flour, sugar):
        row = line(browser, key)
        assert "is-ticked" in (row.get_attribute("class") or "")
        assert (
            row.find_element(By.CSS_SELECTOR, "button.shop-tick").get_attribute("aria-pressed")
            == "true"
        )
        assert f"Ticked by {world.username}" in row.text
    assert "2 lines ticked, 2 not recorded as purchases yet." in browser.main_text()
    browser.screenshots("shopping-ticked")


def record_them_as_purchases(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    lots_before = InventoryLot.objects.count()
    browser.follow(browser.link("Record 2 ticked lines as purchases"))
    assert browser.path == f"/events/{event.pk}/shopping-list/record/"
    text = browser.main_text()
    assert "Flour" in text and "Sugar" in text
    # Filled in from the list: the product, whole packages and the last price.
    assert browser.by_id("id_form-0-packages").get_attribute("value") == "2"
    price = browser.by_id("id_form-0-price_per_package").get_attribute("value")
    assert Decimal(price or "") == 3
    browser.fill("id_form-0-price_per_package", "3.25")  # the receipt says otherwise
    browser.fill("id_supplier", "Corner shop")
    browser.screenshots("shopping-record")
    browser.follow(browser.button("Record the purchases"))

    assert browser.path == f"/events/{event.pk}/shopping-list/"
    assert "Recorded 2 purchases (Flour, Sugar) for $10.50." in browser.alerts()
    assert InventoryLot.objects.count() == lots_before + 2
    bought = Purchase.objects.filter(supplier="Corner shop").order_by("product__ingredient__name")
    assert [(p.product.ingredient.name, p.packages, p.price_per_package) for p in bought] == [
        ("Flour", Decimal(2), Decimal("3.25")),
        ("Sugar", Decimal(1), Decimal(4)),
    ]
    assert ShoppingTick.objects.filter(event=event, purchase__isnull=False).count() == 2
    # The list counts the purchases as stock: both lines are covered, still shown as bought.
    for ingredient in (world.flour, world.sugar):
        row = line(browser, f"ingredient-{ingredient.pk}")
        assert "nothing to buy: enough in stock" in row.text
        assert "recorded as a purchase" in row.text
    assert "Record 2 ticked lines" not in browser.main_text()
    browser.screenshots("shopping-bought")


def correct_a_used_price(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """The first flour (1 kg at 3.00) is used by a bake; its price was really 4.00."""
    with unit_of_work(world.household) as tx:
        run = record_batch_production(
            tx, world.cookies.pk, world.cookie.pk, 2, 96, event_id=event.pk
        )
    first_flour = Purchase.objects.filter(product__ingredient=world.flour).earliest("id")
    before = ProductionRun.objects.get(pk=run["id"]).total_ingredient_cost
    browser.desktop()
    browser.visit(reverse("production:production_run_detail", args=[run["id"]]))
    assert f"${before:.2f}" in browser.main_text()

    browser.visit(reverse("production:purchase_correct", args=[first_flour.pk]))
    browser.fill("id_price_per_package", "4.00")
    browser.fill("id_reason", "The receipt said 4.00")
    browser.follow(browser.button("Show what this changes"))
    preview = browser.main_text()
    # 2 batches × 2 cups × 120 g = 480 g of flour at +1.00 a kilogram: +0.48.
    assert "+$0.48" in preview
    assert Purchase.objects.get(pk=first_flour.pk).price_per_package == 3  # not yet
    browser.screenshots("purchase-correct-preview")
    browser.follow(browser.button("Save the correction"))

    assert Purchase.objects.get(pk=first_flour.pk).price_per_package == 4
    after = ProductionRun.objects.get(pk=run["id"]).total_ingredient_cost
    assert after == before + Decimal("0.48")
    browser.visit(reverse("production:production_run_detail", args=[run["id"]]))
    assert f"${after:.2f}" in browser.main_text()
    assert "The receipt said 4.00" in browser.main_text()


def test_member_ticks_buys_and_corrects_in_the_browser(browser, bake_world):
    event = plan_an_event(bake_world)
    log_in(browser, bake_world)
    tick_two_lines_on_a_phone(browser, bake_world, event)
    record_them_as_purchases(browser, bake_world, event)
    correct_a_used_price(browser, bake_world, event)
