from django.urls import path

from tooling import views

app_name = "tooling"

urlpatterns = [
    path("", views.household_data, name="household_data"),
    path("household.json", views.household_data_download, name="household_data_download"),
]
