"""Event planning and report routes (namespace `events`, included by `events.urls`): recipe
needs, shopping list, packaging, summary, cost analysis and cloning."""

from django.urls import path

from events.views import planning, reports, shopping

urlpatterns = [
    path("<int:pk>/needs/", planning.event_needs, name="event_needs"),
    path("<int:pk>/needs/apply-targets/", planning.event_apply_targets, name="event_apply_targets"),
    path("<int:pk>/shopping-list/", planning.event_shopping_list, name="event_shopping_list"),
    path(
        "<int:pk>/shopping-list.csv",
        planning.event_shopping_list_csv,
        name="event_shopping_list_csv",
    ),
    path("<int:pk>/shopping-list/tick/", shopping.event_shopping_tick, name="event_shopping_tick"),
    path(
        "<int:pk>/shopping-list/ticks.json",
        shopping.event_shopping_ticks,
        name="event_shopping_ticks",
    ),
    path(
        "<int:pk>/shopping-list/record/",
        shopping.event_shopping_record,
        name="event_shopping_record",
    ),
    path("<int:pk>/packaging/", planning.event_packaging, name="event_packaging"),
    path("<int:pk>/summary/", planning.event_summary, name="event_summary"),
    path("<int:pk>/summary.csv", planning.event_summary_csv, name="event_summary_csv"),
    path(
        "<int:pk>/packing-list.csv",
        planning.event_packing_list_csv,
        name="event_packing_list_csv",
    ),
    path("<int:pk>/costs/", reports.event_costs, name="event_costs"),
    path("<int:pk>/clone/", reports.event_clone, name="event_clone"),
]
