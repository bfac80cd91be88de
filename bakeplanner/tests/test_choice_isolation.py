"""Choice lists show only the household's own things, and an outsider's id is refused.

Two households each get one of everything, every name tagged with the household's word
(`Homely` for the member's, `Quokka` for the outsider's). For every page with a form whose
choices come from the household's data (listed in `CHOICE_PAGES`):

- the rendered page never names an outsider's object, and no form choice holds its id;
- submitting the member's own ids works (so the submission below is otherwise valid), and
  the same submission with one field set to an outsider's id is refused with a form error
  and changes nothing.

`test_every_choice_page_is_listed` walks every URL of the project and fails when a page
shows household choices (in a form or in a hand-written <select>) but is not listed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django import forms
from django.db import models
from django.template import Context
from django.test import Client
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    # The test client's response type (it carries `context`, `templates`, …).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

from bakeplanner.testing import db_snapshot
from bakeplanner.tests.test_every_url import ALL, EXTRA_KWARGS, OBJECT_FOR
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

MEMBER_TAG = "Homely"
OUTSIDER_TAG = "Quokka"

World = dict[str, models.Model]


def build_world(household: Any, tag: str) -> World:
    """One of everything (and a spare of what a form can add), every name carrying `tag`."""
    h = household
    lower = tag.lower()
    flour = Ingredient.objects.create(
        household=h, name=f"{tag} flour", stock_family="weight", category=f"{tag} baking"
    )
    sugar = Ingredient.objects.create(household=h, name=f"{tag} sugar", stock_family="weight")
    bag = Ingredient.objects.create(
        household=h, name=f"{tag} bag", kind="packaging", stock_family="count"
    )
    product = Product.objects.create(
        household=h,
        ingredient=flour,
        name=f"{tag} sack",
        brand=f"{tag} mill",
        package_quantity=Decimal(1),
        package_unit="kg",
    )
    bag_product = Product.objects.create(
        household=h,
        ingredient=bag,
        name=f"{tag} bag pack",
        package_quantity=10,
        package_unit="each",
    )
    purchase = Purchase.objects.create(
        household=h,
        product=product,
        purchased_on=dt.date(2026, 11, 1),
        packages=1,
        price_per_package=Decimal("2.00"),
        supplier=f"{tag} shop",
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
    bag_purchase = Purchase.objects.create(
        household=h,
        product=bag_product,
        purchased_on=dt.date(2026, 11, 1),
        packages=1,
        price_per_package=Decimal("1.00"),
    )
    InventoryLot.objects.create(
        household=h,
        product=bag_product,
        ingredient=bag,
        purchase=bag_purchase,
        quantity_initial=10,
        quantity_remaining=10,
        cost_per_unit=Decimal("0.10"),
        received_on=bag_purchase.purchased_on,
    )
    recipe = Recipe.objects.create(household=h, name=f"{tag} cookies", category=f"{tag} treats")
    frosting = Recipe.objects.create(household=h, name=f"{tag} frosting")
    glaze = Recipe.objects.create(household=h, name=f"{tag} glaze")
    line = RecipeIngredient.objects.create(
        household=h, recipe=recipe, ingredient=flour, quantity=100, unit="g"
    )
    sub = RecipeComponent.objects.create(
        household=h, recipe=recipe, component_recipe=frosting, batches=1
    )
    unit = FinishedUnit.objects.create(
        household=h,
        recipe=recipe,
        name=f"{tag} cookie",
        items_per_batch=10,
        item_unit="cookie",
        inventory_count=50,
    )
    good = FinishedGood.objects.create(household=h, name=f"{tag} tin", inventory_count=5)
    spare_good = FinishedGood.objects.create(household=h, name=f"{tag} hamper")
    component = FinishedGoodComponent.objects.create(
        household=h,
        finished_good=good,
        component_type="finished_unit",
        finished_unit=unit,
        quantity=2,
    )
    package = Package.objects.create(household=h, name=f"{tag} box")
    item = PackageItem.objects.create(household=h, package=package, finished_good=good, quantity=1)
    recipient = Recipient.objects.create(household=h, name=f"{tag} gran")
    spare_recipient = Recipient.objects.create(household=h, name=f"{tag} aunt")
    event = Event.objects.create(
        household=h,
        name=f"{tag} Christmas",
        slug=f"{lower}-christmas",
        event_date=timezone.localdate() + dt.timedelta(days=30),
    )
    assignment = Assignment.objects.create(
        household=h, event=event, recipient=recipient, package=package, notes=f"{tag} note"
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
        notes=f"{tag} bake",
    )
    assembly_run = AssemblyRun.objects.create(
        household=h,
        finished_good=good,
        event=event,
        quantity=1,
        assembled_at=timezone.now(),
        notes=f"{tag} pack",
    )
    return {
        "event": event,
        "assignment": assignment,
        "recipient": recipient,
        "spare_recipient": spare_recipient,
        "package": package,
        "package_item": item,
        "ingredient": flour,
        "sugar": sugar,
        "packaging": bag,
        "product": product,
        "purchase": purchase,
        "recipe": recipe,
        "frosting": frosting,
        "glaze": glaze,
        "line": line,
        "sub_recipe": sub,
        "finished_unit": unit,
        "finished_good": good,
        "spare_good": spare_good,
        "component": component,
        "production_run": production_run,
        "assembly_run": assembly_run,
    }


@pytest.fixture
def worlds(household, outsider_household, member) -> tuple[World, World]:
    return build_world(household, MEMBER_TAG), build_world(outsider_household, OUTSIDER_TAG)


# --- The pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A form field whose choices name `kind` objects, written as `prefix` + id."""

    name: str
    kind: str
    prefix: str = ""
    many: bool = False

    def value(self, world: World) -> str:
        return f"{self.prefix}{world[self.kind].pk}"


@dataclass(frozen=True)
class ChoicePage:
    """A page showing the form `form` (its context name) with household choices.

    `submit` builds a submission that succeeds with the member's own objects; None when the
    page only shows the form (it posts to another listed page). Filters submit by GET.
    """

    url_name: str
    url_kind: str | None
    fields: tuple[Choice, ...]
    form: str = "form"
    submit: Callable[[World], dict[str, Any]] | None = None
    method: str = "post"
    changes: bool = True
    query: str = ""

    @property
    def id(self) -> str:
        short = self.url_name.split(":")[-1]
        return short if self.form == "form" else f"{short}.{self.form}"

    def url(self, world: World) -> str:
        if self.url_kind is None:
            return reverse(self.url_name) + self.query
        return reverse(self.url_name, args=[world[self.url_kind].pk]) + self.query


RUN_CREATE_EVENT = Choice("event", "event")

CHOICE_PAGES: tuple[ChoicePage, ...] = (
    # Baking and packing
    ChoicePage(
        "production:production_run_create",
        None,
        (Choice("finished_unit", "finished_unit"), RUN_CREATE_EVENT),
        submit=lambda w: {
            "finished_unit": w["finished_unit"].pk,
            "num_batches": 1,
            "scale": "1",
            "event": w["event"].pk,
        },
    ),
    ChoicePage(
        "production:assembly_run_create",
        None,
        (Choice("finished_good", "finished_good"), RUN_CREATE_EVENT),
        submit=lambda w: {"finished_good": w["finished_good"].pk, "quantity": 1, "event": ""},
    ),
    # Run history filters
    ChoicePage(
        "production:production_run_list",
        None,
        (Choice("item", "recipe"), Choice("event", "event")),
        submit=lambda w: {"item": w["recipe"].pk, "event": w["event"].pk},
        method="get",
        changes=False,
    ),
    ChoicePage(
        "production:assembly_run_list",
        None,
        (Choice("item", "finished_good"), Choice("event", "event")),
        submit=lambda w: {"item": w["finished_good"].pk, "event": w["event"].pk},
        method="get",
        changes=False,
    ),
    # Purchases and stock
    ChoicePage(
        "production:purchase_create",
        None,
        (Choice("product_id", "product"),),
        submit=lambda w: {
            "product_id": w["product"].pk,
            "purchased_on": "2026-11-20",
            "packages": "2",
            "price_per_package": "2.50",
        },
    ),
    ChoicePage(
        "production:purchase_edit",
        "purchase",
        (Choice("product_id", "product"),),
        submit=lambda w: {
            "product_id": w["product"].pk,
            "purchased_on": "2026-11-02",
            "packages": "3",
            "price_per_package": "2.00",
        },
    ),
    ChoicePage(
        "production:depletion_create",
        None,
        (Choice("ingredient_id", "ingredient"),),
        submit=lambda w: {
            "ingredient_id": w["ingredient"].pk,
            "quantity": "10",
            "unit": "g",
            "reason": "spoilage",
        },
    ),
    # Recipes
    ChoicePage(
        "production:recipe_line_create",
        "recipe",
        (Choice("ingredient_id", "sugar"),),
        submit=lambda w: {"ingredient_id": w["sugar"].pk, "quantity": "50", "unit": "g"},
    ),
    ChoicePage(
        "production:recipe_line_edit",
        "line",
        (Choice("ingredient_id", "ingredient"),),
        submit=lambda w: {"ingredient_id": w["ingredient"].pk, "quantity": "120", "unit": "g"},
    ),
    ChoicePage(
        "production:recipe_component_create",
        "recipe",
        (Choice("component_recipe_id", "glaze"),),
        submit=lambda w: {"component_recipe_id": w["glaze"].pk, "batches": "1"},
    ),
    # Finished goods' components: one picker for baked items, packaging and other goods
    ChoicePage(
        "production:component_create",
        "finished_good",
        (
            Choice("item", "packaging", prefix="packaging:"),
            Choice("item", "finished_unit", prefix="finished_unit:"),
            Choice("item", "spare_good", prefix="finished_good:"),
        ),
        submit=lambda w: {"item": f"packaging:{w['packaging'].pk}", "quantity": "1"},
    ),
    # Events: assignments, targets, package contents
    ChoicePage(
        "events:assignment_create",
        "event",
        (Choice("recipient", "spare_recipient"), Choice("package", "package")),
        submit=lambda w: {
            "recipient": w["spare_recipient"].pk,
            "package": w["package"].pk,
            "quantity": 1,
        },
    ),
    ChoicePage(
        "events:assignment_bulk_create",
        "event",
        (Choice("package", "package"), Choice("recipients", "spare_recipient", many=True)),
        submit=lambda w: {
            "package": w["package"].pk,
            "recipients": [w["spare_recipient"].pk],
            "quantity": 1,
        },
    ),
    ChoicePage(
        "events:assignment_update",
        "assignment",
        (Choice("package", "package"),),
        submit=lambda w: {"package": w["package"].pk, "quantity": 2},
    ),
    ChoicePage(
        "events:production_target_set",
        "event",
        (Choice("recipe", "glaze"),),
        submit=lambda w: {"recipe": w["glaze"].pk, "target_batches": 3},
    ),
    ChoicePage(
        "events:assembly_target_set",
        "event",
        (Choice("finished_good", "spare_good"),),
        submit=lambda w: {"finished_good": w["spare_good"].pk, "target_quantity": 3},
    ),
    ChoicePage(
        "events:package_item_create",
        "package",
        (Choice("finished_good", "spare_good"),),
        submit=lambda w: {"finished_good": w["spare_good"].pk, "quantity": 1},
    ),
    # The event page (its packages tab) and the package page show the forms above; they
    # post there.
    ChoicePage(
        "events:event_detail",
        "event",
        (Choice("recipient", "spare_recipient"), Choice("package", "package")),
        form="assignment_form",
        query="?tab=packages",
    ),
    # A run's page offers to change its event; the form posts to the run's event address,
    # tested below.
    ChoicePage(
        "production:production_run_detail",
        "production_run",
        (Choice("event", "event"),),
        form="event_form",
    ),
    ChoicePage(
        "production:assembly_run_detail",
        "assembly_run",
        (Choice("event", "event"),),
        form="event_form",
    ),
    ChoicePage(
        "events:package_detail",
        "package",
        (Choice("finished_good", "spare_good"),),
        form="item_form",
    ),
)

SUBMITTED = [page for page in CHOICE_PAGES if page.submit is not None]
ATTACKS = [(page, choice) for page in SUBMITTED for choice in page.fields]


def _attack_id(case: tuple[ChoicePage, Choice]) -> str:
    page, choice = case
    return f"{page.id}-{choice.name}" + (f"-{choice.kind}" if choice.prefix else "")


# --- Helpers ------------------------------------------------------------------------------------


def _forms_in(response: TestResponse) -> dict[str, forms.BaseForm]:
    """The forms the view put in the context, by name (a template's `{% with %}` alias of
    the same form, such as `form` inside an included partial, is not counted again)."""
    found: dict[str, forms.BaseForm] = {}
    seen: set[int] = set()
    for context in response.context or []:
        assert isinstance(context, Context)  # one per rendered template
        for layer in context.dicts:
            for key, value in layer.items():
                if isinstance(value, forms.BaseForm) and id(value) not in seen:
                    seen.add(id(value))
                    found.setdefault(key, value)
    return found


def _flat_choices(choices: Any) -> Iterator[tuple[str, str]]:
    """(value, label) pairs, group headings included as labels of no value."""
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield "", str(value)
            yield from _flat_choices(label)
        else:
            yield str(value), str(label)


def _send(client: Client, page: ChoicePage, world: World, data: dict[str, Any]) -> TestResponse:
    url = page.url(world)
    if page.method == "get":
        return client.get(url, data)
    return client.post(url, data)


SELECT = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>", re.S)


def _tagged_selects(html: str, tag: str) -> set[str]:
    """Names of the page's <select> elements with an option naming a `tag` object."""
    return {name for name, options in SELECT.findall(html) if tag in options}


# --- Every choice page is listed ------------------------------------------------------------


# Pages whose other views (tabs) show other forms: each is crawled too.
OTHER_VIEWS = {"events:event_detail": ("?tab=packages",)}


def _every_page(world: World) -> Iterator[tuple[str, str]]:
    for name, kwargs in ALL:
        if name in {"logout", "login"}:
            continue
        values = {key: world[EXTRA_KWARGS.get(key, OBJECT_FOR.get(name, ""))].pk for key in kwargs}
        url = reverse(name, kwargs=values)
        yield name, url
        for query in OTHER_VIEWS.get(name, ()):
            yield name, url + query


def test_every_choice_page_is_listed(worlds, member_client):
    mine, _ = worlds
    listed = {(p.url_name, p.form, c.name) for p in CHOICE_PAGES for c in p.fields}
    listed_selects = {(p.url_name, c.name) for p in CHOICE_PAGES for c in p.fields}
    found, found_selects = set(), set()
    for name, url in _every_page(mine):
        response = member_client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for key, form in _forms_in(response).items():
            for field_name, form_field in form.fields.items():
                labels = [label for _, label in _flat_choices(getattr(form_field, "choices", []))]
                if any(MEMBER_TAG in label for label in labels):
                    found.add((name, key, field_name))
        html = response.content.decode()
        found_selects |= {(name, select) for select in _tagged_selects(html, MEMBER_TAG)}
    assert found == listed, "pages with household choices must be listed in CHOICE_PAGES"
    # A <select> written by hand in a template (no form behind it) is caught here.
    assert found_selects <= listed_selects


# --- No page names an outsider's object --------------------------------------------------------


def test_no_page_names_an_outsiders_object(worlds, member_client):
    mine, _ = worlds
    for _, url in _every_page(mine):
        response = member_client.get(url)
        assert OUTSIDER_TAG not in response.content.decode(), url


@pytest.mark.parametrize("page", CHOICE_PAGES, ids=[p.id for p in CHOICE_PAGES])
def test_choices_list_only_the_households_own(page, worlds, member_client):
    mine, theirs = worlds
    response = member_client.get(page.url(mine))
    assert response.status_code == 200
    html = response.content.decode()
    assert OUTSIDER_TAG not in html
    form = _forms_in(response)[page.form]
    for choice in page.fields:
        field = form.fields[choice.name]
        assert isinstance(field, forms.ChoiceField)
        pairs = list(_flat_choices(field.choices))
        values = {value for value, _ in pairs}
        assert choice.value(mine) in values  # the list is really the household's
        assert choice.value(theirs) not in values
        assert not [label for _, label in pairs if OUTSIDER_TAG in label]


# --- Submitting an outsider's id ------------------------------------------------------------


@pytest.mark.parametrize("page", SUBMITTED, ids=[p.id for p in SUBMITTED])
def test_submitting_own_ids_is_accepted(page, worlds, member_client):
    mine, _ = worlds
    before = db_snapshot()
    response = _send(member_client, page, mine, page.submit(mine))
    if page.method == "get":
        assert response.status_code == 200
        assert not _forms_in(response)[page.form].errors
    else:
        assert response.status_code == 302, _forms_in(response)[page.form].errors
    assert (db_snapshot() != before) is page.changes


@pytest.mark.parametrize(("page", "choice"), ATTACKS, ids=[_attack_id(a) for a in ATTACKS])
def test_submitting_an_outsiders_id_is_refused(page, choice, worlds, member_client):
    mine, theirs = worlds
    data = page.submit(mine)
    data[choice.name] = [choice.value(theirs)] if choice.many else choice.value(theirs)
    before = db_snapshot()
    response = _send(member_client, page, mine, data)
    assert response.status_code == 200
    form = _forms_in(response)[page.form]
    assert choice.name in form.errors
    assert db_snapshot() == before
    html = response.content.decode()
    assert OUTSIDER_TAG not in html


@pytest.mark.parametrize(
    "url_name", ["production:production_run_create", "production:assembly_run_create"]
)
def test_run_pages_do_not_preselect_an_outsiders_ids(url_name, worlds, member_client):
    _, theirs = worlds
    query = {
        "finished_unit": theirs["finished_unit"].pk,
        "finished_good": theirs["finished_good"].pk,
        "event": theirs["event"].pk,
    }
    response = member_client.get(reverse(url_name), query)
    assert response.status_code == 200
    assert OUTSIDER_TAG not in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "param", "kind"),
    [
        ("production:check_can_produce", "finished_unit", "finished_unit"),
        ("production:check_can_assemble", "finished_good", "finished_good"),
    ],
)
def test_live_stock_checks_answer_404_for_an_outsiders_id(
    url_name, param, kind, worlds, member_client
):
    mine, theirs = worlds
    assert member_client.get(reverse(url_name), {param: mine[kind].pk}).status_code == 200
    response = member_client.get(reverse(url_name), {param: theirs[kind].pk})
    assert response.status_code == 404
    assert OUTSIDER_TAG not in response.content.decode()


def test_bulk_assignment_with_one_outsider_among_recipients_assigns_nobody(worlds, member_client):
    mine, theirs = worlds
    before = db_snapshot()
    response = member_client.post(
        reverse("events:assignment_bulk_create", args=[mine["event"].pk]),
        {
            "package": mine["package"].pk,
            "recipients": [mine["spare_recipient"].pk, theirs["recipient"].pk],
            "quantity": 1,
        },
    )
    assert response.status_code == 200
    assert "recipients" in _forms_in(response)["form"].errors
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("url_name", "kind", "model"),
    [
        ("production:production_run_event", "production_run", ProductionRun),
        ("production:assembly_run_event", "assembly_run", AssemblyRun),
    ],
)
def test_moving_a_run_to_an_outsiders_event_is_refused(
    url_name, kind, model, worlds, member_client
):
    mine, theirs = worlds
    run = mine[kind]
    before = db_snapshot()
    response = member_client.post(
        reverse(url_name, args=[run.pk]), {"event": theirs["event"].pk}, follow=True
    )
    assert response.status_code == 200
    assert "Choose one of the events in the list" in response.content.decode()
    assert db_snapshot() == before
    assert model.objects.get(pk=run.pk).event_id == run.event_id
