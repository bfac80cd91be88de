"""Admin for production and assembly runs (read-only ledgers).

Runs and their ledgers are history: the admin shows them and never adds, edits or deletes
them. The one change it offers, "reverse selected runs", goes through the reversal services,
one unit of work per run, so a refused run leaves the others done and itself untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html

from bakeplanner.errors import DomainError
from bakeplanner.tx import actor_of, unit_of_work
from production.models import (
    AssemblyFinishedGoodConsumption,
    AssemblyFinishedUnitConsumption,
    AssemblyPackagingConsumption,
    AssemblyRun,
    ProductionConsumption,
    ProductionRun,
    RunEventChange,
)
from production.services import reverse_assembly_run, reverse_production_run


class ReadOnlyMixin:
    """History is never added, edited or deleted here (docs/design.md, "Ledgers are history")."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class LedgerInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False


class ProductionConsumptionInline(LedgerInline):
    model = ProductionConsumption
    fields = readonly_fields = ("ingredient", "lot", "quantity", "cost")


class AssemblyFinishedUnitInline(LedgerInline):
    model = AssemblyFinishedUnitConsumption
    fields = readonly_fields = ("finished_unit", "quantity", "unit_cost", "cost")


class AssemblyFinishedGoodInline(LedgerInline):
    model = AssemblyFinishedGoodConsumption
    fields = readonly_fields = ("finished_good", "quantity", "unit_cost", "cost")


class AssemblyPackagingInline(LedgerInline):
    model = AssemblyPackagingConsumption
    fields = readonly_fields = ("ingredient", "lot", "quantity", "cost")


class RunEventChangeInline(LedgerInline):
    """Each change of the run's event after it was recorded: who, when, from, to."""

    model = RunEventChange
    fk_name: str  # set per run kind below
    fields = readonly_fields = ("changed_at", "changed_by", "old_event_name", "new_event_name")
    verbose_name = "event change"


class ProductionRunEventChangeInline(RunEventChangeInline):
    fk_name = "production_run"


class AssemblyRunEventChangeInline(RunEventChangeInline):
    fk_name = "assembly_run"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are these runs being undone?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def _reverse_selected(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    reverse: Callable[..., Any],
    label: str,
) -> HttpResponse | None:
    """Ask for a reason, then reverse each run in its own household's unit of work."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        done = 0
        for run in queryset.select_related("household").order_by("pk"):
            try:
                with unit_of_work(run.household, actor=actor_of(request)) as tx:
                    reverse(tx, run.pk, reason=reason)
            except DomainError as exc:
                modeladmin.message_user(
                    request, f"{label} {run.pk} was not undone: {exc}", messages.WARNING
                )
            else:
                done += 1
        if done:
            modeladmin.message_user(request, f"Undid {done} {label.lower()}(s).", messages.SUCCESS)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Undo {label.lower()}s",
        "opts": opts,
        "runs": list(queryset.order_by("pk")),
        "form": form,
        "label": label,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "production/production_run_admin_reverse.html", context)


class RunAdminBase(ReadOnlyMixin, admin.ModelAdmin):
    list_per_page = 50

    def has_reverse_permission(self, request: HttpRequest) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.display(boolean=True, description="Undone")
    def is_reversed(self, obj: Any) -> bool:
        return obj.reversed_at is not None


@admin.register(ProductionRun)
class ProductionRunAdmin(RunAdminBase):
    list_display = [
        "pk",
        "produced_at",
        "recipe",
        "finished_unit",
        "num_batches",
        "actual_yield",
        "expected_yield",
        "status",
        "total_ingredient_cost",
        "event",
        "household",
        "is_reversed",
    ]
    list_filter = [
        "household",
        "status",
        ("reversed_at", admin.EmptyFieldListFilter),
        "produced_at",
    ]
    search_fields = ["recipe__name", "finished_unit__name", "notes", "event__name"]
    list_select_related = ["recipe", "finished_unit", "event", "household"]
    date_hierarchy = "produced_at"
    inlines = [ProductionConsumptionInline, ProductionRunEventChangeInline]
    actions = ["reverse_selected_runs"]
    exclude = ["recipe_snapshot"]
    readonly_fields = ["snapshot"]

    @admin.display(description="Recipe as baked")
    def snapshot(self, obj: ProductionRun) -> str:
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.recipe_snapshot, indent=2, ensure_ascii=False)
        )

    @admin.action(description="Reverse selected production runs", permissions=["reverse"])
    def reverse_selected_runs(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        return _reverse_selected(self, request, queryset, reverse_production_run, "Production run")


@admin.register(AssemblyRun)
class AssemblyRunAdmin(RunAdminBase):
    list_display = [
        "pk",
        "assembled_at",
        "finished_good",
        "quantity",
        "component_cost",
        "packaging_cost",
        "total_cost",
        "event",
        "household",
        "is_reversed",
    ]
    list_filter = ["household", ("reversed_at", admin.EmptyFieldListFilter), "assembled_at"]
    search_fields = ["finished_good__name", "notes", "event__name"]
    list_select_related = ["finished_good", "event", "household"]
    date_hierarchy = "assembled_at"
    inlines = [
        AssemblyFinishedUnitInline,
        AssemblyFinishedGoodInline,
        AssemblyPackagingInline,
        AssemblyRunEventChangeInline,
    ]
    actions = ["reverse_selected_runs"]

    @admin.action(description="Reverse selected assembly runs", permissions=["reverse"])
    def reverse_selected_runs(
        self, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        return _reverse_selected(self, request, queryset, reverse_assembly_run, "Assembly run")


class LedgerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_per_page = 100


@admin.register(ProductionConsumption)
class ProductionConsumptionAdmin(LedgerAdmin):
    list_display = ["pk", "run", "ingredient", "lot", "quantity", "cost", "household"]
    list_filter = ["household"]
    search_fields = ["ingredient__name"]
    list_select_related = ["run", "ingredient", "lot", "household"]


@admin.register(AssemblyFinishedUnitConsumption)
class AssemblyFinishedUnitConsumptionAdmin(LedgerAdmin):
    list_display = ["pk", "run", "finished_unit", "quantity", "unit_cost", "cost", "household"]
    list_filter = ["household"]
    search_fields = ["finished_unit__name"]
    list_select_related = ["run", "finished_unit", "household"]


@admin.register(AssemblyFinishedGoodConsumption)
class AssemblyFinishedGoodConsumptionAdmin(LedgerAdmin):
    list_display = ["pk", "run", "finished_good", "quantity", "unit_cost", "cost", "household"]
    list_filter = ["household"]
    search_fields = ["finished_good__name"]
    list_select_related = ["run", "finished_good", "household"]


@admin.register(AssemblyPackagingConsumption)
class AssemblyPackagingConsumptionAdmin(LedgerAdmin):
    list_display = ["pk", "run", "ingredient", "lot", "quantity", "cost", "household"]
    list_filter = ["household"]
    search_fields = ["ingredient__name"]
    list_select_related = ["run", "ingredient", "lot", "household"]
