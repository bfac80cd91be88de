"""Catalogue and inventory routes (namespace `production`)."""

from django.urls import path

from production.views import catalogue as views

urlpatterns = [
    # Ingredients and products
    path("ingredients/", views.ingredient_list, name="ingredient_list"),
    path("ingredients/new/", views.ingredient_create, name="ingredient_create"),
    path("ingredients/<int:pk>/", views.ingredient_detail, name="ingredient_detail"),
    path("ingredients/<int:pk>/edit/", views.ingredient_edit, name="ingredient_edit"),
    path("ingredients/<int:pk>/delete/", views.ingredient_delete, name="ingredient_delete"),
    path("ingredients/<int:pk>/products/new/", views.product_create, name="product_create"),
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", views.product_delete, name="product_delete"),
    # Purchases, inventory, depletions and adjustments
    path("purchases/", views.purchase_list, name="purchase_list"),
    path("purchases/new/", views.purchase_create, name="purchase_create"),
    path("purchases/<int:pk>/edit/", views.purchase_edit, name="purchase_edit"),
    path("purchases/<int:pk>/delete/", views.purchase_delete, name="purchase_delete"),
    path("inventory/", views.inventory, name="inventory"),
    path("inventory/deplete/", views.depletion_create, name="depletion_create"),
    path("inventory/adjustments/", views.adjustment_list, name="adjustment_list"),
    # Recipes, their lines, sub-recipes and finished units
    path("recipes/", views.recipe_list, name="recipe_list"),
    path("recipes/new/", views.recipe_create, name="recipe_create"),
    path("recipes/<int:pk>/", views.recipe_detail, name="recipe_detail"),
    path("recipes/<int:pk>/edit/", views.recipe_edit, name="recipe_edit"),
    path("recipes/<int:pk>/delete/", views.recipe_delete, name="recipe_delete"),
    path("recipes/<int:pk>/lines/new/", views.recipe_line_create, name="recipe_line_create"),
    path("recipe-lines/<int:pk>/edit/", views.recipe_line_edit, name="recipe_line_edit"),
    path("recipe-lines/<int:pk>/delete/", views.recipe_line_delete, name="recipe_line_delete"),
    path(
        "recipes/<int:pk>/sub-recipes/new/",
        views.recipe_component_create,
        name="recipe_component_create",
    ),
    path("sub-recipes/<int:pk>/edit/", views.recipe_component_edit, name="recipe_component_edit"),
    path(
        "sub-recipes/<int:pk>/delete/",
        views.recipe_component_delete,
        name="recipe_component_delete",
    ),
    path("baked-items/", views.finished_unit_list, name="finished_unit_list"),
    path("recipes/<int:pk>/items/new/", views.finished_unit_create, name="finished_unit_create"),
    path("baked-items/<int:pk>/edit/", views.finished_unit_edit, name="finished_unit_edit"),
    path("baked-items/<int:pk>/delete/", views.finished_unit_delete, name="finished_unit_delete"),
    path("baked-items/<int:pk>/adjust/", views.finished_unit_adjust, name="finished_unit_adjust"),
    # Finished goods (gift boxes, tins) and their components
    path("goods/", views.finished_good_list, name="finished_good_list"),
    path("goods/new/", views.finished_good_create, name="finished_good_create"),
    path("goods/<int:pk>/", views.finished_good_detail, name="finished_good_detail"),
    path("goods/<int:pk>/edit/", views.finished_good_edit, name="finished_good_edit"),
    path("goods/<int:pk>/delete/", views.finished_good_delete, name="finished_good_delete"),
    path("goods/<int:pk>/adjust/", views.finished_good_adjust, name="finished_good_adjust"),
    path("goods/<int:pk>/components/new/", views.component_create, name="component_create"),
    path("components/<int:pk>/edit/", views.component_edit, name="component_edit"),
    path("components/<int:pk>/delete/", views.component_delete, name="component_delete"),
]
