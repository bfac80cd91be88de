"""The assembly check logs its answer, as the baking check does."""

from __future__ import annotations

import json
import logging

from bakeplanner.logs import JsonFormatter
from production.services import check_can_assemble
from production.tests import run_fixtures

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests


def _records(caplog, operation):
    return [r for r in caplog.records if getattr(r, "fields", {}).get("operation") == operation]


def test_check_can_assemble_logs_what_is_short(assembly_world, tx, caplog):
    w = assembly_world
    caplog.set_level(logging.INFO, logger="bakeplanner")
    check_can_assemble(tx, w.cookie_bag.pk, 6)  # 36 cookies wanted, 30 made
    [record] = _records(caplog, "check_can_assemble")
    assert record.name == "bakeplanner.production.assembly"
    assert record.levelno == logging.INFO
    assert record.fields["outcome"] == "success"
    assert record.fields["finished_good_id"] == w.cookie_bag.pk
    assert record.fields["quantity"] == 6
    assert record.fields["can_assemble"] is False
    assert [(i["component_name"], i["needed"], i["available"]) for i in record.fields["short"]] == [
        ("cookie", 36, 30)
    ]
    assert record.fields["op_id"] == tx.op_id
    parsed = json.loads(JsonFormatter().format(record))
    assert parsed["can_assemble"] is False


def test_check_can_assemble_logs_when_nothing_is_short(assembly_world, tx, caplog):
    caplog.set_level(logging.INFO, logger="bakeplanner")
    check_can_assemble(tx, assembly_world.cookie_bag.pk, 5)
    [record] = _records(caplog, "check_can_assemble")
    assert record.fields["can_assemble"] is True
    assert record.fields["short"] == []
