"""The fulfilment pages: "Mark delivered" asks first, "Mark ready" warns about unpacked gift
boxes, "Step back" takes a status back one step with a reason, and the assignment's edit page
shows its status history."""

from __future__ import annotations

from django.urls import reverse

from events.models import Assignment, FulfillmentChange
from events.tests.conftest import assign
from production.models import FinishedGood


def _page(response) -> str:
    return response.content.decode()


def _status(a: Assignment) -> str:
    return Assignment.objects.get(pk=a.pk).fulfillment_status


def _event_url(a: Assignment) -> str:
    return reverse("events:event_detail", args=[a.event_id]) + "?tab=packages#assignments"


def _stock(good: FinishedGood, count: int) -> None:
    FinishedGood.objects.filter(pk=good.pk).update(inventory_count=count)


# --- Mark delivered: confirm first ----------------------------------------------------------


def test_mark_delivered_without_confirm_shows_the_question_and_changes_nothing(
    gift_world, member_client
):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    url = reverse("events:assignment_status", args=[a.pk])
    response = member_client.post(url, {"status": "delivered"})
    assert response.status_code == 200
    html = _page(response)
    assert "Mark Anna&#x27;s Small Gift delivered?" in html
    assert 'name="confirm" value="1"' in html
    assert _status(a) == "ready"
    assert not FulfillmentChange.objects.exists()


def test_confirmation_page_is_shown_on_get_too(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    response = member_client.get(reverse("events:assignment_status", args=[a.pk]))
    assert response.status_code == 200
    assert "Mark Anna&#x27;s Small Gift delivered?" in _page(response)
    assert _status(a) == "ready"


def test_confirmed_mark_delivered_changes_the_status_and_goes_back_to_the_event(
    gift_world, member_client, member
):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    url = reverse("events:assignment_status", args=[a.pk])
    response = member_client.post(url, {"status": "delivered", "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == _event_url(a)
    html = _page(member_client.get(response["Location"]))
    assert "Anna&#x27;s Small Gift is now delivered." in html
    assert _status(a) == "delivered"
    change = FulfillmentChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "ready",
        "delivered",
        member,
    )


def test_confirmation_page_for_a_pending_assignment_says_mark_it_ready_first(
    gift_world, member_client
):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    response = member_client.post(
        reverse("events:assignment_status", args=[a.pk]), {"status": "delivered"}
    )
    assert response.status_code == 200
    html = _page(response)
    assert "mark it ready first" in html
    assert 'name="confirm"' not in html
    assert _status(a) == "pending"


def test_confirmed_mark_delivered_on_a_pending_assignment_is_refused(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    response = member_client.post(
        reverse("events:assignment_status", args=[a.pk]),
        {"status": "delivered", "confirm": "1"},
        follow=True,
    )
    assert "Cannot change from pending to delivered (allowed: ready)" in _page(response)
    assert _status(a) == "pending"
    assert not FulfillmentChange.objects.exists()


def test_confirmation_returns_to_a_local_next_address(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    url = reverse("events:assignment_status", args=[a.pk])
    back = reverse("events:recipient_detail", args=[w.anna.pk])
    html = _page(member_client.post(url, {"status": "delivered", "next": back}))
    assert f'name="next" value="{back}"' in html
    response = member_client.post(url, {"status": "delivered", "confirm": "1", "next": back})
    assert response["Location"] == back


def test_another_sites_next_address_is_ignored(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    url = reverse("events:assignment_status", args=[a.pk])
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:1"):
        response = member_client.post(url, {"status": "delivered", "confirm": "1", "next": bad})
        assert response["Location"] == _event_url(a), bad
        Assignment.objects.filter(pk=a.pk).update(fulfillment_status="ready")


# --- Mark ready: one tap, with a warning ----------------------------------------------------


def test_mark_ready_is_one_tap_and_warns_which_gift_boxes_are_not_packed(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.big, quantity=1)  # 2 cookie boxes and 1 fudge tin
    _stock(w.cookie_box, 1)
    response = member_client.post(
        reverse("events:assignment_status", args=[a.pk]), {"status": "ready"}, follow=True
    )
    html = _page(response)
    assert (
        "Anna&#x27;s Big Gift is now ready. Not packed yet: 2 × Cookie Box (1 in stock), "
        "1 × Fudge Tin (0 in stock)." in html
    )
    assert "alert-warning" in html
    assert _status(a) == "ready"


def test_mark_ready_with_everything_packed_says_only_that_it_is_ready(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, quantity=2)
    _stock(w.cookie_box, 2)
    html = _page(
        member_client.post(
            reverse("events:assignment_status", args=[a.pk]), {"status": "ready"}, follow=True
        )
    )
    assert "Anna&#x27;s Small Gift is now ready." in html
    assert "Not packed yet" not in html
    assert _status(a) == "ready"


def test_unknown_status_is_refused_with_a_message(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    response = member_client.post(
        reverse("events:assignment_status", args=[a.pk]), {"status": "lost"}, follow=True
    )
    assert "Choose ready or delivered." in _page(response)
    assert _status(a) == "pending"


# --- Step back ------------------------------------------------------------------------------


def test_step_back_page_shows_the_status_now_and_the_one_it_goes_back_to(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    html = _page(member_client.get(reverse("events:assignment_revert", args=[a.pk])))
    assert "Step back Anna&#x27;s Small Gift?" in html
    now = html.split("Status now")[1].split("Goes back to")[0]
    assert "Delivered" in now
    assert "Ready" in html.split("Goes back to")[1]
    assert 'name="reason"' in html
    assert "Step back to ready" in html
    assert _status(a) == "delivered"


def test_step_back_with_a_reason_steps_back_and_returns_to_the_event(
    gift_world, member_client, member
):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    url = reverse("events:assignment_revert", args=[a.pk])
    response = member_client.post(url, {"reason": "Not given yet", "from_status": "delivered"})
    assert response.status_code == 302
    assert response["Location"] == _event_url(a)
    html = _page(member_client.get(response["Location"]))
    assert "Anna&#x27;s Small Gift is back to ready." in html
    assert _status(a) == "ready"
    change = FulfillmentChange.objects.get()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "delivered",
        "ready",
        "Not given yet",
        member,
    )


def test_step_back_without_a_reason_is_refused_on_the_form(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    url = reverse("events:assignment_revert", args=[a.pk])
    for reason in ("", "   ", "\u200b"):
        response = member_client.post(url, {"reason": reason, "from_status": "ready"})
        assert response.status_code == 200
        assert "Say why the status is being stepped back." in _page(response)
    assert _status(a) == "ready"
    assert not FulfillmentChange.objects.exists()


def test_step_back_from_a_stale_page_is_refused_and_shows_the_status_now(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="ready")
    url = reverse("events:assignment_revert", args=[a.pk])
    response = member_client.post(url, {"reason": "Oops", "from_status": "delivered"})
    assert response.status_code == 200
    html = _page(response)
    assert "is no longer delivered: it is ready now" in html
    assert "Step back to pending" in html
    assert 'name="from_status" value="ready"' in html
    assert 'value="Oops"' in html
    assert _status(a) == "ready"
    assert not FulfillmentChange.objects.exists()


def test_step_back_page_of_a_pending_assignment_offers_no_form(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    url = reverse("events:assignment_revert", args=[a.pk])
    html = _page(member_client.get(url))
    assert "there is no earlier status to step back to" in html
    assert 'name="reason"' not in html
    response = member_client.post(url, {"reason": "Oops", "from_status": "pending"})
    assert response.status_code == 200
    assert "Anna&#x27;s Small Gift is pending: there is no earlier status" in _page(response)
    assert _status(a) == "pending"
    assert not FulfillmentChange.objects.exists()


def test_step_back_returns_to_a_local_next_address_only(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    url = reverse("events:assignment_revert", args=[a.pk])
    edit = reverse("events:assignment_update", args=[a.pk])
    html = _page(member_client.get(f"{url}?next={edit}"))
    assert f'name="next" value="{edit}"' in html
    response = member_client.post(url, {"reason": "Oops", "from_status": "delivered", "next": edit})
    assert response["Location"] == edit
    response = member_client.post(
        url, {"reason": "Oops", "from_status": "ready", "next": "https://evil.example/"}
    )
    assert response["Location"] == _event_url(a)
    assert _status(a) == "pending"


def test_viewer_cannot_step_back_or_mark_delivered(gift_world, viewer_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    b = assign(w, w.christmas, w.ben, w.small, status="ready")
    revert = reverse("events:assignment_revert", args=[a.pk])
    assert viewer_client.get(revert).status_code == 403
    assert (
        viewer_client.post(revert, {"reason": "x", "from_status": "delivered"}).status_code == 403
    )
    status = reverse("events:assignment_status", args=[b.pk])
    assert viewer_client.post(status, {"status": "delivered", "confirm": "1"}).status_code == 403
    assert (_status(a), _status(b)) == ("delivered", "ready")
    assert not FulfillmentChange.objects.exists()


def test_other_household_gets_404_from_the_fulfilment_pages(gift_world, outsider_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small, status="delivered")
    revert = reverse("events:assignment_revert", args=[a.pk])
    status = reverse("events:assignment_status", args=[a.pk])
    assert outsider_client.get(revert).status_code == 404
    assert (
        outsider_client.post(revert, {"reason": "x", "from_status": "delivered"}).status_code == 404
    )
    assert outsider_client.get(status).status_code == 404
    assert outsider_client.post(status, {"status": "ready"}).status_code == 404
    assert _status(a) == "delivered"
    assert not FulfillmentChange.objects.exists()


# --- History on the edit page ---------------------------------------------------------------


def test_edit_page_shows_the_status_history_with_who_when_and_why(gift_world, member_client):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    status = reverse("events:assignment_status", args=[a.pk])
    member_client.post(status, {"status": "ready"})
    member_client.post(status, {"status": "delivered", "confirm": "1"})
    member_client.post(
        reverse("events:assignment_revert", args=[a.pk]),
        {"reason": "Left on the doorstep", "from_status": "delivered"},
    )
    html = _page(member_client.get(reverse("events:assignment_update", args=[a.pk])))
    history = html.split("Status history")[1]
    assert history.index("pending → ready") < history.index("ready → delivered")
    assert history.index("ready → delivered") < history.index("delivered → ready")
    assert "Left on the doorstep" in history
    assert history.count("mia") == 3
    assert reverse("events:assignment_revert", args=[a.pk]) in html
    assert list(
        FulfillmentChange.objects.order_by("id").values_list("from_status", "to_status")
    ) == [("pending", "ready"), ("ready", "delivered"), ("delivered", "ready")]


def test_edit_page_of_a_pending_assignment_has_no_history_and_no_step_back(
    gift_world, member_client
):
    w = gift_world
    a = assign(w, w.christmas, w.anna, w.small)
    html = _page(member_client.get(reverse("events:assignment_update", args=[a.pk])))
    assert "No status changes yet" in html
    assert reverse("events:assignment_revert", args=[a.pk]) not in html
