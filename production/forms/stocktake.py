"""The stock count form (docs/design.md, "Stock counts").

The page has one input per ingredient it shows (`count_<id>`) and, beside it, the stock
the page showed (`seen_<id>`). Which ingredients a page shows is the household's data, so
the form does not declare them: it reads every `count_` and `seen_` field that was posted
and hands them to the service as they were typed. The service checks each line (a number,
an ingredient of this household, stock unchanged) and names the line in its refusal.
"""

from __future__ import annotations

from typing import Any

from django import forms

from bakeplanner.submissions import OneTimeFormMixin

COUNT_PREFIX = "count_"
SEEN_PREFIX = "seen_"
MAX_KEY_LENGTH = 18  # an ingredient id never has more digits


def line_key(suffix: str) -> int | str:
    """The ingredient id a field name ends with; anything else stays text for the refusal."""
    if suffix.isascii() and suffix.isdigit() and len(suffix) <= MAX_KEY_LENGTH:
        return int(suffix)
    return suffix[:MAX_KEY_LENGTH]


class StockCountForm(OneTimeFormMixin, forms.Form):
    notes = forms.CharField(
        label="Notes for this count",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text="Saved with every change this count makes.",
    )

    def _lines(self, prefix: str) -> dict[int | str, str]:
        lines: dict[int | str, str] = {}
        for name in self.data:
            if name.startswith(prefix):
                lines[line_key(name[len(prefix) :])] = str(self.data.get(name) or "")
        return lines

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["counts"] = self._lines(COUNT_PREFIX)
        cleaned["seen"] = self._lines(SEEN_PREFIX)
        return cleaned
