"""What the events forms share: the submit button, page-unique ids, the count, notes and
choice fields.

Forms validate and normalise; views pass `cleaned_data` to the services. Choice lists
(recipients, packages, recipes, finished goods) are read by the view inside its unit of work
and handed in, so a form never queries the database itself.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from events.services.events import MAX_COUNT, TEXT_MAX_LENGTH

Choices = list[tuple[int, str]]


def submit_helper(
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


def count_field(label: str, *, initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=MAX_COUNT, initial=initial)


def notes_field(label: str = "Notes") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,  # text is stored as given
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def choice_field(label: str, choices: Choices, *, empty: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=[("", empty), *choices], coerce=int, empty_value=None
    )
