"""Event planning pages: recipe needs, targets to apply, shopping list, packaging, summary."""

from django.urls import path

from events import planning_views

urlpatterns = [
    path("<int:pk>/needs/", planning_views.event_needs, name="event_needs"),
    path(
        "<int:pk>/needs/apply-targets/",
        planning_views.event_apply_targets,
        name="event_apply_targets",
    ),
    path("<int:pk>/shopping-list/", planning_views.event_shopping_list, name="event_shopping_list"),
    path(
        "<int:pk>/shopping-list.csv",
        planning_views.event_shopping_list_csv,
        name="event_shopping_list_csv",
    ),
    path("<int:pk>/packaging/", planning_views.event_packaging, name="event_packaging"),
    path("<int:pk>/summary/", planning_views.event_summary, name="event_summary"),
]

# Cost analysis and cloning.
from events import report_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/costs/", report_views.event_costs, name="event_costs"),
    path("<int:pk>/clone/", report_views.event_clone, name="event_clone"),
]
