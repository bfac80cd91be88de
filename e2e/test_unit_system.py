"""The demo household switches to US customary units and back, in a real browser.

The member opens Household settings from the account menu, chooses US customary, and the
shopping list and a recipe page show ounces, pounds and cups; then metric again, and they
show grams and kilograms. Screenshots at desktop and phone width land in
`test-artifacts/screenshots/` (units-us-shopping, units-metric-recipe, …). The settings
page itself must fit a phone's width. docs/units-and-locale.md has the rules.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from selenium.webdriver.common.by import By

from bakeplanner.models import Household
from e2e.browser import Browser
from events.models import Event
from production.models import Recipe
from tooling.management.commands.seed_demo import DEMO_HOUSEHOLD, DEMO_PASSWORD, DEMO_USER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNIT_LABELS = {
    "us": "US customary (oz, lb, tsp, tbsp, cups, quarts)",
    "metric": "Metric (g, kg, ml, l)",
}


@pytest.fixture
def demo(db: Any) -> SimpleNamespace:
    call_command("seed_demo", verbosity=0)
    household = Household.objects.get(name=DEMO_HOUSEHOLD)
    event = Event.objects.filter(household=household).order_by("event_date").first()
    recipe = Recipe.objects.filter(household=household).order_by("name").first()
    assert event is not None and recipe is not None
    return SimpleNamespace(household=household, event=event, recipe=recipe)


def choose_units(browser: Browser, system: str) -> None:
    browser.visit("/")
    account_menu = browser.driver.find_elements(By.CSS_SELECTOR, ".navbar .dropdown-toggle")[-1]
    account_menu.click()
    browser.follow(browser.link("Household settings"))
    assert browser.path == reverse("household_settings")
    browser.choose("id_unit_system", UNIT_LABELS[system])
    browser.follow(browser.button("Save settings"))
    assert "Saved the household settings." in browser.alerts()


def test_demo_household_reads_in_us_units_then_metric(browser: Browser, demo: SimpleNamespace):
    browser.log_in(DEMO_USER, DEMO_PASSWORD)
    shopping = reverse("events:event_shopping_list", args=[demo.event.pk])
    recipe = reverse("production:recipe_detail", args=[demo.recipe.pk])

    choose_units(browser, "us")
    assert Household.objects.get(pk=demo.household.pk).unit_system == "us"
    browser.visit(shopping)
    text = browser.main_text()
    assert " lb" in text or " oz" in text
    assert " kg" not in text
    browser.screenshots("units-us-shopping")
    browser.visit(recipe)
    browser.screenshots("units-us-recipe")

    choose_units(browser, "metric")
    assert Household.objects.get(pk=demo.household.pk).unit_system == "metric"
    browser.visit(shopping)
    text = browser.main_text()
    assert " kg" in text or " g" in text
    assert " lb" not in text and " oz" not in text
    browser.screenshots("units-metric-shopping")
    browser.visit(recipe)
    browser.screenshots("units-metric-recipe")

    assert browser.console_errors == []
    assert browser.layout_problems == []


def test_settings_page_fits_a_phone(browser: Browser, demo: SimpleNamespace):
    browser.log_in(DEMO_USER, DEMO_PASSWORD)
    browser.phone()
    browser.visit(reverse("household_settings"))
    overflow = browser.driver.execute_script(
        "const root = document.documentElement; return root.scrollWidth - root.clientWidth;"
    )
    assert overflow <= 0
    assert "Household settings" in browser.main_text()
    browser.desktop()
    browser.screenshots("units-settings")
    assert browser.layout_problems == []
    assert browser.console_errors == []
