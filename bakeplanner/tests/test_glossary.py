"""Pages speak the glossary (docs/glossary.md): no forbidden word in what a person reads.

Every GET page of the project is rendered with one of everything in the household (the
world of `test_every_url`), its visible text is taken (tags, scripts and styles removed) and
searched for the words the glossary forbids and for figures shown unformatted. Pages whose
templates are still being reworded would be listed in `NOT_YET_SWEPT` (empty now).
The messages the event pages leave after a change (targets, assigning, status moves, refused
deletes) are held to the same words and to one pattern per kind of change.
"""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from bakeplanner.tests import test_every_url
from bakeplanner.tests.test_every_url import ALL, OBJECT_FOR, _url
from events.models import AssemblyTarget, Assignment, Event, Package, ProductionTarget, Recipient

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# The same world of one of everything, as a fixture of this module too.
world = test_every_url.world

# What must never reach a page, as case-insensitive patterns with the glossary's reason.
FORBIDDEN: list[tuple[str, str]] = [
    (r"\bassembl\w*", "say packing / packed / packing run (Assembly, Assemble, assembled)"),
    (r"batch\(es\)", "plural agrees with the count: 1 batch, 2 batches"),
    (r"\w\((?:s|es)\)", "plural agrees with the count, never '(s)'"),
    (r"\bpacked\s+packed\b", "say it once"),
    (r"\bfinished (?:unit|good)s?\b", "say baked item / gift box"),
    (r"\bproduction runs?\b", "say baking run"),
    (r"\bproduction target", "say baking target"),
    (r"\binventory\b", "say stock"),
    (r"\bpack(?:s)?\b", "say packing (pack is not a word the app uses)"),
    (r"\d\.\d{4,}\b", "a figure with more than three decimals: format it (docs/glossary.md)"),
    (r"@\s*\d", "a unit price reads '$2.50 / kg' (unit_price)"),
]

# Pages not checked yet; every page is swept now, and a page added here needs a reason.
NOT_YET_SWEPT: set[str] = set()

PAGES = [(name, kwargs) for name, kwargs in ALL if name not in {"logout"}]

_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    """What a person reads on the page: the markup, scripts and styles taken away."""
    text = _TAG.sub(" ", _HIDDEN.sub(" ", html))
    return re.sub(r"\s+", " ", unescape(text))


def forbidden_in(text: str) -> list[str]:
    found = []
    for pattern, reason in FORBIDDEN:
        for match in re.finditer(pattern, text, re.I):
            start = max(0, match.start() - 40)
            found.append(f"{match.group(0)!r} ({reason}) in …{text[start : match.end() + 40]}…")
    return found


def _render(name: str, kwargs: tuple[str, ...], world: dict[str, Any], client: Client) -> str:
    url = _url(name, kwargs, world) if kwargs else reverse(name)
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        pytest.skip(f"{name} is not a page (GET answers {response.status_code})")
    return response.content.decode()


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[n for n, _ in PAGES])
def test_page_text_uses_the_glossary_words(
    name: str, kwargs: tuple[str, ...], world: dict[str, Any], member_client: Client
) -> None:
    if name in NOT_YET_SWEPT:
        pytest.skip("not yet swept (NOT_YET_SWEPT)")
    if kwargs and name not in OBJECT_FOR:
        pytest.skip("test_every_url.OBJECT_FOR does not name this page's object yet")
    text = visible_text(_render(name, kwargs, world, member_client))
    assert forbidden_in(text) == []


def test_not_yet_swept_names_real_pages() -> None:
    names = {name for name, _ in ALL}
    assert sorted(NOT_YET_SWEPT - names) == []


def test_the_check_finds_a_forbidden_word_in_visible_text_only() -> None:
    html = '<p class="assembly">Record packing</p><script>assemble()</script><p>2 batch(es)</p>'
    found = forbidden_in(visible_text(html))
    assert len(found) == 2 and "batch(es)" in found[0] + found[1]


# --- Messages ---------------------------------------------------------------------------------


def said(response: Response) -> list[str]:
    """The messages a POST left for the next page, as a person reads them."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def _post(client: Client, name: str, args: list[int], data: dict[str, Any]) -> list[str]:
    response = client.post(reverse(name, args=args), data)
    assert response.status_code == 302, name
    messages = said(response)
    client.get(response["Location"])  # the next page shows them, and they are gone
    return messages


def test_target_messages_use_the_glossary_words(world: dict[str, Any], member_client: Client):
    event, recipe, good = world["event"], world["recipe"], world["finished_good"]
    messages = [
        *_post(
            member_client,
            "events:production_target_set",
            [event.pk],
            {"recipe": recipe.pk, "target_batches": 3},
        ),
        *_post(
            member_client,
            "events:assembly_target_set",
            [event.pk],
            {"finished_good": good.pk, "target_quantity": 1},
        ),
    ]
    assert messages == [
        "Baking target for Cookies: 3 batches.",
        "Packing target for Tin: 1 gift box.",
    ]
    assert ProductionTarget.objects.get(event=event).target_batches == 3
    assert AssemblyTarget.objects.get(event=event).target_quantity == 1


def test_target_removal_messages_use_the_glossary_words(
    world: dict[str, Any], member_client: Client
):
    event, recipe, good = world["event"], world["recipe"], world["finished_good"]
    messages = [
        *_post(member_client, "events:production_target_delete", [event.pk, recipe.pk], {}),
        *_post(member_client, "events:assembly_target_delete", [event.pk, good.pk], {}),
        *_post(member_client, "events:assembly_target_delete", [event.pk, good.pk], {}),
    ]
    assert messages == [
        "Baking target removed.",
        "Packing target removed.",
        "That packing target was already gone.",
    ]
    assert not ProductionTarget.objects.filter(event=event).exists()
    assert not AssemblyTarget.objects.filter(event=event).exists()


def test_applying_suggested_targets_says_so_in_glossary_words(
    world: dict[str, Any], member_client: Client
):
    event = world["event"]
    messages = _post(member_client, "events:event_apply_targets", [event.pk], {})
    assert messages and [m for m in messages if forbidden_in(m)] == []
    assert messages[0].startswith("Applied 1 baking target and 1 packing target")
    assert AssemblyTarget.objects.get(event=event).target_quantity == 1


def test_bulk_assign_names_the_package_and_counts_recipients_right(
    world: dict[str, Any], member_client: Client
):
    event, package = world["event"], world["package"]
    ann = Recipient.objects.create(household=event.household, name="Ann")
    bob = Recipient.objects.create(household=event.household, name="Bob")
    messages = _post(
        member_client,
        "events:assignment_bulk_create",
        [event.pk],
        {"package": package.pk, "recipients": [ann.pk, bob.pk], "quantity": 1},
    )
    assert messages == ["Box assigned to 2 recipients."]
    assert Assignment.objects.filter(event=event, package=package).count() == 3


def test_status_messages_share_one_pattern(world: dict[str, Any], member_client: Client):
    assignment = world["assignment"]
    url = "events:assignment_status"
    messages = [
        *_post(member_client, url, [assignment.pk], {"status": "ready"}),
        *_post(member_client, url, [assignment.pk], {"status": "delivered", "confirm": "1"}),
        *_post(
            member_client,
            "events:assignment_revert",
            [assignment.pk],
            {"reason": "Not given yet", "from_status": "delivered"},
        ),
    ]
    # The world's tin is in stock, so marking ready says only that.
    assert messages == [
        "Gran's Box is now ready.",
        "Gran's Box is now delivered.",
        "Gran's Box is back to ready.",
    ]
    assert Assignment.objects.get(pk=assignment.pk).fulfillment_status == "ready"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("events:event_delete", "event"),
        ("events:package_delete", "package"),
        ("events:recipient_delete", "recipient"),
    ],
)
def test_refused_deletes_explain_in_glossary_words(
    name: str, kind: str, world: dict[str, Any], member_client: Client
):
    response = member_client.post(reverse(name, args=[world[kind].pk]), {})
    text = visible_text(response.content.decode() if response.status_code == 200 else "")
    text += " ".join(said(response))
    assert "cannot be deleted" in text
    assert forbidden_in(text) == []
    assert Event.objects.filter(pk=world["event"].pk).exists()
    assert Package.objects.filter(pk=world["package"].pk).exists()
    assert Recipient.objects.filter(pk=world["recipient"].pk).exists()
