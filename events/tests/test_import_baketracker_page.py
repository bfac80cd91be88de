"""The upload page of the bake-tracker import: preview writes nothing, confirm imports."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from events.imports import MAX_FILE_BYTES
from events.tests.test_import_baketracker import _bad_lines_export, small_export
from production.models import Ingredient, InventoryLot, Recipe

URL = reverse("events:import_baketracker")


def upload(data: Any, name: str = "export.json") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def preview(client: Any, data: Any, **extra: Any) -> Any:
    return client.post(URL, {"action": "preview", "file": upload(data), **extra})


def test_member_sees_the_upload_form(member_client):
    response = member_client.get(URL)

    assert response.status_code == 200
    assert b"Import from bake-tracker" in response.content
    assert b'type="file"' in response.content


def test_preview_shows_what_would_be_imported_and_writes_nothing(member_client, household):
    before = db_snapshot()

    response = preview(member_client, small_export())

    assert response.status_code == 200
    page = response.content.decode()
    assert "What export.json would bring in" in page
    assert 'Ingredients</th><td class="text-end">3</td>' in page
    assert "Estimated densities" in page
    assert "Salt, fine: 288 g per cup" in page
    assert "Price unknown" in page
    # 3 ingredients, 3 products, 2 lots, 1 recipe, 3 lines, 1 baked item, 1 recipient, 1 event.
    assert "Import 15 rows" in page
    assert db_snapshot() == before


def test_confirm_imports_what_the_preview_showed(member_client, household):
    preview(member_client, small_export())

    response = member_client.post(URL, {"action": "confirm"}, follow=True)

    assert response.redirect_chain[-1][0] == URL
    assert b"Imported from bake-tracker: 3 ingredients" in response.content
    assert Recipe.objects.filter(household=household, name="Sugar Cookies").exists()
    assert Ingredient.objects.filter(household=household).count() == 3
    assert InventoryLot.objects.filter(household=household, price_unknown=True).count() == 1


def test_confirm_without_a_preview_asks_for_the_file_again(member_client, household):
    before = db_snapshot()

    response = member_client.post(URL, {"action": "confirm"}, follow=True)

    assert b"Upload the file again" in response.content
    assert db_snapshot() == before


def test_preview_of_a_file_with_bad_rows_lists_every_problem(member_client, household):
    before = db_snapshot()

    response = preview(member_client, _bad_lines_export())

    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: the file has 3 problems." in page
    assert "unknown unit &#x27;handful&#x27;" in page
    assert "cardamom_pods" in page
    assert "cup cannot be used for Eggs, whole" in page
    assert "would bring in" not in page
    assert db_snapshot() == before


def test_preview_with_skip_invalid_lists_the_rows_left_out(member_client, household):
    response = preview(member_client, _bad_lines_export(), skip_invalid="on")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Left out (3 rows)" in page
    assert "cardamom_pods" in page


def test_a_file_of_another_application_is_refused_with_one_line(member_client, household):
    before = db_snapshot()

    response = preview(member_client, {"application": "other", "version": "4.2"})

    assert response.status_code == 400
    assert b"not a bake-tracker export" in response.content
    assert db_snapshot() == before


def test_invalid_json_is_refused(member_client, household):
    response = preview(member_client, b"\xff\xfe not json")

    assert response.status_code == 400
    assert b"not valid JSON" in response.content


def test_a_file_over_the_size_limit_is_refused(member_client, household):
    before = db_snapshot()

    response = preview(member_client, b" " * (MAX_FILE_BYTES + 1))

    assert response.status_code == 400
    assert b"The file is too large" in response.content
    assert db_snapshot() == before


def test_viewer_cannot_open_or_post_the_page(viewer_client, household):
    before = db_snapshot()

    assert viewer_client.get(URL).status_code == 403
    assert preview(viewer_client, small_export()).status_code == 403
    assert viewer_client.post(URL, {"action": "confirm"}).status_code == 403
    assert db_snapshot() == before


def test_outsider_import_lands_in_their_own_household(outsider_client, household):
    preview(outsider_client, small_export())
    outsider_client.post(URL, {"action": "confirm"})

    assert not Recipe.objects.filter(household=household).exists()
    assert Recipe.objects.exclude(household=household).filter(name="Sugar Cookies").count() == 1


def test_home_page_links_members_to_the_import(member_client, viewer_client):
    assert URL in member_client.get(reverse("home")).content.decode()
    assert URL not in viewer_client.get(reverse("home")).content.decode()


def test_page_fits_a_phone(member_client, household):
    """At phone width nothing may force sideways scrolling: the counts table scrolls inside
    its own box, long problem lines wrap, and the buttons are full tap size."""
    page = preview(member_client, _bad_lines_export(), skip_invalid="on").content.decode()

    assert '<div class="table-responsive">' in page
    assert page.count("text-break") >= 1
    assert 'class="btn btn-primary btn-touch"' in page
    assert 'class="btn btn-outline-primary btn-touch"' in page


def _import_small(client: Any) -> None:
    preview(client, small_export())
    client.post(URL, {"action": "confirm"})


def test_purchase_list_says_price_unknown_for_a_lot_imported_without_a_price(
    member_client, household
):
    _import_small(member_client)

    page = member_client.get(reverse("production:purchase_list")).content.decode()

    flour_lot = InventoryLot.objects.get(household=household, ingredient__name="Flour, all-purpose")
    assert flour_lot.price_unknown is True
    assert page.count("Price unknown") == 1
    assert "$2.60" in page  # the salt lot's price from the file


def test_ingredient_page_marks_an_estimated_density(member_client, household):
    _import_small(member_client)
    salt = Ingredient.objects.get(household=household, name="Salt, fine")

    page = member_client.get(reverse("production:ingredient_detail", args=[salt.pk]))

    assert salt.density_estimated is True
    assert 'per cup <span class="badge text-bg-warning">estimated</span>' in page.content.decode()
