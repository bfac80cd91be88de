"""The bake-tracker upload page in a real browser at phone width (390 px)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from bakeplanner.testing import db_snapshot
from e2e.browser import Browser
from e2e.conftest import browser, chromium_driver  # noqa: F401 (fixtures of the browser suite)
from events.tests.test_import_baketracker import _bad_lines_export
from production.models import Recipe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "bake-test-pass-123"  # conftest.py's password for its users


def _overflow(page: Browser) -> int:
    width: int = page.driver.execute_script(
        "const root = document.documentElement; return root.scrollWidth - root.clientWidth;"
    )
    return width


def test_upload_preview_and_import_fit_a_phone(
    browser: Browser,  # noqa: F811 (the imported fixture)
    member: Any,
    household: Any,
    tmp_path: Path,
) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(_bad_lines_export()), encoding="utf-8")
    browser.log_in(member.username, PASSWORD)
    browser.phone()
    browser.visit("/events/import/bake-tracker/")
    assert _overflow(browser) == 0
    before = db_snapshot()

    browser.driver.find_element(By.ID, "id_file").send_keys(str(export))
    browser.driver.find_element(By.ID, "id_skip_invalid").click()
    browser.follow(browser.button("Show what would be imported"))

    assert "Left out (3 rows)" in browser.main_text()
    assert _overflow(browser) == 0
    assert db_snapshot() == before
    browser.follow(browser.button("Import 15 rows"))
    assert "Imported from bake-tracker: 3 ingredients" in browser.main_text()
    assert _overflow(browser) == 0
    assert Recipe.objects.get(household=household, name="Sugar Cookies").incomplete is True
