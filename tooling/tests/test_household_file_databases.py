"""The household file between SQLite and PostgreSQL (docs/household-file.md).

These run on PostgreSQL (the PostgreSQL pass of scripts/test.sh): the SQLite side is a fresh
database file of its own, driven through manage.py in a separate process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bakeplanner.models import Household
from bakeplanner.tx import unit_of_work
from conftest import make_user
from tooling.household_file import import_household, read_household_file
from tooling.tests.test_household_file import build_rich_household, comparable, export_text

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres


def manage(database: Path, *args: str) -> str:
    """Run manage.py against the SQLite file `database`; its output."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.django_db
def test_a_file_written_on_sqlite_loads_on_postgresql(tmp_path: Path) -> None:
    database = tmp_path / "source.sqlite3"
    manage(database, "migrate", "-v0")
    manage(database, "seed_demo")
    path = tmp_path / "demo.json"
    manage(database, "export_household", "--household", "Demo Household", "--output", str(path))
    make_user("demo")  # the same person, on this installation, in no household yet
    with path.open("rb") as stream:
        result = import_household(read_household_file(stream), "Demo Copy", members=["demo"])
    assert comparable(export_text(result.household)) == comparable(path.read_text("utf-8"))


@pytest.mark.django_db
def test_a_file_written_on_postgresql_loads_on_sqlite(
    household: Household, member: Any, tmp_path: Path
) -> None:
    with unit_of_work(household, actor=member) as tx:
        build_rich_household(tx)
    first = export_text(household)
    path = tmp_path / "bakers.json"
    path.write_text(first, encoding="utf-8")
    database = tmp_path / "target.sqlite3"
    manage(database, "migrate", "-v0")
    manage(
        database,
        "create_household",
        "Placeholder",
        "--user",
        member.username,
        "--password",
        "x-Bake-2026-long",
    )
    # The member leaves the placeholder, so the import can make them a member of the copy.
    manage(
        database,
        "shell",
        "-c",
        "from bakeplanner.models import Membership; Membership.objects.all().delete()",
    )
    manage(database, "import_household", str(path), "--name", "Bakers", "--member", member.username)
    second = tmp_path / "again.json"
    manage(database, "export_household", "--household", "Bakers", "--output", str(second))
    assert comparable(second.read_text("utf-8")) == comparable(first)
