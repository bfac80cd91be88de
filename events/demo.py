"""Demo recipients, packages and events for `seed_demo`: skips what already exists."""

from __future__ import annotations

from typing import Any

from bakeplanner.tx import Tx


def seed_events(tx: Tx, pantry: dict[str, Any]) -> None:
    tx.require()
