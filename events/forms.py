"""Forms for events, assignments, targets, recipients and packages.

Forms validate and normalise; views pass `cleaned_data` to the services. Choice lists
(recipients, packages, recipes, finished goods) are read by the view inside its unit of work
and handed in, so a form never queries the database itself.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from bakeplanner.dates import BoundedDateField
from bakeplanner.submissions import OneTimeFormMixin
from events.services.events import MAX_COUNT, NAME_MAX_LENGTH, TEXT_MAX_LENGTH

Choices = list[tuple[int, str]]


def _helper(
    submit: str, *, action: str = "", css: str = "btn-primary", prefix: str = ""
) -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    if action:
        helper.form_action = action
    button = Submit("submit", submit, css_id=f"{prefix or 'form'}-submit")
    button.field_classes = f"btn {css} btn-touch"
    helper.add_input(button)
    return helper


class PageForm(forms.Form):
    """A form that may share a page with others: `prefix_id` keeps its element ids (and so
    its labels) distinct without changing the names it posts."""

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        if prefix_id:
            kwargs.setdefault("auto_id", f"{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.prefix_id = prefix_id


def _count_field(label: str, *, initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_COUNT, initial=initial)


def _notes_field(label: str = "Notes") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,  # text is stored as given
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _choice_field(label: str, choices: Choices, *, empty: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=[("", empty), *choices], coerce=int, empty_value=None
    )


# --- Events -------------------------------------------------------------------------------


class EventForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX_LENGTH)
    event_date = BoundedDateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = _notes_field()

    def __init__(self, *args: Any, submit: str = "Save event", action: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit, action=action)


class EventDeleteForm(forms.Form):
    cascade_assignments = forms.BooleanField(required=False)

    def __init__(self, *args: Any, assignment_count: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cascade_assignments"]
        field.label = f"Also delete its {assignment_count} assignment(s)"
        if not assignment_count:
            del self.fields["cascade_assignments"]
        self.helper = _helper("Delete event", css="btn-danger")


# --- Assignments --------------------------------------------------------------------------


class AssignmentForm(PageForm):
    """Give one recipient a package at an event."""

    def __init__(
        self,
        *args: Any,
        recipients: Choices,
        packages: Choices,
        action: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"] = _choice_field("Recipient", recipients, empty="Choose…")
        self.fields["package"] = _choice_field("Package", packages, empty="Choose…")
        self.fields["quantity"] = _count_field("Quantity", initial=1)
        self.fields["notes"] = _notes_field()
        self.helper = _helper("Assign package", action=action, prefix=self.prefix_id)


class AssignmentUpdateForm(forms.Form):
    def __init__(self, *args: Any, packages: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package"] = _choice_field("Package", packages, empty="Choose…")
        self.fields["quantity"] = _count_field("Quantity")
        self.fields["notes"] = _notes_field()
        self.helper = _helper("Save assignment")


class BulkAssignmentForm(PageForm):
    """One package to many recipients at once (all or nothing)."""

    def __init__(
        self,
        *args: Any,
        recipients: Choices,
        packages: Choices,
        action: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package"] = _choice_field("Package", packages, empty="Choose…")
        self.fields["recipients"] = forms.TypedMultipleChoiceField(
            label="Recipients",
            choices=recipients,
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Tick at least one recipient."},
        )
        self.fields["quantity"] = _count_field("Quantity each", initial=1)
        self.fields["notes"] = _notes_field()
        self.helper = _helper("Assign to all ticked", action=action, prefix=self.prefix_id)


class StatusForm(forms.Form):
    """The one-click status buttons post the state they move to."""

    status = forms.ChoiceField(
        choices=[("ready", "Ready"), ("delivered", "Delivered")], widget=forms.HiddenInput
    )


# --- Targets ------------------------------------------------------------------------------


class ProductionTargetForm(PageForm):
    def __init__(self, *args: Any, recipes: Choices, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipe"] = _choice_field("Recipe", recipes, empty="Choose…")
        self.fields["target_batches"] = _count_field("Target batches")
        self.fields["notes"] = _notes_field()
        self.helper = _helper("Save production target", action=action, prefix=self.prefix_id)


class AssemblyTargetForm(PageForm):
    def __init__(self, *args: Any, goods: Choices, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finished_good"] = _choice_field("Box or tin", goods, empty="Choose…")
        self.fields["target_quantity"] = _count_field("Target quantity")
        self.fields["notes"] = _notes_field()
        self.helper = _helper("Save assembly target", action=action, prefix=self.prefix_id)


# --- Recipients ---------------------------------------------------------------------------


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
    notes = _notes_field()
    active = forms.BooleanField(
        label="Active (inactive recipients keep their history but get no new packages)",
        required=False,
    )

    def __init__(self, *args: Any, with_active: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_active:
            del self.fields["active"]
        self.helper = _helper("Save recipient")


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


# --- Packages -----------------------------------------------------------------------------


class PackageForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX_LENGTH)
    notes = _notes_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save package")


class PackageItemForm(PageForm):
    def __init__(self, *args: Any, goods: Choices, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finished_good"] = _choice_field("Box or tin", goods, empty="Choose…")
        self.fields["quantity"] = _count_field("Quantity", initial=1)
        self.helper = _helper("Add to package", action=action, prefix=self.prefix_id)


class PackageItemQuantityForm(forms.Form):
    quantity = _count_field("Quantity")

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save quantity", action=action)
