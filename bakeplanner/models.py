"""Households and membership: the owner of every other row."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from bakeplanner.display import DEFAULT_LOCALE, LOCALE_CHOICES, METRIC, UNIT_SYSTEM_CHOICES


class Household(models.Model):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    # How pages show figures (docs/units-and-locale.md); set through
    # `bakeplanner.households.set_household_preferences`. The defaults keep the pages as
    # they were before households could choose; they are database defaults too, so a row
    # written without these columns (older code, a data migration's historical model) gets
    # them as well.
    unit_system = models.CharField(
        max_length=10, choices=UNIT_SYSTEM_CHOICES, default=METRIC, db_default=METRIC
    )
    locale = models.CharField(
        max_length=10, choices=LOCALE_CHOICES, default=DEFAULT_LOCALE, db_default=DEFAULT_LOCALE
    )
    # An IANA zone name; empty follows the installation's TIME_ZONE setting.
    time_zone = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="household_name_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(unit_system__in=["metric", "us"]),
                name="household_unit_system_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    MEMBER = "member"
    VIEWER = "viewer"
    ROLE_CHOICES = [(MEMBER, "Member"), (VIEWER, "Viewer (read only)")]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=ROLE_CHOICES, default=MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "viewer"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.household} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role == self.MEMBER


class HouseholdOwned(models.Model):
    """Abstract base: every household-owned table has a `household` foreign key."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by the unit of work that saved the form.

    A second POST with the same token (a double tap, a resent request) finds the row and is
    shown what the first one made instead of making it again (docs/security.md,
    "Double submits").
    """

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    claim = models.CharField(max_length=32)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"submission {self.token[:8]} -> {self.result_url or '(pending)'}"
