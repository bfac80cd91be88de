"""Catalogue and inventory routes (namespace `production`)."""

from django.urls import path

from production.views import goods, ingredients, quick_entry, recipe_import, recipes, stocktake

urlpatterns = [
    # Ingredients and products
    path("ingredients/", ingredients.ingredient_list, name="ingredient_list"),
    path("ingredients/new/", ingredients.ingredient_create, name="ingredient_create"),
    path("ingredients/<int:pk>/", ingredients.ingredient_detail, name="ingredient_detail"),
    path("ingredients/<int:pk>/edit/", ingredients.ingredient_edit, name="ingredient_edit"),
    path("ingredients/<int:pk>/delete/", ingredients.ingredient_delete, name="ingredient_delete"),
    path("ingredients/<int:pk>/products/new/", ingredients.product_create, name="product_create"),
    path("products/", ingredients.product_list, name="product_list"),
    path("products/<int:pk>/edit/", ingredients.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", ingredients.product_delete, name="product_delete"),
    # Purchases, inventory, depletions and adjustments
    path("purchases/", ingredients.purchase_list, name="purchase_list"),
    path("purchases/new/", ingredients.purchase_create, name="purchase_create"),
    path("purchases/quick/", quick_entry.purchase_quick_add, name="purchase_quick_add"),
    path(
        "purchases/quick/confirm/",
        quick_entry.purchase_quick_confirm,
        name="purchase_quick_confirm",
    ),
    path("purchases/<int:pk>/edit/", ingredients.purchase_edit, name="purchase_edit"),
    path("purchases/<int:pk>/correct/", ingredients.purchase_correct, name="purchase_correct"),
    path("purchases/<int:pk>/delete/", ingredients.purchase_delete, name="purchase_delete"),
    path("inventory/", ingredients.inventory, name="inventory"),
    path("inventory/deplete/", ingredients.depletion_create, name="depletion_create"),
    path("inventory/adjustments/", ingredients.adjustment_list, name="adjustment_list"),
    path("inventory/count/", stocktake.stock_count, name="stock_count"),
    # Recipes, their lines, sub-recipes and finished units
    path("recipes/", recipes.recipe_list, name="recipe_list"),
    path("recipes/new/", recipes.recipe_create, name="recipe_create"),
    path("recipes/import/", recipe_import.recipe_import, name="recipe_import"),
    path("recipes/<int:pk>/", recipes.recipe_detail, name="recipe_detail"),
    path("recipes/<int:pk>/edit/", recipes.recipe_edit, name="recipe_edit"),
    path("recipes/<int:pk>/delete/", recipes.recipe_delete, name="recipe_delete"),
    path("recipes/<int:pk>/lines/new/", recipes.recipe_line_create, name="recipe_line_create"),
    path("recipe-lines/<int:pk>/edit/", recipes.recipe_line_edit, name="recipe_line_edit"),
    path("recipe-lines/<int:pk>/delete/", recipes.recipe_line_delete, name="recipe_line_delete"),
    path(
        "recipes/<int:pk>/sub-recipes/new/",
        recipes.recipe_component_create,
        name="recipe_component_create",
    ),
    path("sub-recipes/<int:pk>/edit/", recipes.recipe_component_edit, name="recipe_component_edit"),
    path(
        "sub-recipes/<int:pk>/delete/",
        recipes.recipe_component_delete,
        name="recipe_component_delete",
    ),
    path("baked-items/", recipes.finished_unit_list, name="finished_unit_list"),
    path("recipes/<int:pk>/items/new/", recipes.finished_unit_create, name="finished_unit_create"),
    path("baked-items/<int:pk>/edit/", recipes.finished_unit_edit, name="finished_unit_edit"),
    path("baked-items/<int:pk>/delete/", recipes.finished_unit_delete, name="finished_unit_delete"),
    path(
        "baked-items/<int:pk>/adjust/",
        ingredients.finished_unit_adjust,
        name="finished_unit_adjust",
    ),
    # Finished goods (gift boxes, tins) and their components
    path("goods/", goods.finished_good_list, name="finished_good_list"),
    path("goods/new/", goods.finished_good_create, name="finished_good_create"),
    path("goods/<int:pk>/", goods.finished_good_detail, name="finished_good_detail"),
    path("goods/<int:pk>/edit/", goods.finished_good_edit, name="finished_good_edit"),
    path("goods/<int:pk>/delete/", goods.finished_good_delete, name="finished_good_delete"),
    path("goods/<int:pk>/adjust/", ingredients.finished_good_adjust, name="finished_good_adjust"),
    path("goods/<int:pk>/components/new/", goods.component_create, name="component_create"),
    path("components/<int:pk>/edit/", goods.component_edit, name="component_edit"),
    path("components/<int:pk>/delete/", goods.component_delete, name="component_delete"),
]
