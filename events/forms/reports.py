"""The clone form: the new event's name and date, suggested from the old one."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from bakeplanner.dates import LATEST, BoundedDateField
from bakeplanner.widgets import DateInput
from events.models import Event


class CloneEventForm(forms.Form):
    name = forms.CharField(label="Name of the new event", max_length=120)
    event_date = BoundedDateField(
        label="Date of the new event", widget=DateInput(attrs={"type": "date"})
    )
    copy_targets = forms.BooleanField(
        label="Copy the baking and packing targets too", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Clone event", css_class="btn-touch"))

    @staticmethod
    def suggested_initial(event: Event) -> dict[str, Any]:
        """Next year's date, and the name with its year moved on when it carries one."""
        if event.event_date.year >= LATEST.year:
            # Already at the last accepted year: nothing later to suggest.
            return {"name": "", "event_date": None}
        try:
            next_date = event.event_date.replace(year=event.event_date.year + 1)
        except ValueError:  # 29 February
            next_date = event.event_date.replace(year=event.event_date.year + 1, day=28)
        year = str(event.event_date.year)
        name = event.name.replace(year, str(next_date.year)) if year in event.name else ""
        return {"name": name, "event_date": next_date}
