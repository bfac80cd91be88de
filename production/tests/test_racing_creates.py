"""PostgreSQL: people saving the same catalogue name at the same moment get the duplicate
message a sequential duplicate gets, never a 500 from the unique constraints (the services
lock the household or the parent row before the duplicate check)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bakeplanner.tests.racing import WORKERS, loser_pages, race_posts, statuses
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Product,
    Recipe,
    RecipeComponent,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ONE_WINNER = [200] * (WORKERS - 1) + [302]  # sorted, as `statuses` gives them


def _refused_all(outcomes, message: str) -> bool:
    pages = loser_pages(outcomes)
    return len(pages) == WORKERS - 1 and all(message in page for page in pages)


def test_racing_ingredient_creates_make_one_and_refuse_the_rest(member, household):
    outcomes = race_posts(
        member,
        reverse("production:ingredient_create"),
        {"name": "Butter", "kind": "food", "stock_family": "weight"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "An ingredient named &#x27;Butter&#x27; already exists.")
    assert Ingredient.objects.filter(household=household).count() == 1


def test_racing_look_alike_ingredient_creates_make_one(member, household):
    spellings = ["Crème", "CRÈME", "Cre\u0300me", "crème\u00a0"]
    outcomes = race_posts(
        member,
        reverse("production:ingredient_create"),
        [{"name": s, "kind": "food", "stock_family": "volume"} for s in spellings],
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "already exists.")
    assert Ingredient.objects.filter(household=household).count() == 1


def test_racing_recipe_creates_make_one_and_refuse_the_rest(member, household):
    outcomes = race_posts(member, reverse("production:recipe_create"), {"name": "Shortbread"})
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "A recipe named &#x27;Shortbread&#x27; already exists.")
    assert Recipe.objects.filter(household=household).count() == 1


def test_racing_baked_item_creates_make_one_and_refuse_the_rest(member, household):
    recipe = Recipe.objects.create(household=household, name="Shortbread")
    outcomes = race_posts(
        member,
        reverse("production:finished_unit_create", args=[recipe.pk]),
        {"name": "Finger", "items_per_batch": "24"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "already has an item named &#x27;Finger&#x27;")
    assert FinishedUnit.objects.filter(recipe=recipe).count() == 1


def test_racing_product_creates_make_one_and_refuse_the_rest(member, household):
    butter = Ingredient.objects.create(household=household, name="Butter", stock_family="weight")
    outcomes = race_posts(
        member,
        reverse("production:product_create", args=[butter.pk]),
        {"brand": "Acme", "package_quantity": "250", "package_unit": "g"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "Butter already has the product Acme (250 g).")
    assert Product.objects.filter(ingredient=butter).count() == 1


def test_racing_preferred_products_leave_exactly_one_preferred(member, household):
    butter = Ingredient.objects.create(household=household, name="Butter", stock_family="weight")
    outcomes = race_posts(
        member,
        reverse("production:product_create", args=[butter.pk]),
        [
            {
                "brand": f"Brand {n}",
                "package_quantity": "250",
                "package_unit": "g",
                "preferred": "on",
            }
            for n in range(WORKERS)
        ],
    )
    # Preferring a product un-prefers the other: every save succeeds, one stays preferred.
    assert statuses(outcomes) == [302] * WORKERS
    assert Product.objects.filter(ingredient=butter).count() == WORKERS
    assert Product.objects.filter(ingredient=butter, preferred=True).count() == 1


def test_racing_sub_recipe_adds_make_one_and_refuse_the_rest(member, household):
    parent = Recipe.objects.create(household=household, name="Trifle")
    child = Recipe.objects.create(household=household, name="Custard")
    outcomes = race_posts(
        member,
        reverse("production:recipe_component_create", args=[parent.pk]),
        {"component_recipe_id": str(child.pk), "batches": "1"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "Custard is already a sub-recipe of Trifle.")
    assert RecipeComponent.objects.filter(recipe=parent).count() == 1


def test_racing_gift_box_creates_make_one_and_refuse_the_rest(member, household):
    outcomes = race_posts(member, reverse("production:finished_good_create"), {"name": "Noël Tin"})
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "A gift box named &#x27;Noël Tin&#x27; already exists.")
    assert FinishedGood.objects.filter(household=household).count() == 1


def test_racing_gift_box_component_adds_make_one_and_refuse_the_rest(member, household):
    recipe = Recipe.objects.create(household=household, name="Shortbread")
    finger = FinishedUnit.objects.create(
        household=household, recipe=recipe, name="Finger", items_per_batch=24
    )
    tin = FinishedGood.objects.create(household=household, name="Tin")
    outcomes = race_posts(
        member,
        reverse("production:component_create", args=[tin.pk]),
        {"item": f"finished_unit:{finger.pk}", "quantity": "6"},
    )
    assert statuses(outcomes) == ONE_WINNER
    assert _refused_all(outcomes, "Tin already contains Finger")
    assert FinishedGoodComponent.objects.filter(finished_good=tin).count() == 1
