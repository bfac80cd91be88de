"""Planning pages: needs and suggested targets, shopping list, packaging, summary."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bakeplanner.testing import db_snapshot
from events.models import AssemblyTarget, ProductionTarget
from events.tests.demand_fixtures import (
    build_estimate_world,
    build_gift_world,
    build_scaled_world,
    ingredient,
    line,
    production_target,
)

READ_PAGES = ["event_needs", "event_shopping_list", "event_packaging", "event_summary"]
ALL_URLS = [*READ_PAGES, "event_shopping_list_csv", "event_apply_targets"]


@pytest.fixture
def gift_world(household):
    return build_gift_world(household)


def url(name, event):
    return reverse(f"events:{name}", args=[event.pk])


@pytest.mark.parametrize("name", READ_PAGES)
def test_pages_render_for_a_member_and_change_nothing(gift_world, member_client, name):
    before = db_snapshot()
    response = member_client.get(url(name, gift_world.event))
    assert response.status_code == 200
    assert "Christmas 2026" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("name", READ_PAGES)
def test_viewers_can_read_every_page(gift_world, viewer_client, name):
    assert viewer_client.get(url(name, gift_world.event)).status_code == 200


@pytest.mark.parametrize("name", ALL_URLS)
def test_outsider_gets_404_with_a_real_event_id(gift_world, outsider_client, name):
    assert outsider_client.get(url(name, gift_world.event)).status_code == 404


def test_outsider_post_to_apply_targets_is_404_and_changes_nothing(gift_world, outsider_client):
    response = outsider_client.post(url("event_apply_targets", gift_world.event))
    assert response.status_code == 404
    assert ProductionTarget.objects.count() == 0


@pytest.mark.parametrize("name", ALL_URLS)
def test_anonymous_users_are_sent_to_login(gift_world, client, name):
    response = client.get(url(name, gift_world.event))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_viewer_post_to_apply_targets_is_refused(gift_world, viewer_client):
    response = viewer_client.post(url("event_apply_targets", gift_world.event))
    assert response.status_code == 403
    assert ProductionTarget.objects.count() == 0
    assert AssemblyTarget.objects.count() == 0


def test_viewer_does_not_see_the_apply_button(gift_world, viewer_client):
    page = viewer_client.get(url("event_needs", gift_world.event)).content.decode()
    assert "Apply suggested targets" not in page


def test_needs_page_shows_needs_suggestions_and_current_targets(gift_world, member_client):
    production_target(gift_world.household, gift_world.event, gift_world.cookies, 5)
    page = member_client.get(url("event_needs", gift_world.event)).content.decode()
    assert "shortbread finger" in page
    assert '<td class="num">80</td>' in page  # cookies needed
    assert "Apply suggested targets" in page
    assert "differs from the suggestion" in page  # cookies: target 5, suggested 2
    assert 'action="' + url("event_apply_targets", gift_world.event) + '"' in page


def test_apply_suggested_targets_from_the_page(gift_world, member_client):
    response = member_client.post(url("event_apply_targets", gift_world.event), follow=True)
    assert response.redirect_chain[-1][0] == url("event_needs", gift_world.event)
    page = response.content.decode()
    assert "Applied 2 baking targets and 2 packing targets." in page
    assert dict(ProductionTarget.objects.values_list("recipe__name", "target_batches")) == {
        "Shortbread": 2,
        "Sugar Cookies": 2,
    }
    assert dict(AssemblyTarget.objects.values_list("finished_good__name", "target_quantity")) == {
        "Cookie Bag": 8,
        "Shortbread Tin": 3,
    }
    assert "The current targets already match the suggestions." in page


def test_get_on_apply_targets_goes_back_to_the_needs_page(gift_world, member_client):
    response = member_client.get(url("event_apply_targets", gift_world.event))
    assert response.status_code == 302
    assert response["Location"] == url("event_needs", gift_world.event)
    assert ProductionTarget.objects.count() == 0


def test_shopping_list_page_groups_by_category_with_tick_boxes(gift_world, member_client):
    page = member_client.get(url("event_shopping_list", gift_world.event)).content.decode()
    baking = page.index("Ingredients · Baking")
    dairy = page.index("Ingredients · Dairy")
    packaging = page.index("Packaging supplies · Packaging")
    other = page.index("Packaging supplies · Other")
    assert baking < dairy < packaging < other
    assert page.index("Flour") > baking
    assert "1 × Big bag (Mill &amp; Co)" in page
    assert "Estimated cost: <strong>$18.50</strong>" in page
    assert "price missing" in page
    assert "No price yet for:</strong> Cookie tin, Vanilla" in page
    assert 'class="print-tick print-only"' in page
    assert ">Got Flour</span>" in page
    csv_url = url("event_shopping_list_csv", gift_world.event)
    assert f'href="{csv_url}?include_packaging=1"' in page


def test_shopping_list_without_packaging(gift_world, member_client):
    response = member_client.get(
        url("event_shopping_list", gift_world.event), {"include_packaging": "0"}
    )
    page = response.content.decode()
    assert "Packaging supplies · Packaging" not in page
    assert "Cellophane bag" not in page
    assert "Estimated cost: <strong>$11.50</strong>" in page
    assert "include_packaging=0" in page


def test_shopping_list_bad_option_falls_back_to_everything(gift_world, member_client):
    response = member_client.get(
        url("event_shopping_list", gift_world.event), {"include_packaging": "maybe"}
    )
    assert response.status_code == 200
    assert "Estimated cost: <strong>$18.50</strong>" in response.content.decode()


def test_text_is_escaped_on_output(gift_world, member_client):
    evil = ingredient(gift_world.household, "<script>alert(1)</script>", "weight")
    line(gift_world.household, gift_world.cookies, evil, 5, "g")
    page = member_client.get(url("event_shopping_list", gift_world.event)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_packaging_page_shows_needs_and_breakdown(gift_world, member_client):
    page = member_client.get(url("event_packaging", gift_world.event)).content.decode()
    assert "Cellophane bag" in page and "Ribbon" in page and "Cookie tin" in page
    assert '<td class="num fw-semibold">14 each</td>' in page  # ribbon total
    assert "Deluxe, Simple" in page


def test_summary_page_shows_cost_by_recipient(household, member_client):
    w = build_estimate_world(household)
    page = member_client.get(url("event_summary", w.event)).content.decode()
    assert '<td class="num fw-semibold">$9.60</td>' in page
    assert "Ann" in page and '<td class="num">$6.90</td>' in page
    assert '<td class="num">$2.70</td>' in page
    assert "Estimated cost" in page and "Planned cost" not in page


def test_missing_event_is_404(member_client, household):
    assert member_client.get(reverse("events:event_needs", args=[999999])).status_code == 404


PAGE_QUERY_BOUND = 30


@pytest.mark.parametrize("size", [1, 6])
@pytest.mark.parametrize("name", [*READ_PAGES, "event_shopping_list_csv"])
def test_pages_use_a_constant_number_of_queries(
    household, member_client, size, name, django_assert_max_num_queries
):
    world = build_scaled_world(household, size)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        response = member_client.get(url(name, world.event))
    assert response.status_code == 200


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_conversion_that_cannot_be_done_is_shown_not_a_500(gift_world, member_client, name):
    # Butter has no density, so a line in cups cannot be weighed.
    line(gift_world.household, gift_world.shortbread, gift_world.butter, 1, "cup")
    response = member_client.get(url(name, gift_world.event))
    assert response.status_code == 200
    page = response.content.decode()
    if name in ("event_shopping_list", "event_summary"):
        assert "Cannot work this out:" in page
        assert "no density" in page


def test_apply_targets_with_a_domain_error_re_renders_the_page(gift_world, member_client):
    from production.models import FinishedGoodComponent

    # A nesting loop that slipped into the data: the engine refuses with a message.
    FinishedGoodComponent.objects.create(
        household=gift_world.household,
        finished_good=gift_world.cookie_bag,
        component_type=FinishedGoodComponent.FINISHED_GOOD,
        nested_good=gift_world.shortbread_tin,
        quantity=1,
    )
    response = member_client.post(url("event_apply_targets", gift_world.event))
    assert response.status_code == 200
    assert "contains itself" in response.content.decode()
    assert ProductionTarget.objects.count() == 0
