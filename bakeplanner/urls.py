from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from events.views import home

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
    path("admin/", admin.site.urls),
    path("events/", include("events.urls")),
    path("production/", include("production.urls")),
]

handler403 = "bakeplanner.views.error_403"
handler404 = "bakeplanner.views.error_404"
handler500 = "bakeplanner.views.error_500"
