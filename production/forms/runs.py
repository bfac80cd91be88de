"""Forms for recording, filtering and undoing production and assembly runs.

Forms validate and normalise; views pass `cleaned_data` to the services. Choice lists
(finished units grouped by recipe, goods, events) are read by the view inside its unit of
work and handed in, so a form never queries the database itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms

from bakeplanner.dates import BoundedDateField, BoundedDateTimeField
from bakeplanner.display import plural
from bakeplanner.submissions import TOKEN_FIELD, OneTimeFormMixin
from bakeplanner.widgets import DateInput, DateTimeInput, LongSelect, NumberInput, Textarea
from production.forms import set_choices
from production.models import ProductionRun
from production.services.assembly import MAX_ASSEMBLY_QUANTITY
from production.services.run_inputs import MAX_BATCHES, MAX_SCALE, expected_yield_for

# [(group label, [(id, label), …]), …] renders as <optgroup>s.
GroupedChoices = list[tuple[str, list[tuple[int, str]]]]
Choices = list[tuple[int, str]]

TEXT_MAX_LENGTH = 2000


def _notes_field(label: str = "Notes", *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,  # text is stored as given
        help_text=help_text,
        widget=Textarea(attrs={"rows": 2}),
    )


def _when_field(label: str) -> BoundedDateTimeField:
    return BoundedDateTimeField(
        label=label,
        required=False,
        help_text="Leave empty for now.",
        widget=DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _event_field(events: GroupedChoices) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Event",
        required=False,
        choices=[("", "No event (stock for later)"), *events],
        widget=LongSelect,
        coerce=int,
        empty_value=None,
        help_text="Optional: the event this counts towards.",
    )


def _submit_helper(label: str, *, check_url: str = "") -> FormHelper:
    helper = FormHelper()
    helper.form_method = "post"
    helper.form_id = "run-form"
    helper.attrs = {}
    if check_url:
        # static/js/run_check.js asks this URL whether the stock covers the inputs.
        helper.attrs["data-check-url"] = check_url
    helper.add_input(Submit("submit", label, css_class="btn-primary btn-lg btn-touch"))
    return helper


class ProductionRunForm(OneTimeFormMixin):
    finished_unit = forms.TypedChoiceField(
        label="What did you bake?",
        widget=LongSelect,
        coerce=int,
        empty_value=None,
        help_text="Grouped by recipe.",
    )
    num_batches = forms.IntegerField(
        label="Batches",
        min_value=1,
        max_value=MAX_BATCHES,
        initial=1,
        widget=NumberInput(attrs={"inputmode": "numeric"}),
    )
    scale = forms.DecimalField(
        label="Scale",
        min_value=Decimal("0.001"),
        max_value=MAX_SCALE,
        max_digits=8,
        decimal_places=3,
        initial=Decimal("1"),
        help_text="1 = the recipe as written; 0.5 = a half batch.",
        widget=NumberInput(attrs={"inputmode": "decimal", "step": "0.001"}),
    )
    actual_yield = forms.IntegerField(
        label="How many came out?",
        required=False,
        min_value=0,
        help_text="Leave empty if everything came out (the expected yield).",
        widget=NumberInput(attrs={"inputmode": "numeric"}),
    )
    loss_category = forms.ChoiceField(
        label="What happened to the rest?",
        required=False,
        choices=[("", "Nothing lost"), *ProductionRun.LOSS_CHOICES],
        widget=LongSelect,
    )
    loss_notes = _notes_field("Loss notes")
    event = forms.TypedChoiceField(coerce=int, required=False)  # replaced in __init__
    produced_at = _when_field("Baked at")
    notes = _notes_field()

    def __init__(
        self,
        *args: Any,
        units: GroupedChoices,
        items_per_batch: dict[int, int],
        events: GroupedChoices,
        check_url: str = "",
        suggest_url: str = "",
        event_chosen: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items_per_batch = items_per_batch
        set_choices(self, "finished_unit", [("", "Choose a baked item…"), *units])
        self.fields["event"] = _event_field(events)
        self.helper = _submit_helper("Record baking", check_url=check_url)
        if suggest_url:
            self.fields["event"].help_text = (
                "Choosing a baked item chooses the nearest upcoming event that still needs it; "
                "choose “No event (stock for later)” to keep it as stock."
            )
            # static/js/run_event.js asks this URL for the event a chosen baked item counts
            # towards, unless an event was chosen by hand (or came with the link).
            self.helper.attrs["data-suggest-url"] = suggest_url
            self.helper.attrs["data-event-chosen"] = "1" if event_chosen or self.is_bound else "0"
        self.helper.layout = Layout(
            Fieldset(
                "",
                Field("finished_unit", css_class="form-select-lg"),
                Div(
                    Div("num_batches", css_class="col-6"),
                    Div("scale", css_class="col-6"),
                    css_class="row",
                ),
                "actual_yield",
            ),
            HTML('{% include "production/production_run_check_panel.html" %}'),
            Fieldset("", "loss_category", "loss_notes"),
            Fieldset("", "event", "produced_at", "notes"),
            TOKEN_FIELD,
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        unit_id = data.get("finished_unit")
        batches, scale = data.get("num_batches"), data.get("scale")
        if unit_id is None or batches is None or scale is None:
            return data
        expected = expected_yield_for(self.items_per_batch[unit_id], batches, scale)
        data["expected_yield"] = expected
        if data.get("actual_yield") is None:
            data["actual_yield"] = expected
        elif data["actual_yield"] > expected:
            self.add_error(
                "actual_yield",
                f"At most {expected} can come out of {plural(batches, 'batch', 'batches')} "
                f"at scale {scale.normalize():f}.",
            )
        return data


class AssemblyRunForm(OneTimeFormMixin):
    finished_good = forms.TypedChoiceField(
        label="Which gift box did you make?", coerce=int, empty_value=None, widget=LongSelect
    )
    quantity = forms.IntegerField(
        label="How many?",
        min_value=1,
        max_value=MAX_ASSEMBLY_QUANTITY,
        initial=1,
        widget=NumberInput(attrs={"inputmode": "numeric"}),
    )
    event = forms.TypedChoiceField(coerce=int, required=False)  # replaced in __init__
    assembled_at = _when_field("Packed at")
    notes = _notes_field()

    def __init__(
        self,
        *args: Any,
        goods: Choices,
        events: GroupedChoices,
        check_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "finished_good", [("", "Choose a gift box…"), *goods])
        self.fields["event"] = _event_field(events)
        self.helper = _submit_helper("Record packing", check_url=check_url)
        self.helper.layout = Layout(
            Field("finished_good", css_class="form-select-lg"),
            "quantity",
            HTML('{% include "production/assembly_run_check_panel.html" %}'),
            "event",
            "assembled_at",
            "notes",
            TOKEN_FIELD,
        )


class ChangeRunEventForm(forms.Form):
    """Move a recorded run to another event, or to stock for later."""

    event = forms.TypedChoiceField(coerce=int, required=False)  # replaced in __init__

    def __init__(self, *args: Any, events: GroupedChoices, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"] = _event_field(events)
        self.fields["event"].label = "Move it to"
        self.fields["event"].help_text = "Progress and the plan follow at once."
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.form_action = action
        self.helper.form_id = "change-event-form"
        button = Submit("submit", "Change event")
        button.field_classes = "btn btn-secondary btn-touch"
        self.helper.add_input(button)


class ReverseRunForm(forms.Form):
    reason = forms.CharField(
        label="Why are you undoing it?",
        max_length=TEXT_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 2}),
        help_text="Kept with the run, so the history explains itself.",
    )

    def __init__(self, *args: Any, submit: str = "Undo run", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("submit", submit, css_class="btn-danger btn-lg btn-touch"))


class RunFilterForm(forms.Form):
    """History filters (GET). `item` is the recipe or the finished good."""

    item = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    event = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    start = BoundedDateField(
        label="From",
        required=False,
        widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = BoundedDateField(
        label="To",
        required=False,
        widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(
        self, *args: Any, item_label: str, items: Choices, events: Choices, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].label = item_label
        set_choices(self, "item", [("", "All"), *items])
        self.fields["event"].label = "Event"
        set_choices(self, "event", [("", "All"), *events])
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-2 align-items-end"
        self.helper.layout = Layout(
            Div("item", css_class="col-12 col-sm-6 col-lg-3"),
            Div("event", css_class="col-12 col-sm-6 col-lg-3"),
            Div("start", css_class="col-6 col-lg-2"),
            Div("end", css_class="col-6 col-lg-2"),
        )
        self.helper.add_input(Submit("filter", "Filter", css_class="btn-secondary btn-touch"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        return data
