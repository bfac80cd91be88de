import json
import logging

import pytest

from bakeplanner.errors import InsufficientInventory, ValidationFailed
from bakeplanner.households import add_member, create_household
from bakeplanner.logs import JsonFormatter, logged_operation
from bakeplanner.tx import unit_of_work
from conftest import make_user


def test_logged_operation_success_and_rejection_carry_fields(household, caplog):
    logger = logging.getLogger("bakeplanner.test")
    caplog.set_level(logging.DEBUG, logger="bakeplanner")
    with unit_of_work(household) as tx:
        with logged_operation(logger, tx, "demo_write", run_id=7) as op:
            op.add(total_cost="2.84")
        with pytest.raises(InsufficientInventory):
            with logged_operation(logger, tx, "demo_write"):
                raise InsufficientInventory.single("Flour", 2400, 720, "g")
    ok, rejected = caplog.records
    assert ok.levelno == logging.INFO
    assert ok.fields["outcome"] == "success"
    assert ok.fields["run_id"] == 7 and ok.fields["total_cost"] == "2.84"
    assert ok.fields["op_id"] == tx.op_id and ok.fields["household_id"] == household.pk
    assert rejected.levelno == logging.WARNING
    assert rejected.fields["outcome"] == "rejected"
    assert rejected.fields["short"][0]["name"] == "Flour"
    parsed = json.loads(JsonFormatter().format(rejected))
    assert parsed["operation"] == "demo_write"
    assert parsed["short"][0]["needed"] == "2400"


def test_insufficient_inventory_message_lists_every_item():
    error = InsufficientInventory(
        [
            {"name": "flour", "needed": "2400", "available": "720", "unit": "g"},
            {"name": "sugar", "needed": "2000", "available": "600", "unit": "g"},
        ]
    )
    assert "flour: needed 2400 g, available 720 g" in str(error)
    assert "sugar: needed 2000 g, available 600 g" in str(error)


def test_household_names_are_unique_case_insensitively(db):
    create_household("Bakers")
    with pytest.raises(ValidationFailed):
        create_household("  bakers ")
    with pytest.raises(ValidationFailed):
        create_household("   ")


def test_a_user_belongs_to_one_household(db):
    first, second = create_household("One"), create_household("Two")
    user = make_user("uma")
    add_member(first, user)
    with pytest.raises(ValidationFailed, match="already belongs"):
        add_member(second, user)
    with pytest.raises(ValidationFailed, match="Unknown role"):
        add_member(first, user, "owner")
