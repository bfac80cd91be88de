"""Progress counts only committed work: a run whose unit of work failed is gone (SQLite).

The PostgreSQL visibility tests prove the same across connections; these run on every
database with real transactions (not the test-case savepoint), so a rolled-back run that
somehow survived in a cache or a separate write would show here too.
"""

from __future__ import annotations

import pytest

from bakeplanner.tx import unit_of_work
from events.services import get_event_overall_progress, get_events_with_progress
from events.tests.progress_fixtures import make_event, make_recipe, production_target
from production.models import ProductionRun
from production.services import record_batch_production

pytestmark = pytest.mark.django_db(transaction=True)


class ChangedMyMind(Exception):
    """Raised inside the unit of work to make it roll back."""


def _produced_batches(household) -> int:
    with unit_of_work(household, read_only=True) as tx:
        [event_row] = get_events_with_progress(tx)
        [row] = event_row["production_progress"]
        return row["produced_batches"]


def test_run_in_a_rolled_back_unit_of_work_is_not_counted(household):
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household)
    production_target(household, event, recipe, 4)
    seen_inside = None
    with pytest.raises(ChangedMyMind):
        with unit_of_work(household) as tx:
            record_batch_production(tx, recipe.pk, unit.pk, 2, 96, event_id=event.pk)
            [event_row] = get_events_with_progress(tx)
            seen_inside = event_row["production_progress"][0]["produced_batches"]
            raise ChangedMyMind
    assert seen_inside == 2  # the run was really recorded before the rollback
    assert _produced_batches(household) == 0
    assert not ProductionRun.objects.filter(household=household).exists()


def test_rolled_back_run_leaves_overall_progress_where_it_was(household):
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household)
    production_target(household, event, recipe, 4)
    with unit_of_work(household, read_only=True) as tx:
        before = get_event_overall_progress(tx, event.pk)
    with pytest.raises(ChangedMyMind):
        with unit_of_work(household) as tx:
            record_batch_production(tx, recipe.pk, unit.pk, 4, 192, event_id=event.pk)
            raise ChangedMyMind
    with unit_of_work(household, read_only=True) as tx:
        assert get_event_overall_progress(tx, event.pk) == before


def test_committed_run_after_a_rolled_back_one_counts_once(household):
    event = make_event(household, "Christmas")
    recipe, unit = make_recipe(household)
    production_target(household, event, recipe, 4)
    with pytest.raises(ChangedMyMind):
        with unit_of_work(household) as tx:
            record_batch_production(tx, recipe.pk, unit.pk, 2, 96, event_id=event.pk)
            raise ChangedMyMind
    with unit_of_work(household) as tx:
        record_batch_production(tx, recipe.pk, unit.pk, 1, 48, event_id=event.pk)
    assert _produced_batches(household) == 1
    assert ProductionRun.objects.filter(household=household).count() == 1
