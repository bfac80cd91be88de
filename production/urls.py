from django.urls import include, path

app_name = "production"

# Each part keeps its own route list; both share the "production" namespace.
urlpatterns = [
    path("", include("production.catalogue_urls")),
    path("", include("production.run_urls")),
]
