"""Import a recipe from a saved web page: read it, preview it, confirm it.

See docs/recipe-import.md. One address serves the three steps: a GET shows the upload form;
posting a page reads it and shows the preview (nothing is written); posting the preview
(`step=confirm`) creates the recipe in one unit of work, all of it or nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bakeplanner.decorators import member_required
from bakeplanner.display import plural
from bakeplanner.errors import DomainError, ValidationFailed
from bakeplanner.pages import read_context, show_error
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx
from production.forms.recipe_import import (
    NEW,
    ImportLineFormSet,
    RecipeImportForm,
    RecipeSourceForm,
)
from production.models import Recipe
from production.recipe_import import read_recipe
from production.services import import_recipe, preview_recipe_import
from production.services.recipe_import import BakedItem, ImportLine, ImportPreview, LineRefused
from production.views.choices import ingredient_choices

TEMPLATE = "production/recipe_import.html"
PREVIEW_TEMPLATE = "production/recipe_import_preview.html"
CONFIRM = "confirm"
# A service's argument → the preview form's field.
FIELD_NAMES = {"items_per_batch": "items_per_batch", "item_unit": "item_unit"}
LINE_FIELDS = {"ingredient_id": "ingredient", "name": "new_name", "stock_family": "unit"}


def _upload_page(request: HttpRequest, form: RecipeSourceForm) -> HttpResponse:
    return render(
        request, TEMPLATE, {"form": form, "cancel_url": reverse("production:recipe_list")}
    )


def _preview_page(
    request: HttpRequest,
    form: RecipeImportForm,
    formset: Any,
    *,
    page_title: str = "",
    name_taken: str = "",
) -> HttpResponse:
    rows = [{"form": row, "problem": row["problem"].value() or ""} for row in formset.forms]
    return render(
        request,
        PREVIEW_TEMPLATE,
        {
            "form": form,
            "formset": formset,
            "rows": rows,
            "name_taken": name_taken,
            "page_title": page_title,
            "address": form["address"].value() or "",
            "yields_text": form["yields_text"].value() or "",
            "cancel_url": reverse("production:recipe_list"),
        },
    )


def _line_initial(preview: ImportPreview) -> list[dict[str, Any]]:
    rows = []
    for line in preview.lines:
        parsed = line.parsed
        if line.ingredient_id is not None:
            choice = str(line.ingredient_id)
        else:
            choice = NEW if parsed.ready else ""
        rows.append(
            {
                "source": parsed.text,
                "ingredient": choice,
                "new_name": parsed.name[:1].upper() + parsed.name[1:],
                "quantity": parsed.quantity,
                "unit": parsed.unit,
                "notes": parsed.notes,
                "problem": parsed.problem or line.warning,
            }
        )
    return rows


def _read(request: HttpRequest) -> HttpResponse:
    """Read the posted page and show its preview; writes nothing."""
    form = RecipeSourceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form)
    try:
        page = read_recipe(form.cleaned_data["text"])
    except ValidationFailed as exc:
        form.add_error(None, str(exc))
        return _upload_page(request, form)

    def build(tx: Tx) -> dict[str, Any]:
        return {
            "preview": preview_recipe_import(tx, page),
            "ingredients": ingredient_choices(tx),
        }

    ctx = read_context(request, build)
    preview: ImportPreview = ctx["preview"]
    item = page.recipe_yield
    import_form = RecipeImportForm(
        initial={
            "name": preview.name,
            "category": page.category,
            "address": page.address,
            "yields_text": page.yields_text,
            "make_item": item is not None,
            "item_name": page.title,
            "items_per_batch": item.items if item else None,
            "item_unit": item.item_unit if item else "",
        }
    )
    formset = ImportLineFormSet(
        initial=_line_initial(preview), form_kwargs={"ingredients": ctx["ingredients"]}
    )
    return _preview_page(
        request,
        import_form,
        formset,
        page_title=page.title,
        name_taken=page.title if preview.name_taken else "",
    )


def _confirmed_lines(formset: Any) -> tuple[list[ImportLine], list[str], list[int]]:
    """The kept lines, the texts of those left out, and each kept line's form index."""
    kept: list[ImportLine] = []
    left_out: list[str] = []
    indexes: list[int] = []
    for index, row in enumerate(formset.forms):
        data = row.cleaned_data
        if not data.get("ingredient"):
            left_out.append(data.get("source") or f"line {index + 1}")
            continue
        kept.append(
            ImportLine(
                quantity=data["quantity"],
                unit=data["unit"],
                ingredient_id=data["ingredient_id"],
                new_name=data.get("new_name") or "",
                notes=data.get("notes") or "",
                source=data.get("source") or "",
            )
        )
        indexes.append(index)
    return kept, left_out, indexes


def _confirm(request: HttpRequest) -> HttpResponse:
    """Create the recipe from the confirmed preview in one unit of work."""
    ingredients = read_context(request, lambda tx: {"ingredients": ingredient_choices(tx)})
    form = RecipeImportForm(request.POST)
    formset = ImportLineFormSet(request.POST, form_kwargs=ingredients)
    if not form.is_valid() or not formset.is_valid():
        return _preview_page(request, form, formset)
    data = form.cleaned_data
    lines, left_out, indexes = _confirmed_lines(formset)
    baked_item = None
    if data["make_item"]:
        baked_item = BakedItem(
            name=data["item_name"],
            items_per_batch=data["items_per_batch"],
            item_unit=data.get("item_unit") or "",
        )

    def save(tx: Tx) -> Recipe:
        return import_recipe(
            tx,
            name=data["name"],
            category=data.get("category") or "",
            address=data.get("address") or "",
            yields_text=data.get("yields_text") or "",
            lines=lines,
            left_out=left_out,
            baked_item=baked_item,
        )

    token = data.get(TOKEN_FIELD, "")
    try:
        with request_tx(request) as tx:
            result = once(
                tx,
                token,
                lambda: save(tx),
                lambda recipe: reverse("production:recipe_detail", args=[recipe.pk]),
            )
    except LineRefused as refused:
        show_error(formset.forms[indexes[refused.index]], refused.error, field_names=LINE_FIELDS)
        return _preview_page(request, form, formset)
    except DomainError as exc:
        show_error(form, exc, field_names=FIELD_NAMES)
        return _preview_page(request, form, formset)
    if isinstance(result, Replayed):
        return replayed_response(request, result)
    message = f"Imported {result.name} with {plural(len(lines), 'ingredient line')}."
    if left_out:
        message += f" Left out {plural(len(left_out), 'line')} (listed in its notes)."
    messages.success(request, message)
    return redirect("production:recipe_detail", pk=result.pk)


@member_required
def recipe_import(request: HttpRequest) -> HttpResponse:
    """Upload or paste a recipe page; the preview; the confirm."""
    if request.method != "POST":
        return _upload_page(request, RecipeSourceForm())
    if request.POST.get("step") == CONFIRM:
        return _confirm(request)
    return _read(request)
