"""The event cost page: a short answer first, then recipes, gift boxes and uncounted runs.

Figures come from the world in test_costs_progress.py (worked out by hand there).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.tests.demand_fixtures import build_scaled_world
from events.tests.test_costs_progress import bake, build_bakery, pack
from production.models import AssemblyRun, FinishedGood, FinishedUnit, ProductionRun


@pytest.fixture
def bakery(household):
    return build_bakery(household)


def costs_url(event):
    return reverse("events:event_costs", args=[event.pk])


def text_of(html):
    """The page's words without tags, spaces collapsed, to read sentences across markup.

    Inline tags vanish (so "<strong>$4.35</strong>," reads "$4.35,"); others part words.
    """
    inline = re.sub(r"</?(strong|span|a)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def test_the_answer_says_what_was_made_cost_and_that_it_is_over(bakery, viewer_client):
    h = bakery.household
    bake(h, bakery.bread, bakery.roll, 2, "2.30", event=bakery.event)
    bake(h, bakery.bread, bakery.roll, 1, "0.95", event=bakery.event)
    pack(h, bakery.roll_box, 2, "1.10", event=bakery.event)
    response = viewer_client.get(costs_url(bakery.event))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "So far, what was made cost $4.35, $0.35 over its estimated cost of $4.00. "
        "Projected cost $14.85."
    ) in text_of(html)
    assert '<strong class="text-danger-emphasis">$0.35 over</strong>' in html
    assert ProductionRun.objects.filter(event=bakery.event).count() == 2


def test_rows_show_done_remaining_and_projected(bakery, member_client):
    bake(bakery.household, bakery.bread, bakery.roll, 3, "3.25", event=bakery.event)
    page = text_of(member_client.get(costs_url(bakery.event)).content.decode())
    bread = "Bread Plan 4 batches (target) · $1.00 per batch 3 batches $3.00 $3.25 $0.25 over"
    assert f"{bread} 1 batch $1.00 $4.25" in page
    assert (
        "Cake Plan 3 batches · $1.50 per batch 0 batches not baked yet 3 batches $4.50 $4.50"
        in page
    )
    assert "Roll Box Plan 6 gift boxes · $0.50 each 0 gift boxes" in page


def test_under_is_shown_in_the_success_colour_with_its_word(bakery, member_client):
    bake(bakery.household, bakery.bread, bakery.roll, 2, "1.60", event=bakery.event)
    html = member_client.get(costs_url(bakery.event)).content.decode()
    assert '<strong class="text-success-emphasis">$0.40 under</strong>' in html
    assert '<span class="text-success-emphasis">$0.40 under</span>' in html
    assert "text-danger-emphasis" not in html


def test_on_estimate_needs_no_colour(bakery, member_client):
    bake(bakery.household, bakery.bread, bakery.roll, 2, "2.00", event=bakery.event)
    page = text_of(member_client.get(costs_url(bakery.event)).content.decode())
    assert "So far, what was made cost $2.00, right on its estimated cost." in page


def test_nothing_made_says_so_instead_of_zeros(bakery, member_client):
    html = member_client.get(costs_url(bakery.event)).content.decode()
    page = text_of(html)
    assert "Nothing has been baked or packed for this event yet" in page
    assert "Projected cost $14.50, the estimated cost of the whole plan." in page
    assert "Bread (target) 4 batches $4.00" in page
    assert "Over or under" not in page
    assert not ProductionRun.objects.exists()


def test_an_event_with_no_plan_says_what_to_do(member_client, household):
    from events.tests.demand_fixtures import event

    empty = event(household, "Quiet Year")
    page = text_of(member_client.get(costs_url(empty)).content.decode())
    assert "Nothing is planned or made for this event yet" in page
    assert "$0.00" not in page


def test_runs_without_an_event_are_listed_with_links(bakery, member_client):
    h = bakery.household
    baked = bake(h, bakery.cake, bakery.slice, 1, "1.40", days_ago=2)
    packed = pack(h, bakery.cake_tin, 2, "1.00", days_ago=1)
    html = member_client.get(costs_url(bakery.event)).content.decode()
    page = text_of(html)
    assert "Runs not counted (no event)" in page
    assert "2 runs have no event, so their actual cost of $2.40 is in no event's costs." in page
    assert "If one was for Winter Fair, open it and change its event." in page
    baking_link = reverse("production:production_run_detail", args=[baked.pk])
    packing_link = reverse("production:assembly_run_detail", args=[packed.pk])
    assert f'href="{baking_link}"' in html
    assert f'href="{packing_link}"' in html
    assert html.index(packing_link) < html.index(baking_link)  # newest first
    assert "Baking run: Cake, 1 batch" in page
    assert "Packing run: Cake Tin, 2 gift boxes" in page
    assert AssemblyRun.objects.filter(event__isnull=True).count() == 1


def test_more_than_twenty_runs_without_an_event_say_how_many_are_not_shown(bakery, member_client):
    for days_ago in range(22):
        bake(bakery.household, bakery.cake, bakery.slice, 1, "1.00", days_ago=days_ago)
    html = member_client.get(costs_url(bakery.event)).content.decode()
    assert len(re.findall(r'href="/production/runs/\d+/"', html)) == 20
    assert "2 older ones are not shown." in text_of(html)
    assert ProductionRun.objects.filter(event__isnull=True).count() == 22


def test_another_households_runs_are_not_listed(bakery, member_client, outsider_household):
    other = build_bakery(outsider_household)
    theirs = bake(outsider_household, other.cake, other.slice, 1, "1.40")
    html = member_client.get(costs_url(bakery.event)).content.decode()
    assert reverse("production:production_run_detail", args=[theirs.pk]) not in html
    assert "Every baking and packing run has an event." in html


def test_a_price_never_paid_is_named(bakery, member_client):
    from events.tests.demand_fixtures import ingredient, line

    vanilla = ingredient(bakery.household, "Vanilla", "volume")
    line(bakery.household, bakery.cake, vanilla, 1, "tsp")
    page = text_of(member_client.get(costs_url(bakery.event)).content.decode())
    assert "No price yet for Vanilla: the estimated costs leave it out" in page


def test_a_conversion_that_cannot_be_done_is_shown_not_a_500(bakery, member_client):
    from events.tests.demand_fixtures import line

    line(bakery.household, bakery.bread, bakery.sugar, 1, "cup")  # sugar has no density
    response = member_client.get(costs_url(bakery.event))
    assert response.status_code == 200
    assert "Cannot work this out:" in response.content.decode()


def test_outsider_gets_404(outsider_client, bakery):
    assert outsider_client.get(costs_url(bakery.event)).status_code == 404


def page_queries(client, household, size):
    world = build_scaled_world(household, size)
    unit = (
        FinishedUnit.objects.filter(household=household)
        .select_related("recipe")
        .get(name="slice 0")
    )
    good = FinishedGood.objects.filter(household=household).order_by("pk").first()
    for _ in range(size * 3):
        bake(household, unit.recipe, unit, 1, "1.00")
        pack(household, good, 1, "0.50")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(costs_url(world.event))
    assert response.status_code == 200
    return len(queries)


def test_page_queries_do_not_grow_with_the_event(
    member_client, household, outsider_client, outsider_household
):
    assert page_queries(member_client, household, 1) == page_queries(
        outsider_client, outsider_household, 8
    )


def test_a_long_plan_is_shown_thirty_recipes_a_page(member_client, household):
    world = build_scaled_world(household, 35)
    first = member_client.get(costs_url(world.event)).content.decode()
    assert "Showing 1–30 of 35 recipes" in first
    second = member_client.get(costs_url(world.event) + "?recipes=2").content.decode()
    assert "Showing 31–35 of 35 recipes" in second
