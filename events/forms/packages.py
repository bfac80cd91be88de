"""Forms of the package pages: the package, and what goes in it."""

from __future__ import annotations

from typing import Any

from django import forms

from events.forms.common import (
    Choices,
    PageForm,
    choice_field,
    count_field,
    notes_field,
    submit_helper,
)
from events.services.events import NAME_MAX_LENGTH


class PackageForm(forms.Form):
    name = forms.CharField(label="Name", max_length=NAME_MAX_LENGTH)
    notes = notes_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Save package")


class PackageItemForm(PageForm):
    def __init__(self, *args: Any, goods: Choices, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finished_good"] = choice_field("Gift box", goods, empty="Choose…")
        self.fields["quantity"] = count_field("Quantity", initial=1)
        self.helper = submit_helper("Add to package", action=action, prefix=self.prefix_id)


class PackageItemQuantityForm(forms.Form):
    quantity = count_field("Quantity")

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper("Save quantity", action=action)
