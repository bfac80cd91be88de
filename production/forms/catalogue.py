"""Forms for the catalogue and stock pages.

Forms validate and normalise (typed `Decimal`, `date`, `int` values); the views pass
`cleaned_data` to the services, which hold the rules. Choice lists (ingredients, products,
recipes, items) are read by the view inside its unit of work and handed in, so a form never
queries the database itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from bakeplanner.dates import BoundedDateField
from bakeplanner.params import whole_number_or_none
from bakeplanner.submissions import OneTimeFormMixin
from bakeplanner.units import FAMILY_CHOICES, UNIT_CHOICES
from bakeplanner.widgets import DateInput
from production.allergens import ALLERGEN_CHOICES
from production.forms import set_choices
from production.models import FinishedGoodComponent, Ingredient, StockAdjustment

Choices = list[tuple[Any, str]]
# [(group label, [(value, label), …]), …] renders as <optgroup>s.
GroupedChoices = list[tuple[str, Choices]]

UNIT_HELP = "Any unit that converts to the ingredient's stock unit."


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    button = Submit("submit", label)
    button.field_classes = "btn btn-primary btn-touch"
    helper.add_input(button)
    return helper


def _quantity_field(label: str, *, max_digits: int = 14, places: int = 4, **kwargs: Any) -> Any:
    return forms.DecimalField(
        label=label,
        max_digits=max_digits,
        decimal_places=places,
        min_value=Decimal(1).scaleb(-places),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        **kwargs,
    )


def _notes_field(label: str = "Notes", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        **kwargs,
    )


class CatalogueForm(forms.Form):
    """Base: a crispy helper with one submit button."""

    submit_label = "Save"

    def __init__(self, *args: Any, submit_label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or self.submit_label)


# --- Ingredients and products ---------------------------------------------------------------


class IngredientForm(CatalogueForm):
    name = forms.CharField(label="Name", max_length=120)
    kind = forms.ChoiceField(
        label="Kind",
        choices=Ingredient.KIND_CHOICES,
        help_text="Packaging supplies are what gift boxes are made of (bags, tins, ribbon).",
    )
    stock_family = forms.ChoiceField(
        label="Stock kept by",
        choices=FAMILY_CHOICES,
        help_text="Weight is kept in g, volume in ml, count in each.",
    )
    density_g_per_cup = forms.DecimalField(
        label="Density (grams per cup)",
        required=False,
        max_digits=10,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        help_text="Optional: lets recipes measure a weighed ingredient in cups (flour: 120).",
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    category = forms.CharField(label="Category", max_length=80, required=False)
    notes = _notes_field()

    def __init__(self, *args: Any, with_allergens: bool = False, **kwargs: Any) -> None:
        """`with_allergens` adds the two allergen lists; the page passes them to
        `set_ingredient_allergens` (docs/allergens-and-freshness.md, "Allergens")."""
        super().__init__(*args, **kwargs)
        if with_allergens:
            self.fields["contains"] = allergen_field("Contains")
            self.fields["may_contain"] = allergen_field(
                "May contain", help_text="Traces, for example from a shared factory line."
            )


def allergen_field(label: str, *, help_text: str = "") -> forms.MultipleChoiceField:
    """Checkboxes for the fixed allergen list, labelled in plain words."""
    return forms.MultipleChoiceField(
        label=label,
        choices=ALLERGEN_CHOICES,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
    )


class ProductForm(CatalogueForm):
    brand = forms.CharField(label="Brand", max_length=80, required=False)
    name = forms.CharField(label="Product name", max_length=120, required=False)
    package_quantity = _quantity_field("Package size")
    package_unit = forms.ChoiceField(
        label="Package unit", choices=UNIT_CHOICES, help_text=UNIT_HELP
    )
    preferred = forms.BooleanField(
        label="Preferred product (the one the shopping list suggests)", required=False
    )
    notes = _notes_field()

    def __init__(self, *args: Any, ingredients: Choices | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if ingredients is not None:
            self.fields = {
                "ingredient_id": forms.TypedChoiceField(
                    label="Ingredient", choices=[("", "—"), *ingredients], coerce=int
                ),
                **self.fields,
            }


# --- Purchases and inventory ------------------------------------------------------------------


class PurchaseForm(OneTimeFormMixin, CatalogueForm):
    submit_label = "Record purchase"

    product_id = forms.TypedChoiceField(
        label="Product", coerce=int, help_text="Grouped by ingredient."
    )
    purchased_on = BoundedDateField(
        label="Bought on", widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    packages = _quantity_field("Packages bought", max_digits=12, places=3, initial=1)
    price_per_package = forms.DecimalField(
        label="Price per package",
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    supplier = forms.CharField(label="Supplier", max_length=120, required=False)
    notes = _notes_field()

    def __init__(self, *args: Any, products: GroupedChoices, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("purchased_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        set_choices(self, "product_id", [("", "—"), *products])


class DepletionForm(OneTimeFormMixin, CatalogueForm):
    submit_label = "Take out of stock"

    ingredient_id = forms.TypedChoiceField(label="Ingredient", coerce=int)
    quantity = _quantity_field("Quantity")
    unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, help_text=UNIT_HELP)
    reason = forms.ChoiceField(label="Reason", choices=StockAdjustment.REASON_CHOICES)
    notes = _notes_field(help_text="Required for a correction or other.")

    def __init__(self, *args: Any, ingredients: GroupedChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "ingredient_id", [("", "—"), *ingredients])


class StockAdjustmentForm(OneTimeFormMixin, CatalogueForm):
    submit_label = "Adjust stock"

    change = forms.IntegerField(
        label="Change (+ adds, − removes)",
        min_value=-1_000_000,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.ChoiceField(label="Reason", choices=StockAdjustment.REASON_CHOICES)
    notes = _notes_field(help_text="Required for a correction or other.")


# --- Recipes ----------------------------------------------------------------------------------


class RecipeForm(CatalogueForm):
    name = forms.CharField(label="Name", max_length=120)
    category = forms.CharField(label="Category", max_length=80, required=False)
    notes = _notes_field()


class RecipeEditForm(RecipeForm):
    archived = forms.BooleanField(label="Archived (hidden from lists and pickers)", required=False)


class RecipeLineForm(OneTimeFormMixin, CatalogueForm):
    ingredient_id = forms.TypedChoiceField(label="Ingredient", coerce=int)
    quantity = _quantity_field("Quantity")
    unit = forms.ChoiceField(label="Unit", choices=UNIT_CHOICES, help_text=UNIT_HELP)
    notes = forms.CharField(label="Notes", max_length=200, required=False)

    def __init__(self, *args: Any, ingredients: GroupedChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "ingredient_id", [("", "—"), *ingredients])


class RecipeComponentForm(CatalogueForm):
    submit_label = "Add sub-recipe"

    component_recipe_id = forms.TypedChoiceField(label="Sub-recipe", coerce=int)
    batches = forms.DecimalField(
        label="Batches of it per batch of this recipe",
        max_digits=10,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        initial=1,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, recipes: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "component_recipe_id", [("", "—"), *recipes])


class RecipeComponentEditForm(CatalogueForm):
    batches = RecipeComponentForm.base_fields["batches"]


class FinishedUnitForm(CatalogueForm):
    name = forms.CharField(label="Name", max_length=120, help_text="e.g. Large cookie")
    items_per_batch = forms.IntegerField(
        label="Items per batch",
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    item_unit = forms.CharField(
        label="Item label", max_length=40, required=False, help_text="e.g. cookie, slice, loaf"
    )

    def __init__(self, *args: Any, with_shelf_life: bool = False, **kwargs: Any) -> None:
        """`with_shelf_life` adds the shelf-life fields; the page passes them to
        `set_shelf_life` (docs/allergens-and-freshness.md, "Freshness")."""
        super().__init__(*args, **kwargs)
        if with_shelf_life:
            self.fields["shelf_life_days"] = forms.IntegerField(
                label="Keeps fresh for (days)",
                required=False,
                min_value=1,
                max_value=365,
                help_text="Leave empty when you do not know; the plan then shows no window.",
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields["frozen_shelf_life_days"] = forms.IntegerField(
                label="Keeps frozen for (days)",
                required=False,
                min_value=1,
                max_value=730,
                help_text="Only if it keeps in the freezer.",
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )


# --- Finished goods -------------------------------------------------------------------------


class FinishedGoodForm(CatalogueForm):
    name = forms.CharField(label="Name", max_length=120)
    description = _notes_field("Description")


class ComponentForm(CatalogueForm):
    """One picker for all three kinds: values are `kind:id`."""

    submit_label = "Add to the gift box"

    item = forms.ChoiceField(label="Item")
    quantity = _quantity_field(
        "Quantity",
        help_text=(
            "Whole numbers for baked items and nested gift boxes; "
            "packaging supplies in their stock unit."
        ),
    )

    def __init__(self, *args: Any, items: GroupedChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "item", [("", "—"), *items])

    def clean_item(self) -> tuple[str, int]:
        kind, _, pk = self.cleaned_data["item"].partition(":")
        kinds = {c for c, _ in FinishedGoodComponent.TYPE_CHOICES}
        item_id = whole_number_or_none(pk)
        if kind not in kinds or item_id is None:
            raise forms.ValidationError("Pick an item from the list.")
        return kind, item_id


class ComponentEditForm(CatalogueForm):
    quantity = ComponentForm.base_fields["quantity"]
