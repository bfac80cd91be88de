"""Catalogue pages given bad input: each re-renders with its message and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from production.models import InventoryLot
from production.tests import test_catalogue_views

world = test_catalogue_views.world  # the catalogue pages' world fixture, shared


# --- Bad input: the page re-renders with the message and nothing changes -------------------

BAD_POSTS = [
    (
        "ingredient_create",
        None,
        {"name": "FLOUR", "kind": "food", "stock_family": "weight"},
        "already exists",
    ),
    (
        "ingredient_create",
        None,
        {"name": "Salt", "kind": "food", "stock_family": "length"},
        "Select a valid choice",
    ),
    (
        "ingredient_create",
        None,
        {"name": "Salt", "kind": "food", "stock_family": "weight", "density_g_per_cup": "-3"},
        "greater than or equal to",
    ),
    (
        "ingredient_edit",
        "flour",
        {"name": "Flour", "kind": "food", "stock_family": "volume", "density_g_per_cup": "120"},
        "cannot change",
    ),
    (
        "ingredient_edit",
        "flour",
        {"name": "Flour", "kind": "food", "stock_family": "weight", "density_g_per_cup": ""},
        "could no longer be converted",
    ),
    ("product_create", "flour", {"package_quantity": "1", "package_unit": "each"}, "counted in g"),
    (
        "product_create",
        "flour",
        {"package_quantity": "0", "package_unit": "kg"},
        "greater than or equal to",
    ),
    (
        "product_create",
        "flour",
        {"package_quantity": "1", "package_unit": "kg", "name": "Big bag"},
        "already has the product",
    ),
    (
        "product_edit",
        "flour_big",
        {"package_quantity": "2", "package_unit": "kg", "name": "Big bag"},
        "cannot change once",
    ),
    (
        "purchase_create",
        None,
        {
            "product_id": "flour_big",
            "purchased_on": "2026-02-30",
            "packages": "1",
            "price_per_package": "1",
        },
        "Enter a valid date",
    ),
    (
        "purchase_create",
        None,
        {
            "product_id": "flour_big",
            "purchased_on": "2026-02-01",
            "packages": "-1",
            "price_per_package": "1",
        },
        "greater than or equal to",
    ),
    (
        "purchase_create",
        None,
        {
            "product_id": "flour_big",
            "purchased_on": "2026-02-01",
            "packages": "1",
            "price_per_package": "99999999999",
        },
        "no more than 8 digits before the decimal point",
    ),
    (
        "purchase_create",
        None,
        {
            "product_id": "999999",
            "purchased_on": "2026-02-01",
            "packages": "1",
            "price_per_package": "1",
        },
        "Select a valid choice",
    ),
    (
        "purchase_edit",
        "lot1_purchase",
        {
            "product_id": "flour_small",
            "purchased_on": "2026-01-01",
            "packages": "2",
            "price_per_package": "1",
        },
        "already been used",
    ),
    (
        "depletion_create",
        None,
        {"ingredient_id": "sugar", "quantity": "5", "unit": "kg", "reason": "gift"},
        "Not enough ingredients: Sugar: needed 5000 g",
    ),
    (
        "depletion_create",
        None,
        {"ingredient_id": "sugar", "quantity": "5", "unit": "g", "reason": "other", "notes": ""},
        "required for other",
    ),
    (
        "depletion_create",
        None,
        {"ingredient_id": "sugar", "quantity": "1", "unit": "each", "reason": "gift"},
        "Cannot convert each to g",
    ),
    ("recipe_create", None, {"name": "sugar cookies"}, "already exists"),
    ("recipe_edit", "cookies", {"name": "Frosting"}, "already exists"),
    (
        "recipe_line_create",
        "cookies",
        {"ingredient_id": "bag", "quantity": "1", "unit": "cup"},
        "cannot be used for Cellophane bag",
    ),
    (
        "recipe_line_create",
        "cookies",
        {"ingredient_id": "flour", "quantity": "abc", "unit": "g"},
        "Enter a number",
    ),
    (
        "recipe_line_edit",
        "line",
        {"ingredient_id": "flour", "quantity": "0", "unit": "g"},
        "greater than or equal to",
    ),
    (
        "recipe_component_create",
        "frosting",
        {"component_recipe_id": "cookies", "batches": "1"},
        "would make a loop",
    ),
    (
        "recipe_component_create",
        "cookies",
        {"component_recipe_id": "frosting", "batches": "1"},
        "already a sub-recipe",
    ),
    ("recipe_component_edit", "link", {"batches": "0"}, "greater than or equal to"),
    (
        "finished_unit_create",
        "cookies",
        {"name": "COOKIE", "items_per_batch": "10"},
        "already has an item",
    ),
    (
        "finished_unit_create",
        "cookies",
        {"name": "Bar", "items_per_batch": "1.5"},
        "Enter a whole number",
    ),
    (
        "finished_unit_edit",
        "cookie",
        {"name": "cookie", "items_per_batch": "0"},
        "greater than or equal to 1",
    ),
    (
        "finished_unit_adjust",
        "cookie",
        {"change": "-1", "reason": "gift"},
        "Not enough finished stock: cookie: needed 1",
    ),
    ("finished_unit_adjust", "cookie", {"change": "0", "reason": "gift"}, "cannot be zero"),
    (
        "finished_good_adjust",
        "tin",
        {"change": "3", "reason": "correction", "notes": ""},
        "required for correction",
    ),
    ("finished_good_create", None, {"name": "gift BOX"}, "already exists"),
    ("finished_good_edit", "tin", {"name": "Gift box"}, "already exists"),
    (
        "component_create",
        "tin",
        {"item": "finished_good:box", "quantity": "1"},
        "would make a loop",
    ),
    (
        "component_create",
        "tin",
        {"item": "finished_unit:cookie", "quantity": "2.5"},
        "whole number",
    ),
    (
        "component_create",
        "tin",
        {"item": "packaging:flour", "quantity": "1"},
        "Select a valid choice",
    ),
    ("component_edit", "unit_component", {"quantity": "-4"}, "greater than or equal to"),
    ("ingredient_delete", "flour", {}, "Flour is still used by"),
    ("product_delete", "flour_big", {}, "still used by 1 purchase"),
    ("purchase_delete", "lot1_purchase", {}, "already been used"),
    ("recipe_delete", "frosting", {}, "sub-recipe"),
    ("finished_unit_delete", "cookie", {}, "gift box component"),
    ("finished_good_delete", "tin", {}, "still used by"),
]


def _resolve(world, value):
    """Turn fixture names (and `kind:name`) in a bad-post table into real ids."""
    ids = {
        "flour": world.flour.pk,
        "sugar": world.sugar.pk,
        "bag": world.bag.pk,
        "flour_big": world.flour_big.pk,
        "flour_small": world.flour_small.pk,
        "cookies": world.cookies.pk,
        "frosting": world.frosting.pk,
        "line": world.line.pk,
        "link": world.link.pk,
        "cookie": world.cookie.pk,
        "tin": world.tin.pk,
        "box": world.box.pk,
        "unit_component": world.unit_component.pk,
        "lot1_purchase": world.lot1.purchase_id,
    }
    if isinstance(value, str) and ":" in value:
        kind, _, name = value.partition(":")
        return f"{kind}:{ids[name]}"
    return ids.get(value, value)


@pytest.mark.parametrize(
    ("name", "target", "data", "message"),
    BAD_POSTS,
    ids=[f"{row[0]}-{i}" for i, row in enumerate(BAD_POSTS)],
)
def test_bad_input_re_renders_with_the_message_and_changes_nothing(
    world, member_client, name, target, data, message
):
    # Lot 1 has been drawn from, so its purchase is immutable.
    InventoryLot.objects.filter(pk=world.lot1.pk).update(quantity_remaining=150)
    args = [_resolve(world, target)] if target else []
    payload = {"notes": "", **{k: _resolve(world, v) for k, v in data.items()}}
    before = db_snapshot()
    response = member_client.post(reverse(f"production:{name}", args=args), payload)
    assert response.status_code == 200
    html = response.content.decode()
    from html import unescape

    assert message in unescape(html), html[html.find("<main") :][:3000]
    assert db_snapshot() == before
