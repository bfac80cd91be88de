from django.urls import include, path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_update, name="event_update"),
    path("<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("<int:pk>/assignments/bulk/", views.assignment_bulk_create, name="assignment_bulk_create"),
    path("assignments/<int:pk>/edit/", views.assignment_update, name="assignment_update"),
    path("assignments/<int:pk>/delete/", views.assignment_delete, name="assignment_delete"),
    path("assignments/<int:pk>/status/", views.assignment_status, name="assignment_status"),
    path(
        "<int:pk>/targets/production/",
        views.production_target_set,
        name="production_target_set",
    ),
    path(
        "<int:pk>/targets/production/<int:recipe_id>/delete/",
        views.production_target_delete,
        name="production_target_delete",
    ),
    path("<int:pk>/targets/assembly/", views.assembly_target_set, name="assembly_target_set"),
    path(
        "<int:pk>/targets/assembly/<int:finished_good_id>/delete/",
        views.assembly_target_delete,
        name="assembly_target_delete",
    ),
    path("recipients/", views.recipient_list, name="recipient_list"),
    path("recipients/new/", views.recipient_create, name="recipient_create"),
    path("recipients/<int:pk>/", views.recipient_detail, name="recipient_detail"),
    path("recipients/<int:pk>/edit/", views.recipient_update, name="recipient_update"),
    path("recipients/<int:pk>/delete/", views.recipient_delete, name="recipient_delete"),
    path("recipients/<int:pk>/active/", views.recipient_set_active, name="recipient_set_active"),
    path("packages/", views.package_list, name="package_list"),
    path("packages/new/", views.package_create, name="package_create"),
    path("packages/<int:pk>/", views.package_detail, name="package_detail"),
    path("packages/<int:pk>/edit/", views.package_update, name="package_update"),
    path("packages/<int:pk>/delete/", views.package_delete, name="package_delete"),
    path("packages/<int:pk>/items/new/", views.package_item_create, name="package_item_create"),
    path("packages/items/<int:pk>/edit/", views.package_item_update, name="package_item_update"),
    path("packages/items/<int:pk>/delete/", views.package_item_delete, name="package_item_delete"),
    # Planning reports (needs, shopping list, packaging, summary) keep their own routes.
    path("", include("events.planning_urls")),
]
