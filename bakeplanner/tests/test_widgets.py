"""`LongSelect` and `DateInput` write the same markup as Django's widgets, without their
templates."""

import datetime as dt
import re

import pytest
from django import forms

from bakeplanner.widgets import DateInput, DateTimeInput, LongSelect, NumberInput, Textarea

CHOICES = [
    ("", "Choose…"),
    ("Europe/Paris", "Europe/Paris"),
    ("Group", [("a&b", "A & B"), ("c", "<C>")]),
]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    long = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect)


def _normalised(html: str) -> str:
    return (
        re.sub(r">\s+<", "><", html.strip())
        .replace(' name="long"', ' name="plain"')
        .replace('id="id_long"', 'id="id_plain"')
    )


def test_the_markup_is_the_same_as_a_select():
    form = _Form(data={"plain": "a&b", "long": "a&b"})
    assert _normalised(str(form["long"])) == _normalised(str(form["plain"]))


def test_the_chosen_option_is_selected_and_labels_are_escaped():
    html = str(_Form(data={"long": "Europe/Paris"})["long"])
    assert '<option value="Europe/Paris" selected>Europe/Paris</option>' in html
    assert "&lt;C&gt;" in html and 'value="a&amp;b"' in html
    assert html.count(" selected") == 1


@pytest.mark.parametrize("value", [None, "", dt.date(2026, 12, 1), "2026-13-40", '"><b>'])
@pytest.mark.parametrize("date_format", [None, "%Y-%m-%d"])
@pytest.mark.parametrize(
    "attrs",
    [{"class": "form-control"}, {"class": "a", "required": True, "disabled": False, "title": "x"}],
)
def test_a_date_input_is_the_same_as_djangos(value, date_format, attrs):
    django_widget = forms.DateInput(attrs={"type": "date", **attrs}, format=date_format)
    ours = DateInput(attrs=dict(attrs), format=date_format)
    assert ours.render("on", value) == django_widget.render("on", value)


@pytest.mark.parametrize("value", [None, "", "0", 3, "12.5", '"><b>', "two\nlines"])
@pytest.mark.parametrize(
    ("ours", "djangos"),
    [
        (NumberInput, forms.NumberInput),
        (Textarea, forms.Textarea),
        (DateTimeInput, forms.DateTimeInput),
    ],
)
def test_the_written_inputs_are_the_same_as_djangos(ours, djangos, value):
    attrs = {"inputmode": "numeric", "rows": 2, "required": True, "disabled": False}
    kwargs = {"attrs": dict(attrs)}
    if djangos is forms.DateTimeInput:
        kwargs["attrs"]["type"] = "datetime-local"
    assert ours(**kwargs).render("n", value) == djangos(**kwargs).render("n", value)
