"""The production app's forms: catalogue pages (catalogue.py) and run pages (runs.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from bakeplanner.widgets import LongSelect


def set_choices(form: forms.BaseForm, name: str, choices: Sequence[Any]) -> None:
    """Fill the choices of the form's declared choice field `name` (they are the household's,
    so they are known only when the form is built)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field.")
    if type(field.widget) is forms.Select:
        # The household's lists can be long: the same markup, without a template per option.
        field.widget = LongSelect(attrs=field.widget.attrs)
    field.choices = choices
