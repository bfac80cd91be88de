"""The ingredients plans and prices build from plain values are the ones `from_db` builds."""

from django.db.models.signals import post_init, pre_init

from production.models import Ingredient
from production.services.recipe_tree import INGREDIENT_FIELDS, IngredientCache


def _values(ingredient: Ingredient) -> tuple:
    return tuple(getattr(ingredient, name) for name in INGREDIENT_FIELDS)


def test_cached_ingredient_equals_the_one_from_db(household):
    saved = Ingredient.objects.create(
        household=household,
        name="Flour",
        category="Baking",
        stock_family="weight",
        notes="sifted",
        allergens=["gluten"],
    )
    expected = Ingredient.from_db("default", INGREDIENT_FIELDS, _values(saved))

    built = IngredientCache("default").get(_values(saved))

    assert built == expected
    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(expected).items() if k != "_state"
    }
    assert built.get_deferred_fields() == expected.get_deferred_fields()
    assert (built._state.adding, built._state.db) == (False, "default")


def test_a_deferred_column_is_read_when_asked_for(household):
    saved = Ingredient.objects.create(
        household=household, name="Sugar", stock_family="weight", notes="caster"
    )

    built = IngredientCache("default").get(_values(saved))

    assert built.notes == "caster"


def test_one_instance_per_ingredient(household):
    saved = Ingredient.objects.create(household=household, name="Butter", stock_family="weight")
    cache = IngredientCache("default")

    assert cache.get(_values(saved)) is cache.get(_values(saved))


def test_nothing_listens_to_an_ingredient_being_initialised():
    # The cache skips Model.__init__, so nothing may depend on its signals.
    assert not pre_init.has_listeners(Ingredient)
    assert not post_init.has_listeners(Ingredient)
