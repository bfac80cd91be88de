"""The catalogue and what is made from it (docs/design.md, "Catalogue")."""

from __future__ import annotations

from decimal import Decimal
from typing import Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bakeplanner.dates import validate_in_range
from bakeplanner.errors import ValidationFailed
from bakeplanner.fields import (
    TimeStamped,
    base_quantity_field,
    entered_quantity_field,
    money_field,
    unit_cost_field,
)
from bakeplanner.models import HouseholdOwned
from bakeplanner.names import KEY_MAX_LENGTH, NameKeyed
from bakeplanner.units import BASE_UNIT, FAMILY_CHOICES, UNIT_CHOICES
from production.allergens import clean_allergen_codes

# --- Catalogue --------------------------------------------------------------------------


class Ingredient(NameKeyed, HouseholdOwned, TimeStamped):
    FOOD = "food"
    PACKAGING = "packaging"
    KIND_CHOICES = [(FOOD, "Food"), (PACKAGING, "Packaging")]

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=KIND_CHOICES, default=FOOD)
    category = models.CharField(max_length=80, blank=True)
    stock_family = models.CharField(max_length=10, choices=FAMILY_CHOICES)
    density_g_per_cup = models.DecimalField(
        "density (g per cup)", max_digits=10, decimal_places=4, null=True, blank=True
    )
    # The density came from the reference table of common baking ingredients rather than
    # from the person (docs/import-baketracker.md, "Estimated densities").
    density_estimated = models.BooleanField("density is an estimate", default=False)
    notes = models.TextField(blank=True)
    # Allergen codes from production.allergens, sorted, each once; set through
    # `set_ingredient_allergens` (docs/allergens-and-freshness.md, "Storing allergens").
    allergens = models.JSONField(default=list, blank=True)
    may_contain = models.JSONField("may contain", default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "name_key"],
                name="ingredient_name_key_unique",
                violation_error_message="An ingredient with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(density_g_per_cup__isnull=True) | Q(density_g_per_cup__gt=0),
                name="ingredient_density_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["food", "packaging"]), name="ingredient_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(stock_family__in=["weight", "volume", "count"]),
                name="ingredient_family_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            clean_allergen_codes(self.allergens, field="allergens")
            clean_allergen_codes(self.may_contain, field="may_contain")
        except ValidationFailed as exc:
            raise ValidationError({exc.field or "allergens": exc.message}) from None

    @property
    def base_unit(self) -> str:
        return BASE_UNIT[self.stock_family]


class Product(NameKeyed, HouseholdOwned, TimeStamped):
    """A purchasable form of an ingredient (a 5 lb bag of flour)."""

    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="products")
    brand = models.CharField(max_length=80, blank=True)
    name = models.CharField(max_length=120, blank=True)
    package_quantity = entered_quantity_field()
    package_unit = models.CharField(max_length=10, choices=UNIT_CHOICES)
    preferred = models.BooleanField(default=False)
    gtin = models.CharField("GTIN (barcode number)", max_length=20, blank=True)
    notes = models.TextField(blank=True)
    brand_key = models.CharField(max_length=KEY_MAX_LENGTH, editable=False)

    # Brand and product name are both names: stored normalised, compared by key.
    name_key_sources = {"brand": "brand_key", "name": "name_key"}

    class Meta:
        ordering = ["ingredient__name", "brand", "name", "package_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["ingredient", "brand_key", "name_key", "package_quantity", "package_unit"],
                name="product_unique_per_ingredient_key",
                violation_error_message="The ingredient already has this product.",
            ),
            models.UniqueConstraint(
                fields=["ingredient"], condition=Q(preferred=True), name="product_one_preferred"
            ),
            models.CheckConstraint(
                condition=Q(package_quantity__gt=0), name="product_package_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        label = " ".join(part for part in (self.brand, self.name) if part) or self.ingredient.name
        return f"{label} ({self.package_quantity.normalize():f} {self.package_unit})"


class Purchase(HouseholdOwned, TimeStamped):
    """Immutable once any of its stock is used."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="purchases")
    purchased_on = models.DateField(validators=[validate_in_range])
    packages = models.DecimalField(max_digits=12, decimal_places=3)
    price_per_package = models.DecimalField(max_digits=12, decimal_places=4)
    supplier = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    # Stock found on the shelf by a stock count, priced at the latest purchase price rather
    # than bought (docs/design.md, "Stock counts").
    found_in_count = models.BooleanField("found in a stock count", default=False)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        # The latest price of a product reads its newest purchase first, and the purchases
        # page its newest fifty (docs/performance.md, "What keeps a page fast").
        indexes = [
            models.Index(
                fields=["household", "product", "purchased_on", "id"], name="purchase_latest"
            ),
            models.Index(fields=["household", "purchased_on", "id"], name="purchase_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(packages__gt=0), name="purchase_packages_positive"),
            models.CheckConstraint(
                condition=Q(price_per_package__gte=0), name="purchase_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.packages.normalize():f} × {self.product} on {self.purchased_on}"


class LotQuerySet(models.QuerySet["InventoryLot"]):
    def with_stock(self) -> LotQuerySet:
        return self.filter(quantity_remaining__gt=0)

    def fifo(self) -> LotQuerySet:
        """Oldest first: received date, then id."""
        return self.order_by("received_on", "id")


class InventoryLot(HouseholdOwned):
    """Stock from one purchase, in the ingredient's base unit."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="lots")
    purchase = models.OneToOneField(Purchase, on_delete=models.PROTECT, related_name="lot")
    quantity_initial = base_quantity_field()
    quantity_remaining = base_quantity_field()
    cost_per_unit = unit_cost_field()
    # Stock brought in without a price (docs/import-baketracker.md, "Price unknown"): its
    # cost per unit is 0 only as a placeholder, and every cost drawn from it says so.
    price_unknown = models.BooleanField(default=False)
    received_on = models.DateField(validators=[validate_in_range])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LotQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "id"]
        # First in, first out by ingredient, and the latest cost from the other end
        # (docs/performance.md, "What keeps a page fast").
        indexes = [
            models.Index(fields=["household", "ingredient", "received_on", "id"], name="lot_fifo")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_remaining__gte=0), name="lot_remaining_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity_remaining__lte=F("quantity_initial")),
                name="lot_remaining_at_most_initial",
            ),
            models.CheckConstraint(condition=Q(cost_per_unit__gte=0), name="lot_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.pk} of {self.ingredient_id} ({self.received_on})"


# --- Recipes ------------------------------------------------------------------------------


class Recipe(NameKeyed, HouseholdOwned, TimeStamped):
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=80, blank=True)
    notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    # Some of its lines were left out when it was imported (the notes say which).
    incomplete = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "name_key"],
                name="recipe_name_key_unique",
                violation_error_message="A recipe with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecipeIngredient(HouseholdOwned, TimeStamped):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="lines")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    quantity = entered_quantity_field()
    unit = models.CharField(max_length=10, choices=UNIT_CHOICES)
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="recipe_line_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} {self.unit} {self.ingredient_id}"


class RecipeComponent(HouseholdOwned, TimeStamped):
    """A sub-recipe: `batches` of the child per batch of the parent."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="components")
    component_recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="used_in")
    batches = models.DecimalField(max_digits=10, decimal_places=4)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipe", "component_recipe"], name="recipe_component_once"
            ),
            models.CheckConstraint(
                condition=~Q(recipe=F("component_recipe")), name="recipe_component_not_self"
            ),
            models.CheckConstraint(condition=Q(batches__gt=0), name="recipe_component_positive"),
        ]


class FinishedUnit(NameKeyed, HouseholdOwned, TimeStamped):
    """A baked item a recipe yields (48 small cookies per batch)."""

    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="finished_units")
    name = models.CharField(max_length=120)
    items_per_batch = models.PositiveIntegerField()
    item_unit = models.CharField(max_length=40, blank=True)
    inventory_count = models.PositiveIntegerField(default=0)
    average_unit_cost = money_field()
    # Days it stays good after baking, and in the freezer when it keeps frozen (empty: not
    # set); docs/allergens-and-freshness.md, "Freshness".
    shelf_life_days = models.PositiveSmallIntegerField("shelf life (days)", null=True, blank=True)
    frozen_shelf_life_days = models.PositiveSmallIntegerField(
        "frozen shelf life (days)", null=True, blank=True
    )

    class Meta:
        ordering = ["recipe__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipe", "name_key"],
                name="finished_unit_name_key_unique",
                violation_error_message="The recipe already has a baked item with this name.",
            ),
            models.CheckConstraint(
                condition=Q(items_per_batch__gt=0), name="finished_unit_items_positive"
            ),
            models.CheckConstraint(
                condition=Q(inventory_count__gte=0), name="finished_unit_count_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(shelf_life_days__isnull=True) | Q(shelf_life_days__range=(1, 365)),
                name="finished_unit_shelf_life_range",
            ),
            models.CheckConstraint(
                condition=Q(frozen_shelf_life_days__isnull=True)
                | Q(shelf_life_days__isnull=False, frozen_shelf_life_days__range=(1, 730)),
                name="finished_unit_frozen_shelf_life_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FinishedGood(NameKeyed, HouseholdOwned, TimeStamped):
    """An assembled item: a gift box, a tin, a hamper."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    inventory_count = models.PositiveIntegerField(default=0)
    average_unit_cost = money_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "name_key"],
                name="finished_good_name_key_unique",
                violation_error_message="A gift box or tin with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(inventory_count__gte=0), name="finished_good_count_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FinishedGoodComponent(HouseholdOwned, TimeStamped):
    FINISHED_UNIT = "finished_unit"
    FINISHED_GOOD = "finished_good"
    PACKAGING = "packaging"
    TYPE_CHOICES = [
        (FINISHED_UNIT, "Baked item"),
        (FINISHED_GOOD, "Nested box or tin"),
        (PACKAGING, "Packaging"),
    ]

    finished_good = models.ForeignKey(
        FinishedGood, on_delete=models.CASCADE, related_name="components"
    )
    component_type = models.CharField(max_length=16, choices=TYPE_CHOICES)
    finished_unit = models.ForeignKey(
        FinishedUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    nested_good = models.ForeignKey(
        FinishedGood, null=True, blank=True, on_delete=models.PROTECT, related_name="used_in"
    )
    packaging = models.ForeignKey(
        Ingredient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whole numbers for baked items and nested goods (checked by the service); decimal for
    # packaging in that ingredient's unit.
    quantity = entered_quantity_field()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="fg_component_positive"),
            models.CheckConstraint(
                condition=(
                    Q(
                        component_type="finished_unit",
                        finished_unit__isnull=False,
                        nested_good__isnull=True,
                        packaging__isnull=True,
                    )
                    | Q(
                        component_type="finished_good",
                        finished_unit__isnull=True,
                        nested_good__isnull=False,
                        packaging__isnull=True,
                    )
                    | Q(
                        component_type="packaging",
                        finished_unit__isnull=True,
                        nested_good__isnull=True,
                        packaging__isnull=False,
                    )
                ),
                name="fg_component_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(nested_good=F("finished_good")), name="fg_component_not_self"
            ),
            models.UniqueConstraint(
                fields=["finished_good", "finished_unit"],
                condition=Q(finished_unit__isnull=False),
                name="fg_component_unit_once",
            ),
            models.UniqueConstraint(
                fields=["finished_good", "nested_good"],
                condition=Q(nested_good__isnull=False),
                name="fg_component_good_once",
            ),
            models.UniqueConstraint(
                fields=["finished_good", "packaging"],
                condition=Q(packaging__isnull=False),
                name="fg_component_packaging_once",
            ),
        ]

    @property
    def item(self) -> FinishedUnit | FinishedGood | Ingredient | None:
        return self.finished_unit or self.nested_good or self.packaging


# --- Runs and ledgers -------------------------------------------------------------------


_Run = TypeVar("_Run", "ProductionRun", "AssemblyRun")


class RunQuerySet(models.QuerySet[_Run]):
    def not_reversed(self) -> Self:
        return self.filter(reversed_at__isnull=True)

    def for_event(self, event_id: int) -> Self:
        return self.filter(event_id=event_id)


class ProductionRun(HouseholdOwned):
    COMPLETE = "complete"
    PARTIAL_LOSS = "partial_loss"
    TOTAL_LOSS = "total_loss"
    STATUS_CHOICES = [
        (COMPLETE, "Complete"),
        (PARTIAL_LOSS, "Partial loss"),
        (TOTAL_LOSS, "Total loss"),
    ]
    LOSS_CHOICES = [
        ("burnt", "Burnt"),
        ("broken", "Broken"),
        ("contaminated", "Contaminated"),
        ("dropped", "Dropped"),
        ("wrong_ingredients", "Wrong ingredients"),
        ("other", "Other"),
    ]

    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="production_runs")
    finished_unit = models.ForeignKey(
        FinishedUnit, on_delete=models.PROTECT, related_name="production_runs"
    )
    # A plain foreign key: production never imports the events services.
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="production_runs",
    )
    num_batches = models.PositiveIntegerField()
    scale = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal("1"))
    expected_yield = models.PositiveIntegerField()
    actual_yield = models.PositiveIntegerField()
    loss_quantity = models.PositiveIntegerField(default=0)
    loss_category = models.CharField(max_length=20, choices=LOSS_CHOICES, blank=True)
    loss_notes = models.TextField(blank=True)
    status = models.CharField(max_length=14, choices=STATUS_CHOICES)
    produced_at = models.DateTimeField(validators=[validate_in_range])
    notes = models.TextField(blank=True)
    total_ingredient_cost = money_field()
    per_unit_cost = money_field()
    loss_cost = money_field()
    recipe_snapshot = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-produced_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(num_batches__gt=0), name="run_batches_positive"),
            models.CheckConstraint(condition=Q(scale__gt=0), name="run_scale_positive"),
            models.CheckConstraint(
                condition=Q(actual_yield__lte=F("expected_yield")),
                name="run_actual_at_most_expected",
            ),
        ]
        # An event's batches per recipe, and whether a recipe's target is met, are read from
        # this index (docs/performance.md, "What keeps a page fast").
        indexes = [
            models.Index(fields=["household", "event", "recipe"], name="prodrun_event_recipe")
        ]

    def __str__(self) -> str:
        return f"Production run {self.pk}"


class ProductionConsumption(HouseholdOwned):
    """One row per inventory lot a production run drew from. Immutable."""

    run = models.ForeignKey(ProductionRun, on_delete=models.CASCADE, related_name="consumptions")
    lot = models.ForeignKey(InventoryLot, on_delete=models.PROTECT, related_name="+")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    quantity = base_quantity_field()
    cost = money_field()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="prod_consumption_positive"),
        ]


class AssemblyRun(HouseholdOwned):
    finished_good = models.ForeignKey(
        FinishedGood, on_delete=models.PROTECT, related_name="assembly_runs"
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assembly_runs",
    )
    quantity = models.PositiveIntegerField()
    assembled_at = models.DateTimeField(validators=[validate_in_range])
    notes = models.TextField(blank=True)
    component_cost = money_field()
    packaging_cost = money_field()
    total_cost = money_field()
    per_unit_cost = money_field()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-assembled_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="assembly_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["household", "event", "finished_good"], name="asmrun_event_good")
        ]

    def __str__(self) -> str:
        return f"Assembly run {self.pk}"


class AssemblyFinishedUnitConsumption(HouseholdOwned):
    run = models.ForeignKey(
        AssemblyRun, on_delete=models.CASCADE, related_name="finished_unit_consumptions"
    )
    finished_unit = models.ForeignKey(FinishedUnit, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_cost = money_field()
    cost = money_field()

    class Meta:
        ordering = ["id"]


class AssemblyFinishedGoodConsumption(HouseholdOwned):
    run = models.ForeignKey(
        AssemblyRun, on_delete=models.CASCADE, related_name="finished_good_consumptions"
    )
    finished_good = models.ForeignKey(FinishedGood, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_cost = money_field()
    cost = money_field()

    class Meta:
        ordering = ["id"]


class AssemblyPackagingConsumption(HouseholdOwned):
    run = models.ForeignKey(
        AssemblyRun, on_delete=models.CASCADE, related_name="packaging_consumptions"
    )
    lot = models.ForeignKey(InventoryLot, on_delete=models.PROTECT, related_name="+")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.PROTECT, related_name="+")
    quantity = base_quantity_field()
    cost = money_field()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="pkg_consumption_positive"),
        ]


class StockAdjustment(HouseholdOwned):
    """Audit row for a manual change to finished stock or a manual ingredient depletion."""

    INGREDIENT = "ingredient"
    FINISHED_UNIT = "finished_unit"
    FINISHED_GOOD = "finished_good"
    ITEM_CHOICES = [
        (INGREDIENT, "Ingredient"),
        (FINISHED_UNIT, "Baked item"),
        (FINISHED_GOOD, "Box or tin"),
    ]
    # The reasons a person picks on the depletion and adjustment forms.
    REASON_CHOICES = [
        ("spoilage", "Spoilage"),
        ("gift", "Gift"),
        ("correction", "Correction"),
        ("other", "Other"),
    ]
    # Set only by the stock count page, for the shortfall between a count and the stock.
    COUNT = "count"
    ALL_REASON_CHOICES = [*REASON_CHOICES, (COUNT, "Stock count")]
    # Reasons that need an explanation in the notes.
    REASONS_NEEDING_NOTES = frozenset({"correction", "other"})

    item_type = models.CharField(max_length=16, choices=ITEM_CHOICES)
    ingredient = models.ForeignKey(
        Ingredient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_unit = models.ForeignKey(
        FinishedUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finished_good = models.ForeignKey(
        FinishedGood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change = base_quantity_field()
    quantity_before = base_quantity_field()
    quantity_after = base_quantity_field()
    reason = models.CharField(max_length=12, choices=ALL_REASON_CHOICES)
    notes = models.TextField(blank=True)
    cost = money_field()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_after__gte=0), name="adjustment_after_ok"),
        ]


class StockAdjustmentLot(HouseholdOwned):
    """The lots a manual ingredient depletion drew from (FIFO). Immutable."""

    adjustment = models.ForeignKey(
        StockAdjustment, on_delete=models.CASCADE, related_name="lot_draws"
    )
    lot = models.ForeignKey(InventoryLot, on_delete=models.PROTECT, related_name="+")
    quantity = base_quantity_field()
    cost = money_field()

    class Meta:
        ordering = ["id"]


class RunEventChange(HouseholdOwned):
    """One change of a run's event after it was recorded: who, when, from which event to which.

    Exactly one of the two runs is set. An empty event is "stock for later". The events'
    names are kept beside the links, so the history still reads right after an event is
    renamed or deleted (a deleted event's link becomes empty, its name stays).
    """

    production_run = models.ForeignKey(
        ProductionRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_changes",
    )
    assembly_run = models.ForeignKey(
        AssemblyRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_changes",
    )
    # Plain foreign keys, as on the runs: production never imports the events services.
    old_event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    old_event_name = models.CharField(max_length=120, blank=True)
    new_event_name = models.CharField(max_length=120, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(production_run__isnull=False, assembly_run__isnull=True)
                    | Q(production_run__isnull=True, assembly_run__isnull=False)
                ),
                name="run_event_change_one_run",
            ),
        ]

    def __str__(self) -> str:
        run = self.production_run_id or self.assembly_run_id
        return f"Event of run {run}: {self.old_event_name or '-'} -> {self.new_event_name or '-'}"


class PurchaseCorrection(HouseholdOwned):
    """A corrected price or package count of a purchase whose stock was already used.

    The one exception to "ledgers are history" (docs/design.md, "Corrections"): the lot,
    the ledger rows drawn from it and the runs that drew them are restated, and this row
    keeps what they were before, who changed them and why. `summary` lists each run
    restated with its old and new figures, the averages moved, and what was left alone.
    """

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="corrections")
    old_price_per_package = models.DecimalField(max_digits=12, decimal_places=4)
    new_price_per_package = models.DecimalField(max_digits=12, decimal_places=4)
    old_packages = models.DecimalField(max_digits=12, decimal_places=3)
    new_packages = models.DecimalField(max_digits=12, decimal_places=3)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["corrected_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="purchase_correction_reason_required"
            ),
            models.CheckConstraint(
                condition=Q(new_packages__gt=0), name="purchase_correction_packages_positive"
            ),
            models.CheckConstraint(
                condition=Q(new_price_per_package__gte=0),
                name="purchase_correction_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction of purchase {self.purchase_id} on {self.corrected_at:%Y-%m-%d}"
