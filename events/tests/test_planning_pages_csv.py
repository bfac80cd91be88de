"""Report CSV downloads on the web give the bytes their management commands write."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from events.tests.demand_fixtures import build_estimate_world

DOWNLOADS = [
    ("event_summary_csv", "export_event_summary", "summary"),
    ("event_packing_list_csv", "export_assignments", "assignments"),
]


@pytest.fixture
def world(household):
    return build_estimate_world(household)


def command_bytes(tmp_path, command, event):
    target = tmp_path / "report.csv"
    call_command(command, event.slug, "--output", str(target), stdout=io.StringIO())
    return target.read_bytes()


@pytest.mark.parametrize(("name", "command", "suffix"), DOWNLOADS)
def test_web_download_gives_the_commands_bytes(world, member_client, tmp_path, name, command,
                                               suffix):  # fmt: skip
    before = db_snapshot()
    response = member_client.get(reverse(f"events:{name}", args=[world.event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == command_bytes(tmp_path, command, world.event)
    assert db_snapshot() == before


@pytest.mark.parametrize(("name", "command", "suffix"), DOWNLOADS)
def test_download_is_named_like_the_commands_file(world, viewer_client, name, command, suffix):
    response = viewer_client.get(reverse(f"events:{name}", args=[world.event.pk]))
    assert response["Content-Disposition"] == (
        f'attachment; filename="{world.event.slug}-{suffix}.csv"'
    )


@pytest.mark.parametrize(("name", "command", "suffix"), DOWNLOADS)
def test_outsider_gets_404_for_a_download(world, outsider_client, name, command, suffix):
    assert outsider_client.get(reverse(f"events:{name}", args=[world.event.pk])).status_code == 404


def test_summary_csv_lists_every_recipient_with_their_cost(world, member_client):
    data = member_client.get(reverse("events:event_summary_csv", args=[world.event.pk])).content
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith("recipient,Ann,") and lines[1].endswith(",6.90")
    assert lines[2].startswith("recipient,Ben,") and lines[2].endswith(",2.70")
    assert lines[3].startswith("total,Winter Fair,") and lines[3].endswith(",9.60")


def test_summary_page_offers_the_summary_download(world, member_client):
    page = member_client.get(reverse("events:event_summary", args=[world.event.pk])).content
    assert reverse("events:event_summary_csv", args=[world.event.pk]) in page.decode()


def test_a_summary_that_cannot_be_priced_sends_back_with_the_reason(world, member_client):
    from events.tests.demand_fixtures import line

    line(world.household, world.bread, world.flour, 1, "cup")  # flour has no density
    response = member_client.get(
        reverse("events:event_summary_csv", args=[world.event.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("events:event_summary", args=[world.event.pk])
    assert "The summary cannot be exported:" in response.content.decode()
