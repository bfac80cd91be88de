"""The main flow in a real browser.

A member logs in through the login form, plans an event, assigns a gift package to two
recipients, applies the suggested targets, downloads the shopping list, is refused a bake the
flour cannot cover (and is shown what is missing), bakes, packs, marks the gifts ready and
delivered, watches the dashboard move, and clones the event for next year. Every step is
checked on the page and in the database; screenshots at desktop and phone width land in
`test-artifacts/screenshots/`; the browser console must stay free of errors.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from bakeplanner.tx import unit_of_work
from e2e.browser import Browser
from events.csv_export import shopping_list_csv
from events.models import AssemblyTarget, Assignment, Event, ProductionTarget
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
    assert "No packages assigned yet." in browser.main_text()
    return event


def assign_packages(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """Anna through the single form, Ben through the bulk form."""
    browser.choose("assign_recipient", "Anna Baker")
    browser.choose("assign_package", "Cookie Gift")
    browser.follow(browser.by_id("assign-submit"))
    assert "Package assigned." in browser.alerts()

    browser.choose("bulk_package", "Cookie Gift")
    browser.driver.find_element(
        By.CSS_SELECTOR, f"input[name='recipients'][value='{world.ben.pk}']"
    ).click()
    browser.follow(browser.button("Assign to all ticked"))
    assert "Package assigned to 1 recipient(s)." in browser.alerts()

    table = browser.by_id("assignments").text
    assert "Anna Baker" in table and "Ben Cole" in table
    assert "2 assignments, 2 packages" in table  # the pending summary
    rows = Assignment.objects.filter(event=event).order_by("recipient__name")
    assert [(a.recipient.name, a.package.name, a.quantity, a.fulfillment_status) for a in rows] == [
        ("Anna Baker", "Cookie Gift", 1, Assignment.PENDING),
        ("Ben Cole", "Cookie Gift", 1, Assignment.PENDING),
    ]


def apply_suggested_targets(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    targets = browser.by_id("targets")
    browser.follow(browser.button("Apply suggested targets", within=targets))
    assert "Applied 1 baking target and 1 assembly target." in browser.alerts()
    targets_text = browser.by_id("targets").text
    assert "Sugar Cookies" in targets_text and "1 batch" in targets_text
    assert "0/1 batches (0 %)" in targets_text
    assert "0/2 assembled (0 %)" in targets_text
    # Two boxes of 12 cookies: 24 cookies, one batch of 48.
    production = ProductionTarget.objects.get(event=event)
    assembly = AssemblyTarget.objects.get(event=event)
    assert (production.recipe_id, production.target_batches) == (world.cookies.pk, 1)
    assert (assembly.finished_good_id, assembly.target_quantity) == (world.box.pk, 2)


def dashboard_before_baking(browser: Browser, world: SimpleNamespace) -> None:
    browser.follow(browser.link("BakePlanner"))
    text = browser.main_text()
    assert world.event_name in text
    assert "Not started" in text
    assert "0/1 batches (0 %)" in text
    assert "0/2 assembled (0 %)" in text
    assert "Bake 1 more batch of Sugar Cookies" in text
    assert "Assemble 2 more Cookie Box" in text
    assert "Packages: 2 pending · 0 ready · 0 delivered (of 2)" in text
    browser.screenshots("dashboard-planned")


def download_shopping_list(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link(world.event_name))
    browser.follow(browser.link("Shopping list"))
    text = browser.main_text()
    # Everything is in stock, so the list to buy is empty and says what it hides.
    assert "Nothing to buy: everything needed is in stock." in text
    assert "3 lines with enough in stock are hidden" in text
    assert "Flour" not in text
    browser.follow(browser.link("show all"))
    text = browser.main_text()
    assert "Flour" in text and "Sugar" in text and "Cellophane bag" in text
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
    assert any(line.startswith("ingredient,Baking,Flour,240,1000,0,g,") for line in lines)
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


def record_production(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    """Six batches need 1440 g of flour and only 1000 g is in stock: refused, with what is
    missing. One batch then goes through."""
    browser.follow(browser.link("Production"))
    browser.follow(browser.link("Record baking"))
    browser.choose("id_finished_unit", "Sugar Cookies: cookie (48 per batch)")
    browser.fill("id_num_batches", 6)
    browser.choose("id_event", f"{world.event_name} ({world.event_date:%Y-%m-%d})")
    live = wait_for_stock_check(browser, "Not enough in stock")
    assert "Flour" in live and "Sugar" not in live

    browser.follow(browser.button("Record baking"))
    assert browser.path == "/production/runs/new/"
    assert "Not enough ingredients: Flour: needed 1440 g, available 1000 g." in browser.main_text()
    panel = wait_for_stock_check(browser, "Not enough in stock")
    assert re.search(r"Flour\s+1440 g\s+1000 g", panel), panel
    assert "Sugar" not in panel
    assert not ProductionRun.objects.exists()
    assert InventoryLot.objects.get(ingredient=world.flour).quantity_remaining == 1000
    browser.screenshots("record-production-refused")

    browser.fill("id_num_batches", 1)
    wait_for_stock_check(browser, "Enough of every ingredient is in stock.")
    browser.follow(browser.button("Record baking"))
    run = ProductionRun.objects.get()
    assert browser.path == f"/production/runs/{run.pk}/"
    assert (
        "Recorded 48 of 48 cookie from 1 batch(es) of Sugar Cookies; ingredients cost 1.52."
        in browser.alerts()
    )
    assert (run.event_id, run.num_batches, run.actual_yield) == (event.pk, 1, 48)
    assert FinishedUnit.objects.get(pk=world.cookie.pk).inventory_count == 48
    assert InventoryLot.objects.get(ingredient=world.flour).quantity_remaining == 760
    browser.screenshots("production-run")


def record_assembly(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link("Assembly"))
    browser.follow(browser.link("Record packing"))
    # The quantity first: choosing the box then starts exactly one stock check.
    browser.fill("id_quantity", 2)
    browser.choose("id_finished_good", "Cookie Box")
    browser.choose("id_event", f"{world.event_name} ({world.event_date:%Y-%m-%d})")
    wait_for_stock_check(browser, "Everything needed is in stock.")
    browser.screenshots("record-assembly")
    browser.follow(browser.button("Record packing"))
    run = AssemblyRun.objects.get()
    assert browser.path == f"/production/assembly/{run.pk}/"
    assert "Recorded 2 Cookie Box packed; cost 1.26 (0.63 each)." in browser.alerts()
    assert (run.event_id, run.quantity) == (event.pk, 2)
    assert FinishedGood.objects.get(pk=world.box.pk).inventory_count == 2
    assert FinishedUnit.objects.get(pk=world.cookie.pk).inventory_count == 24


def click_status(browser: Browser, recipient: str, label: str) -> None:
    row = browser.driver.find_element(
        By.XPATH, f"//section[@id='assignments']//tr[td[contains(., '{recipient}')]]"
    )
    browser.follow(browser.button(label, within=row))


def status_of(browser: Browser, recipient: str) -> str:
    row = browser.driver.find_element(
        By.XPATH, f"//section[@id='assignments']//tr[td[contains(., '{recipient}')]]"
    )
    return row.find_element(By.CSS_SELECTOR, ".status-badge").text


def mark_ready_and_delivered(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link("Events"))
    browser.follow(browser.link(world.event_name))
    click_status(browser, "Anna Baker", "Mark ready")
    assert "Cookie Gift for Anna Baker is now ready." in browser.alerts()
    click_status(browser, "Anna Baker", "Mark delivered")
    assert "Cookie Gift for Anna Baker is now delivered." in browser.alerts()
    click_status(browser, "Ben Cole", "Mark ready")
    assert "Cookie Gift for Ben Cole is now ready." in browser.alerts()
    assert status_of(browser, "Anna Baker") == "Delivered"
    assert status_of(browser, "Ben Cole") == "Ready"
    overview = browser.by_id("main").find_element(By.CSS_SELECTOR, "section.card").text
    assert "Complete" in overview
    assert "Packages: 1/2 delivered, 1 ready" in overview
    targets = browser.by_id("targets").text
    assert "1/1 batches (100 %)" in targets and "2/2 assembled (100 %)" in targets
    statuses = dict(
        Assignment.objects.filter(event=event).values_list("recipient__name", "fulfillment_status")
    )
    assert statuses == {"Anna Baker": Assignment.DELIVERED, "Ben Cole": Assignment.READY}
    browser.screenshots("event")


def dashboard_after_delivery(browser: Browser, world: SimpleNamespace) -> None:
    browser.follow(browser.link("BakePlanner"))
    text = browser.main_text()
    assert "Complete" in text and "Not started" not in text
    assert "Overall 100 %" in text
    assert "1/1 batches (100 %) ✓" in text
    assert "2/2 assembled (100 %) ✓" in text
    assert "Packages: 0 pending · 1 ready · 1 delivered (of 2)" in text
    assert "Deliver 1 ready package" in text
    assert "Bake 1 more" not in text and "Assemble 2 more" not in text
    browser.screenshots("dashboard")


def clone_for_next_year(browser: Browser, world: SimpleNamespace, event: Event) -> None:
    browser.follow(browser.link(world.event_name))
    browser.follow(browser.link("Clone for next year"))
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
    assert status_of(browser, "Anna Baker") == "Pending"
    assert status_of(browser, "Ben Cole") == "Pending"
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
    assert Assignment.objects.filter(event=event, fulfillment_status="delivered").count() == 1


# --- The walk -----------------------------------------------------------------------------


def test_member_plans_bakes_packs_and_delivers_in_the_browser(browser, bake_world):
    log_in(browser, bake_world)
    event = create_event(browser, bake_world)
    assign_packages(browser, bake_world, event)
    apply_suggested_targets(browser, bake_world, event)
    dashboard_before_baking(browser, bake_world)
    download_shopping_list(browser, bake_world, event)
    record_production(browser, bake_world, event)
    record_assembly(browser, bake_world, event)
    mark_ready_and_delivered(browser, bake_world, event)
    dashboard_after_delivery(browser, bake_world)
    clone_for_next_year(browser, bake_world, event)

    browser.collect_console()
    assert browser.console_errors == []
    assert browser.layout_problems == []
