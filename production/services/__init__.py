"""Public production services: callers write `from production.services import <function>`,
whatever the module split inside. Every name in a module's `__all__` is imported here by hand
and listed again below; bakeplanner/tests/test_service_exports.py fails when they drift apart."""

from production.services.allergens import (
    get_allergens,
    set_ingredient_allergens,
)
from production.services.assembly import (
    check_can_assemble,
    get_assembly_history,
    get_assembly_run,
    record_assembly,
    reverse_assembly_run,
)
from production.services.batch_production import (
    check_can_produce,
    get_production_history,
    get_production_run,
    record_batch_production,
    reverse_production_run,
)
from production.services.catalogue import (
    create_ingredient,
    create_product,
    delete_ingredient,
    delete_product,
    get_ingredient_detail,
    list_ingredients,
    list_ingredients_page,
    list_products,
    list_products_page,
    update_ingredient,
    update_product,
)
from production.services.corrections import (
    correct_purchase,
    get_purchase_corrections,
    get_run_corrections,
    preview_purchase_correction,
)
from production.services.costing import (
    estimate_recipe_cost,
)
from production.services.freshness import (
    get_run_best_before,
    set_shelf_life,
)
from production.services.goods import (
    add_component,
    create_finished_good,
    delete_finished_good,
    get_finished_good_detail,
    list_finished_goods,
    remove_component,
    update_component,
    update_finished_good,
)
from production.services.history import (
    get_assembly_run_choices,
    get_assembly_run_extra,
    get_history_filter_choices,
    get_production_run_choices,
    get_production_run_extra,
)
from production.services.inventory import (
    consume_fifo,
    get_inventory,
    get_inventory_page,
    get_on_hand,
)
from production.services.purchases import (
    delete_purchase,
    list_purchases,
    record_purchase,
    update_purchase,
)
from production.services.quick_entry import (
    propose_purchases,
)
from production.services.recipe_import import (
    free_recipe_name,
    import_recipe,
    match_ingredient,
    preview_recipe_import,
)
from production.services.recipe_tree import (
    get_recipe_ingredients,
)
from production.services.recipes import (
    add_recipe_component,
    add_recipe_ingredient,
    create_finished_unit,
    create_recipe,
    delete_finished_unit,
    delete_recipe,
    get_recipe_detail,
    list_finished_units,
    list_finished_units_page,
    list_recipes,
    list_recipes_page,
    remove_recipe_component,
    remove_recipe_ingredient,
    update_finished_unit,
    update_recipe,
    update_recipe_component,
    update_recipe_ingredient,
)
from production.services.stock import (
    adjust_finished_stock,
    list_adjustments,
    record_depletion,
)
from production.services.stocktake import (
    get_stock_count_sheet,
    record_stock_count,
)

__all__ = [
    "add_component",
    "add_recipe_component",
    "add_recipe_ingredient",
    "adjust_finished_stock",
    "check_can_assemble",
    "check_can_produce",
    "consume_fifo",
    "correct_purchase",
    "create_finished_good",
    "create_finished_unit",
    "create_ingredient",
    "create_product",
    "create_recipe",
    "delete_finished_good",
    "delete_finished_unit",
    "delete_ingredient",
    "delete_product",
    "delete_purchase",
    "delete_recipe",
    "estimate_recipe_cost",
    "free_recipe_name",
    "get_allergens",
    "get_assembly_history",
    "get_assembly_run",
    "get_assembly_run_choices",
    "get_assembly_run_extra",
    "get_finished_good_detail",
    "get_history_filter_choices",
    "get_ingredient_detail",
    "get_inventory",
    "get_inventory_page",
    "get_on_hand",
    "get_production_history",
    "get_production_run",
    "get_production_run_choices",
    "get_production_run_extra",
    "get_purchase_corrections",
    "get_recipe_detail",
    "get_recipe_ingredients",
    "get_run_best_before",
    "get_run_corrections",
    "get_stock_count_sheet",
    "import_recipe",
    "list_adjustments",
    "list_finished_goods",
    "list_finished_units",
    "list_finished_units_page",
    "list_ingredients",
    "list_ingredients_page",
    "list_products",
    "list_products_page",
    "list_purchases",
    "list_recipes",
    "list_recipes_page",
    "match_ingredient",
    "preview_purchase_correction",
    "preview_recipe_import",
    "propose_purchases",
    "record_assembly",
    "record_batch_production",
    "record_depletion",
    "record_purchase",
    "record_stock_count",
    "remove_component",
    "remove_recipe_component",
    "remove_recipe_ingredient",
    "reverse_assembly_run",
    "reverse_production_run",
    "set_ingredient_allergens",
    "set_shelf_life",
    "update_component",
    "update_finished_good",
    "update_finished_unit",
    "update_ingredient",
    "update_product",
    "update_purchase",
    "update_recipe",
    "update_recipe_component",
    "update_recipe_ingredient",
]
