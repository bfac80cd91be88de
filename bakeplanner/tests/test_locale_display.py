"""Numbers, money and dates in the household's locale (docs/units-and-locale.md, "Numbers
and dates"): a case table per helper for en-US, en-GB, de-DE and fr-FR."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone, translation

from bakeplanner import display
from bakeplanner.money import Number

NBSP = "\xa0"

NUMBER_CASES: list[tuple[str, Number, str]] = [
    ("en-US", Decimal("2298.50"), "2,298.5"),
    ("en-GB", Decimal("2298.50"), "2,298.5"),
    ("de-DE", Decimal("2298.50"), "2.298,5"),
    ("fr-FR", Decimal("2298.50"), f"2{NBSP}298,5"),
    ("de-DE", Decimal("1234567.891"), "1.234.567,89"),
    ("fr-FR", Decimal("-1234.5"), f"-1{NBSP}234,5"),
    ("de-DE", Decimal("-0.001"), "0"),
    ("de-DE", Decimal("0.125"), "0,13"),
    ("en-US", Decimal("999"), "999"),
]


@pytest.mark.parametrize(("locale", "value", "expected"), NUMBER_CASES)
def test_numbers_use_the_locales_separators(locale: str, value: Number, expected: str) -> None:
    with display.preferences(locale=locale):
        assert display.number_text(value) == expected


QUANTITY_CASES: list[tuple[str, str, Number, str, str]] = [
    ("en-US", "metric", Decimal("1250"), "g", "1.25 kg"),
    ("de-DE", "metric", Decimal("1250"), "g", "1,25 kg"),
    ("fr-FR", "metric", Decimal("2298000"), "g", f"2{NBSP}298 kg"),
    ("de-DE", "us", Decimal("1000"), "g", "2,2 lb"),
    ("en-GB", "us", Decimal("500"), "ml", "2.11 cups"),
    ("fr-FR", "us", Decimal("0.1"), "g", "<0,01 oz"),
]


@pytest.mark.parametrize(("locale", "system", "value", "unit", "expected"), QUANTITY_CASES)
def test_quantities_use_the_locales_separators(
    locale: str, system: str, value: Number, unit: str, expected: str
) -> None:
    with display.preferences(unit_system=system, locale=locale):
        assert display.quantity(value, unit) == expected


MONEY_CASES: list[tuple[str, str, Number, str]] = [
    ("en-US", "USD", Decimal("1234.5"), "$1,234.50"),
    ("en-GB", "USD", Decimal("1234.5"), "$1,234.50"),
    ("en-GB", "GBP", Decimal("-1.2"), "-£1.20"),
    ("de-DE", "EUR", Decimal("1234.5"), f"1.234,50{NBSP}€"),
    ("de-DE", "EUR", Decimal("-1.2"), f"-1,20{NBSP}€"),
    ("de-DE", "USD", Decimal("2.5"), f"2,50{NBSP}$"),
    ("fr-FR", "EUR", Decimal("1234567"), f"1{NBSP}234{NBSP}567,00{NBSP}€"),
    ("fr-FR", "CHF", Decimal("3.1"), f"3,10{NBSP}CHF"),
    ("en-US", "CHF", Decimal("-3.1"), "-CHF 3.10"),
    ("de-DE", "EUR", Decimal("-0.004"), f"0,00{NBSP}€"),
]


@pytest.mark.parametrize(("locale", "currency", "value", "expected"), MONEY_CASES)
def test_money_follows_the_locale_and_keeps_the_currency(
    locale: str, currency: str, value: Number, expected: str
) -> None:
    with override_settings(CURRENCY=currency), display.preferences(locale=locale):
        assert display.money(value) == expected


PRICE_CASES: list[tuple[str, Number, str, str]] = [
    ("de-DE", Decimal("0.0025"), "g", f"2,50{NBSP}$ / kg"),
    ("fr-FR", Decimal("0.0025"), "each", f"0,0025{NBSP}$ each"),
    ("en-GB", Decimal("0.0025"), "g", "$2.50 / kg"),
]


@pytest.mark.parametrize(("locale", "value", "unit", "expected"), PRICE_CASES)
def test_unit_prices_follow_the_locale(
    locale: str, value: Number, unit: str, expected: str
) -> None:
    with display.preferences(locale=locale):
        assert display.unit_price(value, unit) == expected


DAY = dt.date(2026, 12, 24)
DATE_CASES: list[tuple[str, str]] = [
    ("en-US", "12/24/2026"),
    ("en-GB", "24/12/2026"),
    ("de-DE", "24.12.2026"),
    ("fr-FR", "24/12/2026"),
]


@pytest.mark.parametrize(("locale", "expected"), DATE_CASES)
def test_dates_use_the_locales_order(locale: str, expected: str) -> None:
    with display.preferences(locale=locale):
        assert display.date_text(DAY) == expected


def test_a_date_with_its_weekday_keeps_the_english_day_name() -> None:
    with display.preferences(locale="de-DE"):
        assert display.date_text(DAY, weekday=True) == "Thursday, 24.12.2026"


MOMENT = dt.datetime(2026, 12, 24, 14, 5, tzinfo=dt.UTC)
DATETIME_CASES: list[tuple[str, str]] = [
    ("en-US", "12/24/2026 2:05 p.m."),
    ("en-GB", "24/12/2026 2:05 p.m."),
    ("de-DE", "24.12.2026 14:05"),
    ("fr-FR", "24/12/2026 14:05"),
]


@pytest.mark.parametrize(("locale", "expected"), DATETIME_CASES)
def test_times_use_the_locales_format(locale: str, expected: str) -> None:
    with timezone.override(dt.UTC), display.preferences(locale=locale):
        assert display.datetime_text(MOMENT) == expected


def test_times_are_shown_in_the_active_time_zone() -> None:
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")), display.preferences(locale="de-DE"):
        assert display.datetime_text(MOMENT) == "24.12.2026 15:05"


def test_a_moment_near_midnight_is_dated_in_the_active_time_zone() -> None:
    late = dt.datetime(2026, 12, 24, 23, 30, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        assert display.date_text(late) == "12/25/2026"


def test_percent_groups_thousands_by_the_locale() -> None:
    with display.preferences(locale="de-DE"):
        assert display.percent_text(Decimal("1500.2")) == "1.500%"


def test_plural_counts_use_the_locales_separators() -> None:
    with display.preferences(locale="fr-FR"):
        assert display.plural(1200, "package") == f"1{NBSP}200 packages"


def test_the_interface_language_stays_english_under_a_german_locale() -> None:
    with display.preferences(locale="de-DE"):
        display.money(Decimal("1"))
        assert translation.get_language() == "en-us"


def test_a_missing_date_is_a_dash() -> None:
    assert display.date_text(None) == "—"
    assert display.datetime_text(None) == "—"


FILTER_CASES: list[tuple[str, dict[str, object], str]] = [
    ("{{ v|money }}", {"v": Decimal("1234.5")}, f"1.234,50{NBSP}$"),
    ("{{ v|number }}", {"v": Decimal("2298.5")}, "2.298,5"),
    ("{{ v|date_text }}", {"v": DAY}, "24.12.2026"),
    ('{{ v|date_text:"weekday" }}', {"v": DAY}, "Thursday, 24.12.2026"),
    ("{{ v|datetime_text }}", {"v": MOMENT}, "24.12.2026 14:05"),
    ("{{ v|date_text }}", {"v": "not a date"}, "not a date"),
    ("{{ v|date_text }}", {"v": None}, "—"),
]


@pytest.mark.parametrize(("source", "context", "expected"), FILTER_CASES)
def test_template_filters_follow_the_active_locale(
    source: str, context: dict[str, object], expected: str
) -> None:
    with timezone.override(dt.UTC), display.preferences(locale="de-DE"):
        rendered = Template("{% load display %}" + source).render(Context(context))
    assert rendered == expected
