"""The demand engine's SQL reads return what the same reads built by the ORM return, and
only the household's own rows."""

from __future__ import annotations

import pytest
from django.db.models import Count, Sum

from bakeplanner.tx import unit_of_work
from events.models import AssemblyTarget, Assignment, PackageItem, ProductionTarget
from events.services import demand_reads as reads
from events.tests.demand_fixtures import (
    assembly_run,
    assembly_target,
    build_gift_world,
    production_run,
    production_target,
)
from production.models import AssemblyRun, ProductionRun


def _world(household):
    w = build_gift_world(household)
    w.ben_deluxe.fulfillment_status = Assignment.READY
    w.ben_deluxe.save()
    production_target(household, w.event, w.cookies, 3, notes="a double batch")
    production_target(household, w.other_event, w.shortbread, 2)
    assembly_target(household, w.event, w.cookie_bag, 5)
    production_run(household, w.cookies, w.cookie, 2, event=w.event)
    production_run(household, w.cookies, w.cookie, 1, event=w.event)
    production_run(household, w.cookies, w.cookie, 4, event=w.event, reversed_=True)
    production_run(household, w.shortbread, w.finger, 1, event=w.other_event)
    production_run(household, w.shortbread, w.finger, 1)
    assembly_run(household, w.cookie_bag, 2, event=w.event)
    assembly_run(household, w.cookie_bag, 3, event=w.event, reversed_=True)
    return w


@pytest.fixture
def worlds(household, outsider_household):
    # The outsider's rows sit in the same tables, under the same event ids' neighbours.
    _world(outsider_household)
    return _world(household)


def _orm(tx, event_ids):
    """The reads as the ORM wrote them before they became SQL."""
    runs = {"event_id__in": event_ids, "reversed_at__isnull": True}
    return {
        "assignment_rows": list(
            tx.objects(Assignment)
            .filter(event_id__in=event_ids)
            .order_by("id")
            .values_list("pk", "event_id", "recipient_id", "package_id", "quantity")
        ),
        "assignment_rollup": sorted(
            tx.objects(Assignment)
            .filter(event_id__in=event_ids)
            .order_by()
            .values("event_id", "package_id", "fulfillment_status")
            .annotate(rows=Count("id"), total=Sum("quantity"))
            .values_list("event_id", "package_id", "fulfillment_status", "rows", "total")
        ),
        "package_contents": list(
            tx.objects(PackageItem)
            .order_by("id")
            .values_list(
                "package_id", "package__name", "finished_good_id", "finished_good__name", "quantity"
            )
        ),
        "production_targets": list(
            tx.objects(ProductionTarget)
            .filter(event_id__in=event_ids)
            .order_by("id")
            .values_list("event_id", "recipe_id", "recipe__name", "target_batches", "notes")
        ),
        "assembly_targets": list(
            tx.objects(AssemblyTarget)
            .filter(event_id__in=event_ids)
            .order_by("id")
            .values_list(
                "event_id", "finished_good_id", "finished_good__name", "target_quantity", "notes"
            )
        ),
        "batches_baked": sorted(
            tx.objects(ProductionRun)
            .filter(**runs)
            .order_by()
            .values("event_id", "recipe_id")
            .annotate(batches=Sum("num_batches"))
            .values_list("event_id", "recipe_id", "batches")
        ),
        "boxes_packed": sorted(
            tx.objects(AssemblyRun)
            .filter(**runs)
            .order_by()
            .values("event_id", "finished_good_id")
            .annotate(total=Sum("quantity"))
            .values_list("event_id", "finished_good_id", "total")
        ),
    }


def _sql(tx, event_ids):
    return {
        "assignment_rows": reads.assignment_rows(tx, event_ids),
        "assignment_rollup": sorted(reads.assignment_rollup(tx, event_ids)),
        "package_contents": reads.package_contents(tx),
        "production_targets": reads.production_targets(tx, event_ids),
        "assembly_targets": reads.assembly_targets(tx, event_ids),
        "batches_baked": sorted(reads.batches_baked(tx, event_ids)),
        "boxes_packed": sorted(reads.boxes_packed(tx, event_ids)),
    }


@pytest.mark.parametrize("which", ["event", "both"])
def test_each_sql_read_returns_what_the_orm_read_returned(worlds, household, which):
    event_ids = [worlds.event.pk] + ([worlds.other_event.pk] if which == "both" else [])
    with unit_of_work(household, read_only=True) as tx:
        expected, got = _orm(tx, event_ids), _sql(tx, event_ids)
    assert all(expected.values())  # every read finds rows, so the comparison means something
    for name in expected:
        assert [tuple(row) for row in got[name]] == [tuple(row) for row in expected[name]], name


def test_the_reads_leave_out_reversed_runs_and_other_households(worlds, household):
    with unit_of_work(household, read_only=True) as tx:
        baked = dict(((e, r), n) for e, r, n in reads.batches_baked(tx, [worlds.event.pk]))
        packed = reads.boxes_packed(tx, [worlds.event.pk])
        contents = reads.package_contents(tx)
    assert baked == {(worlds.event.pk, worlds.cookies.pk): 3}
    assert packed == [(worlds.event.pk, worlds.cookie_bag.pk, 2)]
    assert len(contents) == PackageItem.objects.filter(household=household).count() == 3
