"""The one pager (`templates/partials/pager.html`): what part of a long list is shown, and
Previous/Next links that keep the list's search, sort and filters."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from bakeplanner.pages import list_page_links
from production.models import Ingredient


@pytest.fixture
def spices(household):
    Ingredient.objects.bulk_create(
        Ingredient(household=household, name=f"Spice {index:02}", stock_family="weight")
        for index in range(60)
    )
    Ingredient.objects.create(household=household, name="Flour", stock_family="weight")


def _next_link(html: str) -> str:
    found = re.search(r'<a class="page-link" href="([^"]+)" rel="next">Next</a>', html)
    assert found, "no Next link"
    return found.group(1).replace("&amp;", "&")


def test_a_catalogue_lists_second_page_link_keeps_the_search_and_sort(spices, member_client):
    url = reverse("production:ingredient_list")

    first = member_client.get(url, {"q": "spice", "sort": "-name"}).content.decode()

    assert "Showing 1–50 of 60 ingredients (page 1 of 2)." in first
    assert '<span class="page-link">Previous</span>' in first  # nothing before the first page
    assert _next_link(first) == "?q=spice&sort=-name&page=2"
    second = member_client.get(url + _next_link(first))
    assert second.status_code == 200
    html = second.content.decode()
    assert "Showing 51–60 of 60 ingredients (page 2 of 2)." in html
    assert ">Spice 00<" in html and ">Spice 59<" not in html  # still sorted Z to A
    assert 'href="?q=spice&amp;sort=-name&amp;page=1" rel="prev"' in html
    assert '<span class="page-link">Next</span>' in html


def test_a_catalogue_lists_links_carry_its_default_sort_and_filters(spices, member_client):
    html = member_client.get(
        reverse("production:ingredient_list"), {"q": " spice ", "kind": "food"}
    ).content.decode()

    assert _next_link(html) == "?q=spice&sort=name&kind=food&page=2"


def test_a_one_page_list_says_how_many_without_page_links(spices, member_client):
    html = member_client.get(reverse("production:ingredient_list"), {"q": "flour"}).content.decode()

    assert "Showing 1–1 of 1 ingredient." in html
    assert 'class="pagination' not in html


def test_list_page_links_leave_out_empty_parameters():
    page = Paginator(list(range(30)), 10).get_page(2)

    pager = list_page_links(page, {"q": "", "sort": "name", "kind": ""})

    assert pager["previous"] == "?sort=name&page=1"
    assert pager["next"] == "?sort=name&page=3"
    assert (pager["start"], pager["end"], pager["count"]) == (11, 20, 30)
    assert (pager["number"], pager["num_pages"]) == (2, 3)
