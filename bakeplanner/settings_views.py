"""The household settings page: how the household's pages show quantities, numbers, dates
and times (docs/units-and-locale.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from bakeplanner import display
from bakeplanner.households import membership_of, set_household_preferences, time_zone_names
from bakeplanner.models import Household
from bakeplanner.pages import form_page, posted_data, read_context
from bakeplanner.tx import Tx
from bakeplanner.widgets import LongSelect


def _time_zone_choices() -> list[tuple[str, str]]:
    default = ("", f"The installation's time zone ({settings.TIME_ZONE})")
    return [default, *((name, name.replace("_", " ")) for name in time_zone_names())]


class HouseholdSettingsForm(forms.Form):
    unit_system = forms.ChoiceField(
        label="Units",
        choices=display.UNIT_SYSTEM_CHOICES,
        help_text="Stock, needs and shopping amounts are shown in these units. "
        "Recipe lines keep the unit they were written in.",
    )
    locale = forms.ChoiceField(
        label="Numbers and dates",
        choices=display.LOCALE_CHOICES,
        help_text="Decimal and thousands separators, the order of day and month, and where "
        "the currency sign goes. The pages stay in English.",
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        widget=LongSelect,
        help_text="What “today” means, and the times shown for baking runs, packing runs "
        "and history.",
    )

    def __init__(self, *args: Any, can_write: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = _time_zone_choices()
        self.helper = FormHelper()
        self.helper.form_method = "post"
        if can_write:
            button = Submit("submit", "Save settings")
            button.field_classes = "btn btn-primary btn-touch"
            self.helper.add_input(button)
        else:
            for field in self.fields.values():
                field.disabled = True


def _current(tx: Tx) -> dict[str, Any]:
    household: Household = tx.household
    return {
        "unit_system": household.unit_system,
        "locale": household.locale,
        "time_zone": household.time_zone,
    }


def _examples() -> list[tuple[str, str]]:
    """A few figures as this request shows them, so a choice can be seen at work."""
    now = timezone.now()
    return [
        ("2 kg of flour", display.quantity(Decimal(2000), "g")),
        ("A quarter litre of cream", display.quantity(Decimal(250), "ml")),
        ("A teaspoon of vanilla", display.quantity(Decimal(5), "ml")),
        ("Flour at $2.50 a kilo", display.unit_price(Decimal("0.0025"), "g")),
        ("A total", display.money(Decimal("1234.5"))),
        ("Christmas Eve", display.date_text(dt.date(now.year, 12, 24))),
        ("Now", display.datetime_text(now)),
    ]


def household_settings(request: HttpRequest) -> HttpResponse:
    """Everyone in the household sees the settings; members change them."""
    ctx = read_context(request, lambda tx: {"current": _current(tx)})
    membership = membership_of(request.user)
    can_write = bool(membership and membership.can_write)
    form = HouseholdSettingsForm(
        posted_data(request) if can_write else None, initial=ctx["current"], can_write=can_write
    )
    return form_page(
        request,
        "bakeplanner/household_settings.html",
        form,
        {**ctx, "examples": _examples(), "installation_time_zone": settings.TIME_ZONE},
        lambda tx, data: set_household_preferences(tx, **data),
        success=lambda household: "Saved the household settings.",
        next_url=lambda household: reverse("household_settings"),
    )
