"""`rundemo`, the development server of `make run`: the demo login is its last line."""

from __future__ import annotations

from io import StringIO
from typing import Any

from tooling.management.commands.rundemo import Command


def test_rundemo_prints_the_demo_login_under_the_server_banner():
    out = StringIO()
    command: Any = Command(stdout=out, no_color=True)
    command.addr, command._raw_ipv6 = "127.0.0.1", False  # what `runserver` sets from ADDRPORT
    command.on_bind(8000)
    printed = out.getvalue()
    assert "Starting development server at http://127.0.0.1:8000/" in printed
    last = printed.strip().splitlines()[-1]
    assert last == "Log in as demo / bake-demo-2026 (read-only: demo-viewer / bake-demo-2026)."
