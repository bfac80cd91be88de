"""Events, recipients, packages, assignments and targets.

See docs/design.md, "Events, recipients and packages".
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bakeplanner.dates import validate_in_range
from bakeplanner.errors import ValidationFailed
from bakeplanner.fields import TimeStamped
from bakeplanner.models import HouseholdOwned
from bakeplanner.names import NameKeyed
from production.allergens import clean_allergen_codes
from production.models import FinishedGood, Ingredient, Purchase, Recipe


class Event(NameKeyed, HouseholdOwned, TimeStamped):
    name = models.CharField(max_length=120)
    event_date = models.DateField(validators=[validate_in_range])
    slug = models.SlugField(max_length=140)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-event_date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "name_key"],
                name="event_name_key_unique",
                violation_error_message="An event with this name already exists.",
            ),
            models.UniqueConstraint(fields=["household", "slug"], name="event_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def year(self) -> int:
        """Derived from the date, never stored."""
        return self.event_date.year


class Recipient(HouseholdOwned, TimeStamped):
    name = models.CharField(max_length=120)
    household_name = models.CharField("household or family name", max_length=120, blank=True)
    address = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    # Allergen codes (production.allergens) the recipient must not be given; set through
    # `set_recipient_avoids` (docs/allergens-and-freshness.md, "Recipients who avoid").
    avoids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        try:
            clean_allergen_codes(self.avoids, field="avoids")
        except ValidationFailed as exc:
            raise ValidationError({"avoids": exc.message}) from None


class Package(NameKeyed, HouseholdOwned, TimeStamped):
    """What one recipient receives."""

    name = models.CharField(max_length=120)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "name_key"],
                name="package_name_key_unique",
                violation_error_message="A package with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PackageItem(HouseholdOwned, TimeStamped):
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="items")
    finished_good = models.ForeignKey(
        FinishedGood, on_delete=models.PROTECT, related_name="package_items"
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["package", "finished_good"], name="package_item_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="package_item_positive"),
        ]


class Assignment(HouseholdOwned, TimeStamped):
    """A recipient receives `quantity` of a package at an event."""

    PENDING = "pending"
    READY = "ready"
    DELIVERED = "delivered"
    STATUS_CHOICES = [(PENDING, "Pending"), (READY, "Ready"), (DELIVERED, "Delivered")]
    # Forward only, no skipping; delivered is final.
    NEXT_STATUS = {PENDING: READY, READY: DELIVERED, DELIVERED: None}

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="assignments")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="assignments")
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="assignments")
    quantity = models.PositiveIntegerField(default=1)
    notes = models.TextField(blank=True)
    fulfillment_status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)

    class Meta:
        ordering = ["recipient__name", "package__name", "id"]
        # An event's package counts and fulfilment counts are read from this index alone
        # (docs/performance.md, "What keeps a page fast").
        indexes = [
            models.Index(
                fields=["household", "event", "package", "fulfillment_status", "quantity"],
                name="assignment_event_rollup",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "package"], name="assignment_unique_triple"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="assignment_quantity_min1"),
            models.CheckConstraint(
                condition=Q(fulfillment_status__in=["pending", "ready", "delivered"]),
                name="assignment_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} × {self.package_id} at {self.event_id}"


class FulfillmentChange(HouseholdOwned):
    """One move of an assignment's status, forward or a step back: who, when, why.

    Written by the fulfilment services only, so an assignment's history is complete.
    """

    REASON_MAX_LENGTH = 500

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="fulfillment_changes"
    )
    from_status = models.CharField(max_length=10, choices=Assignment.STATUS_CHOICES)
    to_status = models.CharField(max_length=10, choices=Assignment.STATUS_CHOICES)
    # Required for a step back, empty for a forward move.
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["assignment", "changed_at"], name="fulfillment_change_history")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=["pending", "ready", "delivered"])
                & Q(to_status__in=["pending", "ready", "delivered"])
                & ~Q(from_status=models.F("to_status")),
                name="fulfillment_change_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"assignment {self.assignment_id}: {self.from_status} → {self.to_status}"


class ProductionTarget(HouseholdOwned, TimeStamped):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="production_targets")
    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="+")
    target_batches = models.PositiveIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["recipe__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipe"], name="production_target_once"),
            models.CheckConstraint(
                condition=Q(target_batches__gt=0), name="production_target_positive"
            ),
        ]


class AssemblyTarget(HouseholdOwned, TimeStamped):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assembly_targets")
    finished_good = models.ForeignKey(FinishedGood, on_delete=models.PROTECT, related_name="+")
    target_quantity = models.PositiveIntegerField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["finished_good__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "finished_good"], name="assembly_target_once"),
            models.CheckConstraint(
                condition=Q(target_quantity__gt=0), name="assembly_target_positive"
            ),
        ]


class ShoppingTick(HouseholdOwned):
    """A line of an event's shopping list ticked off in the shop, shared by the household.

    One row per (event, ingredient, kind of line): ticking twice keeps the first tick.
    `purchase` is set when the ticked line was recorded as a purchase from the list
    (docs/design.md, "Shopping list").
    """

    INGREDIENT = "ingredient"
    PACKAGING = "packaging"
    KIND_CHOICES = [(INGREDIENT, "Ingredient"), (PACKAGING, "Packaging supplies")]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shopping_ticks")
    ingredient = models.ForeignKey(Ingredient, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=KIND_CHOICES)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticked_at = models.DateTimeField(default=timezone.now)
    purchase = models.ForeignKey(
        Purchase, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["ticked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "ingredient", "kind"], name="shopping_tick_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["ingredient", "packaging"]), name="shopping_tick_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ingredient_id} ticked for event {self.event_id}"


class ImportedRecord(HouseholdOwned):
    """A row brought in from another application's export, by that file's own key.

    Importing the same file again finds its rows here and leaves them alone
    (docs/import-baketracker.md, "Importing twice").
    """

    source = models.CharField(max_length=40)
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=300)
    object_id = models.PositiveBigIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "source", "kind", "key"], name="imported_record_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.key} -> {self.object_id}"
