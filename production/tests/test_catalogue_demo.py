"""The demo pantry: realistic, built through the services, safe to run twice."""

from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from production.demo import seed_pantry
from production.models import FinishedGoodComponent, InventoryLot, Recipe, RecipeComponent
from production.services import estimate_recipe_cost, get_inventory, list_recipes


def test_seed_pantry_builds_a_realistic_catalogue(household):
    with unit_of_work(household) as tx:
        pantry = seed_pantry(tx)
    assert {
        "Butter",
        "Eggs",
        "Dark chocolate",
        "Ground cinnamon",
        "Cookie tins",
        "Red satin ribbon (metres)",
    } <= set(pantry["ingredients"])
    assert pantry["ingredients"]["Eggs"].stock_family == "count"
    assert pantry["ingredients"]["Cellophane bags"].kind == "packaging"
    assert len(pantry["recipes"]) >= 12
    assert InventoryLot.objects.filter(household=household).count() >= 30
    # several lots of one ingredient at different prices
    butter_costs = set(
        InventoryLot.objects.filter(ingredient=pantry["ingredients"]["Butter"]).values_list(
            "cost_per_unit", flat=True
        )
    )
    assert len(butter_costs) == 3
    cake = pantry["recipes"]["Spice Cake"]
    assert RecipeComponent.objects.filter(
        recipe=cake, component_recipe__name="Cream Cheese Frosting"
    ).exists()
    hamper = pantry["finished_goods"]["Holiday Hamper"]
    kinds = set(
        FinishedGoodComponent.objects.filter(finished_good=hamper).values_list(
            "component_type", flat=True
        )
    )
    assert kinds == {"finished_unit", "finished_good", "packaging"}


def test_every_demo_recipe_has_a_priced_estimate(household):
    with unit_of_work(household) as tx:
        seed_pantry(tx)
    with unit_of_work(household, read_only=True) as tx:
        for recipe in Recipe.objects.filter(household=household):
            estimate = estimate_recipe_cost(tx, recipe.pk)
            assert estimate["missing_prices"] == [], recipe.name
            assert estimate["total_cost"] != "0.00", recipe.name
        assert all(row["cost_per_batch"] for row in list_recipes(tx))
        assert sum(1 for row in get_inventory(tx) if row["lots"]) == 28


def test_seed_pantry_is_idempotent(household):
    with unit_of_work(household) as tx:
        first = seed_pantry(tx)
    before = db_snapshot()
    with unit_of_work(household) as tx:
        second = seed_pantry(tx)
    after = db_snapshot()
    for rows in (before, after):
        for table in rows.values():
            for row in table:
                row.pop("updated_at", None)
    assert after == before
    assert {k: v.pk for k, v in first["recipes"].items()} == {
        k: v.pk for k, v in second["recipes"].items()
    }
