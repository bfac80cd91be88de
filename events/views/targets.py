"""Target pages: how many batches to bake and how many boxes to pack for an event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from bakeplanner.decorators import member_required
from bakeplanner.display import plural
from bakeplanner.pages import (
    SEARCH_LIMIT,
    Refused,
    form_page,
    posted_data,
    read_context,
    read_or_404,
    run_action,
)
from bakeplanner.params import whole_number_or_none
from bakeplanner.tx import Tx
from events.forms import events as forms
from events.forms.common import Choices
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

SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class TargetKind:
    """What differs between the two kinds of target: names, readers and the service."""

    name: str  # "production" or "assembly": the template's stem
    word: str  # what people read: "baking" or "packing"
    form: type[forms.TargetForm]
    choices: Callable[..., Choices]  # (tx, *, search, pk, limit)
    targets: Callable[[Tx, int], list[Any]]
    set_target: Callable[..., Any]
    said: Callable[[Any], str]


PRODUCTION = TargetKind(
    name="production",
    word="baking",
    form=forms.ProductionTargetForm,
    choices=recipe_choices,
    targets=get_production_targets,
    set_target=set_production_target,
    said=lambda target: (
        f"Baking target for {target.recipe.name}: "
        f"{plural(target.target_batches, 'batch', 'batches')}."
    ),
)

ASSEMBLY = TargetKind(
    name="assembly",
    word="packing",
    form=forms.AssemblyTargetForm,
    choices=good_choices,
    targets=get_assembly_targets,
    set_target=set_assembly_target,
    said=lambda target: (
        f"Packing target for {target.finished_good.name}: "
        f"{plural(target.target_quantity, 'gift box', 'gift boxes')}."
    ),
)


def _target_page(request: HttpRequest, pk: int, kind: TargetKind) -> HttpResponse:
    """Add or change a target; `?<item>=<id>` pre-fills the event's existing one.

    The item is chosen from at most `SEARCH_LIMIT` names (`?q=` narrows them), so a
    household with hundreds of recipes or gift boxes gets a short list and a search field. A
    POST is checked against the one item it names.
    """
    item_field, count_field = kind.form.item_name, kind.form.count_name
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    posted = request.method == "POST"
    item_id = whole_number_or_none(
        request.POST.get(item_field) if posted else request.GET.get(item_field)
    )

    def build(tx: Tx) -> dict[str, Any]:
        event = get_event_by_id(tx, pk)
        if posted:
            choices = kind.choices(tx, pk=item_id) if item_id is not None else []
        else:
            choices = kind.choices(tx, search=search, limit=SEARCH_LIMIT + 1)
        more = len(choices) > SEARCH_LIMIT
        choices = choices[:SEARCH_LIMIT]
        initial: dict[str, Any] = {}
        if item_id is not None:
            if not posted and all(key != item_id for key, _ in choices):
                choices.extend(kind.choices(tx, pk=item_id))
            for target in kind.targets(tx, event.pk):
                if getattr(target, f"{item_field}_id") == item_id:
                    initial = {
                        item_field: item_id,
                        count_field: getattr(target, count_field),
                        "notes": target.notes,
                    }
                    # An item no longer offered (an archived recipe) stays choosable here.
                    if all(key != item_id for key, _ in choices):
                        choices.append((item_id, getattr(target, item_field).name))
        return {"event": event, "choices": choices, "initial": initial, "more": more}

    ctx = read_context(request, build)
    form = kind.form(posted_data(request), initial=ctx["initial"], choices=ctx["choices"])
    return form_page(
        request,
        f"events/{kind.name}_target_set.html",
        form,
        {
            "event": ctx["event"],
            "search": search,
            "more": ctx["more"],
            "limit": SEARCH_LIMIT,
            "item_field": item_field,
        },
        lambda tx, data: kind.set_target(
            tx, pk, data[item_field], data[count_field], notes=data["notes"]
        ),
        success=kind.said,
        next_url=lambda target: event_url(pk, "targets"),
    )


@member_required
def production_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change a baking target (`?recipe=<id>` pre-fills an existing one)."""
    return _target_page(request, pk, PRODUCTION)


@member_required
def assembly_target_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Add or change a packing target (`?finished_good=<id>` pre-fills an existing one)."""
    return _target_page(request, pk, ASSEMBLY)


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
    return _target_delete(request, pk, delete_production_target, recipe_id, PRODUCTION.word)


@require_POST
@member_required
def assembly_target_delete(request: HttpRequest, pk: int, finished_good_id: int) -> HttpResponse:
    return _target_delete(request, pk, delete_assembly_target, finished_good_id, ASSEMBLY.word)
