"""Every page through axe-core, at desktop and phone width, in the light and the dark theme
(docs/accessibility.md).

The pages are those of the every-URL test (a logged-in member's view of a household with one
of everything), plus the login page and the "Not found" page. A serious or critical
violation anywhere fails the test; the failure lists each one with its rule, page, variant,
the offending elements and what is wrong with them. Lesser findings are not counted.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.urls import reverse

from e2e.browser import Browser
from e2e.conftest import NOT_FOUND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = ("desktop", "phone")
THEMES = ("light", "dark")
# The second theme on the same page changes colours only: every rule runs in the first
# theme, the rules about colour in both.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _findings(
    browser: Browser, variant: str, clock: dict[str, float], rules: list[str] | None = None
) -> list[str]:
    found = []
    started = time.monotonic()
    violations = browser.axe_violations(rules)
    clock["axe"] += time.monotonic() - started
    for violation in violations:
        nodes = [node for node in violation["nodes"] if node["impact"] in FAILING_IMPACTS]
        for node in nodes:
            summary = " ".join(node["summary"].split())
            found.append(
                f"[{violation['id']}, {node['impact']}] {browser.path} ({variant}): "
                f"{violation['help']}\n    at {node['target']}\n    {summary}"
            )
    return found


def _resize(browser: Browser, width: str) -> None:
    if width == "phone":
        browser.phone()
    else:
        browser.desktop()


def _check_both_themes(browser: Browser, width: str, clock: dict[str, float]) -> list[str]:
    """Check the loaded page in the light and the dark theme, switched as the system
    preference would switch it (static/js/theme.js follows the change without a reload)."""
    found = []
    # The page opened in the theme the last one ended with: check that one first.
    shown = browser.shown_theme()
    for index, theme in enumerate(sorted(THEMES, key=lambda theme: theme != shown)):
        browser.theme(theme)
        rules = None if index == 0 else COLOUR_RULES
        found += _findings(browser, f"{width}, {theme}", clock, rules)
    return found


def test_no_page_has_a_serious_accessibility_violation(
    axe_browser: Browser, every_page: SimpleNamespace
) -> None:
    browser = axe_browser
    started = time.monotonic()
    pages = [*every_page.pages, NOT_FOUND]
    findings: list[str] = []
    clock = {"axe": 0.0}
    for width in WIDTHS:
        _resize(browser, width)
        browser.visit(reverse("login"))
        findings += _check_both_themes(browser, width, clock)
    browser.log_in(every_page.username, every_page.password)
    for width in WIDTHS:
        _resize(browser, width)
        for path in pages:
            browser.visit(path)
            findings += _check_both_themes(browser, width, clock)
    browser.desktop()
    elapsed = time.monotonic() - started
    views = (len(pages) + 1) * len(WIDTHS) * len(THEMES)
    print(
        f"\naxe-core: {views} page views ({len(pages) + 1} pages) in {elapsed:.0f}s,"
        f" {clock['axe']:.0f}s of it in axe.run"
    )
    assert not findings, (
        f"{len(findings)} serious or critical accessibility violations:\n" + "\n".join(findings)
    )


def test_the_page_list_covers_the_main_pages(every_page: SimpleNamespace) -> None:
    """The shared list really holds the pages a member works in (a broken list would make
    the check above pass on nothing)."""
    expected = {
        reverse(name) for name in ("home", "events:event_list", "production:production_run_list")
    }
    assert expected <= set(every_page.pages), sorted(every_page.pages)
    assert len(every_page.pages) > 40
