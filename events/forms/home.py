"""The home page's filter: which events (upcoming, past, all) and between which dates."""

from __future__ import annotations

from typing import Any

from django import forms

from bakeplanner.dates import BoundedDateField
from bakeplanner.widgets import DateInput, LongSelect


class DashboardFilterForm(forms.Form):
    filter = forms.ChoiceField(
        label="Show",
        choices=[("active_future", "Upcoming"), ("past", "Past"), ("all", "All")],
        required=False,
        widget=LongSelect,
    )
    date_from = BoundedDateField(
        label="From", required=False, widget=DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(label="To", required=False, widget=DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The from date is after the to date.")
        data["filter"] = data.get("filter") or "active_future"
        return data

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["filter"].widget.attrs["class"] = "form-select"
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["class"] = "form-control"
