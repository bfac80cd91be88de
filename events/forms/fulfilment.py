"""Forms of the fulfilment pages: confirming "Mark delivered" and stepping a status back."""

from __future__ import annotations

from typing import Any

from django import forms

from events.forms.common import submit_helper
from events.models import Assignment, FulfillmentChange

NEXT_MAX_LENGTH = 500  # a longer `next` is no address of ours


class StatusForm(forms.Form):
    """The one-click status buttons post the state they move to; "delivered" also needs
    `confirm` (given by the confirmation page), since the same tap cannot undo it."""

    status = forms.ChoiceField(
        choices=[("ready", "Ready"), ("delivered", "Delivered")], widget=forms.HiddenInput
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=NEXT_MAX_LENGTH, widget=forms.HiddenInput)


class StepBackForm(forms.Form):
    """Why an assignment's status is stepped back; `from_status` is the status the person
    saw, so a step back from a stale page is refused instead of going back twice."""

    reason = forms.CharField(
        label="Why step back?",
        max_length=FulfillmentChange.REASON_MAX_LENGTH,
        help_text="Kept in the assignment's status history.",
        error_messages={"required": "Say why the status is being stepped back."},
    )
    from_status = forms.ChoiceField(choices=Assignment.STATUS_CHOICES, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=NEXT_MAX_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args: Any, submit: str = "Step back", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(submit, css="btn-warning", prefix="step-back")
