"""Forms of the quick purchase entry: the box of typed lines and the confirm formset.

The confirm page is one `QuickConfirmForm` (the one-time token, so a replayed submit records
nothing twice) plus a formset of `QuickPurchaseRowForm`, one row per proposed purchase.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from bakeplanner.dates import BoundedDateField
from bakeplanner.submissions import OneTimeFormMixin
from bakeplanner.widgets import DateInput, NumberInput, Textarea
from production.forms import set_choices
from production.forms.catalogue import GroupedChoices
from production.quick_entry import MAX_LINE_LENGTH
from production.services.quick_entry import MAX_LINES

__all__ = ["QuickConfirmForm", "QuickEntryForm", "QuickPurchaseFormSet", "QuickPurchaseRowForm"]

CONTROL = {"class": "form-control"}
NUMBER = {"class": "form-control", "step": "any", "inputmode": "decimal"}


class QuickEntryForm(forms.Form):
    lines = forms.CharField(
        label="Quick add",
        max_length=MAX_LINES * (MAX_LINE_LENGTH + 2),
        widget=Textarea,
    )


class QuickConfirmForm(OneTimeFormMixin, forms.Form):
    """Only the one-time token of the confirm page."""


class QuickPurchaseRowForm(forms.Form):
    source = forms.CharField(
        required=False, max_length=MAX_LINE_LENGTH, widget=forms.HiddenInput, strip=True
    )
    product_id = forms.TypedChoiceField(
        label="Product", coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    packages = forms.DecimalField(
        label="Packages",
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        widget=NumberInput(attrs=NUMBER),
    )
    price_per_package = forms.DecimalField(
        label="Price per package",
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        widget=NumberInput(attrs=NUMBER),
    )
    purchased_on = BoundedDateField(
        label="Bought on",
        widget=DateInput(attrs={"type": "date", **CONTROL}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, products: GroupedChoices, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("purchased_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        set_choices(self, "product_id", [("", "—"), *products])


QuickPurchaseFormSet = forms.formset_factory(
    QuickPurchaseRowForm,
    extra=0,
    max_num=MAX_LINES,
    absolute_max=MAX_LINES,
    validate_max=True,
)
