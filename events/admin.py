"""Admin for events, recipients, packages, assignments and targets (data fixes, staff only).

Status changes from the admin go through the fulfilment service inside a unit of work, so
the forward-only rule holds here too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from bakeplanner.display import plural
from bakeplanner.errors import DomainError
from bakeplanner.tx import actor_of, unit_of_work
from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    FulfillmentChange,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from events.services import update_fulfillment_status


class PackageItemInline(admin.TabularInline):
    model = PackageItem
    extra = 0
    raw_id_fields = ["finished_good"]
    fields = ["finished_good", "quantity", "household"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "event_date", "slug", "household", "updated_at"]
    list_filter = ["household", "event_date"]
    search_fields = ["name", "slug", "notes"]
    date_hierarchy = "event_date"
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["name", "household_name", "active", "household", "updated_at"]
    list_filter = ["household", "active"]
    search_fields = ["name", "household_name", "address", "notes"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "household", "updated_at"]
    list_filter = ["household"]
    search_fields = ["name", "notes"]
    inlines = [PackageItemInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(PackageItem)
class PackageItemAdmin(admin.ModelAdmin):
    list_display = ["package", "finished_good", "quantity", "household"]
    list_filter = ["household"]
    search_fields = ["package__name", "finished_good__name"]
    list_select_related = ["package", "finished_good", "household"]
    raw_id_fields = ["package", "finished_good"]


def _advance(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, status: str
) -> None:
    """Move each selected assignment to `status` through the service, one unit of work per
    household so one household's refusal never blocks another's."""
    done = 0
    by_household: dict[Any, list[int]] = {}
    for assignment in queryset.select_related("household").order_by("pk"):
        by_household.setdefault(assignment.household, []).append(assignment.pk)
    for household, ids in by_household.items():
        try:
            with unit_of_work(household, actor=actor_of(request)) as tx:
                for assignment_id in ids:
                    update_fulfillment_status(tx, assignment_id, status)
        except DomainError as exc:
            modeladmin.message_user(
                request, f"{household}: nothing changed. {exc}", level=messages.ERROR
            )
        else:
            done += len(ids)
    if done:
        modeladmin.message_user(request, f"{plural(done, 'assignment')} marked {status}.")


@admin.action(description="Mark selected assignments ready")
def mark_ready(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _advance(modeladmin, request, queryset, Assignment.READY)


@admin.action(description="Mark selected assignments delivered")
def mark_delivered(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _advance(modeladmin, request, queryset, Assignment.DELIVERED)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "recipient",
        "package",
        "quantity",
        "fulfillment_status",
        "household",
    ]
    list_filter = ["household", "fulfillment_status", "event"]
    search_fields = ["recipient__name", "package__name", "event__name", "notes"]
    list_select_related = ["event", "recipient", "package", "household"]
    raw_id_fields = ["event", "recipient", "package"]
    # Status moves forward only: use the actions, which go through the service.
    readonly_fields = ["fulfillment_status", "created_at", "updated_at"]
    actions = [mark_ready, mark_delivered]


@admin.register(FulfillmentChange)
class FulfillmentChangeAdmin(admin.ModelAdmin):
    """The status history is written by the fulfilment services only: read it here."""

    list_display = ["assignment", "from_status", "to_status", "reason", "changed_by", "changed_at"]
    list_filter = ["household", "to_status"]
    search_fields = ["assignment__recipient__name", "assignment__package__name", "reason"]
    list_select_related = ["assignment", "changed_by"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProductionTarget)
class ProductionTargetAdmin(admin.ModelAdmin):
    list_display = ["event", "recipe", "target_batches", "household"]
    list_filter = ["household", "event"]
    search_fields = ["event__name", "recipe__name", "notes"]
    list_select_related = ["event", "recipe", "household"]
    raw_id_fields = ["event", "recipe"]


@admin.register(AssemblyTarget)
class AssemblyTargetAdmin(admin.ModelAdmin):
    list_display = ["event", "finished_good", "target_quantity", "household"]
    list_filter = ["household", "event"]
    search_fields = ["event__name", "finished_good__name", "notes"]
    list_select_related = ["event", "finished_good", "household"]
    raw_id_fields = ["event", "finished_good"]
