"""The purchase correction form (docs/design.md, "Corrections").

The form only normalises what was typed; `correct_purchase` decides whether the correction
is allowed. An empty price or package count means "keep what the purchase says".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class CorrectPurchaseForm(forms.Form):
    price_per_package = forms.DecimalField(
        label="Right price per package",
        required=False,
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text="Leave empty to keep the price.",
    )
    packages = forms.DecimalField(
        label="Right number of packages",
        required=False,
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text="Leave empty to keep the count. It cannot go below what has been used.",
    )
    reason = forms.CharField(
        label="Why",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the correction, for example “the receipt says 4.50”.",
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        button = Submit("submit", "Show what this changes")
        button.field_classes = "btn btn-primary btn-touch"
        self.helper.add_input(button)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("price_per_package") is None and data.get("packages") is None:
            raise forms.ValidationError("Enter the right price per package or number of packages.")
        return data
