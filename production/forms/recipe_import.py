"""Forms of the recipe import (docs/recipe-import.md): the page to read, then the preview.

The preview is one `RecipeImportForm` (title, category, the page's address and yield, the
baked item, the one-time token) plus a formset of `ImportLineForm`, one per ingredient line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from bakeplanner.errors import ValidationFailed
from bakeplanner.submissions import OneTimeFormMixin
from bakeplanner.units import UNIT_CHOICES
from production.forms import set_choices
from production.forms.catalogue import GroupedChoices
from production.recipe_import import (
    MAX_LINE_LENGTH,
    MAX_LINES,
    MAX_SOURCE_BYTES,
    decode_source,
)
from production.services.recipes import MAX_ITEMS_PER_BATCH

__all__ = ["ImportLineForm", "ImportLineFormSet", "RecipeImportForm", "RecipeSourceForm"]

CONTROL = {"class": "form-control"}
NUMBER = {"class": "form-control", "step": "any", "inputmode": "decimal"}
LEAVE_OUT = ""
NEW = "new"


class RecipeSourceForm(forms.Form):
    """A saved page (file) or its pasted source; exactly one of them."""

    page = forms.FileField(
        label="Saved recipe page (.html) or JSON-LD (.json)",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".html,.htm,.json,text/html"}
        ),
    )
    source = forms.CharField(
        label="…or paste the page's source or its JSON-LD",
        required=False,
        strip=False,
        max_length=MAX_SOURCE_BYTES,
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 6}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("page")
        pasted = data.get("source") or ""
        if upload and pasted.strip():
            raise forms.ValidationError("Upload a file or paste the source, not both.")
        if upload:
            try:
                data["text"] = decode_source(upload.read(MAX_SOURCE_BYTES + 1))
            except ValidationFailed as exc:
                raise forms.ValidationError(str(exc)) from None
        elif pasted.strip():
            data["text"] = pasted
        elif not self.errors:
            raise forms.ValidationError("Upload a saved recipe page or paste its source.")
        return data


class RecipeImportForm(OneTimeFormMixin, forms.Form):
    name = forms.CharField(label="Recipe name", max_length=120, widget=forms.TextInput(CONTROL))
    category = forms.CharField(
        label="Category", max_length=80, required=False, widget=forms.TextInput(CONTROL)
    )
    address = forms.URLField(
        required=False, max_length=500, assume_scheme="https", widget=forms.HiddenInput
    )
    yields_text = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    make_item = forms.BooleanField(
        label="Add the baked item it makes",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    item_name = forms.CharField(
        label="Baked item", max_length=120, required=False, widget=forms.TextInput(CONTROL)
    )
    items_per_batch = forms.IntegerField(
        label="Items per batch",
        min_value=1,
        max_value=MAX_ITEMS_PER_BATCH,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    item_unit = forms.CharField(
        label="Item unit",
        max_length=40,
        required=False,
        help_text="What one item is called: cookie, slice, serving.",
        widget=forms.TextInput(CONTROL),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("make_item"):
            if not (data.get("item_name") or "").strip():
                self.add_error("item_name", "Name the baked item, or untick the box.")
            if not data.get("items_per_batch") and "items_per_batch" not in self.errors:
                self.add_error("items_per_batch", "How many does one batch make?")
        return data


class ImportLineForm(forms.Form):
    source = forms.CharField(
        required=False, max_length=MAX_LINE_LENGTH, widget=forms.HiddenInput, strip=True
    )
    # Why the line could not be read as it stands, kept for the page when it is shown again.
    problem = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    ingredient = forms.ChoiceField(
        label="Ingredient", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    new_name = forms.CharField(
        label="New ingredient's name",
        max_length=120,
        required=False,
        widget=forms.TextInput(CONTROL),
    )
    quantity = forms.DecimalField(
        label="Quantity",
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        required=False,
        widget=forms.NumberInput(attrs=NUMBER),
    )
    unit = forms.ChoiceField(
        label="Unit",
        required=False,
        choices=[("", "—"), *UNIT_CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    notes = forms.CharField(
        label="Notes", max_length=200, required=False, widget=forms.TextInput(CONTROL)
    )

    def __init__(self, *args: Any, ingredients: GroupedChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "ingredient",
            [
                (LEAVE_OUT, "Leave this line out"),
                (NEW, "New ingredient (name below)"),
                *[(label, [(str(pk), name) for pk, name in group]) for label, group in ingredients],
            ],
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        choice = data.get("ingredient")
        if not choice:  # left out: nothing else on the line matters
            for name in ("quantity", "unit", "new_name"):
                self.errors.pop(name, None)
            return data
        if choice == NEW:
            if not (data.get("new_name") or "").strip():
                self.add_error("new_name", "Name the new ingredient, or choose one above.")
            data["ingredient_id"] = None
        else:
            data["ingredient_id"] = int(choice)
        if data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", "Enter a quantity, or leave the line out.")
        if not data.get("unit"):
            self.add_error("unit", "Choose a unit, or leave the line out.")
        return data


ImportLineFormSet = forms.formset_factory(
    ImportLineForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES, validate_max=True
)
