"""The people of the HTTP load run: each, already signed in, reads the dashboard, the event
page and the shopping list and records baking through the real form, CSRF token and one-time
token included (docs/performance.md, "Load run over HTTP").

`manage.py loadrun` starts locust on this file against gunicorn and passes signed-in session
keys of the household's member and the ids in LOADRUN_* environment variables. It imports
nothing from Django: locust runs it in its own process.
"""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

from locust import HttpUser, between, task

__all__ = ["Household"]

INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
VALUE = re.compile(r'\bvalue="([^"]*)"')
SHORT = "Not enough"  # how the record-baking form starts its out-of-stock message


def hidden_value(html: str, name: str) -> str | None:
    """The value of the `<input name=…>` in `html`, or None when there is no such input."""
    for tag in INPUT.findall(html):
        if f'name="{name}"' in tag:
            found = VALUE.search(tag)
            return found.group(1) if found else ""
    return None


def _setting(name: str) -> str:
    return os.environ[f"LOADRUN_{name}"]


_turn = itertools.count()


class Household(HttpUser):
    """A member of the measured household with the app open."""

    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        # Signed in ahead: the password hasher is slow on purpose and is not what is measured.
        sessions = _setting("SESSIONS").split(",")
        key = sessions[next(_turn) % len(sessions)]
        self.client.cookies.set(_setting("SESSION_COOKIE"), key)

    def _get(self, url: str, name: str) -> Any:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code >= 500:
                response.failure(f"server error {response.status_code}")
            elif response.status_code != 200:
                response.failure(f"status {response.status_code}")
            else:
                response.success()
            return response

    @task(3)
    def dashboard(self) -> None:
        self._get("/", "dashboard")

    @task(3)
    def event_page(self) -> None:
        self._get(f"/events/{_setting('EVENT_ID')}/", "event page")

    @task(2)
    def shopping_list(self) -> None:
        self._get(f"/events/{_setting('EVENT_ID')}/shopping-list/", "shopping list")

    @task(2)
    def record_baking(self) -> None:
        form = self._get("/production/runs/new/", "record-baking form")
        csrf = hidden_value(form.text, "csrfmiddlewaretoken")
        token = hidden_value(form.text, "submit_token")
        data = {
            "csrfmiddlewaretoken": csrf or "",
            "submit_token": token or "",
            "finished_unit": _setting("UNIT_ID"),
            "num_batches": "1",
            "scale": "1",
            "actual_yield": _setting("ITEMS_PER_BATCH"),
            "loss_category": "",
            "loss_notes": "",
            "event": _setting("EVENT_ID"),
            "produced_at": "",
            "notes": "load run",
        }
        with self.client.post(
            "/production/runs/new/",
            data,
            name="record baking (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if csrf is None or token is None:
                response.failure("the form had no CSRF or one-time token")
            elif response.status_code >= 500:
                response.failure(f"server error {response.status_code}")
            elif response.status_code == 302:
                response.success()  # recorded; the redirect goes to the new run
            elif response.status_code == 200 and SHORT in response.text:
                response.success()  # refused: the form again, saying what is short
            elif response.status_code == 200:
                response.failure("the form came back without a stock message")
            else:
                response.failure(f"status {response.status_code}")
