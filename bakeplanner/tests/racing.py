"""Several people submitting the same form at the same moment (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections
from django.test import Client

WORKERS = 4


def race_posts(user: Any, url: str | None, data: Any) -> list[Any]:
    """POST to `url` from WORKERS logged-in browsers released at once by a barrier.

    `data` is one form for everybody or a list of one per worker; with `url` None, a list
    of (url, form) pairs. Returns each worker's response, or the exception its request
    raised (a view error surfaces here rather than as a 500).
    """
    forms = data if isinstance(data, list) else [data] * WORKERS
    posts = forms if url is None else [(url, form) for form in forms]
    clients = []
    for _ in forms:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(forms))
    outcomes: list[Any] = []
    lock = threading.Lock()

    def post(client: Client, target: tuple[str, dict[str, Any]]) -> None:
        try:
            barrier.wait()
            outcome: Any = client.post(*target)
        except Exception as exc:  # collected and asserted on by the test
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [
        threading.Thread(target=post, args=(client, target))
        for client, target in zip(clients, posts, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def statuses(outcomes: list[Any]) -> list[Any]:
    """Status codes, sorted; an exception shows as itself so the assertion names it."""
    return sorted(
        (getattr(o, "status_code", o) for o in outcomes),
        key=lambda s: (not isinstance(s, int), str(s)),
    )


def loser_pages(outcomes: list[Any]) -> list[str]:
    """The pages of the requests that did not redirect (the refused ones)."""
    return [o.content.decode() for o in outcomes if getattr(o, "status_code", None) == 200]
