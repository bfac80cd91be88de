"""A row read by id is read once per read-only unit of work, and every time elsewhere."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bakeplanner.errors import NotFound
from bakeplanner.tx import unit_of_work
from events.models import Event
from production.services.lookup import get_owned


@pytest.fixture
def event(household):
    return Event.objects.create(
        household=household, name="Christmas", event_date=dt.date(2026, 12, 24)
    )


def test_a_read_only_unit_reads_a_row_once_and_hands_out_copies(household, event):
    with unit_of_work(household, read_only=True) as tx:
        with CaptureQueriesContext(connection) as queries:
            first = get_owned(tx, Event, event.pk)
            second = get_owned(tx, Event, str(event.pk))
        first.name = "Changed on the instance only"
        assert len(queries) == 1
        assert second is not first and second.name == "Christmas"
        assert get_owned(tx, Event, event.pk).name == "Christmas"


def test_a_unit_that_writes_reads_the_row_every_time(household, event):
    with unit_of_work(household) as tx:
        with CaptureQueriesContext(connection) as queries:
            get_owned(tx, Event, event.pk)
            Event.objects.filter(pk=event.pk).update(name="Renamed")
            assert get_owned(tx, Event, event.pk).name == "Renamed"
        assert len(queries) == 3


def test_a_missing_row_is_not_remembered(household, event):
    with unit_of_work(household, read_only=True) as tx:
        with CaptureQueriesContext(connection) as queries:
            for _ in range(2):
                with pytest.raises(NotFound):
                    get_owned(tx, Event, event.pk + 1000)
        assert len(queries) == 2


def test_the_rows_end_with_their_unit(household, event):
    with unit_of_work(household, read_only=True) as tx:
        get_owned(tx, Event, event.pk)
    Event.objects.filter(pk=event.pk).update(name="Renamed")
    with unit_of_work(household, read_only=True) as tx:
        assert get_owned(tx, Event, event.pk).name == "Renamed"
