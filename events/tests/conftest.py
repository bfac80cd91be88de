"""A small gift-giving world for the events tests, built with the ORM."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from events.models import Assignment, Event, Package, PackageItem, Recipient
from production.models import FinishedGood, FinishedUnit, Recipe


def make_event(household, name, date, **extra):
    from django.utils.text import slugify

    return Event.objects.create(
        household=household, name=name, event_date=date, slug=slugify(name), **extra
    )


@pytest.fixture
def gift_world(household):
    """Two events, three recipients (one inactive), two packages of two gift boxes."""
    h = household
    cookies = Recipe.objects.create(household=h, name="Sugar Cookies")
    fudge = Recipe.objects.create(household=h, name="Fudge")
    cookie = FinishedUnit.objects.create(
        household=h, recipe=cookies, name="cookie", items_per_batch=48, item_unit="cookie"
    )
    cookie_box = FinishedGood.objects.create(household=h, name="Cookie Box")
    fudge_tin = FinishedGood.objects.create(household=h, name="Fudge Tin")
    christmas = make_event(h, "Christmas 2026", dt.date(2026, 12, 24))
    last_christmas = make_event(h, "Christmas 2025", dt.date(2025, 12, 24))
    anna = Recipient.objects.create(household=h, name="Anna", household_name="Smiths")
    ben = Recipient.objects.create(household=h, name="Ben")
    cara = Recipient.objects.create(household=h, name="Cara", active=False)
    small = Package.objects.create(household=h, name="Small Gift")
    PackageItem.objects.create(household=h, package=small, finished_good=cookie_box, quantity=1)
    big = Package.objects.create(household=h, name="Big Gift")
    PackageItem.objects.create(household=h, package=big, finished_good=cookie_box, quantity=2)
    PackageItem.objects.create(household=h, package=big, finished_good=fudge_tin, quantity=1)
    return SimpleNamespace(
        household=h,
        cookies=cookies,
        fudge=fudge,
        cookie=cookie,
        cookie_box=cookie_box,
        fudge_tin=fudge_tin,
        christmas=christmas,
        last_christmas=last_christmas,
        anna=anna,
        ben=ben,
        cara=cara,
        small=small,
        big=big,
    )


def assign(world, event, recipient, package, *, quantity=1, status=Assignment.PENDING):
    return Assignment.objects.create(
        household=world.household,
        event=event,
        recipient=recipient,
        package=package,
        quantity=quantity,
        fulfillment_status=status,
    )
