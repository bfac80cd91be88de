"""Forms of the recipient pages: edit, create (once per token), search, active switch."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from bakeplanner.submissions import OneTimeFormMixin
from events.forms.common import notes_field, submit_helper
from events.services.events import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from production.allergens import ALLERGEN_CHOICES


class RecipientForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX_LENGTH)
    household_name = forms.CharField(
        label="Household or family name", max_length=NAME_MAX_LENGTH, required=False
    )
    address = forms.CharField(
        label="Address",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = notes_field()
    active = forms.BooleanField(
        label="Active (inactive recipients keep their history but get no new packages)",
        required=False,
    )

    def __init__(
        self, *args: Any, with_active: bool = False, with_avoids: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_active:
            del self.fields["active"]
        if with_avoids:
            # Passed to `set_recipient_avoids` by the page (docs/allergens-and-freshness.md).
            self.fields["avoids"] = forms.MultipleChoiceField(
                label="Avoids",
                choices=ALLERGEN_CHOICES,
                required=False,
                help_text="Assigning a package that contains one of these shows a warning.",
                widget=forms.CheckboxSelectMultiple,
            )
        self.helper = submit_helper("Save recipient")


class RecipientCreateForm(OneTimeFormMixin, RecipientForm):
    """A new recipient: the one-time token keeps a double tap from adding two."""


class RecipientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, family, address"}),
    )
    inactive = forms.BooleanField(label="Include inactive", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-sm-auto g-2 align-items-end"
        self.helper.field_class = ""
        self.helper.disable_csrf = True
        button = Submit("", "Search", css_id="search-submit")  # no name: not sent with the query
        button.field_classes = "btn btn-outline-primary btn-touch"
        self.helper.add_input(button)


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("1", "Active"), ("0", "Inactive")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
