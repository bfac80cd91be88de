from django.urls import include, path

from events.views import assignments, events, imports, packages, recipients, tags, targets

app_name = "events"

urlpatterns = [
    path("", events.event_list, name="event_list"),
    path("import/bake-tracker/", imports.import_baketracker_page, name="import_baketracker"),
    path("new/", events.event_create, name="event_create"),
    path("<int:pk>/", events.event_detail, name="event_detail"),
    path("<int:pk>/edit/", events.event_update, name="event_update"),
    path("<int:pk>/delete/", events.event_delete, name="event_delete"),
    path("<int:pk>/accept-plan/", events.event_accept_plan, name="event_accept_plan"),
    path("<int:pk>/assignments/new/", assignments.assignment_create, name="assignment_create"),
    path(
        "<int:pk>/assignments/bulk/",
        assignments.assignment_bulk_create,
        name="assignment_bulk_create",
    ),
    path("assignments/<int:pk>/edit/", assignments.assignment_update, name="assignment_update"),
    path("assignments/<int:pk>/delete/", assignments.assignment_delete, name="assignment_delete"),
    path("assignments/<int:pk>/status/", assignments.assignment_status, name="assignment_status"),
    path(
        "assignments/<int:pk>/step-back/", assignments.assignment_revert, name="assignment_revert"
    ),
    path(
        "<int:pk>/targets/production/",
        targets.production_target_set,
        name="production_target_set",
    ),
    path(
        "<int:pk>/targets/production/<int:recipe_id>/delete/",
        targets.production_target_delete,
        name="production_target_delete",
    ),
    path("<int:pk>/targets/assembly/", targets.assembly_target_set, name="assembly_target_set"),
    path(
        "<int:pk>/targets/assembly/<int:finished_good_id>/delete/",
        targets.assembly_target_delete,
        name="assembly_target_delete",
    ),
    path("recipients/", recipients.recipient_list, name="recipient_list"),
    path("recipients/new/", recipients.recipient_create, name="recipient_create"),
    path("recipients/<int:pk>/", recipients.recipient_detail, name="recipient_detail"),
    path("recipients/<int:pk>/edit/", recipients.recipient_update, name="recipient_update"),
    path("recipients/<int:pk>/delete/", recipients.recipient_delete, name="recipient_delete"),
    path(
        "recipients/<int:pk>/active/",
        recipients.recipient_set_active,
        name="recipient_set_active",
    ),
    path("packages/", packages.package_list, name="package_list"),
    path("packages/new/", packages.package_create, name="package_create"),
    path("packages/<int:pk>/", packages.package_detail, name="package_detail"),
    path("packages/<int:pk>/edit/", packages.package_update, name="package_update"),
    path("packages/<int:pk>/delete/", packages.package_delete, name="package_delete"),
    path("packages/<int:pk>/items/new/", packages.package_item_create, name="package_item_create"),
    path("packages/items/<int:pk>/edit/", packages.package_item_update, name="package_item_update"),
    path(
        "packages/items/<int:pk>/delete/", packages.package_item_delete, name="package_item_delete"
    ),
    path("<int:pk>/tags/", tags.event_tags, name="event_tags"),
    path("<int:pk>/packing-slips/", tags.event_packing_slips, name="event_packing_slips"),
    path("<int:pk>/freshness/", tags.event_freshness, name="event_freshness"),
    path("tags.css", tags.tags_stylesheet, name="tags_stylesheet"),
    # Planning and reports keep their own route list.
    path("", include("events.planning_urls")),
]
