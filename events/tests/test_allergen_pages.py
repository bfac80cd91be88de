"""Allergens on the everyday pages (docs/allergens-and-freshness.md): set on the ingredient
and recipient forms, shown as "Contains" on the detail pages, and the event page's list of
conflicts."""

from __future__ import annotations

from django.urls import reverse

from events.models import Recipient
from events.tests.test_allergen_conflicts import _assign, world  # noqa: F401  (fixture)


def test_the_ingredient_page_sets_and_shows_allergens(world, member_client):  # noqa: F811
    ingredient = world.flour
    form = member_client.get(reverse("production:ingredient_edit", args=[ingredient.pk]))
    assert 'name="contains"' in form.content.decode()
    data = {
        "name": ingredient.name,
        "kind": ingredient.kind,
        "stock_family": ingredient.stock_family,
        "density_g_per_cup": ingredient.density_g_per_cup or "",
        "category": ingredient.category,
        "notes": "",
        "contains": ["sesame", "gluten"],
        "may_contain": ["peanut"],
    }
    response = member_client.post(reverse("production:ingredient_edit", args=[ingredient.pk]), data)
    assert response.status_code == 302
    ingredient.refresh_from_db()
    assert (ingredient.allergens, ingredient.may_contain) == (["gluten", "sesame"], ["peanut"])
    page = member_client.get(response["Location"]).content.decode()
    assert "Contains:</strong> Gluten, Sesame" in page
    assert "May contain:</strong> Peanut" in page


def test_a_new_recipient_can_say_what_they_avoid(world, member_client):  # noqa: F811
    response = member_client.post(
        reverse("events:recipient_create"), {"name": "Dora", "avoids": ["milk", "egg"]}
    )
    assert response.status_code == 302
    assert Recipient.objects.get(name="Dora").avoids == ["egg", "milk"]


def test_an_unknown_avoided_allergen_is_refused_on_the_form(world, member_client):  # noqa: F811
    response = member_client.post(
        reverse("events:recipient_create"), {"name": "Dora", "avoids": ["gravel"]}
    )
    assert response.status_code == 200
    assert not Recipient.objects.filter(name="Dora").exists()


def test_the_event_page_lists_allergen_conflicts(world, member_client):  # noqa: F811
    _assign(world, world.anna, world.meringues)
    page = member_client.get(reverse("events:event_detail", args=[world.event.pk]))
    text = page.content.decode()
    assert "Allergens and freshness (1)" in text
    assert "Anna" in text and "Meringue package" in text


def test_the_package_page_says_what_it_contains(world, member_client):  # noqa: F811
    page = member_client.get(reverse("events:package_detail", args=[world.meringues.pk]))
    assert "Contains:</strong> Egg" in page.content.decode()
