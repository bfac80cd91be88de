"""`LongSelect` writes the same markup as Django's `Select`, without a template per option."""

import re

from django import forms

from bakeplanner.widgets import LongSelect

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
