"""Target pages: how many batches to bake and how many boxes to pack for an event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from bakeplanner.decorators import member_required
from bakeplanner.pages import Refused, form_page, posted_data, read_context, read_or_404, run_action
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx
from events.forms import events as forms
from events.services import (
    delete_assembly_target,
    delete_production_target,
    get_assembly_targets,
    get_event_by_id,
    get_production_targets,
    set_assembly_target,
    set_production_target,
)
from events.views.choices import good_choices, recipe_choices
from events.views.events import event_url


@member_required
def production_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change a production target (`?recipe=<id>` pre-fills an existing one)."""
    recipe_id = whole_number_or_none(request.GET.get("recipe"))

    def build(tx: Tx) -> dict[str, Any]:
        event = get_event_by_id(tx, pk)
        recipes = recipe_choices(tx)
        initial: dict[str, Any] = {}
        if recipe_id is not None:
            for target in get_production_targets(tx, event.pk):
                if target.recipe_id == recipe_id:
                    initial = {
                        "recipe": target.recipe_id,
                        "target_batches": target.target_batches,
                        "notes": target.notes,
                    }
                    # An archived recipe with a target stays choosable for editing.
                    if all(key != target.recipe_id for key, _ in recipes):
                        recipes.append((target.recipe_id, target.recipe.name))
        return {"event": event, "recipes": recipes, "initial": initial}

    ctx = read_context(request, build)
    form = forms.ProductionTargetForm(
        posted_data(request), initial=ctx["initial"], recipes=ctx["recipes"]
    )
    return form_page(
        request,
        "events/production_target_set.html",
        form,
        {"event": ctx["event"]},
        lambda tx, data: set_production_target(
            tx, pk, data["recipe"], data["target_batches"], notes=data["notes"]
        ),
        success=lambda target: (
            f"Target for {target.recipe.name}: {target.target_batches} batch(es)."
        ),
        next_url=lambda target: event_url(pk, "targets"),
    )


@member_required
def assembly_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change an assembly target (`?finished_good=<id>` pre-fills an existing one)."""
    good_id = whole_number_or_none(request.GET.get("finished_good"))

    def build(tx: Tx) -> dict[str, Any]:
        event = get_event_by_id(tx, pk)
        goods = good_choices(tx)
        initial: dict[str, Any] = {}
        if good_id is not None:
            for target in get_assembly_targets(tx, event.pk):
                if target.finished_good_id == good_id:
                    initial = {
                        "finished_good": target.finished_good_id,
                        "target_quantity": target.target_quantity,
                        "notes": target.notes,
                    }
        return {"event": event, "goods": goods, "initial": initial}

    ctx = read_context(request, build)
    form = forms.AssemblyTargetForm(
        posted_data(request), initial=ctx["initial"], goods=ctx["goods"]
    )
    return form_page(
        request,
        "events/assembly_target_set.html",
        form,
        {"event": ctx["event"]},
        lambda tx, data: set_assembly_target(
            tx, pk, data["finished_good"], data["target_quantity"], notes=data["notes"]
        ),
        success=lambda target: f"Target for {target.finished_good.name}: {target.target_quantity}.",
        next_url=lambda target: event_url(pk, "targets"),
    )


def _target_delete(
    request: HttpRequest, pk: int, delete: Callable[[Tx, int, int], bool], item_id: int, kind: str
) -> HttpResponse:
    """Remove one of the event's targets; say so when it was already gone."""
    event = read_or_404(request, get_event_by_id, pk)
    deleted = run_action(request, lambda tx: delete(tx, event.pk, item_id))
    if isinstance(deleted, Refused):
        pass  # the refusal is already the page's message
    elif deleted:
        messages.success(request, f"{kind.capitalize()} target removed.")
    else:
        messages.info(request, f"That {kind} target was already gone.")
    return redirect(event_url(event.pk, "targets"))


@require_POST
@member_required
def production_target_delete(request: HttpRequest, pk: int, recipe_id: int) -> HttpResponse:
    return _target_delete(request, pk, delete_production_target, recipe_id, "production")


@require_POST
@member_required
def assembly_target_delete(request: HttpRequest, pk: int, finished_good_id: int) -> HttpResponse:
    return _target_delete(request, pk, delete_assembly_target, finished_good_id, "assembly")
