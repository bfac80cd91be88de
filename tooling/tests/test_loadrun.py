"""The HTTP load run behind `manage.py loadrun` (docs/performance.md, "Load run over HTTP")."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from production.models import InventoryLot, ProductionRun
from tooling import bench, loadrun

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Requests/s,50%,95%,99%
GET,dashboard,120,0,30,2.0,30,80,120
POST,record baking (POST),40,2,60,0.7,60,150,300
,Aggregated,160,2,35,2.7,35,100,250
"""
FAILURES = """Method,Name,Error,Occurrences
POST,record baking (POST),server error 500,2
"""


def test_locust_statistics_give_pages_totals_and_server_errors(tmp_path):
    (tmp_path / "run_stats.csv").write_text(STATS)
    (tmp_path / "run_failures.csv").write_text(FAILURES)
    result = loadrun.LoadRunResult(users=20, seconds=60, workers=4, scale=4)
    loadrun.parse_locust_csv(tmp_path / "run", result)
    assert [(p.name, p.requests, p.p95) for p in result.pages] == [
        ("dashboard", 120, 80.0),
        ("record baking (POST)", 40, 150.0),
    ]
    assert result.total is not None and result.total.p99 == 250.0
    assert (result.server_errors, result.bakes_posted) == (2, 40)


@pytest.mark.django_db
def test_stock_check_finds_a_lot_whose_ledger_does_not_add_up():
    world = bench.seed(1)
    assert loadrun.check_stock(world.household) == []
    lot = InventoryLot.objects.filter(household=world.household).earliest("id")
    InventoryLot.objects.filter(pk=lot.pk).update(quantity_remaining=Decimal("0.5"))
    problems = loadrun.check_stock(world.household)
    assert len(problems) == 1 and problems[0].startswith(f"lot {lot.pk}:")


@pytest.mark.django_db
def test_load_run_refuses_sqlite(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("this is the SQLite refusal")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("loadrun", "--seconds", "5")
    assert ProductionRun.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_locust_users_read_and_bake_through_gunicorn_without_server_errors(tmp_path):
    if not (Path(loadrun._bin("gunicorn")).exists() and Path(loadrun._bin("locust")).exists()):
        pytest.skip("gunicorn or locust is not installed (requirements.lock installs both)")
    from django.conf import settings
    from django.db import connection

    world = bench.seed(1)
    env = loadrun.server_env(loadrun.database_url(connection.settings_dict))
    env.update(
        LOADRUN_SESSIONS=",".join(loadrun.sessions(world.user, 2)),
        LOADRUN_SESSION_COOKIE=settings.SESSION_COOKIE_NAME,
        LOADRUN_EVENT_ID=str(world.upcoming_event_id),
        LOADRUN_UNIT_ID=str(world.finished_unit_id),
        LOADRUN_ITEMS_PER_BATCH=str(world.items_per_batch),
    )
    with loadrun.gunicorn_server(env, workers=1, log=tmp_path / "gunicorn.log") as server:
        assert server.url.startswith("http://127.0.0.1:")
        loadrun.run_locust(server.url, env, users=2, seconds=3, csv_prefix=tmp_path / "run")
    result = loadrun.LoadRunResult(users=2, seconds=3, workers=1, scale=1)
    loadrun.parse_locust_csv(tmp_path / "run", result)
    assert result.total is not None and result.total.requests > 0
    assert result.server_errors == 0 and result.failures == {}
    assert loadrun.check_stock(world.household) == []
