"""Public events services: callers write `from events.services import <function>`,
whatever the module split inside. Every name in a module's `__all__` is imported here by hand
and listed again below; bakeplanner/tests/test_service_exports.py fails when they drift apart."""

from events.services.allergens import (
    get_allergen_conflicts,
    get_package_allergens,
    set_recipient_avoids,
)
from events.services.assignments import (
    assign_package_to_recipient,
    assign_package_to_recipients,
    get_assignment,
    get_event_assignments,
    get_recipient_assignments_for_event,
    remove_assignment,
    update_assignment,
)
from events.services.bake_window import (
    get_bake_window,
    get_freshness_warnings,
)
from events.services.clone import (
    clone_event,
)
from events.services.costs import (
    can_assemble_package,
    get_dashboard_summary,
    get_event_cost_analysis,
    get_production_total,
    get_recipe_cost_breakdown,
)
from events.services.event_list import (
    count_event_assignments,
    get_event_assignment_page,
    get_event_list,
)
from events.services.events import (
    create_event,
    delete_event,
    get_all_events,
    get_available_years,
    get_event_by_id,
    get_event_by_name,
    get_event_by_slug,
    get_events_by_year,
    update_event,
)
from events.services.fulfilment import (
    get_fulfillment_history,
    get_packages_by_status,
    revert_fulfillment_status,
    update_fulfillment_status,
)
from events.services.history import (
    get_recipient_history,
)
from events.services.packages import (
    add_package_item,
    create_package,
    delete_package,
    get_all_packages,
    get_package,
    remove_package_item,
    update_package,
    update_package_item,
)
from events.services.plan_progress import (
    accept_suggested_plan,
    get_event_plan_progress,
    get_events_with_plan,
)
from events.services.planning import (
    apply_suggested_targets,
    get_event_plan,
    get_recipe_needs,
    suggest_targets,
)
from events.services.progress import (
    get_assembly_progress,
    get_event_overall_progress,
    get_event_progress,
    get_events_with_progress,
    get_production_progress,
)
from events.services.recipients import (
    create_recipient,
    delete_recipient,
    get_recipient,
    get_recipients,
    update_recipient,
)
from events.services.reports import (
    get_event_cost_overview,
    get_event_estimate,
    get_event_package_count,
    get_event_packing_list,
    get_event_recipient_count,
    get_event_summary,
    get_event_total_cost,
)
from events.services.run_events import (
    set_assembly_run_event,
    set_production_run_event,
    suggest_event_for_baking,
)
from events.services.shopping import (
    get_event_packaging_breakdown,
    get_event_packaging_needs,
    get_shopping_list,
    get_shopping_list_by_category,
    get_shopping_page,
)
from events.services.shopping_ticks import (
    get_lines_to_record,
    get_shopping_ticks,
    record_ticked_purchases,
    set_shopping_tick,
)
from events.services.tags import (
    get_gift_tags,
    get_packing_slips,
)
from events.services.targets import (
    delete_assembly_target,
    delete_production_target,
    get_assembly_targets,
    get_production_targets,
    set_assembly_target,
    set_production_target,
)

__all__ = [
    "accept_suggested_plan",
    "add_package_item",
    "apply_suggested_targets",
    "assign_package_to_recipient",
    "assign_package_to_recipients",
    "can_assemble_package",
    "clone_event",
    "count_event_assignments",
    "create_event",
    "create_package",
    "create_recipient",
    "delete_assembly_target",
    "delete_event",
    "delete_package",
    "delete_production_target",
    "delete_recipient",
    "get_all_events",
    "get_allergen_conflicts",
    "get_all_packages",
    "get_assembly_progress",
    "get_assembly_targets",
    "get_assignment",
    "get_available_years",
    "get_bake_window",
    "get_dashboard_summary",
    "get_event_assignment_page",
    "get_event_assignments",
    "get_event_by_id",
    "get_event_by_name",
    "get_event_by_slug",
    "get_event_cost_analysis",
    "get_event_cost_overview",
    "get_event_estimate",
    "get_event_list",
    "get_event_overall_progress",
    "get_event_package_count",
    "get_event_packaging_breakdown",
    "get_event_packaging_needs",
    "get_event_packing_list",
    "get_event_plan",
    "get_event_plan_progress",
    "get_event_progress",
    "get_event_recipient_count",
    "get_event_summary",
    "get_event_total_cost",
    "get_events_by_year",
    "get_events_with_plan",
    "get_events_with_progress",
    "get_freshness_warnings",
    "get_fulfillment_history",
    "get_gift_tags",
    "get_package",
    "get_package_allergens",
    "get_packages_by_status",
    "get_packing_slips",
    "get_production_progress",
    "get_production_targets",
    "get_production_total",
    "get_recipe_cost_breakdown",
    "get_recipe_needs",
    "get_recipient",
    "get_recipient_assignments_for_event",
    "get_recipient_history",
    "get_recipients",
    "get_shopping_list",
    "get_shopping_list_by_category",
    "get_shopping_page",
    "get_shopping_ticks",
    "get_lines_to_record",
    "record_ticked_purchases",
    "set_shopping_tick",
    "remove_assignment",
    "remove_package_item",
    "revert_fulfillment_status",
    "set_assembly_run_event",
    "set_assembly_target",
    "set_production_run_event",
    "set_production_target",
    "set_recipient_avoids",
    "suggest_event_for_baking",
    "suggest_targets",
    "update_assignment",
    "update_event",
    "update_fulfillment_status",
    "update_package",
    "update_package_item",
    "update_recipient",
]
