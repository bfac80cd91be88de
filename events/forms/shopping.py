"""Forms of the shared shopping checklist: a tick, and ticked lines recorded as purchases.

The record page is one `RecordBoughtForm` (date, supplier and the one-time token, so a
replayed submit records nothing twice) plus a formset of `BoughtLineForm`, one row per
ticked line, each offering only the products of its own ingredient.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone

from bakeplanner.dates import BoundedDateField
from bakeplanner.submissions import OneTimeFormMixin
from bakeplanner.widgets import DateInput

__all__ = ["BoughtLineForm", "BoughtLineFormSet", "RecordBoughtForm", "TickForm"]

CONTROL = {"class": "form-control"}
NUMBER = {"class": "form-control", "step": "any", "inputmode": "decimal"}
MAX_LINES = 200


class TickForm(forms.Form):
    """One tap on a line: `tick=<line>` ticks it, `untick=<line>` unticks it (the list's
    buttons carry one or the other as their name)."""

    tick = forms.CharField(max_length=40, required=False)
    untick = forms.CharField(max_length=40, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tick, untick = data.get("tick"), data.get("untick")
        if bool(tick) == bool(untick):
            raise forms.ValidationError("Tick or untick one line at a time.")
        data["line"] = tick or untick
        data["ticked"] = bool(tick)
        return data


class RecordBoughtForm(OneTimeFormMixin, forms.Form):
    purchased_on = BoundedDateField(
        label="Bought on",
        widget=DateInput(attrs={"type": "date", **CONTROL}, format="%Y-%m-%d"),
    )
    supplier = forms.CharField(
        label="Shop", max_length=120, required=False, widget=forms.TextInput(attrs=CONTROL)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("purchased_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class BoughtLineForm(forms.Form):
    line = forms.CharField(max_length=40, widget=forms.HiddenInput)
    record = forms.BooleanField(
        label="Record",
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    # Required only on a row to record (see `clean`): a row left out may stay blank.
    product_id = forms.TypedChoiceField(
        label="Product",
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    packages = forms.DecimalField(
        label="Packages",
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        required=False,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    price_per_package = forms.DecimalField(
        label="Price per package",
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        required=False,
        widget=forms.NumberInput(attrs=NUMBER),
    )

    def __init__(
        self, *args: Any, products: list[tuple[int, str]], title: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.title = title
        self.fields["product_id"].choices = [("", "—"), *products]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record"):
            for name, message in (
                ("product_id", "Choose the product you bought."),
                ("packages", "Say how many packages you bought."),
                ("price_per_package", "Enter the price per package."),
            ):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, message)
        return data


class _BoughtLineBaseFormSet(forms.BaseFormSet):
    """Each row gets the products and the title of its own line (`lines`, in row order)."""

    def __init__(self, *args: Any, lines: list[dict[str, Any]], **kwargs: Any) -> None:
        self.lines = lines
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.lines):
            line = self.lines[index]
            kwargs["products"] = line["product_choices"]
            kwargs["title"] = line["ingredient_name"]
        else:
            kwargs["products"] = []
        return kwargs


BoughtLineFormSet = cast(
    type[_BoughtLineBaseFormSet],
    forms.formset_factory(
        BoughtLineForm,
        formset=_BoughtLineBaseFormSet,
        extra=0,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    ),
)
