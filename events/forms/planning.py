"""Forms of the planning pages: apply suggested targets, shopping list options."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms


class ApplySuggestedTargetsForm(forms.Form):
    """A confirmation with no fields: the targets come from the demand engine."""

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_class = "d-print-none"
        self.helper.add_input(
            Submit("apply", "Apply suggested targets", css_class="btn-primary btn-touch")
        )


class ShoppingListOptionsForm(forms.Form):
    """What the shopping list shows (a GET form, so the page can be bookmarked)."""

    include_packaging = forms.TypedChoiceField(
        label="Packaging supplies",
        choices=[("1", "Include packaging supplies"), ("0", "Ingredients only")],
        coerce=lambda value: value == "1",
        initial="1",
    )
    # Kept across a change of the packaging choice; the page's link toggles it.
    all = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action
        self.helper.form_class = "d-print-none row row-cols-sm-auto g-2 align-items-end mb-3"
        self.helper.add_input(Submit("show", "Show", css_class="btn-touch"))

    def include(self) -> bool:
        """The chosen option; the default (packaging included) when unbound or invalid."""
        if self.is_bound and self.is_valid():
            return bool(self.cleaned_data["include_packaging"])
        return True
