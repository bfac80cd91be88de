"""Property-based fuzzing of every form and every GET filter of the app.

Bad input always gets a clear message and changes nothing; a 500 is a bug. For every URL
pattern, the forms that post to it (found by fetching every page as a member and parsing
its HTML) get generated values: empty, huge, negative, NaN, 40-digit decimals, impossible
and extreme dates, control characters, RTL marks, emoji, 10,000-character strings, ids of
another household's rows and of no row at all, several values for a single field. Each
example runs in a savepoint that is rolled back, so every example starts from the same
seeded world, and a refused submit (anything but a redirect) must leave every BakePlanner
table as it was. Pages and the JSON checks get the same treatment through their query
strings. The Europe/Berlin variant exists because extreme dates fail only away from UTC.

BAKEPLANNER_FUZZ_EXAMPLES sets the examples per target (default 6); with CI set the runs
are derandomized so a failure reproduces.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bakeplanner.tests import test_every_url
from bakeplanner.tests.fuzz_support import (
    Crawl,
    FieldSpec,
    FormSpec,
    changed_tables,
    crawl,
    form_data,
    household_snapshot,
    ids_of,
    is_date_field,
    query_data,
    query_keys,
    snapshot,
    view_of,
)
from bakeplanner.tests.test_every_url import ALL, _url
from events.models import Event, Package, PackageItem, Recipient
from production.models import (
    FinishedGood,
    FinishedUnit,
    Ingredient,
    Product,
    Recipe,
    RecipeIngredient,
)

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("BAKEPLANNER_FUZZ_EXAMPLES", "6"))
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def fuzz_settings(examples: int) -> hypothesis_settings:
    return hypothesis_settings(
        max_examples=max(1, examples),
        deadline=None,
        database=None,  # nothing is written into the working tree
        derandomize=bool(os.environ.get("CI")),  # CI runs reproduce exactly
        print_blob=True,
        suppress_health_check=HEALTH,
    )


# (URL name, form field or query parameter) pairs the suite does not fuzz yet, because the
# app still fails on them; the value says how. Empty: every field is fuzzed. Adding a line
# here needs a reason and a plan to remove it.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}

# Logging out would end the session every later example uses.
NOT_FUZZED = {"logout"}
# The login page is for anonymous users and has no household data behind it; django-axes
# counts its refusals, which is its job and not a BakePlanner table.
ANONYMOUS_ONLY = {"login"}
VIEWER_MAY_POST = {"logout", "password_change"}
REDIRECT = {301, 302, 303}
# A digit to str.isdigit() but not to int(), and a NUL byte, which no database column takes.
SHARP_VALUES = ["²", "\x00"]

# The seeded world of the URL isolation tests: one of everything, in the member's household.
seeded_world = test_every_url.world

URL_NAMES = [name for name, _ in ALL]
FUZZED = [name for name in URL_NAMES if name not in NOT_FUZZED | ANONYMOUS_ONLY]


def _skipped(url_name: str) -> frozenset[str]:
    return frozenset(field for name, field in KNOWN_FAILURES if name == url_name)


def _urls(world: dict[str, Any]) -> dict[str, str]:
    return {
        name: _url(name, kwargs, world) if kwargs else reverse(name)
        for name, kwargs in ALL
        if name not in NOT_FUZZED
    }


@pytest.fixture
def foreign_world(outsider_household) -> list[Model]:
    """A few rows of another household, whose ids every form must refuse."""
    h = outsider_household
    sugar = Ingredient.objects.create(household=h, name="Sugar", stock_family="weight")
    product = Product.objects.create(
        household=h, ingredient=sugar, package_quantity=Decimal(1), package_unit="kg"
    )
    recipe = Recipe.objects.create(household=h, name="Fudge")
    line = RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=sugar, quantity=100, unit="g"
    )
    unit = FinishedUnit.objects.create(household=h, recipe=recipe, name="piece", items_per_batch=8)
    good = FinishedGood.objects.create(household=h, name="Fudge Tin", inventory_count=3)
    package = Package.objects.create(household=h, name="Parcel")
    item = PackageItem.objects.create(household=h, package=package, finished_good=good, quantity=1)
    recipient = Recipient.objects.create(household=h, name="Uncle")
    event = Event.objects.create(
        household=h,
        name="Their Christmas",
        slug="their-christmas",
        event_date=dt.date(2026, 12, 24),
    )
    return [sugar, product, recipe, line, unit, good, package, item, recipient, event]


@pytest.fixture
def fuzz_ids(seeded_world, foreign_world) -> dict[str, list[str]]:
    # Made after the world, the foreign rows' ids are ones this household has no row for.
    return {"own": ids_of(seeded_world.values()), "foreign": ids_of(foreign_world)}


@pytest.fixture
def fuzz_client(member) -> Client:
    # Client's default, spelled out: an exception in a view fails the example that caused it.
    client = Client(raise_request_exception=True)
    client.force_login(member)
    return client


@pytest.fixture
def urls(seeded_world) -> dict[str, str]:
    return _urls(seeded_world)


# Every page is crawled once per session (the seeded world has one shape every time); each
# test then fetches only the pages that hold a form for its URL, with its own ids.
_FIRST_CRAWL: list[Crawl] = []


def _first_crawl(client: Client, urls: dict[str, str]) -> Crawl:
    """Pages and forms as first seen (their ids may be another test's: use names only)."""
    if not _FIRST_CRAWL:
        _FIRST_CRAWL.append(crawl(client, urls))
    return _FIRST_CRAWL[0]


def _hosts_of(client: Client, urls: dict[str, str], url_name: str) -> list[str]:
    return _first_crawl(client, urls).hosts_of(url_name)


def _post_targets(client: Client, urls: dict[str, str]) -> list[str]:
    """URL names some page has a POST form for."""
    names = {form.action_name for form in _first_crawl(client, urls).forms}
    return [name for name in FUZZED if name in names and _post_forms_seen(client, urls, name)]


def _post_forms_seen(client: Client, urls: dict[str, str], url_name: str) -> list[FormSpec]:
    """The first crawl's POST forms for `url_name`, aimed at this test's URL for it."""
    forms = _first_crawl(client, urls).post_forms_for(url_name)
    return [replace(form, action_url=_with_query(urls[url_name], form)) for form in forms]


def _with_query(url: str, form: FormSpec) -> str:
    query = urlsplit(form.action_url).query
    return f"{url}?{query}" if query else url


def _post_forms(client: Client, urls: dict[str, str], url_name: str) -> list[FormSpec]:
    found = crawl(client, urls, only=_hosts_of(client, urls, url_name))
    return found.post_forms_for(url_name)


def _synthetic_form(url_name: str, url: str) -> FormSpec:
    """For a URL no page has a form for: post what its view reads, and a name and a quantity."""
    names = sorted(query_keys(view_of(url)) | {"name", "quantity"})
    fields = {name: FieldSpec(name=name, kind="text") for name in names}
    return FormSpec(url_name, "post", url, url_name, fields)


@dataclass
class GetTarget:
    url_name: str
    path: str
    names: list[str]  # query parameters the page reads
    fields: dict[str, FieldSpec]  # their controls, where a GET form renders them


def _get_target(client: Client, urls: dict[str, str], url_name: str) -> GetTarget:
    url = urls[url_name]
    found = crawl(client, urls, only=_hosts_of(client, urls, url_name))
    fields: dict[str, FieldSpec] = {}
    for form in found.forms:
        if form.method == "get" and form.action_name == url_name:
            for name, spec in form.fields.items():
                fields.setdefault(name, spec)
    names = (set(fields) | query_keys(view_of(url))) - _skipped(url_name) - {"csrfmiddlewaretoken"}
    return GetTarget(url_name, url, sorted(names), fields)


@contextmanager
def _rolled_back() -> Iterator[None]:
    """Each example starts from the same seeded world: its writes are undone."""
    # A bare savepoint, not an atomic block: the views open durable units of work, which
    # Django allows inside the test's own transaction but not inside another atomic block.
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def _as_post(data: dict[str, list[str]]) -> dict[str, Any]:
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def _post_refused_or_done(client: Client, url: str, data: dict[str, list[str]]) -> None:
    with _rolled_back():
        before = snapshot()
        response = client.post(url, _as_post(data))
        assert response.status_code < 500
        if response.status_code not in REDIRECT:
            assert changed_tables(before, snapshot()) == [], "a refused submit changed tables"


def _get_changes_nothing(client: Client, url: str, query: dict[str, list[str]]) -> None:
    with _rolled_back():
        before = snapshot()
        response = client.get(url, _as_post(query))
        assert response.status_code < 500
        assert changed_tables(before, snapshot()) == [], "a GET changed tables"


def _answers_405(client: Client, url: str) -> bool:
    with _rolled_back():
        return client.post(url, {}).status_code == 405


def _fuzz_posts(
    client: Client,
    forms: list[FormSpec],
    ids: dict[str, list[str]],
    url_name: str,
    examples: int,
    *,
    dates_only: bool = False,
) -> None:
    keep = _skipped(url_name)

    @fuzz_settings(examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        posted = data.draw(form_data(form, ids, keep=keep, dates_only=dates_only), label="post")
        _post_refused_or_done(client, form.action_url, posted)

    run()


def _fuzz_query(
    client: Client,
    target: GetTarget,
    ids: dict[str, list[str]],
    examples: int,
    *,
    dates_only: bool = False,
) -> None:
    @fuzz_settings(examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        query = data.draw(
            query_data(target.names, ids, target.fields, dates_only=dates_only), label="query"
        )
        _get_changes_nothing(client, target.path, query)

    run()


@pytest.mark.parametrize("url_name", FUZZED)
def test_garbage_post_never_fails_and_a_refused_one_changes_nothing(
    url_name, fuzz_client, urls, fuzz_ids
):
    forms = _post_forms(fuzz_client, urls, url_name)
    if forms:
        _fuzz_posts(fuzz_client, forms, fuzz_ids, url_name, EXAMPLES)
        return
    # No page has a form for this URL; a view that takes posts anyway gets one all the same.
    synthetic = [_synthetic_form(url_name, urls[url_name])]
    examples = 1 if _answers_405(fuzz_client, urls[url_name]) else EXAMPLES // 2
    _fuzz_posts(fuzz_client, synthetic, fuzz_ids, url_name, examples)


@pytest.mark.parametrize("url_name", FUZZED)
def test_garbage_query_never_fails_nor_changes_anything(url_name, fuzz_client, urls, fuzz_ids):
    target = _get_target(fuzz_client, urls, url_name)
    if not target.names:
        target.names = ["page", "q"]  # a page that reads nothing still gets a query string
        _fuzz_query(fuzz_client, target, fuzz_ids, 1)
        return
    # Random examples are few; the sharpest values are tried on every parameter first.
    for name in target.names:
        for value in SHARP_VALUES:
            _get_changes_nothing(fuzz_client, target.path, {name: [value]})
    _fuzz_query(fuzz_client, target, fuzz_ids, EXAMPLES)


# --- Away from UTC: extreme dates ---------------------------------------------------------


@pytest.fixture
def berlin(settings) -> str:
    settings.TIME_ZONE = "Europe/Berlin"
    return settings.TIME_ZONE


def _failures_of(run: Any) -> str | None:
    """Run one target's fuzzing; its failure as text (with Hypothesis' falsifying example)."""
    try:
        run()
    except Exception as exc:  # any failure: gathered, so every target is tried
        notes = "\n".join(getattr(exc, "__notes__", []))
        return f"{type(exc).__name__}: {exc}\n{notes}"
    return None


def test_garbage_dates_never_fail_a_post_away_from_utc(berlin, fuzz_client, urls, fuzz_ids):
    failures = {}
    for url_name in _post_targets(fuzz_client, urls):
        dated = [
            form
            for form in _post_forms(fuzz_client, urls, url_name)
            if any(is_date_field(name, spec) for name, spec in form.fields.items())
        ]
        if not dated:
            continue
        failures[url_name] = _failures_of(
            lambda dated=dated, url_name=url_name: _fuzz_posts(
                fuzz_client, dated, fuzz_ids, url_name, 3 * EXAMPLES, dates_only=True
            )
        )
    assert failures, "no form with a date field was found"
    assert {name: text for name, text in failures.items() if text} == {}


def test_garbage_dates_never_fail_a_query_away_from_utc(berlin, fuzz_client, urls, fuzz_ids):
    failures = {}
    for url_name in FUZZED:
        target = _get_target(fuzz_client, urls, url_name)
        if not any(is_date_field(name, target.fields.get(name)) for name in target.names):
            continue

        failures[url_name] = _failures_of(
            lambda target=target: _fuzz_query(
                fuzz_client, target, fuzz_ids, 3 * EXAMPLES, dates_only=True
            )
        )
    assert failures, "no page with a date filter was found"
    assert {name: text for name, text in failures.items() if text} == {}


# --- Viewers and other households ---------------------------------------------------------


def test_a_viewer_is_refused_every_post_and_nothing_changes(viewer, urls, fuzz_client, fuzz_ids):
    viewer_client = Client(raise_request_exception=True)
    viewer_client.force_login(viewer)
    answers = {}
    for url_name in _post_targets(fuzz_client, urls):
        if url_name in VIEWER_MAY_POST:
            continue
        for form in _post_forms_seen(fuzz_client, urls, url_name):
            with _rolled_back():
                before = snapshot()
                status = viewer_client.post(form.action_url, _as_post(form.default_data()))
                answers[form.action_url] = (status.status_code, changed_tables(before, snapshot()))
    assert answers
    assert {url: got for url, got in answers.items() if got != (403, [])} == {}


def test_another_household_is_refused_every_post_and_nothing_of_ours_changes(
    household, outsider, urls, fuzz_client
):
    outsider_client = Client(raise_request_exception=True)
    outsider_client.force_login(outsider)
    answers = {}
    for url_name in _post_targets(fuzz_client, urls):
        if url_name in VIEWER_MAY_POST:
            continue
        names_an_object = bool(dict(ALL)[url_name])
        for form in _post_forms_seen(fuzz_client, urls, url_name):
            with _rolled_back():
                before = household_snapshot(household.pk)
                response = outsider_client.post(form.action_url, _as_post(form.default_data()))
                changed = changed_tables(before, household_snapshot(household.pk))
                # A page of ours answers 404; a create page is theirs too and must refuse
                # our ids in the data (or make a row of their own, which is theirs to make).
                refused = response.status_code == 404 or not names_an_object
                answers[form.action_url] = (response.status_code < 500 and refused, changed)
    assert answers
    assert {url: got for url, got in answers.items() if got != (True, [])} == {}
