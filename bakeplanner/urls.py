from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from bakeplanner.settings_views import household_settings
from events.views import home
from events.views import runs as event_runs
from production import urls as production_urls

# Run pages under /production/ whose views need the events app (production never imports
# events). They come first in the `production` namespace, so their addresses and names are
# those of production's own pages: `production:production_run_create` is /production/runs/new/.
production_pages: list[URLPattern | URLResolver] = [
    path("runs/new/", event_runs.production_run_create, name="production_run_create"),
    path(
        "runs/suggest-event/",
        event_runs.production_run_suggest_event,
        name="production_run_suggest_event",
    ),
    path(
        "runs/export.csv",
        event_runs.production_history_csv_download,
        name="production_history_csv",
    ),
    path("runs/<int:run_id>/event/", event_runs.production_run_event, name="production_run_event"),
    path("assembly/<int:run_id>/event/", event_runs.assembly_run_event, name="assembly_run_event"),
    *production_urls.urlpatterns,
]

# The URL conf is the one core module that imports the apps.
urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("settings/", household_settings, name="household_settings"),
    path("admin/", admin.site.urls),
    path("events/", include("events.urls")),
    path("production/", include((production_pages, production_urls.app_name))),
    path("data/", include("tooling.urls")),
]

handler403 = "bakeplanner.views.error_403"
handler404 = "bakeplanner.views.error_404"
handler500 = "bakeplanner.views.error_500"
