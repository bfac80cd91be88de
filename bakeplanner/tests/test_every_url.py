"""Household isolation and roles, for every URL pattern the project has (docs/security.md).

Another household's real ids answer 404 (never 403, which would confirm they exist),
anonymous users are sent to login, and viewers cannot post anywhere but logout and
their own password change. A new URL pattern with an id must be added to `OBJECT_FOR`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.models import (
    AssemblyTarget,
    Assignment,
    Event,
    Package,
    PackageItem,
    ProductionTarget,
    Recipient,
)
from production.models import (
    AssemblyRun,
    FinishedGood,
    FinishedGoodComponent,
    FinishedUnit,
    Ingredient,
    InventoryLot,
    Product,
    ProductionRun,
    Purchase,
    Recipe,
    RecipeComponent,
    RecipeIngredient,
)

# URL name → the kind of object its ids name (first the `pk`/`run_id`, then extra kwargs).
OBJECT_FOR: dict[str, str] = {
    **dict.fromkeys(
        [
            "events:event_detail",
            "events:event_update",
            "events:event_delete",
            "events:assignment_create",
            "events:assignment_bulk_create",
            "events:production_target_set",
            "events:production_target_delete",
            "events:assembly_target_set",
            "events:assembly_target_delete",
            "events:event_needs",
            "events:event_apply_targets",
            "events:event_shopping_list",
            "events:event_shopping_list_csv",
            "events:event_shopping_tick",
            "events:event_shopping_ticks",
            "events:event_shopping_record",
            "events:event_packaging",
            "events:event_summary",
            "events:event_summary_csv",
            "events:event_packing_list_csv",
            "events:event_costs",
            "events:event_clone",
            "events:event_accept_plan",
            "events:event_tags",
            "events:event_packing_slips",
            "events:event_freshness",
        ],
        "event",
    ),
    **dict.fromkeys(
        [
            "events:assignment_update",
            "events:assignment_delete",
            "events:assignment_status",
            "events:assignment_revert",
        ],
        "assignment",
    ),
    **dict.fromkeys(
        [
            "events:recipient_detail",
            "events:recipient_update",
            "events:recipient_delete",
            "events:recipient_set_active",
        ],
        "recipient",
    ),
    **dict.fromkeys(
        [
            "events:package_detail",
            "events:package_update",
            "events:package_delete",
            "events:package_item_create",
        ],
        "package",
    ),
    **dict.fromkeys(["events:package_item_update", "events:package_item_delete"], "package_item"),
    **dict.fromkeys(
        [
            "production:ingredient_detail",
            "production:ingredient_edit",
            "production:ingredient_delete",
            "production:product_create",
        ],
        "ingredient",
    ),
    **dict.fromkeys(["production:product_edit", "production:product_delete"], "product"),
    **dict.fromkeys(
        ["production:purchase_edit", "production:purchase_delete", "production:purchase_correct"],
        "purchase",
    ),
    **dict.fromkeys(
        [
            "production:recipe_detail",
            "production:recipe_edit",
            "production:recipe_delete",
            "production:recipe_line_create",
            "production:recipe_component_create",
            "production:finished_unit_create",
        ],
        "recipe",
    ),
    **dict.fromkeys(["production:recipe_line_edit", "production:recipe_line_delete"], "line"),
    **dict.fromkeys(
        ["production:recipe_component_edit", "production:recipe_component_delete"], "sub_recipe"
    ),
    **dict.fromkeys(
        [
            "production:finished_unit_edit",
            "production:finished_unit_delete",
            "production:finished_unit_adjust",
        ],
        "finished_unit",
    ),
    **dict.fromkeys(
        [
            "production:finished_good_detail",
            "production:finished_good_edit",
            "production:finished_good_delete",
            "production:finished_good_adjust",
            "production:component_create",
        ],
        "finished_good",
    ),
    **dict.fromkeys(["production:component_edit", "production:component_delete"], "component"),
    **dict.fromkeys(
        [
            "production:production_run_detail",
            "production:production_run_reverse",
            "production:production_run_event",
        ],
        "production_run",
    ),
    **dict.fromkeys(
        [
            "production:assembly_run_detail",
            "production:assembly_run_reverse",
            "production:assembly_run_event",
        ],
        "assembly_run",
    ),
}
EXTRA_KWARGS = {"recipe_id": "recipe", "finished_good_id": "finished_good"}
VIEWER_MAY_POST = {"logout", "password_change"}


def _patterns(patterns=None, prefix_ns=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from _patterns(entry.url_patterns, entry.namespace or prefix_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{prefix_ns}:{entry.name}" if prefix_ns else entry.name
            yield name, list(entry.pattern.regex.groupindex)


ALL = sorted(set((name, tuple(kwargs)) for name, kwargs in _patterns()))
WITH_IDS = [(name, kwargs) for name, kwargs in ALL if kwargs]


def test_every_url_with_an_id_is_covered():
    assert sorted(name for name, _ in WITH_IDS if name not in OBJECT_FOR) == []


@pytest.fixture
def world(household):
    return build_world(household)


def build_world(h):
    """One of everything, in the household `h` (the browser's accessibility check visits
    every page with it too)."""
    flour = Ingredient.objects.create(household=h, name="Flour", stock_family="weight")
    bag = Ingredient.objects.create(household=h, name="Bag", kind="packaging", stock_family="count")
    product = Product.objects.create(
        household=h, ingredient=flour, package_quantity=Decimal(1), package_unit="kg"
    )
    purchase = Purchase.objects.create(
        household=h,
        product=product,
        purchased_on=dt.date(2026, 11, 1),
        packages=1,
        price_per_package=Decimal("2.00"),
    )
    InventoryLot.objects.create(
        household=h,
        product=product,
        ingredient=flour,
        purchase=purchase,
        quantity_initial=1000,
        quantity_remaining=1000,
        cost_per_unit=Decimal("0.002"),
        received_on=purchase.purchased_on,
    )
    recipe = Recipe.objects.create(household=h, name="Cookies")
    frosting = Recipe.objects.create(household=h, name="Frosting")
    line = RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=flour, quantity=100, unit="g"
    )
    sub = RecipeComponent.objects.create(
        household=h, recipe=recipe, component_recipe=frosting, batches=1
    )
    unit = FinishedUnit.objects.create(
        household=h, recipe=recipe, name="cookie", items_per_batch=10, inventory_count=50
    )
    good = FinishedGood.objects.create(household=h, name="Tin", inventory_count=5)
    component = FinishedGoodComponent.objects.create(
        household=h,
        finished_good=good,
        component_type="finished_unit",
        finished_unit=unit,
        quantity=5,
    )
    package = Package.objects.create(household=h, name="Box")
    item = PackageItem.objects.create(household=h, package=package, finished_good=good, quantity=1)
    recipient = Recipient.objects.create(household=h, name="Gran")
    event = Event.objects.create(
        household=h, name="Christmas", slug="christmas", event_date=dt.date(2026, 12, 24)
    )
    assignment = Assignment.objects.create(
        household=h, event=event, recipient=recipient, package=package
    )
    ProductionTarget.objects.create(household=h, event=event, recipe=recipe, target_batches=2)
    AssemblyTarget.objects.create(household=h, event=event, finished_good=good, target_quantity=2)
    production_run = ProductionRun.objects.create(
        household=h,
        recipe=recipe,
        finished_unit=unit,
        event=event,
        num_batches=1,
        expected_yield=10,
        actual_yield=10,
        status="complete",
        produced_at=timezone.now(),
    )
    assembly_run = AssemblyRun.objects.create(
        household=h, finished_good=good, event=event, quantity=1, assembled_at=timezone.now()
    )
    return {
        "event": event,
        "assignment": assignment,
        "recipient": recipient,
        "package": package,
        "package_item": item,
        "ingredient": flour,
        "packaging": bag,
        "product": product,
        "purchase": purchase,
        "recipe": recipe,
        "line": line,
        "sub_recipe": sub,
        "finished_unit": unit,
        "finished_good": good,
        "component": component,
        "production_run": production_run,
        "assembly_run": assembly_run,
    }


def _url(name, kwargs, world):
    values = {}
    for key in kwargs:
        kind = EXTRA_KWARGS.get(key, OBJECT_FOR[name])
        values[key] = world[kind].pk
    return reverse(name, kwargs=values)


def every_url(world):
    """(URL name, path) for every URL pattern, its ids taken from `world` (a pattern with ids
    not yet in `OBJECT_FOR` is left out: the coverage test above fails for it)."""
    return [
        (name, _url(name, kwargs, world) if kwargs else reverse(name))
        for name, kwargs in ALL
        if name in OBJECT_FOR or not kwargs
    ]


@pytest.mark.parametrize(("name", "kwargs"), WITH_IDS, ids=[n for n, _ in WITH_IDS])
def test_outsider_gets_404_for_a_real_id(name, kwargs, world, outsider_client, member_client):
    url = _url(name, kwargs, world)
    # The id is real: its owner does not get a 404 for it.
    assert member_client.get(url).status_code != 404
    assert outsider_client.get(url).status_code in {404, 405}
    assert outsider_client.post(url, {}).status_code == 404


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=[n for n, _ in ALL])
def test_anonymous_is_sent_to_login(name, kwargs, world):
    if name in {"login", "logout"}:
        return
    url = _url(name, kwargs, world) if kwargs else reverse(name)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=[n for n, _ in ALL])
def test_viewer_cannot_post(name, kwargs, world, viewer_client):
    if name in VIEWER_MAY_POST or name == "login":
        return
    url = _url(name, kwargs, world) if kwargs else reverse(name)
    from bakeplanner.testing import db_snapshot

    before = db_snapshot()
    assert viewer_client.post(url, {"name": "Changed", "quantity": "1"}).status_code == 403
    assert db_snapshot() == before
