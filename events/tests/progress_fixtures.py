"""Small builders for progress, clone and dashboard tests (runs written with the ORM)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from events.models import AssemblyTarget, Assignment, Event, Package, ProductionTarget, Recipient
from production.models import AssemblyRun, FinishedGood, FinishedUnit, ProductionRun, Recipe


def make_event(household, name, days_ahead=30, **extra):
    return Event.objects.create(
        household=household,
        name=name,
        slug=name.lower().replace(" ", "-"),
        event_date=timezone.localdate() + dt.timedelta(days=days_ahead),
        **extra,
    )


def make_recipe(household, name="Sugar Cookies", items_per_batch=48):
    recipe = Recipe.objects.create(household=household, name=name)
    unit = FinishedUnit.objects.create(
        household=household, recipe=recipe, name=f"{name} piece", items_per_batch=items_per_batch
    )
    return recipe, unit


def make_run(household, recipe, unit, batches, *, event=None, reversed_=False, actual=None):
    expected = unit.items_per_batch * batches
    return ProductionRun.objects.create(
        household=household,
        recipe=recipe,
        finished_unit=unit,
        event=event,
        num_batches=batches,
        expected_yield=expected,
        actual_yield=expected if actual is None else actual,
        status="complete",
        produced_at=timezone.now(),
        total_ingredient_cost=Decimal("1.00") * batches,
        reversed_at=timezone.now() if reversed_ else None,
    )


def make_assembly(household, good, quantity, *, event=None, reversed_=False):
    return AssemblyRun.objects.create(
        household=household,
        finished_good=good,
        event=event,
        quantity=quantity,
        assembled_at=timezone.now(),
        reversed_at=timezone.now() if reversed_ else None,
    )


def make_good(household, name="Cookie Tin"):
    return FinishedGood.objects.create(household=household, name=name)


def production_target(household, event, recipe, batches):
    return ProductionTarget.objects.create(
        household=household, event=event, recipe=recipe, target_batches=batches
    )


def assembly_target(household, event, good, quantity):
    return AssemblyTarget.objects.create(
        household=household, event=event, finished_good=good, target_quantity=quantity
    )


def assign(household, event, recipient_name, package, quantity=1, status="pending", active=True):
    recipient = Recipient.objects.filter(household=household, name=recipient_name).first()
    if recipient is None:
        recipient = Recipient.objects.create(
            household=household, name=recipient_name, active=active
        )
    return Assignment.objects.create(
        household=household,
        event=event,
        recipient=recipient,
        package=package,
        quantity=quantity,
        fulfillment_status=status,
    )


def make_package(household, name="Cookie Box"):
    return Package.objects.create(household=household, name=name)
