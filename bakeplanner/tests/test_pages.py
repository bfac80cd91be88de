"""The shared page helpers: errors land on the right field, a falsy result is not a refusal,
another household's row is a 404, a refused delete re-renders with its message."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404, HttpRequest
from django.test import RequestFactory

from bakeplanner.errors import DomainError, ValidationFailed
from bakeplanner.pages import REFUSED, delete_page, owned_or_404, show_error, write_with
from bakeplanner.tx import Tx, unit_of_work
from production.models import Ingredient


class QuantityForm(forms.Form):
    num_batches = forms.IntegerField()


def _request(user, method: str = "post") -> HttpRequest:
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_service_error_lands_on_the_form_field_it_maps_to():
    form = QuantityForm({"num_batches": "2"})
    form.is_valid()
    show_error(
        form, ValidationFailed("Too many.", field="batches"), field_names={"batches": "num_batches"}
    )
    assert form.errors == {"num_batches": ["Too many."]}


def test_service_error_on_an_unknown_field_lands_on_the_whole_form():
    form = QuantityForm({"num_batches": "2"})
    form.is_valid()
    show_error(form, ValidationFailed("Not allowed.", field="nothing_here"))
    assert form.non_field_errors() == ["Not allowed."]


def test_a_falsy_service_result_is_not_a_refusal(member):
    form = QuantityForm({"num_batches": "2"})
    assert write_with(_request(member), form, lambda tx: 0) == 0
    assert form.errors == {}


def test_a_refused_write_changes_nothing_and_says_why(member, household):
    form = QuantityForm({"num_batches": "2"})
    form.is_valid()

    def refuse(tx: Tx) -> None:
        Ingredient.objects.create(household=household, name="Flour", stock_family="weight")
        raise DomainError("No, thank you.")

    assert write_with(_request(member), form, refuse) is REFUSED
    assert form.non_field_errors() == ["No, thank you."]
    assert not Ingredient.objects.filter(household=household).exists()


def test_another_households_row_is_a_404(household, outsider_household):
    theirs = Ingredient.objects.create(
        household=outsider_household, name="Sugar", stock_family="weight"
    )
    with unit_of_work(household, read_only=True) as tx, pytest.raises(Http404):
        owned_or_404(tx, Ingredient, theirs.pk)


def test_refused_delete_rerenders_the_page_with_its_message(member, household):
    flour = Ingredient.objects.create(household=household, name="Flour", stock_family="weight")

    def refuse(tx: Tx) -> None:
        raise DomainError("Flour is still used by a recipe.")

    response = delete_page(
        _request(member),
        "production/ingredient_delete.html",
        {"what": "Flour", "cancel_url": "/"},
        refuse,
        success="Deleted Flour.",
        next_url="/",
    )
    assert response.status_code == 200
    assert "Flour is still used by a recipe." in response.content.decode()
    assert Ingredient.objects.filter(pk=flour.pk).exists()
