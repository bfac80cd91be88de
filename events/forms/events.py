"""Forms of the event pages: events, assignments and targets."""

from __future__ import annotations

from typing import Any

from django import forms

from bakeplanner.dates import BoundedDateField
from bakeplanner.display import plural
from bakeplanner.widgets import DateInput
from events.forms.common import (
    Choices,
    PageForm,
    choice_field,
    count_field,
    notes_field,
    submit_helper,
)
from events.services.events import NAME_MAX_LENGTH

# --- Events -------------------------------------------------------------------------------


class EventForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX_LENGTH)
    event_date = BoundedDateField(
        label="Date", widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = notes_field()

    def __init__(self, *args: Any, submit: str = "Save event", action: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(submit, action=action)


class EventDeleteForm(forms.Form):
    cascade_assignments = forms.BooleanField(required=False)

    def __init__(self, *args: Any, assignment_count: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cascade_assignments"]
        field.label = f"Also delete its {plural(assignment_count, 'assignment')}"
        if not assignment_count:
            del self.fields["cascade_assignments"]
        self.helper = submit_helper("Delete event", css="btn-danger")


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
        self.fields["recipient"] = choice_field("Recipient", recipients, empty="Choose…")
        self.fields["package"] = choice_field("Package", packages, empty="Choose…")
        self.fields["quantity"] = count_field("Quantity", initial=1)
        self.fields["notes"] = notes_field()
        self.helper = submit_helper("Assign package", action=action, prefix=self.prefix_id)


class AssignmentUpdateForm(forms.Form):
    def __init__(self, *args: Any, packages: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["package"] = choice_field("Package", packages, empty="Choose…")
        self.fields["quantity"] = count_field("Quantity")
        self.fields["notes"] = notes_field()
        self.helper = submit_helper("Save assignment")


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
        self.fields["package"] = choice_field("Package", packages, empty="Choose…")
        self.fields["recipients"] = forms.TypedMultipleChoiceField(
            label="Recipients",
            choices=recipients,
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Tick at least one recipient."},
        )
        self.fields["quantity"] = count_field("Quantity each", initial=1)
        self.fields["notes"] = notes_field()
        self.helper = submit_helper("Assign to all ticked", action=action, prefix=self.prefix_id)


# --- Targets ------------------------------------------------------------------------------


class TargetForm(PageForm):
    """A target for one item: which item, how many, notes. Subclasses name the fields."""

    item_name = ""
    item_label = ""
    count_name = ""
    count_label = ""
    submit = ""

    def __init__(self, *args: Any, choices: Choices, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.item_name] = choice_field(self.item_label, choices, empty="Choose…")
        self.fields[self.count_name] = count_field(self.count_label)
        self.fields["notes"] = notes_field()
        self.helper = submit_helper(self.submit, action=action, prefix=self.prefix_id)


class ProductionTargetForm(TargetForm):
    item_name, item_label = "recipe", "Recipe"
    count_name, count_label = "target_batches", "Target batches"
    submit = "Save baking target"


class AssemblyTargetForm(TargetForm):
    item_name, item_label = "finished_good", "Gift box"
    count_name, count_label = "target_quantity", "Target gift boxes"
    submit = "Save packing target"
