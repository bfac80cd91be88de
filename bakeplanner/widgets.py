"""Form widgets of our own.

`LongSelect` writes its options in Python. Django's `Select` renders every option through a
template of its own, which is most of a page's time once a list has hundreds of options
(the time zones: about 600). The markup is the same as `Select`'s for options without
attributes of their own (docs/performance.md, "What keeps a page fast"). The inputs and the
text area below write the same markup as Django's for the same reason, on the forms a
household opens most.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")
NOT_SELECTED = mark_safe("")


def _selected(option: dict[str, Any]) -> SafeString:
    return SELECTED if option["selected"] else NOT_SELECTED


class LongSelect(forms.Select):
    """A `Select` for a long list of plain options (no per-option attributes)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = []
        for group_name, options, _ in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (
                        option["value"],
                        SELECTED if option["selected"] else NOT_SELECTED,
                        option["label"],
                    )
                    for option in options
                ),
            )
            parts.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, html)
                if group_name
                else html
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


def _input(widget: dict[str, Any]) -> SafeString:
    """Django's `input.html`, written in Python."""
    shown = widget["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        NOT_SELECTED if shown is None else format_html(' value="{}"', str(shown)),
        _attrs(widget["attrs"]),
    )


class _WrittenInput(forms.widgets.Input):
    """An input written in Python with the markup of Django's widget template: forms shown
    on every visit (the home page's filter, the record forms) skip a template render per
    field."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        return _input(self.get_context(name, value, attrs)["widget"])


class DateInput(_WrittenInput, forms.DateInput):
    """A date picker (`<input type="date">`)."""

    input_type = "date"


class DateTimeInput(_WrittenInput, forms.DateTimeInput):
    """A date and time picker (`<input type="datetime-local">`)."""

    input_type = "datetime-local"


class NumberInput(_WrittenInput, forms.NumberInput):
    pass


class Textarea(forms.Textarea):
    """Django's `Textarea`, written in Python with the same markup."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget["attrs"]),
            widget["value"] or "",
        )


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes in their order, as Django's widget template writes them: True bare, False
    left out, anything else as text."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )
