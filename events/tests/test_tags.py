"""Gift tags, their PDF and packing slips (docs/allergens-and-freshness.md, "Gift tags and
packing slips")."""

from __future__ import annotations

import datetime as dt
import re
import zlib

import pytest
from django.urls import reverse

from bakeplanner.tx import unit_of_work
from events.models import Assignment, Package, PackageItem, Recipient
from events.services import get_gift_tags, get_packing_slips
from events.tests.conftest import make_event
from production.services import set_shelf_life
from production.tests.test_allergens import build_allergen_world
from production.tests.test_freshness import at, make_run


@pytest.fixture
def world(household):
    h = household
    w = build_allergen_world(h)
    w.event = make_event(h, "Christmas 2026", dt.date(2026, 12, 24))
    w.hampers = Package.objects.create(household=h, name="Hamper package")
    PackageItem.objects.create(household=h, package=w.hampers, finished_good=w.hamper, quantity=1)
    w.meringues = Package.objects.create(household=h, name="Meringue package")
    PackageItem.objects.create(household=h, package=w.meringues, finished_good=w.bag, quantity=2)
    w.anna = Recipient.objects.create(household=h, name="Anna", household_name="Smiths")
    w.ben = Recipient.objects.create(household=h, name="Ben")
    w.a1 = Assignment.objects.create(
        household=h, event=w.event, recipient=w.anna, package=w.hampers
    )
    w.a2 = Assignment.objects.create(
        household=h, event=w.event, recipient=w.ben, package=w.meringues, quantity=2
    )
    return w


def _tags(world, **kwargs):
    with unit_of_work(world.household, read_only=True) as tx:
        return get_gift_tags(tx, world.event.pk, **kwargs)


def test_one_tag_per_assignment_with_contents_and_allergens(world):
    page = _tags(world)
    assert page["total"] == 2
    anna, ben = page["tags"]
    assert (anna["recipient_name"], anna["package_name"]) == ("Anna", "Hamper package")
    assert anna["boxes"] == [{"name": "Hamper", "quantity": 1}]
    assert anna["items"] == ["Meringue kiss", "Shortbread finger"]
    assert anna["contains"] == ["egg", "gluten", "milk"]
    assert anna["may_contain"] == ["peanut"]
    assert (ben["package_name"], ben["quantity"], ben["contains"]) == (
        "Meringue package",
        2,
        ["egg"],
    )


def test_tag_says_not_baked_yet_until_a_run_for_the_event_made_an_item(world):
    assert [t["best_before"] for t in _tags(world)["tags"]] == [None, None]
    assert [t["baked"] for t in _tags(world)["tags"]] == [False, False]


def test_tag_best_before_is_the_earliest_among_the_events_runs(world, tx):
    set_shelf_life(tx, world.finger.pk, days=21)
    set_shelf_life(tx, world.kiss.pk, days=10)
    make_run(world.finger, at(dt.date(2026, 12, 1)), event=world.event)  # → 12-22
    make_run(world.kiss, at(dt.date(2026, 12, 14)), event=world.event)  # → 12-24
    make_run(world.kiss, at(dt.date(2026, 12, 1)))  # not for this event: left out
    anna, ben = get_gift_tags(tx, world.event.pk)["tags"]
    assert anna["best_before"] == "2026-12-22"
    assert ben["best_before"] == "2026-12-24"


def test_tags_are_paged(world):
    first = _tags(world, page=1, per_page=1)
    second = _tags(world, page=2, per_page=1)
    assert (first["pages"], [t["recipient_name"] for t in first["tags"]]) == (2, ["Anna"])
    assert [t["recipient_name"] for t in second["tags"]] == ["Ben"]


def test_tags_query_count_does_not_grow_with_assignments(world, django_assert_num_queries):
    with unit_of_work(world.household, read_only=True) as tx:
        with django_assert_num_queries(10):
            get_gift_tags(tx, world.event.pk)
    for n in range(40):
        someone = Recipient.objects.create(household=world.household, name=f"R{n:02}")
        Assignment.objects.create(
            household=world.household,
            event=world.event,
            recipient=someone,
            package=world.hampers,
        )
    with unit_of_work(world.household, read_only=True) as tx:
        with django_assert_num_queries(10):
            page = get_gift_tags(tx, world.event.pk)
    assert len(page["tags"]) == 42


def test_tags_page_renders_one_tag_per_assignment(world, viewer_client):
    response = viewer_client.get(reverse("events:event_tags", args=[world.event.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="gift-tag"') == Assignment.objects.filter(event=world.event).count()
    assert "Contains: Gluten, Eggs, Milk" in html
    assert "May contain: Peanuts" in html
    assert "Not baked yet" in html


def test_tags_page_lays_tags_out_on_the_chosen_sheet(world, member_client):
    url = reverse("events:event_tags", args=[world.event.pk])
    assert "tag-sheet-letter" in member_client.get(url + "?sheet=letter").content.decode()
    assert "tag-sheet-a4" in member_client.get(url + "?sheet=nonsense").content.decode()


def test_tags_stylesheet_sets_both_page_sizes(member_client):
    css = member_client.get(reverse("events:tags_stylesheet")).content.decode()
    assert "size: A4" in css and "size: letter" in css


def test_tags_pdf_is_a_pdf_with_one_tag_per_assignment(world, member_client):
    url = reverse("events:event_tags", args=[world.event.pk])
    response = member_client.get(url + "?format=pdf&sheet=letter")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="gift-tags-christmas-2026-letter.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    # Each tag's heading (the recipient) becomes one entry of the PDF's outline.
    assert pdf_outline_titles(response.content) == [b"Anna", b"Ben"]


def pdf_outline_titles(pdf: bytes) -> list[bytes]:
    """The plain-text /Title entries of a PDF's outline (its streams inflated first)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # an image or a font, not objects
    return re.findall(rb"/Title\s*\(([^)]*)\)", b"\n".join(parts))


def test_outsider_gets_404_for_the_tags_and_the_pdf(world, outsider_client):
    url = reverse("events:event_tags", args=[world.event.pk])
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.get(url + "?format=pdf").status_code == 404


def test_packing_slip_lists_what_each_package_holds(world, member_client):
    with unit_of_work(world.household, read_only=True) as tx:
        slips = get_packing_slips(tx, world.event.pk)["slips"]
    assert [s["recipient_name"] for s in slips] == ["Anna", "Ben"]
    (hamper,) = slips[0]["packages"][0]["boxes"]
    assert hamper["holds"] == [
        {"name": "Meringue bag", "quantity": 1},
        {"name": "Shortbread tin", "quantity": 1},
    ]
    html = member_client.get(reverse("events:event_packing_slips", args=[world.event.pk]))
    assert "Meringue bag ×2: Meringue kiss ×2" in html.content.decode()
