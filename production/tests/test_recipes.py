"""Recipes, lines, sub-recipe trees and finished units (docs/design.md, "Catalogue")."""

from decimal import Decimal

import pytest

from bakeplanner.errors import ConversionError, InUse, NotFound, ValidationFailed
from bakeplanner.testing import assert_all_or_nothing, db_snapshot
from bakeplanner.tx import unit_of_work
from production.models import FinishedUnit, Recipe, RecipeComponent, RecipeIngredient
from production.services import (
    add_recipe_component,
    add_recipe_ingredient,
    create_finished_unit,
    create_ingredient,
    create_recipe,
    delete_finished_unit,
    delete_recipe,
    get_recipe_detail,
    get_recipe_ingredients,
    list_finished_units,
    list_recipes,
    remove_recipe_component,
    remove_recipe_ingredient,
    update_finished_unit,
    update_recipe,
    update_recipe_component,
    update_recipe_ingredient,
)


def _chain(tx, *names):
    """Recipes nested one inside the next: names[0] uses names[1], which uses names[2] …"""
    recipes = [create_recipe(tx, name=name) for name in names]
    for parent, child in zip(recipes, recipes[1:], strict=False):
        add_recipe_component(tx, parent.pk, child.pk, 1)
    return recipes


def test_create_recipe_and_name_collision(tx):
    recipe = create_recipe(tx, name="Gingerbread", category="Cookies", notes="<spicy>")
    assert Recipe.objects.get(pk=recipe.pk).notes == "<spicy>"
    with pytest.raises(ValidationFailed, match="already exists"):
        create_recipe(tx, name="gingerBREAD")


def test_update_recipe_archives_and_refuses_unknown_fields(tx):
    recipe = create_recipe(tx, name="Stollen")
    update_recipe(tx, recipe.pk, archived=True, category="Bread")
    assert Recipe.objects.get(pk=recipe.pk).archived is True
    with pytest.raises(ValidationFailed, match="Unknown field"):
        update_recipe(tx, recipe.pk, oven="hot")
    with pytest.raises(ValidationFailed, match="true or false"):
        update_recipe(tx, recipe.pk, archived="yes")


def test_lines_take_any_unit_convertible_to_the_stock(spec_world, tx):
    line = add_recipe_ingredient(tx, spec_world.cookies.pk, spec_world.flour.pk, "0.5", "lb")
    assert line.quantity == Decimal("0.5")
    with pytest.raises(ConversionError, match="kept in g"):
        add_recipe_ingredient(tx, spec_world.cookies.pk, spec_world.flour.pk, 2, "each")


def test_volume_line_for_weight_stock_needs_density(spec_world, tx):
    nuts = create_ingredient(tx, name="Walnuts", stock_family="weight")
    with pytest.raises(ConversionError, match="density"):
        add_recipe_ingredient(tx, spec_world.cookies.pk, nuts.pk, 1, "cup")


@pytest.mark.parametrize(
    ("quantity", "unit", "message"),
    [
        (0, "g", "more than zero"),
        (-2, "g", "more than zero"),
        ("two", "g", "a number"),
        ("1e11", "g", "too large"),
        ("0.00001", "g", "decimal places"),
        ("0.0001", "g", "less than 0.001"),
        (1, "pinch", "Unknown unit"),
    ],
)
def test_bad_line_input_is_refused(spec_world, tx, quantity, unit, message):
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match=message):
        add_recipe_ingredient(tx, spec_world.cookies.pk, spec_world.flour.pk, quantity, unit)
    assert db_snapshot() == before


def test_update_and_remove_a_line(spec_world, tx):
    line = RecipeIngredient.objects.get(recipe=spec_world.cookies, ingredient=spec_world.flour)
    update_recipe_ingredient(tx, line.pk, quantity="2.5", unit="cup")
    assert get_recipe_ingredients(tx, spec_world.cookies.pk)[0]["quantity"] == "300"
    with pytest.raises(ValidationFailed, match="Unknown field"):
        update_recipe_ingredient(tx, line.pk, recipe_id=1)
    remove_recipe_ingredient(tx, line.pk)
    assert not RecipeIngredient.objects.filter(pk=line.pk).exists()


def test_other_household_ids_are_not_found(spec_world, outsider_household):
    with unit_of_work(outsider_household) as other:
        mine = create_recipe(other, name="Mine")
        with pytest.raises(NotFound):
            add_recipe_ingredient(other, mine.pk, spec_world.flour.pk, 1, "g")
        with pytest.raises(NotFound):
            add_recipe_component(other, mine.pk, spec_world.cookies.pk, 1)
        with pytest.raises(NotFound):
            create_finished_unit(other, spec_world.cookies.pk, name="x", items_per_batch=1)
        with pytest.raises(NotFound):
            delete_recipe(other, spec_world.cookies.pk)


# --- Sub-recipes ---------------------------------------------------------------------------


def test_nested_recipe_ingredients_multiply_through_the_tree(tx):
    flour = create_ingredient(tx, name="Flour", stock_family="weight", density_g_per_cup=120)
    butter = create_ingredient(tx, name="Butter", stock_family="weight")
    sugar = create_ingredient(tx, name="Icing sugar", stock_family="weight", density_g_per_cup=120)
    cake, frosting, glaze = _chain(tx, "Layer cake", "Buttercream", "Glaze")
    update_recipe_component(
        tx, RecipeComponent.objects.get(recipe=cake, component_recipe=frosting).pk, batches="1.5"
    )
    add_recipe_ingredient(tx, cake.pk, flour.pk, 3, "cup")  # 360 g
    add_recipe_ingredient(tx, frosting.pk, butter.pk, 200, "g")
    add_recipe_ingredient(tx, frosting.pk, sugar.pk, 2, "cup")  # 240 g
    add_recipe_ingredient(tx, glaze.pk, sugar.pk, 50, "g")
    lines = {
        line["ingredient_name"]: line for line in get_recipe_ingredients(tx, cake.pk, batches=2)
    }
    assert lines["Flour"]["quantity"] == "720"
    assert lines["Butter"]["quantity"] == "600"  # 2 × 1.5 × 200
    assert lines["Icing sugar"]["quantity"] == "870"  # 2 × 1.5 × 240 + 2 × 1.5 × 1 × 50
    assert lines["Icing sugar"]["recipes"] == ["Buttercream", "Glaze"]


def test_a_recipe_cannot_use_itself(tx):
    recipe = create_recipe(tx, name="Loop")
    with pytest.raises(ValidationFailed, match="itself"):
        add_recipe_component(tx, recipe.pk, recipe.pk, 1)


def test_cycles_are_refused(tx):
    top, middle, bottom = _chain(tx, "A", "B", "C")
    before = db_snapshot()
    with pytest.raises(ValidationFailed, match="loop"):
        add_recipe_component(tx, bottom.pk, top.pk, 1)
    with pytest.raises(ValidationFailed, match="loop"):
        add_recipe_component(tx, middle.pk, top.pk, 1)
    assert db_snapshot() == before


def test_a_fourth_level_below_is_refused(tx):
    top, middle, bottom = _chain(tx, "Top", "Middle", "Bottom")
    extra = create_recipe(tx, name="Extra")
    with pytest.raises(ValidationFailed, match="at most 3 levels"):
        add_recipe_component(tx, bottom.pk, extra.pk, 1)


def test_a_fourth_level_above_is_refused(tx):
    top, middle, bottom = _chain(tx, "Top", "Middle", "Bottom")
    roof = create_recipe(tx, name="Roof")
    with pytest.raises(ValidationFailed, match="at most 3 levels"):
        add_recipe_component(tx, roof.pk, top.pk, 1)


def test_joining_two_short_trees_into_four_levels_is_refused(tx):
    upper, lower = _chain(tx, "Upper", "Lower")
    left, right = _chain(tx, "Left", "Right")
    with pytest.raises(ValidationFailed, match="at most 3 levels"):
        add_recipe_component(tx, lower.pk, left.pk, 1)
    # Three levels exactly are fine.
    solo = create_recipe(tx, name="Solo")
    add_recipe_component(tx, lower.pk, solo.pk, 1)


def test_each_child_once_per_parent(tx):
    parent, child = _chain(tx, "Parent", "Child")
    with pytest.raises(ValidationFailed, match="already a sub-recipe"):
        add_recipe_component(tx, parent.pk, child.pk, 2)


@pytest.mark.parametrize("batches", [0, -1, "x", "1e7"])
def test_bad_component_batches_are_refused(tx, batches):
    parent = create_recipe(tx, name="Parent")
    child = create_recipe(tx, name="Child")
    with pytest.raises(ValidationFailed):
        add_recipe_component(tx, parent.pk, child.pk, batches)


def test_remove_component_keeps_the_child(tx):
    parent, child = _chain(tx, "Parent", "Child")
    link = RecipeComponent.objects.get(recipe=parent)
    remove_recipe_component(tx, link.pk)
    assert Recipe.objects.filter(pk=child.pk).exists()
    assert not RecipeComponent.objects.exists()


# --- Finished units ----------------------------------------------------------------------------


def test_finished_units_are_unique_per_recipe(spec_world, tx):
    unit = create_finished_unit(
        tx, spec_world.cookies.pk, name="Large cookie", items_per_batch=24, item_unit="cookie"
    )
    with pytest.raises(ValidationFailed, match="already has an item"):
        create_finished_unit(tx, spec_world.cookies.pk, name="COOKIE", items_per_batch=12)
    other = create_recipe(tx, name="Brownies")
    create_finished_unit(tx, other.pk, name="Cookie", items_per_batch=16)
    update_finished_unit(tx, unit.pk, items_per_batch=20)
    assert FinishedUnit.objects.get(pk=unit.pk).items_per_batch == 20


@pytest.mark.parametrize("items", [0, -3, "1.5", "lots", 10**9])
def test_bad_items_per_batch_is_refused(spec_world, tx, items):
    with pytest.raises(ValidationFailed):
        create_finished_unit(tx, spec_world.cookies.pk, name="Odd", items_per_batch=items)


def test_finished_unit_with_stock_cannot_be_deleted(spec_world, tx):
    FinishedUnit.objects.filter(pk=spec_world.cookie.pk).update(inventory_count=5)
    with pytest.raises(InUse, match="5 in stock"):
        delete_finished_unit(tx, spec_world.cookie.pk)
    FinishedUnit.objects.filter(pk=spec_world.cookie.pk).update(inventory_count=0)
    delete_finished_unit(tx, spec_world.cookie.pk)
    assert not FinishedUnit.objects.filter(pk=spec_world.cookie.pk).exists()


# --- Deleting recipes --------------------------------------------------------------------------


def test_delete_recipe_takes_its_lines_links_and_unused_units(spec_world, tx):
    child = create_recipe(tx, name="Sprinkles")
    add_recipe_component(tx, spec_world.cookies.pk, child.pk, 1)
    delete_recipe(tx, spec_world.cookies.pk)
    assert not Recipe.objects.filter(pk=spec_world.cookies.pk).exists()
    assert not RecipeIngredient.objects.filter(recipe_id=spec_world.cookies.pk).exists()
    assert not FinishedUnit.objects.filter(pk=spec_world.cookie.pk).exists()
    assert Recipe.objects.filter(pk=child.pk).exists()


def test_delete_recipe_used_as_sub_recipe_is_refused(tx):
    parent, child = _chain(tx, "Cake", "Frosting")
    with pytest.raises(InUse, match="sub-recipe"):
        delete_recipe(tx, child.pk)


def test_delete_recipe_whose_unit_is_in_a_box_is_refused(spec_world, tx):
    from production.services import add_component, create_finished_good

    box = create_finished_good(tx, name="Box")
    add_component(tx, box.pk, "finished_unit", spec_world.cookie.pk, 6)
    before = db_snapshot()
    with pytest.raises(InUse, match="gift box component"):
        delete_recipe(tx, spec_world.cookies.pk)
    assert db_snapshot() == before


def test_delete_recipe_targeted_by_an_event_is_refused(spec_world, tx):
    import datetime as dt

    from events.models import Event, ProductionTarget

    event = Event.objects.create(
        household=spec_world.household, name="Xmas", event_date=dt.date(2026, 12, 24), slug="xmas"
    )
    ProductionTarget.objects.create(
        household=spec_world.household, event=event, recipe=spec_world.cookies, target_batches=2
    )
    with pytest.raises(InUse, match="baking target of an event"):
        delete_recipe(tx, spec_world.cookies.pk)


# --- Reads --------------------------------------------------------------------------------------


def test_list_recipes_with_counts_and_cost(spec_world, tx):
    frosting = create_recipe(tx, name="Frosting")
    add_recipe_ingredient(tx, frosting.pk, spec_world.sugar.pk, 100, "g")
    add_recipe_component(tx, spec_world.cookies.pk, frosting.pk, 1)
    rows = {row["recipe"].name: row for row in list_recipes(tx)}
    assert rows["Sugar Cookies"]["line_count"] == 2
    assert rows["Sugar Cookies"]["component_count"] == 1
    assert rows["Sugar Cookies"]["cost_per_batch"] == Decimal("1.72")  # 0.52 + 1.20
    assert rows["Frosting"]["cost_per_batch"] == Decimal("0.4")
    assert [r["recipe"].name for r in list_recipes(tx, sort="-cost")] == [
        "Sugar Cookies",
        "Frosting",
    ]
    assert [r["recipe"].name for r in list_recipes(tx, q="frost")] == ["Frosting"]


def test_list_recipes_hides_archived_unless_asked(tx):
    recipe = create_recipe(tx, name="Old")
    update_recipe(tx, recipe.pk, archived=True)
    assert list_recipes(tx) == []
    assert [r["recipe"].name for r in list_recipes(tx, include_archived=True)] == ["Old"]


def test_recipe_detail_shows_lines_in_base_units(spec_world, tx):
    detail = get_recipe_detail(tx, spec_world.cookies.pk)
    assert [line.base_quantity for line in detail["lines"]] == [Decimal("240"), Decimal("200")]
    assert [unit.name for unit in detail["finished_units"]] == ["cookie"]


def test_list_finished_units(spec_world, tx):
    assert [u.name for u in list_finished_units(tx, q="sugar")] == ["cookie"]


# --- All or nothing -------------------------------------------------------------------------------


def test_recipe_writes_are_all_or_nothing(spec_world):
    h = spec_world.household
    with unit_of_work(h) as tx:
        frosting = create_recipe(tx, name="Frosting")
        glaze = create_recipe(tx, name="Glaze")
        link = add_recipe_component(tx, frosting.pk, glaze.pk, 1)
    line = RecipeIngredient.objects.filter(recipe=spec_world.cookies).first()
    assert line is not None
    recipe, lines = "production.Recipe", "production.RecipeIngredient"
    components, units = "production.RecipeComponent", "production.FinishedUnit"
    calls = [
        (lambda tx: create_recipe(tx, name="Shortbread", category="Cookies"), {recipe}),
        (lambda tx: update_recipe(tx, spec_world.cookies.pk, name="Butter Cookies"), {recipe}),
        (
            lambda tx: add_recipe_ingredient(
                tx, spec_world.cookies.pk, spec_world.sugar.pk, 1, "tbsp"
            ),
            {lines},
        ),
        (lambda tx: update_recipe_ingredient(tx, line.pk, quantity=3), {lines}),
        (lambda tx: remove_recipe_ingredient(tx, line.pk), {lines}),
        (
            lambda tx: add_recipe_component(tx, spec_world.cookies.pk, frosting.pk, "0.5"),
            {components},
        ),
        (lambda tx: update_recipe_component(tx, link.pk, batches=2), {components}),
        (lambda tx: remove_recipe_component(tx, link.pk), {components}),
        (
            lambda tx: create_finished_unit(
                tx, spec_world.cookies.pk, name="Big", items_per_batch=12
            ),
            {units},
        ),
        (lambda tx: update_finished_unit(tx, spec_world.cookie.pk, name="Small cookie"), {units}),
        (lambda tx: delete_finished_unit(tx, spec_world.cookie.pk), {units}),
        (lambda tx: delete_recipe(tx, spec_world.cookies.pk), {recipe, lines, units}),
    ]
    for call, changed in calls:
        assert assert_all_or_nothing(h, call, expect_changed=changed) > 0
