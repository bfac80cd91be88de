"""The recipe list shows fifty recipes a page; only the shown ones are walked and priced,
unless the list is sorted by cost (docs/performance.md)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from production.models import Recipe
from production.services import list_recipes, list_recipes_page
from production.views.recipes import RECIPES_PER_PAGE


def _recipes(household, count):
    start = Recipe.objects.filter(household=household, name__startswith="Loaf").count()
    Recipe.objects.bulk_create(
        Recipe(household=household, name=f"Loaf {index:03}", name_key=f"loaf {index:03}")
        for index in range(start, start + count)
    )


def test_a_page_holds_the_same_rows_as_the_whole_list(spec_world, tx):
    _recipes(spec_world.household, 60)
    every = list_recipes(tx)
    for sort in ("name", "-cost", "category", "lines"):
        every = list_recipes(tx, sort=sort)
        second = list_recipes_page(tx, sort=sort, page=2, per_page=25)
        assert [row["recipe"].pk for row in second.object_list] == [
            row["recipe"].pk for row in every[25:50]
        ]
        assert [row["cost_per_batch"] for row in second.object_list] == [
            row["cost_per_batch"] for row in every[25:50]
        ]


def test_a_page_costs_the_same_queries_for_few_and_many_recipes(household, tx):
    # Walking a tree costs one query per level of sub-recipes: these recipes have none, so
    # the only difference is their number.
    _recipes(household, 3)
    with CaptureQueriesContext(connection) as few:
        list_recipes_page(tx)
    _recipes(household, 120)
    with CaptureQueriesContext(connection) as many:
        page = list_recipes_page(tx)
    assert len(page.object_list) == 50
    assert len(many) == len(few)


def test_the_recipe_list_shows_one_page_and_links_the_next(spec_world, member_client):
    _recipes(spec_world.household, RECIPES_PER_PAGE + 5)
    url = reverse("production:recipe_list")
    first = member_client.get(url, {"q": "loaf"}).content.decode()
    assert "Loaf 000" in first and "Loaf 054" not in first
    assert "(page 1 of 2)" in first and "?q=loaf&amp;sort=name&amp;page=2" in first
    second = member_client.get(url, {"q": "loaf", "page": 2}).content.decode()
    assert "Loaf 054" in second and "Loaf 000" not in second
