from django.contrib import admin

from bakeplanner.models import Household, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "household", "role", "created_at"]
    list_filter = ["role", "household"]
    search_fields = ["user__username", "household__name"]
    autocomplete_fields = ["user"]
