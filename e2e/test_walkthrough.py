"""The main flow in a real browser.

A member logs in through the login form, plans an event, assigns a gift package to two
recipients, sees the plan the packages call for on the home page, and on a phone records the
suggested bake from the home page in three taps and sees its bar move. Then, at desktop
width: the shopping list and its CSV, a bake the flour cannot cover (refused, with what is
missing), a bake kept as stock for later that is then moved to the event and back, the
plan accepted as targets, packing, marking the gifts ready and delivered (with its
confirmation), stepping a delivered package back, the costs page, and cloning the event for
next year. Every step is checked on the page and in the database; screenshots at desktop
and phone width, light and dark, land in `test-artifacts/screenshots/`; the browser console
must stay free of errors.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from bakeplanner.tx import unit_of_work
from e2e.browser import Browser
from events.csv_export import shopping_list_csv
from events.models import AssemblyTarget, Assignment, Event, FulfillmentChange, ProductionTarget
from production.models import (
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    InventoryLot,
    ProductionRun,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOM = b"\xef\xbb\xbf"
SHOPPING_HEADER = (
    "Kind,Category,Ingredient,Needed,On Hand,To Buy,Unit,Product,Brand,Packages To Buy,"
    f"Estimated Cost ({settings.CURRENCY}),Recipes"
)


# --- Steps --------------------------------------------------------------------------------


def log_in(browser: Browser, world: SimpleNamespace) -> None:
    browser.visit("/")
    assert browser.path == "/accounts/login/"
    browser.fill("id_username", world.username)
    browser.fill("id_password", world.password)
    browser.follow(browser.button("Log in"))
    assert browser.path == "/"
    assert "Upcoming events" in browser.main_text()
    assert "No events here yet." in browser.main_text()


def create_event(browser: Browser, world: SimpleNamespace) -> Event:
    browser.follow(browser.link("Events"))
    browser.fill("id_name", world.event_name)
    browser.set_date("id_event_date", world.event_date)
    browser.fill("id_notes", "Cookies for the neighbours")
    browser.follow(browser.button("Create event"))
    event = Event.objects.get(household=world.household)
    assert browser.path == f"/events/{event.pk}/"
    assert f"Created the event {world.event_name}." in browser.alerts()
    assert (event.name, event.event_date) == (world.event_name, world.event_date)
    # An empty event shows its first steps.
    assert "First steps" in browser.main_text()
    browser.screenshots("event-empty")
    return event


def assign_packages(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """Anna through the single form, Ben through the bulk-assign page."""
    browser.follow(browser.link("Packages (0)"))
    assert "No packages assigned yet." in browser.main_text()
    browser.choose("assign_recipient", "Anna Baker")
    browser.choose("assign_package", "Cookie Gift")
    browser.follow(browser.by_id("assign-submit"))
    assert "Package assigned." in browser.alerts()

    browser.follow(browser.link("Choose recipients for a package"))
    text = browser.main_text()
    assert "Anna Baker" in text and "Cookie Gift" in text  # who already has one
    browser.choose("bulk_package", "Cookie Gift")
    browser.driver.find_element(
        By.CSS_SELECTOR, f"input[name='recipients'][value='{world.ben.pk}']"
    ).click()
    browser.follow(browser.button("Assign to all ticked"))
    assert "assigned to 1 recipient" in browser.alerts()

    browser.visit(f"/events/{event.pk}/?tab=packages")
    table = browser.by_id("assignments").text
    assert "Anna Baker" in table and "Ben Cole" in table
    assert "Pending: 2 packages" in table
    rows = Assignment.objects.filter(event=event).order_by("recipient__name")
    assert [(a.recipient.name, a.package.name, a.quantity, a.fulfillment_status) for a in rows] == [
        ("Anna Baker", "Cookie Gift", 1, Assignment.PENDING),
        ("Ben Cole", "Cookie Gift", 1, Assignment.PENDING),
    ]


def home_shows_the_plan(browser: Browser, world: SimpleNamespace) -> None:
    """No targets yet: the plan is what the packages need (two boxes of 12 cookies: one
    batch of 48), marked suggested."""
    browser.follow(browser.link("BakePlanner"))
    text = browser.main_text()
    assert world.event_name in text
    assert "Not started" in text
    assert "0 of 1 batch" in text and "0 of 2 gift boxes" in text
    assert "suggested" in text
    assert "Bake 1 more batch of Sugar Cookies" in text
    assert "Record packing: 2 more Cookie Boxes" in text
    assert "Packages: 2 pending · 0 ready · 0 delivered of 2 packages" in text
    assert not ProductionTarget.objects.exists()
    browser.screenshots("home-planned")


def bake_from_home_on_a_phone(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """At phone width: the next step, Record baking, back home. Three taps, and the bar of a
    recipe that has no target moves."""
    browser.phone()
    browser.visit("/")
    taps = 0
    browser.follow(browser.link("Bake 1 more batch of Sugar Cookies", within=browser.by_id("main")))
    taps += 1
    assert browser.path == "/production/runs/new/"
    wait_for_stock_check(browser, "Enough of every ingredient is in stock.")
    browser.follow(browser.button("Record baking"))
    taps += 1
    run = ProductionRun.objects.get()
    assert browser.path == f"/production/runs/{run.pk}/"
    assert (run.event_id, run.num_batches, run.finished_unit_id) == (event.pk, 1, world.cookie.pk)
    browser.follow(browser.link("BakePlanner"))
    taps += 1
    assert taps <= 3
    text = browser.main_text()
    assert "1 of 1 batch ✓" in text
    assert "Bake 1 more batch" not in text
    assert FinishedUnit.objects.get(pk=world.cookie.pk).inventory_count == 48
    assert InventoryLot.objects.get(ingredient=world.flour).quantity_remaining == 760
    browser.desktop()
    browser.screenshots("home-after-baking")


def download_shopping_list(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link(world.event_name))
    browser.follow(browser.link("Shopping list"))
    text = browser.main_text()
    # Everything left is in stock, so the list to buy is empty and says what it hides.
    assert "Nothing to buy" in text
    assert "Flour" not in text
    browser.follow(browser.link("show all"))
    text = browser.main_text()
    assert "Cellophane bag" in text
    browser.screenshots("shopping-list")

    link = browser.link("Download CSV")
    href = link.get_attribute("href")
    assert href is not None
    download = browser.fetch_bytes(href)
    assert download["status"] == 200
    assert download["contentType"].startswith("text/csv")
    slug = event.slug
    assert download["disposition"] == f'attachment; filename="{slug}-shopping-list.csv"'
    body = download["body"]
    assert body.startswith(BOM)
    lines = body[len(BOM) :].decode("utf-8").split("\r\n")
    assert lines[0] == SHOPPING_HEADER
    assert any(line.startswith("packaging,Wrapping,Cellophane bag,2,10,0,each,") for line in lines)
    # The web download (of every line, as shown) is the export command's bytes with --all.
    with unit_of_work(world.household, read_only=True) as tx:
        assert body == shopping_list_csv(tx, event.pk, show_all=True)


def wait_for_stock_check(browser: Browser, expected: str) -> str:
    """The live panel asks the server after each edit; wait for its settled answer."""
    return browser.wait(
        lambda d: (
            text
            if expected in (text := browser.text_of("run-check")) and "Checking" not in text
            else False
        ),
        f"the stock check never said {expected!r}",
    )


def refused_bake(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """Four batches need 960 g of flour and 760 g is left: refused, with what is missing."""
    browser.follow(browser.link("Baking"))
    browser.follow(browser.link("Record baking"))
    browser.choose("id_finished_unit", "Sugar Cookies: cookie (48 per batch)")
    browser.fill("id_num_batches", 4)
    live = wait_for_stock_check(browser, "Not enough in stock")
    assert "Flour" in live and "Sugar" not in live
    browser.follow(browser.button("Record baking"))
    assert browser.path == "/production/runs/new/"
    assert "Not enough ingredients: Flour: needed 960 g, available 760 g." in browser.main_text()
    assert ProductionRun.objects.count() == 1
    assert InventoryLot.objects.get(ingredient=world.flour).quantity_remaining == 760
    browser.screenshots("record-baking-refused")


def bake_for_later_then_move_it(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """A bake recorded as stock for later counts for no event until it is moved to one."""
    browser.fill("id_num_batches", 1)
    browser.choose("id_event", "No event (stock for later)")
    wait_for_stock_check(browser, "Enough of every ingredient is in stock.")
    browser.follow(browser.button("Record baking"))
    run = ProductionRun.objects.latest("pk")
    assert run.event_id is None
    assert "stock for later" in browser.main_text()

    browser.choose("id_event", f"{world.event_name} ({world.event_date:%Y-%m-%d})")
    browser.follow(browser.button("Change event"))
    run.refresh_from_db()
    assert run.event_id == event.pk
    assert f"Counts towards {world.event_name}" in browser.main_text()
    assert "Stock for later" in browser.by_id("main").text  # the change is in its history
    browser.visit(f"/events/{event.pk}/")
    assert "2 of 1 batch" in browser.by_id("plan").text

    browser.visit(f"/production/runs/{run.pk}/")
    browser.choose("id_event", "No event (stock for later)")
    browser.follow(browser.button("Change event"))
    run.refresh_from_db()
    assert run.event_id is None
    browser.screenshots("baking-run-moved")
    browser.visit(f"/events/{event.pk}/")
    assert "1 of 1 batch" in browser.by_id("plan").text


def accept_the_plan(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.button("Accept the plan"))
    assert "Accepted the plan: 1 baking target and 1 packing target set." in browser.alerts()
    assert "suggested" not in browser.by_id("plan").text
    production = ProductionTarget.objects.get(event=event)
    assembly = AssemblyTarget.objects.get(event=event)
    assert (production.recipe_id, production.target_batches) == (world.cookies.pk, 1)
    assert (assembly.finished_good_id, assembly.target_quantity) == (world.box.pk, 2)


def record_packing(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link("Record packing", within=browser.by_id("plan")))
    assert browser.path == "/production/assembly/new/"
    wait_for_stock_check(browser, "Everything needed is in stock.")
    browser.screenshots("record-packing")
    browser.follow(browser.button("Record packing"))
    run = AssemblyRun.objects.get()
    assert browser.path == f"/production/assembly/{run.pk}/"
    assert (run.event_id, run.quantity) == (event.pk, 2)
    assert FinishedGood.objects.get(pk=world.box.pk).inventory_count == 2
    assert FinishedUnit.objects.get(pk=world.cookie.pk).inventory_count == 72


def row_of(browser: Browser, recipient: str) -> Any:
    return browser.driver.find_element(
        By.XPATH, f"//section[@id='assignments']//tr[td[contains(., '{recipient}')]]"
    )


def click_status(browser: Browser, recipient: str, label: str) -> None:
    # The button's hidden text names the recipient for screen readers.
    browser.follow(browser.button(f"{label} for {recipient}", within=row_of(browser, recipient)))


def status_of(browser: Browser, recipient: str) -> str:
    return row_of(browser, recipient).find_element(By.CSS_SELECTOR, ".status-badge").text


def ready_delivered_and_back(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.visit(f"/events/{event.pk}/?tab=packages")
    click_status(browser, "Anna Baker", "Mark ready")
    assert "Anna Baker's Cookie Gift is now ready." in browser.alerts()
    click_status(browser, "Anna Baker", "Mark delivered")
    # Delivered cannot be undone by the same tap: it asks first.
    assert "Mark Anna Baker" in browser.main_text()
    assert Assignment.objects.get(recipient=world.anna).fulfillment_status == "ready"
    browser.follow(browser.by_id("confirm-delivered"))
    assert "Anna Baker's Cookie Gift is now delivered." in browser.alerts()
    click_status(browser, "Ben Cole", "Mark ready")
    assert "Ben Cole's Cookie Gift is now ready." in browser.alerts()
    assert status_of(browser, "Anna Baker") == "Delivered"
    assert status_of(browser, "Ben Cole") == "Ready"
    overview = browser.by_id("main").find_element(By.CSS_SELECTOR, "section.card").text
    assert "Complete" in overview
    assert "Packages: 1 of 2 packages delivered, 1 ready" in overview
    browser.screenshots("event-packages")

    # Anna's package was not given after all: step it back, with a reason.
    browser.follow(browser.link("Step back", within=row_of(browser, "Anna Baker")))
    browser.fill("id_reason", "Anna was away; delivering after the holidays")
    browser.follow(browser.button("Step back to ready"))
    assert status_of(browser, "Anna Baker") == "Ready"
    change = FulfillmentChange.objects.latest("pk")
    assert (change.from_status, change.to_status) == ("delivered", "ready")
    assert change.reason == "Anna was away; delivering after the holidays"
    statuses = dict(
        Assignment.objects.filter(event=event).values_list("recipient__name", "fulfillment_status")
    )
    assert statuses == {"Anna Baker": Assignment.READY, "Ben Cole": Assignment.READY}
    browser.follow(browser.link("Plan"))
    browser.screenshots("event")


def costs_page(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link("Costs"))
    text = browser.main_text()
    assert "Projected" in text or "projected" in text
    browser.screenshots("costs")


def home_after_delivery(browser: Browser, world: SimpleNamespace) -> None:
    browser.follow(browser.link("BakePlanner"))
    text = browser.main_text()
    assert "Complete" in text and "Not started" not in text
    assert "100% of the plan done" in text
    assert "1 of 1 batch ✓" in text and "2 of 2 gift boxes ✓" in text
    assert "Packages: 0 pending · 2 ready · 0 delivered of 2 packages" in text
    assert "Deliver 2 ready packages" in text
    assert "Bake 1 more" not in text and "Record packing: 2 more" not in text
    browser.screenshots("home")


def clone_for_next_year(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link(world.event_name))
    browser.visit(f"/events/{event.pk}/clone/")
    next_year = world.event_date.replace(year=world.event_date.year + 1)
    next_name = world.event_name.replace(str(world.event_date.year), str(next_year.year))
    # The form suggests next year's name and date.
    assert browser.by_id("id_name").get_attribute("value") == next_name
    assert browser.by_id("id_event_date").get_attribute("value") == next_year.isoformat()
    browser.screenshots("event-clone")
    browser.by_id("id_copy_targets").click()
    browser.follow(browser.button("Clone event"))
    clone = Event.objects.exclude(pk=event.pk).get()
    assert browser.path == f"/events/{clone.pk}/"
    assert f"Created {next_name} from {world.event_name}." in browser.alerts()
    assert (clone.name, clone.event_date, clone.notes) == (
        next_name,
        next_year,
        "Cookies for the neighbours",
    )
    assert set(
        Assignment.objects.filter(event=clone).values_list("recipient__name", "fulfillment_status")
    ) == {("Anna Baker", Assignment.PENDING), ("Ben Cole", Assignment.PENDING)}
    assert ProductionTarget.objects.get(event=clone).target_batches == 1
    assert AssemblyTarget.objects.get(event=clone).target_quantity == 2
    # The original keeps its history.
    assert Assignment.objects.filter(event=event, fulfillment_status="ready").count() == 2


# --- The walk -----------------------------------------------------------------------------


def test_member_plans_bakes_packs_and_delivers_in_the_browser(browser, bake_world):
    log_in(browser, bake_world)
    event = create_event(browser, bake_world)
    assign_packages(browser, bake_world, event)
    home_shows_the_plan(browser, bake_world)
    bake_from_home_on_a_phone(browser, bake_world, event)
    download_shopping_list(browser, bake_world, event)
    refused_bake(browser, bake_world, event)
    bake_for_later_then_move_it(browser, bake_world, event)
    accept_the_plan(browser, bake_world, event)
    record_packing(browser, bake_world, event)
    ready_delivered_and_back(browser, bake_world, event)
    costs_page(browser, bake_world, event)
    home_after_delivery(browser, bake_world)
    clone_for_next_year(browser, bake_world, event)

    browser.collect_console()
    assert browser.console_errors == []
    assert browser.layout_problems == []
