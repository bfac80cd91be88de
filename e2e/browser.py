"""A page helper for the browser tests: waited-for page loads, form filling, console errors
collected along the way, and screenshots at desktop and phone width."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chromium.webdriver import ChromiumDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
DESKTOP = (1280, 900)
PHONE = (390, 844)
WAIT_SECONDS = 15


class Browser:
    """The driver plus what every step needs: page loads that are waited for, console errors
    collected as the walk goes, and screenshots at desktop and phone width."""

    def __init__(self, driver: ChromiumDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.layout_problems: list[str] = []

    # --- Waiting and navigating -------------------------------------------------------------

    def wait(self, condition: Callable[[WebDriver], Any], message: str) -> Any:
        # While a page is replaced, the driver may answer with an error about the old one:
        # that only means "not yet".
        waiting = WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(WebDriverException,))
        return waiting.until(condition, message)

    def visit(self, path: str) -> None:
        self.driver.get(self.base_url + path)
        self._loaded()

    def follow(self, element: WebElement) -> None:
        """Click a link or a submit button and wait until the page it leads to is ready."""
        label = element.text or element.get_attribute("value")
        # A mark on the current page's window: the next page starts without it.
        self.driver.execute_script("window.walkthroughOldPage = true;")
        element.click()
        self.wait(
            lambda d: d.execute_script(
                "return !window.walkthroughOldPage && document.readyState === 'complete';"
            ),
            f"no new page after clicking {label!r}",
        )
        self.collect_console()

    def _loaded(self) -> None:
        self.wait(
            lambda d: d.execute_script("return document.readyState === 'complete';"),
            f"{self.driver.current_url} did not finish loading",
        )
        self.collect_console()

    def text_of(self, element_id: str) -> str:
        """An element's visible text, read in one script run (never half-way through the
        page's own script replacing it)."""
        return self.driver.execute_script(
            "const node = document.getElementById(arguments[0]);return node ? node.innerText : '';",
            element_id,
        )

    def collect_console(self) -> None:
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                self.console_errors.append(f"{self.path}: {entry['message']}")

    @property
    def path(self) -> str:
        return urlsplit(self.driver.current_url).path

    # --- Finding and filling ----------------------------------------------------------------

    def by_id(self, element_id: str) -> WebElement:
        return self.driver.find_element(By.ID, element_id)

    def button(self, label: str, within: WebElement | None = None) -> WebElement:
        """A button or submit input by its visible label."""
        scope = within or self.driver
        return scope.find_element(
            By.XPATH,
            f".//button[normalize-space()='{label}']"
            f" | .//input[@type='submit' and @value='{label}']",
        )

    def link(self, text: str, within: WebElement | None = None) -> WebElement:
        """The link whose visible text is `text` (or starts a longer text, within an element:
        row buttons carry a hidden name after the label)."""
        if within is not None:
            return within.find_element(By.PARTIAL_LINK_TEXT, text)
        return self.driver.find_element(By.LINK_TEXT, text)

    def fill(self, element_id: str, value: object) -> None:
        field = self.by_id(element_id)
        field.clear()
        field.send_keys(str(value))

    def choose(self, element_id: str, visible_text: str) -> None:
        Select(self.by_id(element_id)).select_by_visible_text(visible_text)

    def set_date(self, element_id: str, value: dt.date) -> None:
        """Date pickers take typed digits in the browser's locale order; the value is not."""
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            self.by_id(element_id),
            value.isoformat(),
        )

    def main_text(self) -> str:
        return self.by_id("main").text

    def alerts(self) -> str:
        return " ".join(a.text for a in self.driver.find_elements(By.CSS_SELECTOR, ".alert"))

    def fetch_bytes(self, url: str) -> dict[str, Any]:
        """GET a URL with the page's own cookies and return status, headers and body bytes."""
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], {credentials: "same-origin"})
              .then(r => r.arrayBuffer().then(body => done({
                status: r.status,
                contentType: r.headers.get("Content-Type"),
                disposition: r.headers.get("Content-Disposition"),
                body: Array.from(new Uint8Array(body)),
              })))
              .catch(error => done({error: String(error)}));
            """,
            url,
        )
        assert "error" not in result, result
        result["body"] = bytes(result["body"])
        return result

    def log_in(self, username: str, password: str) -> None:
        """Log in through the login form."""
        self.visit("/accounts/login/")
        self.fill("id_username", username)
        self.fill("id_password", password)
        self.follow(self.button("Log in"))
        assert self.path != "/accounts/login/", f"logging in as {username} failed"

    # --- Accessibility ----------------------------------------------------------------------

    def theme(self, theme: str) -> None:
        """Ask for the light or dark theme as the system would: static/js/theme.js follows the
        emulated colour-scheme preference on this page and every page loaded after it."""
        self.driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": theme}]},
        )
        # The page's change listener runs a moment later: look again on every frame (a
        # WebDriverWait would sleep half a second, hundreds of times in the axe-core check).
        switched = self.driver.execute_async_script(
            """
            const [theme, done] = arguments;
            const deadline = performance.now() + 5000;
            (function look() {
              const now = document.documentElement.getAttribute("data-bs-theme");
              if (now === theme || performance.now() > deadline) { done(now === theme); }
              else { requestAnimationFrame(look); }
            })();
            """,
            theme,
        )
        assert switched, f"{self.path} did not switch to the {theme} theme"

    def shown_theme(self) -> str:
        shown: str = self.driver.execute_script(
            "return document.documentElement.getAttribute('data-bs-theme');"
        )
        return shown

    def axe_violations(self, rules: list[str] | None = None) -> list[dict[str, Any]]:
        """The current page's axe-core violations (axe must be loaded in the page), each as
        rule id, impact, summary and the offending nodes' selectors and failure summaries.
        Every rule runs, or only the named `rules`."""
        result = self.driver.execute_async_script(
            """
            const [rules, done] = arguments;
            if (!window.axe) { done({error: "axe-core is not loaded in the page"}); return; }
            const options = {resultTypes: ["violations"]};
            if (rules) { options.runOnly = {type: "rule", values: rules}; }
            axe.run(document, options)
              .then(r => done({violations: r.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map(n => ({
                  impact: n.impact,
                  target: n.target.map(String).join(" "),
                  summary: n.failureSummary || "",
                })),
              }))}))
              .catch(error => done({error: String(error)}));
            """,
            rules,
        )
        assert "error" not in result, f"{self.path}: {result['error']}"
        violations: list[dict[str, Any]] = result["violations"]
        return violations

    # --- Screenshots ------------------------------------------------------------------------

    def _viewport(self, size: tuple[int, int], *, mobile: bool) -> None:
        width, height = size
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )

    def desktop(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def phone(self) -> None:
        """Phone width (390 px) until `desktop()`: pages load and are tapped at that size."""
        self._viewport(PHONE, mobile=True)

    def screenshots(self, name: str) -> None:
        """Save the whole page at desktop and at phone width, in the light and the dark theme.
        At phone width nothing may stick out sideways: wide tables scroll inside their own
        box."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        chosen = self.driver.execute_script(
            "return document.documentElement.getAttribute('data-bs-theme') || 'light';"
        )
        for theme in ("light", "dark"):
            self.driver.execute_script(
                "document.documentElement.setAttribute('data-bs-theme', arguments[0]);", theme
            )
            for label, size, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
                self._viewport(size, mobile=mobile)
                overflow = self.driver.execute_script(
                    "const root = document.documentElement;"
                    "return root.scrollWidth - root.clientWidth;"
                )
                if overflow > 0:
                    self.layout_problems.append(
                        f"{name} at {label} width: the page is {overflow}px wider than the screen"
                    )
                metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
                content = metrics["cssContentSize"]
                shot = self.driver.execute_cdp_cmd(
                    "Page.captureScreenshot",
                    {
                        "format": "png",
                        "captureBeyondViewport": True,
                        "clip": {
                            "x": 0,
                            "y": 0,
                            "width": max(size[0], content["width"]),
                            "height": max(size[1], min(content["height"], 8000)),
                            "scale": 1,
                        },
                    },
                )
                path = SCREENSHOTS / f"{name}-{label}-{theme}.png"
                path.write_bytes(base64.b64decode(shot["data"]))
        self.driver.execute_script(
            "document.documentElement.setAttribute('data-bs-theme', arguments[0]);", chosen
        )
        self.desktop()
        self.collect_console()
