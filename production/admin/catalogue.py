"""Admin for the catalogue and inventory (data fixes, staff only; docs/design.md, "Roles").

History stays history: inventory lots, stock adjustments and their lot draws are read-only,
and a purchase's figures (product, packages, price, date) are never edited here because its
lot was counted from them. A purchase that nothing has drawn from can be removed with the
"delete unused purchases" action, which goes through the purchase service in a unit of work.
Counts and average costs of baked items and boxes change only through runs and audited
adjustments, so they are read-only here too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import HttpRequest

from bakeplanner.errors import DomainError
from bakeplanner.tx import actor_of, unit_of_work
from production.models import (
    AssemblyPackagingConsumption,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionConsumption,
    Purchase,
    PurchaseCorrection,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
    StockAdjustment,
    StockAdjustmentLot,
)
from production.services import delete_purchase


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


if TYPE_CHECKING:
    # The mixin is only ever combined with ModelAdmin, whose save_formset it extends.
    _ModelAdminBase = admin.ModelAdmin[Any]
else:
    _ModelAdminBase = object


class HouseholdInlineMixin(_ModelAdminBase):
    """New inline rows belong to their parent's household."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            instance = inline_form.instance
            if instance.household_id is None and form.instance.household_id is not None:
                instance.household_id = form.instance.household_id
        super().save_formset(request, form, formset, change)


# --- Ingredients and products ---------------------------------------------------------------


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ["brand", "name", "package_quantity", "package_unit", "preferred", "notes"]


@admin.register(Ingredient)
class IngredientAdmin(HouseholdInlineMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "category", "stock_family", "density_g_per_cup", "household"]
    list_filter = ["household", "kind", "stock_family", "category"]
    search_fields = ["name", "category", "notes"]
    inlines = [ProductInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "ingredient",
        "brand",
        "name",
        "package_quantity",
        "package_unit",
        "preferred",
        "household",
    ]
    list_filter = ["household", "preferred", "package_unit"]
    list_select_related = ["ingredient"]
    search_fields = ["ingredient__name", "brand", "name"]
    autocomplete_fields = ["ingredient"]


# --- Purchases and lots ---------------------------------------------------------------------


def _drawn() -> Q:
    """A purchase whose lot has lost stock, or that any ledger row points at."""
    lot = OuterRef("lot")
    return (
        Q(lot__quantity_remaining__lt=F("lot__quantity_initial"))
        | Q(Exists(ProductionConsumption.objects.filter(lot=lot)))
        | Q(Exists(AssemblyPackagingConsumption.objects.filter(lot=lot)))
        | Q(Exists(StockAdjustmentLot.objects.filter(lot=lot)))
    )


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = [
        "purchased_on",
        "product",
        "packages",
        "price_per_package",
        "supplier",
        "found_in_count",
        "is_drawn",
        "household",
    ]
    list_filter = ["household", "purchased_on", "found_in_count"]
    list_select_related = ["product__ingredient"]
    search_fields = ["product__ingredient__name", "product__brand", "product__name", "supplier"]
    date_hierarchy = "purchased_on"
    actions = ["delete_unused_purchases"]
    # The lot was counted from these: record a new purchase instead of editing them.
    readonly_fields = [
        "product",
        "purchased_on",
        "packages",
        "price_per_package",
        "found_in_count",
        "household",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Purchase]:
        drawn = Case(
            When(_drawn(), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        return super().get_queryset(request).annotate(drawn=drawn)

    @admin.display(boolean=True, description="Stock used")
    def is_drawn(self, obj: Purchase) -> bool:
        return bool(getattr(obj, "drawn", False))

    def get_readonly_fields(self, request: HttpRequest, obj: Purchase | None = None) -> Any:
        if obj is not None and getattr(obj, "drawn", False):
            return [
                "product",
                "purchased_on",
                "packages",
                "price_per_package",
                "supplier",
                "notes",
                "household",
            ]
        return self.readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a purchase creates its lot: use "Record a purchase" in the app

    def has_delete_permission(self, request: HttpRequest, obj: Purchase | None = None) -> bool:
        return False  # the action below deletes through the service

    @admin.action(
        description="Delete selected purchases (and their lots) nothing has used",
        permissions=["change"],
    )
    def delete_unused_purchases(self, request: HttpRequest, queryset: QuerySet[Purchase]) -> None:
        done = 0
        for purchase in queryset.select_related("household").order_by("pk"):
            try:
                with unit_of_work(purchase.household, actor=actor_of(request)) as tx:
                    delete_purchase(tx, purchase.pk)
            except DomainError as exc:
                self.message_user(request, f"Purchase {purchase.pk}: {exc}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(
                request, f"Deleted {done} purchase(s) and their lots.", messages.SUCCESS
            )


@admin.register(InventoryLot)
class InventoryLotAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "ingredient",
        "product",
        "received_on",
        "quantity_initial",
        "quantity_remaining",
        "cost_per_unit",
        "household",
    ]
    list_filter = ["household", "received_on", "ingredient__kind"]
    list_select_related = ["ingredient", "product__ingredient"]
    search_fields = ["ingredient__name", "product__brand", "product__name"]
    date_hierarchy = "received_on"


@admin.register(PurchaseCorrection)
class PurchaseCorrectionAdmin(ReadOnlyAdmin):
    """Corrections are made on the purchase's Correct page, which restates the runs; here
    they are only read (docs/design.md, "Corrections")."""

    list_display = [
        "id",
        "purchase",
        "old_price_per_package",
        "new_price_per_package",
        "old_packages",
        "new_packages",
        "corrected_by",
        "corrected_at",
        "household",
    ]
    list_filter = ["household", "corrected_at"]
    list_select_related = ["purchase__product__ingredient", "corrected_by"]
    search_fields = ["reason", "purchase__product__ingredient__name", "purchase__supplier"]
    date_hierarchy = "corrected_at"


# --- Recipes --------------------------------------------------------------------------------


class RecipeIngredientInline(admin.TabularInline):
    model = RecipeIngredient
    extra = 0
    autocomplete_fields = ["ingredient"]
    fields = ["ingredient", "quantity", "unit", "notes"]


class RecipeComponentInline(admin.TabularInline):
    model = RecipeComponent
    fk_name = "recipe"
    extra = 0
    autocomplete_fields = ["component_recipe"]
    fields = ["component_recipe", "batches"]


class FinishedUnitInline(admin.TabularInline):
    model = FinishedUnit
    extra = 0
    fields = ["name", "items_per_batch", "item_unit", "inventory_count", "average_unit_cost"]
    readonly_fields = ["inventory_count", "average_unit_cost"]


@admin.register(Recipe)
class RecipeAdmin(HouseholdInlineMixin, admin.ModelAdmin):
    list_display = ["name", "category", "archived", "household", "updated_at"]
    list_filter = ["household", "archived", "category"]
    search_fields = ["name", "category", "notes"]
    inlines = [RecipeIngredientInline, RecipeComponentInline, FinishedUnitInline]


@admin.register(RecipeIngredient)
class RecipeIngredientAdmin(admin.ModelAdmin):
    list_display = ["recipe", "ingredient", "quantity", "unit", "household"]
    list_filter = ["household", "unit"]
    list_select_related = ["recipe", "ingredient"]
    search_fields = ["recipe__name", "ingredient__name"]
    autocomplete_fields = ["recipe", "ingredient"]


@admin.register(RecipeComponent)
class RecipeComponentAdmin(admin.ModelAdmin):
    list_display = ["recipe", "component_recipe", "batches", "household"]
    list_filter = ["household"]
    list_select_related = ["recipe", "component_recipe"]
    search_fields = ["recipe__name", "component_recipe__name"]
    autocomplete_fields = ["recipe", "component_recipe"]


@admin.register(FinishedUnit)
class FinishedUnitAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "recipe",
        "items_per_batch",
        "item_unit",
        "inventory_count",
        "average_unit_cost",
        "household",
    ]
    list_filter = ["household"]
    list_select_related = ["recipe"]
    search_fields = ["name", "recipe__name", "item_unit"]
    autocomplete_fields = ["recipe"]
    # Changed only by runs and audited adjustments.
    readonly_fields = ["inventory_count", "average_unit_cost"]


# --- Finished goods -------------------------------------------------------------------------


class FinishedGoodComponentInline(admin.TabularInline):
    model = FinishedGoodComponent
    fk_name = "finished_good"
    extra = 0
    autocomplete_fields = ["finished_unit", "nested_good", "packaging"]
    fields = ["component_type", "finished_unit", "nested_good", "packaging", "quantity"]


@admin.register(FinishedGood)
class FinishedGoodAdmin(HouseholdInlineMixin, admin.ModelAdmin):
    list_display = ["name", "inventory_count", "average_unit_cost", "household", "updated_at"]
    list_filter = ["household"]
    search_fields = ["name", "description"]
    readonly_fields = ["inventory_count", "average_unit_cost"]
    inlines = [FinishedGoodComponentInline]


@admin.register(FinishedGoodComponent)
class FinishedGoodComponentAdmin(admin.ModelAdmin):
    list_display = ["finished_good", "component_type", "item_name", "quantity", "household"]
    list_filter = ["household", "component_type"]
    list_select_related = ["finished_good", "finished_unit", "nested_good", "packaging"]
    search_fields = [
        "finished_good__name",
        "finished_unit__name",
        "nested_good__name",
        "packaging__name",
    ]
    autocomplete_fields = ["finished_good", "finished_unit", "nested_good", "packaging"]

    @admin.display(description="Item")
    def item_name(self, obj: FinishedGoodComponent) -> str:
        return str(obj.item or "—")


# --- Stock adjustments (audit rows, read-only) ------------------------------------------------


class StockAdjustmentLotInline(admin.TabularInline):
    model = StockAdjustmentLot
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = ("lot", "quantity", "cost")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(StockAdjustment)
class StockAdjustmentAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "item_type",
        "item_name",
        "change",
        "quantity_before",
        "quantity_after",
        "reason",
        "recorded_by",
        "household",
    ]
    list_filter = ["household", "item_type", "reason", "created_at"]
    list_select_related = ["ingredient", "finished_unit", "finished_good", "recorded_by"]
    search_fields = ["ingredient__name", "finished_unit__name", "finished_good__name", "notes"]
    date_hierarchy = "created_at"
    inlines = [StockAdjustmentLotInline]

    @admin.display(description="Item")
    def item_name(self, obj: StockAdjustment) -> str:
        item = obj.ingredient or obj.finished_unit or obj.finished_good
        return str(item or "—")


@admin.register(StockAdjustmentLot)
class StockAdjustmentLotAdmin(ReadOnlyAdmin):
    list_display = ["adjustment", "lot", "quantity", "cost", "household"]
    list_filter = ["household"]
    list_select_related = ["adjustment", "lot"]
