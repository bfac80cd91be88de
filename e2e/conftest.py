"""Headless Chromium, driven by Selenium, against pytest-django's live server.

The browser is Debian's `chromium` with its `chromium-driver`; nothing is ever downloaded
(Selenium Manager is bypassed by naming both binaries). When either is missing the browser
tests fail with a message saying what to install: CI installs them, so a skip would hide a
broken set-up.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chromium.webdriver import ChromiumDriver

from bakeplanner.tests.test_every_url import build_world, every_url
from bakeplanner.tx import unit_of_work
from e2e.browser import DESKTOP, FAILURES, SCREENSHOTS, WAIT_SECONDS, Browser
from events.services import add_package_item, create_package, create_recipient
from production.services import (
    add_component,
    add_recipe_ingredient,
    create_finished_good,
    create_finished_unit,
    create_ingredient,
    create_product,
    create_recipe,
    record_purchase,
)

CHROMIUM = Path(os.environ.get("BAKEPLANNER_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("BAKEPLANNER_CHROMEDRIVER", "/usr/bin/chromedriver"))
PASSWORD = "walk-through-pass-2026"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Every page is also checked with the member logged out (the login page) and at an address
# that does not exist (the "Not found" page).
NOT_FOUND = "/no-such-page/"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=en-US",
    # Bootstrap scrolls smoothly otherwise, and a click would land before the scroll ends.
    "--force-prefers-reduced-motion",
    f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
)


@pytest.fixture(scope="session")
def chromium_driver(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, live_server: Any
) -> Iterator[ChromiumDriver]:
    """One headless Chromium for the whole run, with a fresh profile. Screenshots of an
    earlier run are cleared, so the folder shows this run only.

    Set up after the test database and the live server, so torn down before them: Chromium
    closes its kept-alive connections, the server's threads end and close their database
    sessions, and only then is the test database dropped (PostgreSQL refuses while a session
    is open).
    """
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail(
            f"The browser tests need Chromium and its driver; not found: {', '.join(missing)}. "
            "Install them with `apt-get install chromium chromium-driver` (or point "
            "BAKEPLANNER_CHROMIUM / BAKEPLANNER_CHROMEDRIVER at them).",
            pytrace=False,
        )
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
    except WebDriverException as exc:
        pytest.fail(f"Chromium did not start: {exc.msg}", pytrace=False)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(WAIT_SECONDS)
    # Headless Chromium still reserves room for its toolbar: grow the window until the
    # page itself gets the desktop size.
    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    driver.set_window_size(2 * DESKTOP[0] - width, 2 * DESKTOP[1] - height)
    yield driver
    driver.quit()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test, so the browser fixture knows it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(
    request: pytest.FixtureRequest, chromium_driver: ChromiumDriver, live_server: Any
) -> Iterator[Browser]:
    """The shared Chromium, logged out, at desktop width, with an empty console log. When the
    test fails, the page it stopped on is kept (picture and HTML) in test-artifacts/failures."""
    driver = chromium_driver
    driver.get(live_server.url + "/accounts/login/")
    driver.delete_all_cookies()
    driver.get_log("browser")
    page = Browser(driver, live_server.url)
    page.desktop()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(FAILURES / f"{request.node.name}.png"))
        (FAILURES / f"{request.node.name}.html").write_text(driver.page_source, "utf-8")
    page.desktop()
    driver.delete_all_cookies()


@pytest.fixture
def bake_world(household: Any, member: Any) -> SimpleNamespace:
    """What the walkthrough starts from, made with the services in one unit of work: flour
    and sugar in stock, Sugar Cookies (48 a batch), a Cookie Box of 12 cookies in a
    cellophane bag, a Cookie Gift package holding one box, two recipients."""
    member.set_password(PASSWORD)
    member.save()
    bought_on = timezone.localdate() - dt.timedelta(days=7)
    with unit_of_work(household, actor=member) as tx:
        flour = create_ingredient(
            tx, name="Flour", stock_family="weight", density_g_per_cup="120", category="Baking"
        )
        sugar = create_ingredient(
            tx, name="Sugar", stock_family="weight", density_g_per_cup="200", category="Baking"
        )
        bags = create_ingredient(
            tx, name="Cellophane bag", stock_family="count", kind="packaging", category="Wrapping"
        )
        flour_bag = create_product(tx, flour.pk, package_quantity="1", package_unit="kg")
        sugar_bag = create_product(tx, sugar.pk, package_quantity="1", package_unit="kg")
        bag_pack = create_product(tx, bags.pk, package_quantity="10", package_unit="each")
        # 1 kg of flour covers four batches, not six: the refused run in the walk.
        record_purchase(
            tx, flour_bag.pk, packages="1", price_per_package="3.00", purchased_on=bought_on
        )
        record_purchase(
            tx, sugar_bag.pk, packages="2", price_per_package="4.00", purchased_on=bought_on
        )
        record_purchase(
            tx, bag_pack.pk, packages="1", price_per_package="2.50", purchased_on=bought_on
        )
        cookies = create_recipe(tx, name="Sugar Cookies", category="Cookies")
        add_recipe_ingredient(tx, cookies.pk, flour.pk, "2", "cup")
        add_recipe_ingredient(tx, cookies.pk, sugar.pk, "1", "cup")
        cookie = create_finished_unit(
            tx, cookies.pk, name="cookie", items_per_batch=48, item_unit="cookie"
        )
        box = create_finished_good(tx, name="Cookie Box")
        add_component(tx, box.pk, "finished_unit", cookie.pk, 12)
        add_component(tx, box.pk, "packaging", bags.pk, "1")
        gift = create_package(tx, name="Cookie Gift")
        add_package_item(tx, gift.pk, box.pk, 1)
        anna = create_recipient(tx, name="Anna Baker")
        ben = create_recipient(tx, name="Ben Cole")
    event_date = timezone.localdate() + dt.timedelta(days=45)
    if (event_date.month, event_date.day) == (2, 29):  # so that next year has the same date
        event_date += dt.timedelta(days=1)
    return SimpleNamespace(
        household=household,
        username=member.get_username(),
        password=PASSWORD,
        flour=flour,
        sugar=sugar,
        cookies=cookies,
        cookie=cookie,
        box=box,
        gift=gift,
        anna=anna,
        ben=ben,
        event_name=f"Winter Gifts {event_date.year}",
        event_date=event_date,
    )


@pytest.fixture
def every_page(household: Any, member: Any) -> SimpleNamespace:
    """One of everything in the member's household (the world of the every-URL test, so a
    new URL pattern is visited here as soon as that test knows it) and the path of every
    page a logged-in member can open with it: the patterns that answer a GET with an HTML
    page (not the CSV downloads, the JSON checks or the POST-only actions)."""
    member.set_password(PASSWORD)
    member.save()
    world = build_world(household)
    client = Client()
    client.force_login(member)
    pages = []
    for name, path in every_url(world):
        if name in {"login", "logout"}:
            continue
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append(path)
    return SimpleNamespace(username=member.get_username(), password=PASSWORD, pages=pages)


@pytest.fixture
def axe_browser(browser: Browser) -> Iterator[Browser]:
    """The browser with axe-core loaded into every page it opens (the package pinned in
    package-lock.json; scripts/browser.sh installs it). Without it the test fails: a skip
    would pass an unchecked build."""
    if not AXE.is_file():
        pytest.fail(
            f"The accessibility checks need axe-core, not found at {AXE}. Install it with "
            "`scripts/browser.sh` (or `npm ci --no-audit --no-fund` at the repository root).",
            pytrace=False,
        )
    added = browser.driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": AXE.read_text("utf-8")}
    )
    try:
        yield browser
    finally:
        browser.driver.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )
        browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
