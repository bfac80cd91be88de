"""Every control a member taps is at least 44 × 44 px at phone width (docs/accessibility.md).

Every page of the every-URL test is opened at 390 px, and every visible link, button, field,
select, checkbox, radio and disclosure on it is measured. A checkbox or radio passes when its
label is big enough (tapping the label ticks it). The only exemption is a text link inside a
sentence, which WCAG exempts: making it taller would break the line of text. The main menu
is measured opened, with its dropdowns open too.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from e2e.browser import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_SIZE = 44
# Returns "size: description" for every visible control smaller than arguments[0] px either
# way. Elements of 1 px or less are visually hidden (the skip link until it is focused, the
# checkbox behind a toggle button) and are judged by their label instead.
MEASURE_CONTROLS = """
const min = arguments[0] - 0.5;
const controls = document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]"
);
const small = [];
const big = (r) => r.width >= min && r.height >= min;
const describe = (el) => {
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  const id = el.id ? "#" + el.id : "";
  const cls = el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  return `<${el.tagName.toLowerCase()}${id}${cls}> "${text.slice(0, 40)}"`;
};
const inSentence = (el) => {
  const block = el.tagName === "A" && el.closest("p, .form-text");
  return Boolean(block) && block.innerText.trim() !== el.innerText.trim();
};
for (const el of controls) {
  if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
  if (inSentence(el)) continue;
  const rect = el.getBoundingClientRect();
  const hidden = rect.width <= 1 || rect.height <= 1
    || getComputedStyle(el).clip === "rect(0px, 0px, 0px, 0px)";
  const tickable = el.type === "checkbox" || el.type === "radio";
  if (tickable && Array.from(el.labels).some((l) => big(l.getBoundingClientRect()))) continue;
  if (hidden && !tickable) continue;
  if (!big(rect)) {
    small.push(`${Math.round(rect.width)}×${Math.round(rect.height)}: ${describe(el)}`);
  }
}
return small;
"""


def _expanded(toggle: WebElement) -> Callable[[WebDriver], bool]:
    return lambda driver: toggle.get_attribute("aria-expanded") == "true"


def _small_controls(browser: Browser) -> list[str]:
    found: list[str] = browser.driver.execute_script(MEASURE_CONTROLS, MIN_SIZE)
    return [f"{browser.path}: {entry}" for entry in found]


def test_every_control_is_big_enough_to_tap_on_a_phone(
    browser: Browser, every_page: SimpleNamespace
) -> None:
    browser.phone()
    browser.visit(reverse("login"))
    small = _small_controls(browser)
    browser.log_in(every_page.username, every_page.password)
    for path in every_page.pages:
        browser.visit(path)
        small += _small_controls(browser)
    browser.desktop()
    assert not small, f"{len(small)} controls smaller than {MIN_SIZE} px:\n" + "\n".join(small)


def test_the_opened_menu_is_big_enough_to_tap_on_a_phone(
    browser: Browser, every_page: SimpleNamespace
) -> None:
    browser.phone()
    browser.log_in(every_page.username, every_page.password)
    browser.driver.find_element(By.CSS_SELECTOR, ".navbar-toggler").click()
    browser.wait(
        lambda d: d.execute_script(
            "const menu = document.getElementById('mainnav');"
            "return menu.classList.contains('show') && !menu.classList.contains('collapsing');"
        ),
        "the main menu did not open",
    )
    small = _small_controls(browser)
    toggles = browser.driver.find_elements(By.CSS_SELECTOR, "#mainnav .dropdown-toggle")
    for toggle in toggles:
        toggle.click()
        browser.wait(_expanded(toggle), f"the {toggle.text!r} menu did not open")
        small += _small_controls(browser)
    browser.desktop()
    assert toggles, "the main menu has no dropdowns to measure"
    assert not small, f"{len(small)} controls smaller than {MIN_SIZE} px:\n" + "\n".join(
        sorted(set(small))
    )
