"""A household's unit system, locale and time zone (docs/units-and-locale.md): the service,
the settings page, the per-request activation, and what the setting never touches."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from bakeplanner import display
from bakeplanner.errors import TransactionRequired, ValidationFailed
from bakeplanner.households import set_household_preferences
from bakeplanner.middleware import HouseholdPreferencesMiddleware
from bakeplanner.models import Household
from bakeplanner.testing import db_snapshot
from bakeplanner.tx import unit_of_work
from events.csv_export import shopping_list_csv
from events.services import get_shopping_list_by_category
from events.tests.demand_fixtures import build_gift_world
from production.models import Ingredient, InventoryLot, Product, Purchase
from production.services import list_ingredients

SETTINGS_URL = "/settings/"


def _stock_flour(household: Household, grams: str) -> Ingredient:
    """Flour with `grams` on hand, written directly (the purchase service has its own tests)."""
    flour = Ingredient.objects.create(household=household, name="Flour", stock_family="weight")
    product = Product.objects.create(
        household=household, ingredient=flour, name="Bag", package_quantity=1, package_unit="kg"
    )
    purchase = Purchase.objects.create(
        household=household,
        product=product,
        purchased_on=dt.date(2026, 11, 1),
        packages=Decimal(1),
        price_per_package=Decimal("2.50"),
    )
    InventoryLot.objects.create(
        household=household,
        product=product,
        ingredient=flour,
        purchase=purchase,
        quantity_initial=Decimal(grams),
        quantity_remaining=Decimal(grams),
        cost_per_unit=Decimal("2.50") / Decimal(grams),
        received_on=dt.date(2026, 11, 1),
    )
    return flour


def _stored(household: Household) -> tuple[str, str, str]:
    fresh = Household.objects.get(pk=household.pk)
    return fresh.unit_system, fresh.locale, fresh.time_zone


# --- The service -----------------------------------------------------------------------------


def test_a_new_household_keeps_metric_us_numbers_and_the_installation_time_zone(household):
    assert _stored(household) == ("metric", "en-US", "")


def test_set_household_preferences_stores_every_given_value(household, tx):
    set_household_preferences(tx, unit_system="us", locale="de-DE", time_zone="Europe/Berlin")
    assert _stored(household) == ("us", "de-DE", "Europe/Berlin")
    assert (tx.household.unit_system, tx.household.locale) == ("us", "de-DE")


def test_a_value_left_as_none_stays_as_it_is(household, tx):
    set_household_preferences(tx, locale="fr-FR", time_zone="Europe/Paris")
    set_household_preferences(tx, unit_system="us")
    assert _stored(household) == ("us", "fr-FR", "Europe/Paris")


def test_an_empty_time_zone_goes_back_to_the_installations(household, tx):
    set_household_preferences(tx, time_zone="Asia/Tokyo")
    set_household_preferences(tx, time_zone="")
    assert _stored(household)[2] == ""


BAD_VALUES = [
    ({"unit_system": "imperial"}, "Unknown unit system 'imperial'"),
    ({"unit_system": ""}, "Unknown unit system ''"),
    ({"locale": "de"}, "Unknown number and date format 'de'"),
    ({"locale": "xx-YY"}, "Unknown number and date format 'xx-YY'"),
    ({"time_zone": "Mars/Olympus_Mons"}, "Unknown time zone 'Mars/Olympus_Mons'"),
    ({"time_zone": "europe/berlin"}, "Unknown time zone 'europe/berlin'"),
    ({"unit_system": "us", "time_zone": "Nowhere"}, "Unknown time zone 'Nowhere'"),
]


@pytest.mark.parametrize(("values", "message"), BAD_VALUES)
def test_a_bad_value_is_refused_with_a_clear_message_and_nothing_changes(
    household, tx, values, message
):
    before = db_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        set_household_preferences(tx, **values)
    assert str(refused.value).startswith(message)
    assert db_snapshot() == before
    assert (tx.household.unit_system, tx.household.time_zone) == ("metric", "")


def test_the_service_writes_only_its_own_household(household, outsider_household, tx):
    set_household_preferences(tx, unit_system="us", locale="en-GB")
    assert _stored(outsider_household) == ("metric", "en-US", "")


def test_the_service_refuses_a_unit_of_work_that_has_ended(household, member):
    with unit_of_work(household, actor=member) as ended:
        pass
    with pytest.raises(TransactionRequired):
        set_household_preferences(ended, unit_system="us")
    assert _stored(household)[0] == "metric"


# --- The settings page -----------------------------------------------------------------------


def test_settings_page_has_its_url_name():
    assert reverse("household_settings") == SETTINGS_URL


def test_member_sees_the_current_settings_selected(member_client, household):
    Household.objects.filter(pk=household.pk).update(unit_system="us", locale="en-GB")
    page = member_client.get(SETTINGS_URL).content.decode()
    assert '<option value="us" selected>' in page
    assert '<option value="en-GB" selected>' in page
    assert "Save settings" in page


def test_member_saves_the_settings_and_is_told_so(member_client, household):
    response = member_client.post(
        SETTINGS_URL,
        {"unit_system": "us", "locale": "de-DE", "time_zone": "Europe/Berlin"},
        follow=True,
    )
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Saved the household settings." in response.content.decode()
    assert _stored(household) == ("us", "de-DE", "Europe/Berlin")


def test_the_page_shows_examples_in_the_chosen_units_and_locale(member_client, household):
    Household.objects.filter(pk=household.pk).update(unit_system="us", locale="de-DE")
    page = member_client.get(SETTINGS_URL).content.decode()
    assert "4,41 lb" in page
    assert "1.234,50\xa0$" in page
    assert "24.12." in page


def test_a_bad_posted_value_is_shown_on_the_form_and_changes_nothing(member_client, household):
    before = db_snapshot()
    response = member_client.post(
        SETTINGS_URL, {"unit_system": "furlongs", "locale": "en-US", "time_zone": ""}
    )
    assert response.status_code == 200
    assert "Select a valid choice. furlongs is not one of the available choices." in (
        response.content.decode()
    )
    assert db_snapshot() == before


def test_an_unknown_time_zone_posted_is_refused_and_changes_nothing(member_client, household):
    before = db_snapshot()
    response = member_client.post(
        SETTINGS_URL, {"unit_system": "us", "locale": "en-US", "time_zone": "Atlantis/Capital"}
    )
    assert response.status_code == 200
    assert "Atlantis/Capital is not one of the available choices" in response.content.decode()
    assert db_snapshot() == before


def test_viewer_sees_the_settings_but_no_save_button(viewer_client, household):
    Household.objects.filter(pk=household.pk).update(locale="fr-FR")
    page = viewer_client.get(SETTINGS_URL).content.decode()
    assert '<option value="fr-FR" selected>' in page
    assert "can see these settings but not change them" in page
    assert "Save settings" not in page
    assert re.search(r"<select[^>]*name=\"unit_system\"[^>]*disabled", page)


def test_viewer_cannot_save_the_settings(viewer_client, household):
    before = db_snapshot()
    response = viewer_client.post(
        SETTINGS_URL, {"unit_system": "us", "locale": "de-DE", "time_zone": "Europe/Berlin"}
    )
    assert response.status_code == 403
    assert db_snapshot() == before


def test_the_account_menu_links_to_the_settings(member_client):
    page = member_client.get(reverse("home")).content.decode()
    assert f'href="{SETTINGS_URL}">Household settings</a>' in page


# --- One household's choice, on its own pages only -------------------------------------------


def test_each_household_sees_stock_in_its_own_units(
    household, outsider_household, member_client, outsider_client
):
    _stock_flour(household, "1000")
    _stock_flour(outsider_household, "1000")
    Household.objects.filter(pk=household.pk).update(unit_system="us", locale="de-DE")
    url = reverse("production:ingredient_list")
    ours = member_client.get(url).content.decode()
    theirs = outsider_client.get(url).content.decode()
    assert "2,2 lb" in ours and "1 kg" not in ours
    assert "1 kg" in theirs and " lb" not in theirs
    assert _stored(outsider_household)[0] == "metric"


def test_a_request_leaves_no_preferences_behind(household, member_client):
    Household.objects.filter(pk=household.pk).update(unit_system="us", time_zone="Asia/Tokyo")
    member_client.get(SETTINGS_URL)
    assert display.active_preferences() == display.DEFAULT_PREFERENCES
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_middleware_activates_the_households_zone_units_and_locale(household, member):
    Household.objects.filter(pk=household.pk).update(
        unit_system="us", locale="en-GB", time_zone="Pacific/Auckland"
    )
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["zone"] = timezone.get_current_timezone_name()
        seen["preferences"] = display.active_preferences()
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = type(member).objects.get(pk=member.pk)
    HouseholdPreferencesMiddleware(view)(request)
    assert seen == {
        "zone": "Pacific/Auckland",
        "preferences": display.Preferences(unit_system="us", locale="en-GB"),
    }


def test_a_visitor_without_a_household_gets_the_defaults(db):
    seen: dict[str, object] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["preferences"] = display.active_preferences()
        return HttpResponse("ok")

    response = Client().get(reverse("login"))
    assert response.status_code == 200
    request = RequestFactory().get("/")
    HouseholdPreferencesMiddleware(view)(request)
    assert seen["preferences"] == display.DEFAULT_PREFERENCES


def test_today_and_times_follow_the_households_time_zone(household, member):
    # 23:30 UTC on 24 December is already Christmas Day in Auckland.
    moment = dt.datetime(2026, 12, 24, 23, 30, tzinfo=dt.UTC)
    Household.objects.filter(pk=household.pk).update(time_zone="Pacific/Auckland")
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(display.datetime_text(moment))
        seen.append(str(timezone.localdate(moment)))
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = type(member).objects.get(pk=member.pk)
    HouseholdPreferencesMiddleware(view)(request)
    assert seen == ["12/25/2026 12:30 p.m.", "2026-12-25"]


# --- What the setting never touches ----------------------------------------------------------


def test_csv_is_byte_identical_under_us_and_metric(household, tx):
    world = build_gift_world(household)
    metric = shopping_list_csv(tx, world.event.pk, include_packaging=True, show_all=True)
    with display.preferences(unit_system="us", locale="de-DE"):
        us = shopping_list_csv(tx, world.event.pk, include_packaging=True, show_all=True)
    assert us == metric
    assert b"1480" in metric and b"lb" not in metric


def test_csv_download_is_the_same_for_a_us_household(household, member_client):
    world = build_gift_world(household)
    url = reverse("events:event_shopping_list_csv", args=[world.event.pk])
    metric = member_client.get(url)
    Household.objects.filter(pk=household.pk).update(unit_system="us", locale="fr-FR")
    us = member_client.get(url)
    assert b"".join(us.streaming_content if us.streaming else [us.content]) == b"".join(
        metric.streaming_content if metric.streaming else [metric.content]
    )


def test_shopping_list_dto_keeps_base_units_under_us(household, tx):
    world = build_gift_world(household)
    metric = get_shopping_list_by_category(tx, world.event.pk)
    with display.preferences(unit_system="us", locale="de-DE"):
        us = get_shopping_list_by_category(tx, world.event.pk)
    assert us == metric
    assert "lb" not in repr(metric)


def test_stock_on_hand_stays_in_grams_under_us(household, tx):
    _stock_flour(household, "1000")
    with display.preferences(unit_system="us"):
        rows = [(row.name, row.on_hand, row.base_unit) for row in list_ingredients(tx)]
    assert rows == [("Flour", Decimal("1000.000"), "g")]
