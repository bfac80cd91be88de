"""Allergens on ingredients and their roll-up (docs/allergens-and-freshness.md, "Allergens").

The world, worked by hand:

    Glaze        = sugar + butter[milk]                               → milk
    Almond paste = almonds[tree_nut] + sugar                          → tree_nut
    Filling      = chocolate[milk, soy; may peanut, tree_nut] + Almond paste
                                                                      → milk, soy, tree_nut;
                                                                        may peanut
    Cookies      = flour[gluten] + eggs[egg] + Glaze + Filling        → egg, gluten, milk, soy,
                                                                        tree_nut; may peanut
    Shortbread   = flour[gluten] + butter[milk]                       → gluten, milk
    Meringue     = eggs[egg] + sugar                                  → egg

    Meringue bag   = meringue + ribbon (packaging, nothing set)       → egg
    Shortbread tin = shortbread + tin (packaging, may peanut)         → gluten, milk; may peanut
    Hamper         = Meringue bag + Shortbread tin                    → egg, gluten, milk;
                                                                        may peanut
    Big hamper     = Hamper + cookie                                  → egg, gluten, milk, soy,
                                                                        tree_nut; may peanut
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bakeplanner.errors import NotFound, ValidationFailed
from bakeplanner.tx import unit_of_work
from production.models import (
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)
from production.services import get_allergens, set_ingredient_allergens


def _ingredient(h, name, contains=(), may=(), kind="food"):
    return Ingredient.objects.create(
        household=h,
        name=name,
        kind=kind,
        stock_family="count" if kind == "packaging" else "weight",
        allergens=sorted(contains),
        may_contain=sorted(may),
    )


def _recipe(h, name, ingredients=(), subs=()):
    recipe = Recipe.objects.create(household=h, name=name)
    for ingredient in ingredients:
        RecipeIngredient.objects.create(
            household=h, recipe=recipe, ingredient=ingredient, quantity=100, unit="g"
        )
    for sub in subs:
        RecipeComponent.objects.create(
            household=h, recipe=recipe, component_recipe=sub, batches=Decimal("0.5")
        )
    return recipe


def _good(h, name, units=(), nested=(), packaging=()):
    good = FinishedGood.objects.create(household=h, name=name)
    for unit in units:
        FinishedGoodComponent.objects.create(
            household=h,
            finished_good=good,
            component_type="finished_unit",
            finished_unit=unit,
            quantity=2,
        )
    for inner in nested:
        FinishedGoodComponent.objects.create(
            household=h,
            finished_good=good,
            component_type="finished_good",
            nested_good=inner,
            quantity=1,
        )
    for supply in packaging:
        FinishedGoodComponent.objects.create(
            household=h,
            finished_good=good,
            component_type="packaging",
            packaging=supply,
            quantity=1,
        )
    return good


def build_allergen_world(h):
    """The world in the module docstring, written with the ORM."""
    w = SimpleNamespace(household=h)
    w.flour = _ingredient(h, "Flour", ["gluten"])
    w.butter = _ingredient(h, "Butter", ["milk"])
    w.eggs = _ingredient(h, "Eggs", ["egg"])
    w.almonds = _ingredient(h, "Almonds", ["tree_nut"])
    w.chocolate = _ingredient(h, "Chocolate", ["milk", "soy"], ["peanut", "tree_nut"])
    w.sugar = _ingredient(h, "Sugar")
    w.ribbon = _ingredient(h, "Ribbon", kind="packaging")
    w.tin = _ingredient(h, "Tin", may=["peanut"], kind="packaging")
    w.glaze = _recipe(h, "Glaze", [w.sugar, w.butter])
    w.paste = _recipe(h, "Almond paste", [w.almonds, w.sugar])
    w.filling = _recipe(h, "Filling", [w.chocolate], [w.paste])
    w.cookies = _recipe(h, "Cookies", [w.flour, w.eggs], [w.glaze, w.filling])
    w.shortbread = _recipe(h, "Shortbread", [w.flour, w.butter])
    w.meringue = _recipe(h, "Meringue", [w.eggs, w.sugar])
    w.cookie = FinishedUnit.objects.create(
        household=h, recipe=w.cookies, name="Cookie", items_per_batch=24
    )
    w.finger = FinishedUnit.objects.create(
        household=h, recipe=w.shortbread, name="Shortbread finger", items_per_batch=16
    )
    w.kiss = FinishedUnit.objects.create(
        household=h, recipe=w.meringue, name="Meringue kiss", items_per_batch=40
    )
    w.bag = _good(h, "Meringue bag", units=[w.kiss], packaging=[w.ribbon])
    w.shortbread_tin = _good(h, "Shortbread tin", units=[w.finger], packaging=[w.tin])
    w.hamper = _good(h, "Hamper", nested=[w.bag, w.shortbread_tin])
    w.big_hamper = _good(h, "Big hamper", units=[w.cookie], nested=[w.hamper])
    return w


@pytest.fixture
def world(household):
    return build_allergen_world(household)


ALL_COOKIE = ["egg", "gluten", "milk", "soy", "tree_nut"]


def test_leaf_recipe_carries_its_lines_allergens(tx, world):
    assert get_allergens(tx, recipe_id=world.shortbread.pk) == {
        "contains": ["gluten", "milk"],
        "may_contain": [],
    }


def test_two_level_recipe_tree_rolls_up_every_sub_recipe(tx, world):
    assert get_allergens(tx, recipe_id=world.cookies.pk) == {
        "contains": ALL_COOKIE,
        "may_contain": ["peanut"],
    }


def test_contains_beats_may_contain_in_a_roll_up(tx, world):
    # Chocolate may contain tree nuts; the almond paste beside it contains them.
    assert get_allergens(tx, recipe_id=world.filling.pk) == {
        "contains": ["milk", "soy", "tree_nut"],
        "may_contain": ["peanut"],
    }


def test_baked_item_carries_its_recipes_allergens(tx, world):
    assert get_allergens(tx, finished_unit_id=world.cookie.pk) == {
        "contains": ALL_COOKIE,
        "may_contain": ["peanut"],
    }


def test_packaging_without_allergens_adds_nothing_to_a_box(tx, world):
    assert get_allergens(tx, finished_good_id=world.bag.pk) == {
        "contains": ["egg"],
        "may_contain": [],
    }


def test_packaging_with_allergens_set_carries_them_into_the_box(tx, world):
    assert get_allergens(tx, finished_good_id=world.shortbread_tin.pk) == {
        "contains": ["gluten", "milk"],
        "may_contain": ["peanut"],
    }


def test_nested_boxes_roll_up_to_the_outer_box(tx, world):
    assert get_allergens(tx, finished_good_id=world.hamper.pk) == {
        "contains": ["egg", "gluten", "milk"],
        "may_contain": ["peanut"],
    }
    assert get_allergens(tx, finished_good_id=world.big_hamper.pk) == {
        "contains": ALL_COOKIE,
        "may_contain": ["peanut"],
    }


def test_roll_up_needs_exactly_one_id(tx, world):
    with pytest.raises(ValidationFailed, match="exactly one"):
        get_allergens(tx, recipe_id=world.cookies.pk, finished_good_id=world.hamper.pk)
    with pytest.raises(ValidationFailed, match="exactly one"):
        get_allergens(tx)


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_roll_up_query_count_does_not_grow_with_the_tree(tx, world):
    small = _queries(lambda: get_allergens(tx, finished_good_id=world.bag.pk))
    deep = _queries(lambda: get_allergens(tx, finished_good_id=world.big_hamper.pk))
    recipe = _queries(lambda: get_allergens(tx, recipe_id=world.cookies.pk))
    leaf = _queries(lambda: get_allergens(tx, recipe_id=world.meringue.pk))
    assert small == deep == 4
    assert recipe == leaf == 3


def test_set_ingredient_allergens_stores_sorted_codes_once(tx, world):
    set_ingredient_allergens(
        tx, world.sugar.pk, contains=["sulphite", "milk", "milk"], may_contain=["sesame"]
    )
    world.sugar.refresh_from_db()
    assert world.sugar.allergens == ["milk", "sulphite"]
    assert world.sugar.may_contain == ["sesame"]


def test_set_ingredient_allergens_drops_may_contain_codes_it_contains(tx, world):
    set_ingredient_allergens(tx, world.sugar.pk, contains=["milk"], may_contain=["milk", "egg"])
    world.sugar.refresh_from_db()
    assert world.sugar.may_contain == ["egg"]


def test_unknown_allergen_code_is_refused_and_changes_nothing(tx, world):
    with pytest.raises(ValidationFailed, match="Unknown allergen 'walnut'"):
        set_ingredient_allergens(tx, world.flour.pk, contains=["walnut"])
    world.flour.refresh_from_db()
    assert world.flour.allergens == ["gluten"]


def test_another_households_ingredient_is_refused(world, outsider_household):
    with unit_of_work(outsider_household) as other_tx, pytest.raises(NotFound):
        set_ingredient_allergens(other_tx, world.flour.pk, contains=["egg"])
    world.flour.refresh_from_db()
    assert world.flour.allergens == ["gluten"]


def test_another_households_box_is_not_rolled_up(world, outsider_household):
    with unit_of_work(outsider_household) as other_tx, pytest.raises(NotFound):
        get_allergens(other_tx, finished_good_id=world.hamper.pk)


def test_model_check_refuses_unknown_codes(world):
    world.sugar.allergens = ["nutz"]
    with pytest.raises(ValidationError) as caught:
        world.sugar.full_clean()
    assert "allergens" in caught.value.message_dict


def test_demo_pantry_is_tagged_and_its_items_dated(tx):
    from production.demo import seed_pantry

    pantry = seed_pantry(tx)
    flour = Ingredient.objects.get(pk=pantry["ingredients"]["All-purpose flour"].pk)
    assert flour.allergens == ["gluten"]
    assert get_allergens(tx, finished_good_id=pantry["finished_goods"]["Holiday Hamper"].pk) == {
        "contains": ["egg", "gluten", "milk", "soy", "sulphite", "tree_nut"],
        "may_contain": ["peanut"],
    }
    brownie = FinishedUnit.objects.get(pk=pantry["finished_units"]["Brownie square"].pk)
    assert brownie.shelf_life_days == 5
