"""Run pages: record with a stock check, history, detail, undo, admin.

See docs/design.md, "Undoing runs" and "Roles".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from conftest import make_user
from production.models import (
    AssemblyRun,
    FinishedGood,
    FinishedUnit,
    InventoryLot,
    ProductionRun,
    RunEventChange,
)
from production.services import record_assembly, record_batch_production
from production.tests import run_fixtures
from production.tests.run_fixtures import make_event

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests


def bake(world, batches=2, actual=92, **options):
    with unit_of_work(world.household) as tx:
        return record_batch_production(
            tx, world.cookies.pk, world.cookie.pk, batches, actual, **options
        )


def pack(world, good, quantity=1, **options):
    with unit_of_work(world.household) as tx:
        return record_assembly(tx, good.pk, quantity, **options)


def production_post(world, **overrides):
    data = {
        "finished_unit": world.cookie.pk,
        "num_batches": 2,
        "scale": "1",
        "actual_yield": 92,
        "loss_category": "broken",
        "loss_notes": "",
        "event": "",
        "produced_at": "",
        "notes": "",
    }
    data.update(overrides)
    return data


# --- Record baking -------------------------------------------------------------------------


def test_record_page_groups_baked_items_by_recipe_and_has_the_check(spec_world, member_client):
    make_event(spec_world.household)
    response = member_client.get(reverse("production:production_run_create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="Sugar Cookies">' in html
    assert "Sugar Cookies: cookie (48 per batch)" in html
    assert 'id="run-check"' in html
    assert f'data-check-url="{reverse("production:check_can_produce")}"' in html
    assert "js/run_check.js" in html
    assert '<optgroup label="Upcoming">' in html
    for label in ("What did you bake?", "Batches", "Scale", "How many came out?", "Event"):
        assert label in html


def test_recording_baking_end_to_end(spec_world, member_client):
    event = make_event(spec_world.household)
    response = member_client.post(
        reverse("production:production_run_create"),
        production_post(spec_world, event=event.pk, notes="first <b>batch</b>"),
        follow=True,
    )
    run = ProductionRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "production:production_run_detail", args=[run.pk]
    )
    html = response.content.decode()
    assert "Recorded 92 of 96 cookie" in html
    assert "2.84" in html and "0.03" in html and "0.12" in html
    assert "Partial loss" in html
    assert "Christmas 2026" in html
    assert "first &lt;b&gt;batch&lt;/b&gt;" in html  # text is stored as given, escaped on output
    assert (run.actual_yield, run.event_id, run.loss_category) == (92, event.pk, "broken")
    assert FinishedUnit.objects.get(pk=spec_world.cookie.pk).inventory_count == 92
    assert InventoryLot.objects.get(pk=spec_world.lot2.pk).quantity_remaining == Decimal("720")


def test_empty_actual_yield_means_everything_came_out(spec_world, member_client):
    member_client.post(
        reverse("production:production_run_create"),
        production_post(spec_world, actual_yield="", loss_category=""),
    )
    run = ProductionRun.objects.get()
    assert (run.expected_yield, run.actual_yield, run.status) == (96, 96, "complete")


def test_refused_baking_shows_what_is_missing_and_changes_nothing(spec_world, member_client):
    bake(spec_world)
    before = db_snapshot()
    response = member_client.post(
        reverse("production:production_run_create"),
        production_post(spec_world, num_batches=10, actual_yield=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not enough ingredients" in html
    assert "Flour: needed 2400 g, available 720 g" in html
    assert "Sugar: needed 2000 g, available 600 g" in html
    # The stock check panel lists the same shortage.
    panel = html[html.index('id="run-check"') :]
    assert "Flour" in panel and "2400 g" in panel and "720 g" in panel
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"actual_yield": 97},
        {"num_batches": 0},
        {"scale": "0"},
        {"scale": "abc"},
        {"finished_unit": 999999},
        {"loss_category": "eaten"},
        {"produced_at": "soon"},
    ],
)
def test_bad_baking_input_is_a_form_error(spec_world, member_client, overrides):
    before = db_snapshot()
    response = member_client.post(
        reverse("production:production_run_create"), production_post(spec_world, **overrides)
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "alert" in response.content.decode()
    assert db_snapshot() == before


def test_check_endpoint_answers_json(spec_world, member_client):
    url = reverse("production:check_can_produce")
    ok = member_client.get(url, {"finished_unit": spec_world.cookie.pk, "num_batches": 2})
    assert ok.status_code == 200
    assert ok.json() == {
        "can_produce": True,
        "missing": [],
        "expected_yield": 96,
        "item_unit": "cookie",
    }
    short = member_client.get(
        url, {"finished_unit": spec_world.cookie.pk, "num_batches": 10, "scale": "0.55"}
    ).json()
    assert short["can_produce"] is False
    assert short["expected_yield"] == 264
    assert [(m["ingredient_name"], m["needed"]) for m in short["missing"]] == [
        ("Flour", "1320"),
        ("Sugar", "1100"),
    ]
    assert (
        member_client.get(
            url, {"finished_unit": spec_world.cookie.pk, "num_batches": "x"}
        ).status_code
        == 400
    )
    assert member_client.get(url).status_code == 400


# --- Record packing ------------------------------------------------------------------------


def test_recording_packing_end_to_end(assembly_world, member_client):
    w = assembly_world
    response = member_client.post(
        reverse("production:assembly_run_create"),
        {
            "finished_good": w.cookie_bag.pk,
            "quantity": 5,
            "event": "",
            "assembled_at": "",
            "notes": "",
        },
        follow=True,
    )
    run = AssemblyRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "production:assembly_run_detail", args=[run.pk]
    )
    html = response.content.decode()
    assert "Recorded 5 Cookie bag packed" in html
    assert "2.10" in html and "0.42" in html
    assert "Cellophane bag" in html
    assert FinishedGood.objects.get(pk=w.cookie_bag.pk).inventory_count == 5
    assert FinishedUnit.objects.get(pk=w.cookie.pk).inventory_count == 0


def test_refused_packing_shows_what_is_missing_and_changes_nothing(assembly_world, member_client):
    w = assembly_world
    before = db_snapshot()
    response = member_client.post(
        reverse("production:assembly_run_create"),
        {
            "finished_good": w.gift_tin.pk,
            "quantity": 4,
            "event": "",
            "assembled_at": "",
            "notes": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cookie bag: needed 8 each, available 0 each" in html
    panel = html[html.index('id="run-check"') :]
    assert "Cookie bag" in panel and "Tin" in panel
    assert db_snapshot() == before


def test_assembly_check_endpoint(assembly_world, member_client):
    url = reverse("production:check_can_assemble")
    result = member_client.get(
        url, {"finished_good": assembly_world.cookie_bag.pk, "quantity": 6}
    ).json()
    assert result["can_assemble"] is False
    assert result["missing"][0]["component_name"] == "cookie"
    assert (
        member_client.get(
            url, {"finished_good": assembly_world.cookie_bag.pk, "quantity": 0}
        ).status_code
        == 400
    )


# --- History -------------------------------------------------------------------------------


def test_production_history_lists_and_filters(spec_world, member_client):
    event = make_event(spec_world.household)
    bake(
        spec_world,
        batches=1,
        actual=48,
        produced_at=dt.datetime(2026, 11, 1, 10, tzinfo=timezone.get_current_timezone()),
    )
    bake(
        spec_world,
        batches=1,
        actual=40,
        event_id=event.pk,
        produced_at=dt.datetime(2026, 12, 1, 10, tzinfo=timezone.get_current_timezone()),
    )
    url = reverse("production:production_run_list")
    html = member_client.get(url).content.decode()
    assert html.count("production/runs/") >= 2
    assert "12/01/2026 10 a.m." in html and "11/01/2026 10 a.m." in html
    filtered = member_client.get(url, {"event": event.pk}).content.decode()
    assert "12/01/2026 10 a.m." in filtered and "11/01/2026 10 a.m." not in filtered
    dated = member_client.get(url, {"start": "2026-11-01", "end": "2026-11-30"}).content.decode()
    assert "11/01/2026 10 a.m." in dated and "12/01/2026 10 a.m." not in dated
    bad = member_client.get(url, {"start": "2026-12-05", "end": "2026-12-01"})
    assert bad.status_code == 200
    assert "before the start date" in bad.content.decode()


def test_history_pages(spec_world, member_client):
    for _ in range(26):
        bake(spec_world, batches=1, actual=1, scale="0.021")
    url = reverse("production:production_run_list")
    first = member_client.get(url).content.decode()
    assert "Older →" in first and "?page=2" in first
    second = member_client.get(url, {"page": 2}).content.decode()
    assert len(re.findall(r'href="/production/runs/\d+/"', second)) == 1
    assert len(re.findall(r'href="/production/runs/\d+/"', first)) == 25
    assert member_client.get(url, {"page": "x"}).status_code == 200


def _queries_for(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_history_lists_query_budget_does_not_grow(
    assembly_world, member_client, django_assert_max_num_queries
):
    w = assembly_world
    event = make_event(w.household)
    production_url = reverse("production:production_run_list")
    assembly_url = reverse("production:assembly_run_list")
    bake(w, batches=1, actual=4, scale="0.1", event_id=event.pk)
    pack(w, w.cookie_bag, event_id=event.pk)
    _queries_for(member_client, production_url, django_assert_max_num_queries, 10)
    _queries_for(member_client, assembly_url, django_assert_max_num_queries, 10)
    FinishedUnit.objects.filter(pk=w.cookie.pk).update(inventory_count=500)
    for index in range(10):
        bake(w, batches=1, actual=4, scale="0.1", event_id=event.pk if index % 2 else None)
        pack(w, w.cookie_bag)
    _queries_for(member_client, production_url, django_assert_max_num_queries, 10)
    _queries_for(member_client, assembly_url, django_assert_max_num_queries, 10)


def test_assembly_history_lists(assembly_world, member_client):
    w = assembly_world
    pack(w, w.cookie_bag, 2)
    html = member_client.get(reverse("production:assembly_run_list")).content.decode()
    assert "Cookie bag" in html and "0.80" in html and "Packed" in html


# --- Detail and undo -----------------------------------------------------------------------


def test_run_detail_shows_ledger_and_snapshot(spec_world, member_client):
    run = bake(spec_world)
    html = member_client.get(
        reverse("production:production_run_detail", args=[run["id"]])
    ).content.decode()
    assert "Recipe as baked" in html
    assert "2 cup Flour" in html and "1 cup Sugar" in html
    for cost in ("0.40", "0.84", "1.60", "2.84"):
        assert cost in html
    assert "Undo this run" in html


def test_undo_page_asks_for_a_reason_then_undoes(spec_world, member_client):
    run = bake(spec_world)
    url = reverse("production:production_run_reverse", args=[run["id"]])
    page = member_client.get(url).content.decode()
    assert "Undo baking run" in page and "Why are you undoing it?" in page
    refused = member_client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert ProductionRun.objects.get(pk=run["id"]).reversed_at is None
    done = member_client.post(url, {"reason": "counted twice"}, follow=True)
    html = done.content.decode()
    assert "Undid baking run" in html
    assert "Undone" in html and "counted twice" in html
    assert ProductionRun.objects.get(pk=run["id"]).reversed_at is not None
    assert InventoryLot.objects.get(pk=spec_world.lot1.pk).quantity_remaining == 200
    again = member_client.get(url).content.decode()
    assert "already been undone" in again


def test_undo_refused_once_used_shows_why(spec_world, member_client):
    run = bake(spec_world)
    FinishedUnit.objects.filter(pk=spec_world.cookie.pk).update(inventory_count=10)
    before = db_snapshot()
    response = member_client.post(
        reverse("production:production_run_reverse", args=[run["id"]]), {"reason": "oops"}
    )
    assert response.status_code == 200
    assert "only 10 are left" in response.content.decode()
    assert db_snapshot() == before


def test_assembly_undo(assembly_world, member_client):
    w = assembly_world
    run = pack(w, w.cookie_bag, 2)
    url = reverse("production:assembly_run_reverse", args=[run["id"]])
    assert "Undo packing run" in member_client.get(url).content.decode()
    response = member_client.post(url, {"reason": "wrong bags"}, follow=True)
    assert "Undid packing run" in response.content.decode()
    assert FinishedUnit.objects.get(pk=w.cookie.pk).inventory_count == 30
    assert FinishedGood.objects.get(pk=w.cookie_bag.pk).inventory_count == 0


def test_unknown_run_is_404(spec_world, member_client):
    assert (
        member_client.get(reverse("production:production_run_detail", args=[999999])).status_code
        == 404
    )


# --- Who may see and do what -----------------------------------------------------------------


def _run_urls(production_id, assembly_id):
    return [
        reverse("production:production_run_detail", args=[production_id]),
        reverse("production:production_run_reverse", args=[production_id]),
        reverse("production:assembly_run_detail", args=[assembly_id]),
        reverse("production:assembly_run_reverse", args=[assembly_id]),
    ]


def _event_urls(production_id, assembly_id):
    """The "Change event" forms of the runs' pages (routed by bakeplanner/urls.py)."""
    return [
        reverse("production:production_run_event", args=[production_id]),
        reverse("production:assembly_run_event", args=[assembly_id]),
    ]


def test_every_run_route_with_an_id_is_in_the_isolation_test():
    from bakeplanner.urls import production_pages
    from production import run_urls

    with_ids = {
        p.name
        for p in [*run_urls.urlpatterns, *production_pages]
        if isinstance(p, URLPattern) and "run_id" in p.pattern.converters
    }
    covered = {reverse_name(url) for url in _run_urls(1, 1) + _event_urls(1, 1)}
    assert with_ids == covered


def reverse_name(url):
    from django.urls import resolve

    return resolve(url).url_name


def test_outsider_gets_404_for_every_run_url(assembly_world, outsider_client):
    w = assembly_world
    production = bake(w, batches=1, actual=48)
    assembly = pack(w, w.cookie_bag)
    before = db_snapshot()
    for url in _run_urls(production["id"], assembly["id"]):
        assert outsider_client.get(url).status_code == 404, url
    for url in _run_urls(production["id"], assembly["id"])[1::2]:
        assert outsider_client.post(url, {"reason": "mine now"}).status_code == 404, url
    for url in _event_urls(production["id"], assembly["id"]):
        assert outsider_client.post(url, {"event": ""}).status_code == 404, url
    assert (
        outsider_client.get(
            reverse("production:check_can_produce"), {"finished_unit": w.cookie.pk}
        ).status_code
        == 404
    )
    assert (
        outsider_client.get(
            reverse("production:check_can_assemble"), {"finished_good": w.cookie_bag.pk}
        ).status_code
        == 404
    )
    # Their ids are not choices on our forms either.
    response = outsider_client.post(reverse("production:production_run_create"), production_post(w))
    assert response.status_code == 200 and ProductionRun.objects.count() == 1
    outsider_list = outsider_client.get(reverse("production:production_run_list")).content
    assert b"Sugar Cookies" not in outsider_list
    assert db_snapshot() == before


def test_viewer_reads_but_cannot_record_or_undo(assembly_world, viewer_client):
    w = assembly_world
    production = bake(w, batches=1, actual=48)
    assembly = pack(w, w.cookie_bag)
    before = db_snapshot()
    assert viewer_client.get(reverse("production:production_run_list")).status_code == 200
    assert viewer_client.get(reverse("production:assembly_run_list")).status_code == 200
    detail = viewer_client.get(reverse("production:production_run_detail", args=[production["id"]]))
    assert detail.status_code == 200 and b"Undo this run" not in detail.content
    posts = [
        (reverse("production:production_run_create"), production_post(w)),
        (
            reverse("production:assembly_run_create"),
            {"finished_good": w.cookie_bag.pk, "quantity": 1},
        ),
        (reverse("production:production_run_reverse", args=[production["id"]]), {"reason": "x"}),
        (reverse("production:assembly_run_reverse", args=[assembly["id"]]), {"reason": "x"}),
        *((url, {"event": ""}) for url in _event_urls(production["id"], assembly["id"])),
    ]
    for url, data in posts:
        assert viewer_client.post(url, data).status_code == 403, url
    assert db_snapshot() == before


def test_anonymous_is_sent_to_login(spec_world):
    for name in (
        "production_run_list",
        "assembly_run_list",
        "production_run_create",
        "check_can_produce",
    ):
        response = Client().get(reverse(f"production:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_navigation_links_to_the_histories(member_client):
    html = member_client.get("/").content.decode()
    assert f'href="{reverse("production:production_run_list")}"' in html
    assert f'href="{reverse("production:assembly_run_list")}"' in html


# --- Admin ---------------------------------------------------------------------------------


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(make_user("sam", is_staff=True, is_superuser=True))
    return client


def test_admin_shows_runs_read_only(spec_world, staff_client):
    run = bake(spec_world)
    changelist = staff_client.get(reverse("admin:production_productionrun_changelist"))
    assert changelist.status_code == 200
    change = staff_client.get(reverse("admin:production_productionrun_change", args=[run["id"]]))
    assert change.status_code == 200
    assert b"Recipe as baked" in change.content
    assert staff_client.get(reverse("admin:production_productionrun_add")).status_code == 403
    ledger = reverse("admin:production_productionconsumption_changelist")
    assert staff_client.get(ledger).status_code == 200
    assert (
        staff_client.get(reverse("admin:production_productionconsumption_add")).status_code == 403
    )
    assert (
        staff_client.post(
            reverse("admin:production_productionrun_delete", args=[run["id"]]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ProductionRun.objects.filter(pk=run["id"]).exists()


def test_admin_reverse_action_undoes_each_run_and_reports_refusals(spec_world, staff_client):
    first = bake(spec_world, batches=1, actual=48)
    second = bake(spec_world, batches=1, actual=40)
    ProductionRun.objects.filter(pk=first["id"])  # both runs' cookies: 88 on hand
    url = reverse("admin:production_productionrun_changelist")
    ask = staff_client.post(
        url, {"action": "reverse_selected_runs", "_selected_action": [first["id"], second["id"]]}
    )
    assert ask.status_code == 200
    assert b"Why are these runs being undone?" in ask.content
    # Use most of the cookies so the first run can no longer be undone.
    FinishedUnit.objects.filter(pk=spec_world.cookie.pk).update(inventory_count=45)
    done = staff_client.post(
        url,
        {
            "action": "reverse_selected_runs",
            "_selected_action": [first["id"], second["id"]],
            "apply": "1",
            "reason": "data fix",
        },
        follow=True,
    )
    html = done.content.decode()
    assert f"Production run {first['id']} was not undone" in html
    assert "Undid 1 production run(s)" in html
    assert ProductionRun.objects.get(pk=first["id"]).reversed_at is None
    assert ProductionRun.objects.get(pk=second["id"]).reversal_reason == "data fix"
    assert FinishedUnit.objects.get(pk=spec_world.cookie.pk).inventory_count == 5


def test_admin_reverse_action_for_assembly(assembly_world, staff_client):
    w = assembly_world
    run = pack(w, w.cookie_bag, 2)
    url = reverse("admin:production_assemblyrun_changelist")
    staff_client.post(
        url,
        {
            "action": "reverse_selected_runs",
            "_selected_action": [run["id"]],
            "apply": "1",
            "reason": "data fix",
        },
    )
    assert AssemblyRun.objects.get(pk=run["id"]).reversed_at is not None
    assert FinishedUnit.objects.get(pk=w.cookie.pk).inventory_count == 30


def test_admin_shows_a_runs_event_changes_read_only(assembly_world, staff_client):
    from events.services import set_assembly_run_event, set_production_run_event

    w = assembly_world
    event = make_event(w.household)
    production = bake(w, batches=1, actual=48)
    assembly = pack(w, w.cookie_bag)
    with unit_of_work(w.household) as tx:
        set_production_run_event(tx, production["id"], event.pk)
        set_assembly_run_event(tx, assembly["id"], event.pk)
    for model, run_id in (("productionrun", production["id"]), ("assemblyrun", assembly["id"])):
        page = staff_client.get(reverse(f"admin:production_{model}_change", args=[run_id]))
        html = page.content.decode()
        assert page.status_code == 200
        assert "Event changes" in html and "Christmas 2026" in html
    assert RunEventChange.objects.count() == 2
