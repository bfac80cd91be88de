from django.urls import include, path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    # Planning reports (needs, shopping list, packaging, summary) keep their own routes.
    path("", include("events.planning_urls")),
]
