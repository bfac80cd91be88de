"""Routes of the production and assembly run pages (namespace `production`).

The run pages that need the events app ("Record baking", changing a run's event, the
production history CSV) are routed by bakeplanner/urls.py in this same namespace.
"""

from django.urls import path

from production.views import runs

urlpatterns = [
    path("runs/", runs.production_run_list, name="production_run_list"),
    path("runs/check/", runs.check_can_produce, name="check_can_produce"),
    path("runs/<int:run_id>/", runs.production_run_detail, name="production_run_detail"),
    path("runs/<int:run_id>/undo/", runs.production_run_reverse, name="production_run_reverse"),
    path("assembly/", runs.assembly_run_list, name="assembly_run_list"),
    path("assembly/new/", runs.assembly_run_create, name="assembly_run_create"),
    path("assembly/check/", runs.check_can_assemble, name="check_can_assemble"),
    path("assembly/<int:run_id>/", runs.assembly_run_detail, name="assembly_run_detail"),
    path("assembly/<int:run_id>/undo/", runs.assembly_run_reverse, name="assembly_run_reverse"),
]
