"""The shared test helpers prove what they claim (bakeplanner/testing.py)."""

from __future__ import annotations

import pytest

from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import Tx
from events.models import Recipient
from events.services import create_recipient, get_recipients


def test_all_or_nothing_passes_a_call_that_writes_the_expected_table(household):
    total = assert_all_or_nothing(
        household,
        lambda tx: create_recipient(tx, name="Dora"),
        expect_changed={"events.Recipient"},
    )
    assert total > 0
    assert not Recipient.objects.exists()


def test_all_or_nothing_fails_a_call_that_writes_nothing(household):
    def read_only(tx: Tx) -> None:
        list(get_recipients(tx))

    before = db_snapshot()
    with pytest.raises(AssertionError, match=r"the clean run changed \[\]"):
        assert_all_or_nothing(household, read_only, expect_changed={"events.Recipient"})
    assert db_snapshot() == before


def test_all_or_nothing_fails_a_call_that_writes_another_table_than_expected(household):
    with pytest.raises(AssertionError, match=r"changed \['events.Recipient'\]"):
        assert_all_or_nothing(
            household,
            lambda tx: create_recipient(tx, name="Dora"),
            expect_changed={"events.Package"},
        )
    assert not Recipient.objects.exists()


def test_all_or_nothing_refuses_an_unknown_table_name(household):
    with pytest.raises(AssertionError, match="names no BakePlanner model"):
        assert_all_or_nothing(
            household,
            lambda tx: create_recipient(tx, name="Dora"),
            expect_changed={"events.Recipients"},
        )
