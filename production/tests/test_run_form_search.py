"""The record forms' item search: "Record baking" and "Record packing" offer at most
`SEARCH_LIMIT` items, a search narrows them, and a posted item is checked by its id.

See docs/record-forms.md.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

from django.urls import reverse
from django.utils import timezone

from bakeplanner.pages import SEARCH_LIMIT
from bakeplanner.testing import db_snapshot
from events.models import AssemblyTarget, ProductionTarget
from production.models import AssemblyRun, FinishedGood, FinishedUnit, ProductionRun, Recipe
from production.tests import run_fixtures
from production.tests.run_fixtures import make_event

assembly_world = run_fixtures.assembly_world  # the fixture, shared by the run tests

BAKE = reverse("production:production_run_create")
PACK = reverse("production:assembly_run_create")


def add_baked_items(household, count, *, prefix="Apple pie"):
    """`count` recipes named before "Sugar Cookies", each with one baked item."""
    recipes = Recipe.objects.bulk_create(
        Recipe(household=household, name=f"{prefix} {number:03}") for number in range(count)
    )
    return FinishedUnit.objects.bulk_create(
        FinishedUnit(
            household=household, recipe=recipe, name=f"slice {number:03}", items_per_batch=8
        )
        for number, recipe in enumerate(recipes)
    )


def add_gift_boxes(household, count):
    """`count` gift boxes named before "Cookie bag"."""
    return FinishedGood.objects.bulk_create(
        FinishedGood(household=household, name=f"Advent box {number:03}") for number in range(count)
    )


def options(page: str, name: str) -> list[str]:
    """The option values of the page's select `name`, in order."""
    select = re.search(rf'<select\b[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select\b[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))


def note(page: str) -> str:
    found = re.search(r'<p [^>]*id="item-search-note"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None, "no search note"
    return html_lib.unescape(found.group(1))


def search_form_of(page: str) -> str:
    start = page.index('role="search"')
    return page[start : page.index("</form>", start)]


def bake_post(world, **overrides):
    data = {
        "finished_unit": world.cookie.pk,
        "num_batches": 1,
        "scale": "1",
        "actual_yield": "",
        "loss_category": "",
        "loss_notes": "",
        "event": "",
        "produced_at": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def pack_post(world, **overrides):
    data = {
        "finished_good": world.cookie_bag.pk,
        "quantity": 1,
        "event": "",
        "assembled_at": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def upcoming_event(household, name="Christmas"):
    return make_event(household, name, timezone.localdate() + dt.timedelta(days=30))


# --- Record baking: a small household -----------------------------------------------------------


def test_a_small_household_gets_every_baked_item_grouped_and_no_search(spec_world, member_client):
    add_baked_items(spec_world.household, 2)
    page = member_client.get(BAKE).content.decode()
    units = FinishedUnit.objects.filter(household=spec_world.household)
    ordered = units.order_by("recipe__name", "name")
    assert options(page, "finished_unit") == ["", *(str(unit.pk) for unit in ordered)]
    assert '<optgroup label="Apple pie 000">' in page
    assert '<optgroup label="Sugar Cookies">' in page
    assert 'id="item-search"' not in page


def test_a_household_with_exactly_the_limit_gets_no_search(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT - 1)
    page = member_client.get(BAKE).content.decode()
    assert FinishedUnit.objects.filter(household=spec_world.household).count() == SEARCH_LIMIT
    assert len(options(page, "finished_unit")) == SEARCH_LIMIT + 1
    assert 'id="item-search"' not in page


# --- Record baking: a large household -----------------------------------------------------------


def test_a_large_household_gets_at_most_the_limit_and_a_search(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE).content.decode()
    total = FinishedUnit.objects.filter(household=spec_world.household).count()
    assert total == SEARCH_LIMIT + 11
    assert len(options(page, "finished_unit")) == SEARCH_LIMIT + 1
    assert '<form method="get"' in page and 'name="q"' in page
    assert 'class="btn btn-secondary btn-touch" type="submit">Find</button>' in page
    assert f"Showing {SEARCH_LIMIT} of {total} baked items" in note(page)


def test_the_baked_items_upcoming_events_still_need_come_first(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    event = upcoming_event(spec_world.household)
    ProductionTarget.objects.create(
        household=spec_world.household, event=event, recipe=spec_world.cookies, target_batches=2
    )
    page = member_client.get(BAKE).content.decode()
    shown = options(page, "finished_unit")
    assert str(spec_world.cookie.pk) in shown  # "Sugar Cookies" is last by name
    assert len(shown) == SEARCH_LIMIT + 1
    assert "those upcoming events still need come first" in note(page)


def test_a_met_target_does_not_put_its_baked_item_first(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    event = upcoming_event(spec_world.household)
    ProductionTarget.objects.create(
        household=spec_world.household, event=event, recipe=spec_world.cookies, target_batches=1
    )
    response = member_client.post(BAKE, bake_post(spec_world, event=event.pk))
    assert response.status_code == 302
    assert ProductionRun.objects.get().event_id == event.pk
    page = member_client.get(BAKE).content.decode()
    assert str(spec_world.cookie.pk) not in options(page, "finished_unit")


def test_search_narrows_by_recipe_name(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE, {"q": "sugar"}).content.decode()
    assert options(page, "finished_unit") == ["", str(spec_world.cookie.pk)]
    assert FinishedUnit.objects.filter(recipe__name__icontains="sugar").count() == 1
    assert note(page) == "Showing the 1 baked item matching “sugar”."
    assert 'value="sugar"' in page


def test_search_narrows_by_baked_item_name(spec_world, member_client):
    units = add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE, {"q": "SLICE 007"}).content.decode()
    assert options(page, "finished_unit") == ["", str(units[7].pk)]


def test_a_search_with_more_matches_than_the_limit_says_so(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE, {"q": "apple"}).content.decode()
    assert len(options(page, "finished_unit")) == SEARCH_LIMIT + 1
    assert f"Showing {SEARCH_LIMIT} of {SEARCH_LIMIT + 10} baked items matching “apple”" in (
        note(page)
    )


def test_a_search_that_finds_nothing_says_so(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE, {"q": "zzz"}).content.decode()
    assert options(page, "finished_unit") == [""]
    assert note(page) == "No baked item matches “zzz”."
    assert "There is nothing to bake yet" not in page
    assert not FinishedUnit.objects.filter(name__icontains="zzz").exists()


def test_the_search_keeps_the_links_other_parameters(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    event = upcoming_event(spec_world.household)
    query = {"event": event.pk, "finished_unit": spec_world.cookie.pk, "batches": 2}
    page = member_client.get(BAKE, query).content.decode()
    search_form = search_form_of(page)
    for name, value in query.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in search_form
    assert selected(page, "event") == [str(event.pk)]


def test_a_linked_baked_item_outside_the_list_is_offered_and_chosen(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE, {"finished_unit": spec_world.cookie.pk}).content.decode()
    shown = options(page, "finished_unit")
    assert str(spec_world.cookie.pk) in shown and len(shown) == SEARCH_LIMIT + 2
    assert selected(page, "finished_unit") == [str(spec_world.cookie.pk)]
    assert f"Showing {SEARCH_LIMIT} of {SEARCH_LIMIT + 11} baked items" in note(page)


def test_the_chosen_baked_item_is_kept_while_searching(spec_world, member_client):
    units = add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    query = {"finished_unit": spec_world.cookie.pk, "q": "slice 003"}
    page = member_client.get(BAKE, query).content.decode()
    assert options(page, "finished_unit") == ["", str(units[3].pk), str(spec_world.cookie.pk)]
    assert selected(page, "finished_unit") == [str(spec_world.cookie.pk)]


def test_a_recipe_link_chooses_its_first_baked_item_outside_the_list(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE, {"recipe": spec_world.cookies.pk}).content.decode()
    assert selected(page, "finished_unit") == [str(spec_world.cookie.pk)]


def test_a_linked_baked_item_of_another_household_is_not_offered(
    spec_world, member_client, outsider_household
):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    theirs = add_baked_items(outsider_household, 1, prefix="Their pie")[0]
    page = member_client.get(BAKE, {"finished_unit": theirs.pk}).content.decode()
    assert str(theirs.pk) not in options(page, "finished_unit")
    assert "Their pie" not in page
    assert selected(page, "finished_unit") == [""]  # "Choose a baked item…"


def test_posting_a_baked_item_outside_the_shown_list_records_it(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE).content.decode()
    assert str(spec_world.cookie.pk) not in options(page, "finished_unit")
    response = member_client.post(BAKE, bake_post(spec_world), follow=True)
    run = ProductionRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "production:production_run_detail", args=[run.pk]
    )
    assert "Recorded 48 of 48 cookie" in response.content.decode()
    assert run.finished_unit_id == spec_world.cookie.pk and run.num_batches == 1
    assert FinishedUnit.objects.get(pk=spec_world.cookie.pk).inventory_count == 48


def test_posting_another_households_baked_item_is_refused_and_changes_nothing(
    spec_world, member_client, outsider_household
):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    theirs = add_baked_items(outsider_household, 1, prefix="Their pie")[0]
    before = db_snapshot()
    response = member_client.post(BAKE, bake_post(spec_world, finished_unit=theirs.pk))
    assert response.status_code == 200
    assert "finished_unit" in response.context["form"].errors
    assert "Select a valid choice" in response.content.decode()
    assert "Their pie" not in response.content.decode()
    assert db_snapshot() == before


def test_posting_an_unknown_baked_item_is_refused_and_changes_nothing(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    before = db_snapshot()
    response = member_client.post(BAKE, bake_post(spec_world, finished_unit="99999999"))
    assert response.status_code == 200
    assert "finished_unit" in response.context["form"].errors
    assert db_snapshot() == before


def test_a_refused_form_keeps_the_posted_item_and_the_short_list(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    response = member_client.post(BAKE, bake_post(spec_world, num_batches=0))
    page = response.content.decode()
    assert response.status_code == 200
    assert selected(page, "finished_unit") == [str(spec_world.cookie.pk)]
    assert len(options(page, "finished_unit")) == SEARCH_LIMIT + 2
    assert not ProductionRun.objects.exists()


def test_a_viewer_cannot_record_baking_in_a_large_household(spec_world, viewer_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    response = viewer_client.post(BAKE, bake_post(spec_world))
    assert response.status_code == 403
    assert not ProductionRun.objects.exists()


def test_the_live_check_and_the_event_suggestion_keep_their_hooks(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(BAKE).content.decode()
    run_form = page[page.index('id="run-form"') :]
    assert f'data-check-url="{reverse("production:check_can_produce")}"' in page
    assert f'data-suggest-url="{reverse("production:production_run_suggest_event")}"' in page
    assert 'name="finished_unit"' in run_form and 'name="event"' in run_form
    assert 'id="run-check"' in run_form
    assert "js/run_check.js" in page and "js/run_event.js" in page
    assert 'name="q"' not in run_form  # the search is a form of its own
    assert FinishedUnit.objects.filter(household=spec_world.household).count() > SEARCH_LIMIT


def test_the_event_suggestion_answers_for_an_item_outside_the_list(spec_world, member_client):
    add_baked_items(spec_world.household, SEARCH_LIMIT + 10)
    event = upcoming_event(spec_world.household)
    ProductionTarget.objects.create(
        household=spec_world.household, event=event, recipe=spec_world.cookies, target_batches=2
    )
    url = reverse("production:production_run_suggest_event")
    data = member_client.get(url, {"finished_unit": spec_world.cookie.pk}).json()
    assert data == {"event_id": event.pk, "event_name": "Christmas"}
    page = member_client.get(BAKE, {"finished_unit": spec_world.cookie.pk}).content.decode()
    assert selected(page, "event") == [str(event.pk)]


# --- Record packing -----------------------------------------------------------------------------


def test_a_small_household_gets_every_gift_box_and_no_search(assembly_world, member_client):
    page = member_client.get(PACK).content.decode()
    goods = FinishedGood.objects.filter(household=assembly_world.household).order_by("name")
    assert options(page, "finished_good") == ["", *(str(good.pk) for good in goods)]
    assert 'id="item-search"' not in page


def test_a_large_household_gets_at_most_the_limit_of_gift_boxes_and_a_search(
    assembly_world, member_client
):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(PACK).content.decode()
    total = FinishedGood.objects.filter(household=assembly_world.household).count()
    assert len(options(page, "finished_good")) == SEARCH_LIMIT + 1
    assert f"Showing {SEARCH_LIMIT} of {total} gift boxes" in note(page)
    assert 'name="q"' in page


def test_search_narrows_the_gift_boxes(assembly_world, member_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(PACK, {"q": "gift"}).content.decode()
    assert options(page, "finished_good") == ["", str(assembly_world.gift_tin.pk)]
    assert note(page) == "Showing the 1 gift box matching “gift”."


def test_a_search_that_finds_no_gift_box_says_so(assembly_world, member_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(PACK, {"q": "zzz"}).content.decode()
    assert options(page, "finished_good") == [""]
    assert note(page) == "No gift box matches “zzz”."


def test_the_gift_boxes_upcoming_events_still_need_come_first(assembly_world, member_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    event = upcoming_event(assembly_world.household)
    AssemblyTarget.objects.create(
        household=assembly_world.household,
        event=event,
        finished_good=assembly_world.gift_tin,
        target_quantity=3,
    )
    page = member_client.get(PACK).content.decode()
    shown = options(page, "finished_good")
    assert str(assembly_world.gift_tin.pk) in shown
    assert str(assembly_world.cookie_bag.pk) not in shown
    assert len(shown) == SEARCH_LIMIT + 1


def test_a_linked_gift_box_outside_the_list_is_offered_and_chosen(assembly_world, member_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    event = upcoming_event(assembly_world.household)
    query = {"finished_good": assembly_world.cookie_bag.pk, "event": event.pk, "quantity": 3}
    page = member_client.get(PACK, query).content.decode()
    assert selected(page, "finished_good") == [str(assembly_world.cookie_bag.pk)]
    assert selected(page, "event") == [str(event.pk)]
    search_form = search_form_of(page)
    assert f'<input type="hidden" name="finished_good" value="{assembly_world.cookie_bag.pk}">' in (
        search_form
    )


def test_posting_a_gift_box_outside_the_shown_list_records_it(assembly_world, member_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(PACK).content.decode()
    assert str(assembly_world.cookie_bag.pk) not in options(page, "finished_good")
    response = member_client.post(PACK, pack_post(assembly_world, quantity=2))
    run = AssemblyRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("production:assembly_run_detail", args=[run.pk])
    assert run.finished_good_id == assembly_world.cookie_bag.pk and run.quantity == 2
    assert FinishedGood.objects.get(pk=assembly_world.cookie_bag.pk).inventory_count == 2


def test_posting_another_households_gift_box_is_refused_and_changes_nothing(
    assembly_world, member_client, outsider_household
):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    theirs = FinishedGood.objects.create(household=outsider_household, name="Their hamper")
    before = db_snapshot()
    response = member_client.post(PACK, pack_post(assembly_world, finished_good=theirs.pk))
    assert response.status_code == 200
    assert "finished_good" in response.context["form"].errors
    assert "Their hamper" not in response.content.decode()
    assert db_snapshot() == before


def test_a_viewer_cannot_record_packing_in_a_large_household(assembly_world, viewer_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    response = viewer_client.post(PACK, pack_post(assembly_world))
    assert response.status_code == 403
    assert not AssemblyRun.objects.exists()


def test_the_packing_check_keeps_its_hooks_in_a_large_household(assembly_world, member_client):
    add_gift_boxes(assembly_world.household, SEARCH_LIMIT + 10)
    page = member_client.get(PACK, {"finished_good": assembly_world.cookie_bag.pk}).content.decode()
    run_form = page[page.index('id="run-form"') :]
    assert f'data-check-url="{reverse("production:check_can_assemble")}"' in page
    assert 'id="run-check"' in run_form and 'name="finished_good"' in run_form
    check = member_client.get(
        reverse("production:check_can_assemble"),
        {"finished_good": assembly_world.cookie_bag.pk, "quantity": 1},
    )
    assert check.status_code == 200 and check.json()["can_assemble"] is True
