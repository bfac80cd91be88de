"""Target pages with hundreds of recipes and gift boxes: a short list and a search field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from events.models import AssemblyTarget, ProductionTarget
from production.models import FinishedGood, Recipe

MANY = 60  # more than the 50 names a target page lists


@pytest.fixture
def many_recipes(gift_world):
    h = gift_world.household
    Recipe.objects.bulk_create([Recipe(household=h, name=f"Loaf {n:03}") for n in range(MANY)])
    return {r.name: r for r in Recipe.objects.filter(name__startswith="Loaf ")}


@pytest.fixture
def many_goods(gift_world):
    h = gift_world.household
    FinishedGood.objects.bulk_create(
        [FinishedGood(household=h, name=f"Crate {n:03}") for n in range(MANY)]
    )
    return {g.name: g for g in FinishedGood.objects.filter(name__startswith="Crate ")}


def production_url(world, **query):
    url = reverse("events:production_target_set", args=[world.christmas.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def option(item):
    return f'<option value="{item.pk}"'


def test_a_long_recipe_list_shows_fifty_names_and_a_search(gift_world, many_recipes, member_client):
    page = member_client.get(production_url(gift_world)).content.decode()
    assert page.count("<option value=") == 1 + 50  # "Choose…" and the first fifty
    assert 'id="target-search"' in page and "The list shows the first 50" in page
    assert option(many_recipes["Loaf 000"]) in page
    assert option(many_recipes["Loaf 059"]) not in page


def test_search_lists_the_matching_recipes_only(gift_world, many_recipes, member_client):
    page = member_client.get(production_url(gift_world, q="oaf 05")).content.decode()
    assert option(many_recipes["Loaf 059"]) in page and option(many_recipes["Loaf 050"]) in page
    assert option(many_recipes["Loaf 000"]) not in page
    assert "Showing the recipes matching “oaf 05”" in page


def test_a_short_recipe_list_has_no_search_field(gift_world, member_client):
    page = member_client.get(production_url(gift_world)).content.decode()
    assert option(gift_world.cookies) in page and option(gift_world.fudge) in page
    assert 'id="target-search"' not in page


def test_an_existing_target_past_the_first_fifty_is_prefilled(
    gift_world, many_recipes, member_client
):
    loaf = many_recipes["Loaf 059"]
    ProductionTarget.objects.create(
        household=gift_world.household, event=gift_world.christmas, recipe=loaf, target_batches=7
    )
    page = member_client.get(production_url(gift_world, recipe=loaf.pk)).content.decode()
    assert f'<option value="{loaf.pk}" selected>' in page
    assert 'value="7"' in page


def test_posting_a_recipe_past_the_first_fifty_saves_its_target(
    gift_world, many_recipes, member_client
):
    loaf = many_recipes["Loaf 059"]
    response = member_client.post(
        production_url(gift_world), {"recipe": loaf.pk, "target_batches": 4, "notes": ""}
    )
    assert response.status_code == 302
    target = ProductionTarget.objects.get(event=gift_world.christmas)
    assert (target.recipe_id, target.target_batches) == (loaf.pk, 4)


def test_posting_another_households_recipe_is_refused_and_changes_nothing(
    gift_world, member_client, outsider_household
):
    foreign = Recipe.objects.create(household=outsider_household, name="Their Loaf")
    response = member_client.post(
        production_url(gift_world), {"recipe": foreign.pk, "target_batches": 4, "notes": ""}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert ProductionTarget.objects.count() == 0


def test_posting_an_archived_recipe_without_a_target_is_refused(gift_world, member_client):
    Recipe.objects.filter(pk=gift_world.fudge.pk).update(archived=True)
    response = member_client.post(
        production_url(gift_world),
        {"recipe": gift_world.fudge.pk, "target_batches": 2, "notes": ""},
    )
    assert "Select a valid choice" in response.content.decode()
    assert ProductionTarget.objects.count() == 0


def test_posting_a_gift_box_past_the_first_fifty_saves_its_target(
    gift_world, many_goods, member_client
):
    crate = many_goods["Crate 059"]
    url = reverse("events:assembly_target_set", args=[gift_world.christmas.pk])
    page = member_client.get(url + "?q=Crate+059").content.decode()
    assert option(crate) in page and option(many_goods["Crate 000"]) not in page
    response = member_client.post(
        url, {"finished_good": crate.pk, "target_quantity": 3, "notes": ""}
    )
    assert response.status_code == 302
    target = AssemblyTarget.objects.get(event=gift_world.christmas)
    assert (target.finished_good_id, target.target_quantity) == (crate.pk, 3)
