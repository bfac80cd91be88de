"""Gift tags in a real browser: the print page at phone and desktop width, and the first page
of its PDF as a picture (docs/allergens-and-freshness.md, "Gift tags and packing slips").

A member whose cookies contain gluten and whose recipient avoids it opens the event's gift
tags: one tag per assignment with what is inside, "Contains", and the best-before date of the
bake. The PDF download is a PDF whose first page pdftoppm (Debian's poppler-utils, installed
by scripts/browser.sh) turns into test-artifacts/screenshots/gift-tags-pdf-page1.png.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse

from bakeplanner.tx import unit_of_work
from e2e.browser import SCREENSHOTS, Browser
from events.models import Event
from events.services import assign_package_to_recipient, create_event, set_recipient_avoids
from production.services import (
    record_batch_production,
    set_ingredient_allergens,
    set_shelf_life,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tagged_event(world: SimpleNamespace) -> Event:
    """Flour has gluten, a cookie keeps 14 days, Anna avoids gluten; both recipients get the
    Cookie Gift, and two batches are baked for the event."""
    with unit_of_work(world.household) as tx:
        set_ingredient_allergens(tx, world.flour.pk, contains=["gluten"], may_contain=["egg"])
        set_shelf_life(tx, world.cookie.pk, days=14)
        set_recipient_avoids(tx, world.anna.pk, ["gluten"])
        event = create_event(tx, name=world.event_name, event_date=world.event_date)
        assign_package_to_recipient(tx, event.pk, world.anna.pk, world.gift.pk)
        assign_package_to_recipient(tx, event.pk, world.ben.pk, world.gift.pk)
        record_batch_production(tx, world.cookies.pk, world.cookie.pk, 1, 48, event_id=event.pk)
    return event


def test_gift_tags_page_and_its_pdf(browser: Browser, bake_world: SimpleNamespace, tmp_path: Path):
    event = tagged_event(bake_world)
    browser.log_in(bake_world.username, bake_world.password)

    browser.visit(reverse("events:event_detail", args=[event.pk]))
    assert "Allergens and freshness (1)" in browser.main_text()  # Anna avoids gluten

    browser.visit(reverse("events:event_tags", args=[event.pk]))
    text = browser.main_text()
    assert "Anna Baker" in text and "Ben Cole" in text
    assert text.count("Contains: Gluten") == 2
    assert "Best before" in text
    browser.screenshots("gift-tags")

    pdf_url = browser.link("PDF").get_attribute("href")
    assert pdf_url is not None
    download = browser.fetch_bytes(pdf_url)
    assert download["status"] == 200
    assert download["contentType"] == "application/pdf"
    assert download["body"].startswith(b"%PDF")

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: scripts/browser.sh installs poppler-utils"
    pdf = tmp_path / "tags.pdf"
    pdf.write_bytes(download["body"])
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(tmp_path / "page1")],
        check=True,
        timeout=60,
    )  # fmt: skip
    picture = tmp_path / "page1.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(picture, SCREENSHOTS / "gift-tags-pdf-page1.png")
