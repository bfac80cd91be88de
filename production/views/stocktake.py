"""The stock count page (docs/design.md, "Stock counts").

GET shows a page of the household's ingredients, by category, each with its stock and an
input for what is on the shelf. POST records the filled-in lines in one unit of work: a
refusal shows every line's reason beside its input and records nothing. Viewers see the
sheet without inputs; their POST is refused before the view runs (ViewerReadOnlyMiddleware).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bakeplanner.display import money, number_text, plural, quantity
from bakeplanner.errors import DomainError
from bakeplanner.households import membership_of
from bakeplanner.money import qty_to_string
from bakeplanner.pages import list_params, posted_data, read_context
from bakeplanner.submissions import TOKEN_FIELD, Replayed, once, replayed_response
from bakeplanner.tx import Tx, request_tx
from production.forms.stocktake import StockCountForm
from production.models import Ingredient
from production.services import get_stock_count_sheet, record_stock_count
from production.services.stocktake import StockCountRefused, StockCountResult


def _summary(result: StockCountResult) -> str:
    """What the count recorded, in one sentence."""
    parts = []
    if result.shortfalls:
        parts.append(
            f"{plural(len(result.shortfalls), 'shortfall')} recorded "
            f"(cost {money(result.shortfall_cost)})"
        )
    if result.surpluses:
        parts.append(
            f"{plural(len(result.surpluses), 'surplus lot')} added "
            f"(worth {money(result.surplus_cost)})"
        )
    if result.unchanged:
        verb = "matches" if result.unchanged == 1 else "match"
        parts.append(f"{result.unchanged} already {verb} the stock")
    return f"{plural(result.counted, 'ingredient')} counted: {', '.join(parts)}."


def _in_input_unit(on_hand: Decimal, unit: str) -> str:
    """The stock in the unit the input takes, when the page shows it in another (1.2 kg is
    typed as 1200 g): empty when both read alike."""
    shown = quantity(on_hand, unit)
    exact = f"{number_text(on_hand, 3)} {unit}"
    return "" if shown == exact else exact


def stock_count(request: HttpRequest) -> HttpResponse:
    params = list_params(request, "category")
    kind = request.GET.get("kind", "")
    if kind not in (Ingredient.FOOD, Ingredient.PACKAGING):
        kind = ""
    here = request.get_full_path()
    form = StockCountForm(posted_data(request))
    line_errors: dict[str, str] = {}
    if request.method == "POST":
        membership = membership_of(request.user)
        if membership is None or not membership.can_write:
            raise PermissionDenied("Your account can view this household but not change it.")
        if form.is_valid():
            data = form.cleaned_data
            token = data.get(TOKEN_FIELD, "")
            try:
                with request_tx(request) as tx:
                    result = once(
                        tx,
                        token,
                        lambda: record_stock_count(
                            tx, data["counts"], seen=data["seen"], notes=data["notes"]
                        ),
                        lambda _: here,
                    )
            except StockCountRefused as exc:
                line_errors = {str(key): message for key, message in exc.line_errors.items()}
                form.add_error(None, exc.summary)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if isinstance(result, Replayed):
                    return replayed_response(request, result)
                messages.success(request, _summary(result))
                return redirect(here)

    def build(tx: Tx) -> dict[str, Any]:
        sheet = get_stock_count_sheet(tx, q=params["q"], kind=kind, page=request.GET.get("page"))
        return {"sheet": sheet}

    ctx = read_context(request, build)
    sheet = ctx["sheet"]
    # What was typed is shown again after a refusal, for the corrected submit.
    typed = getattr(form, "cleaned_data", {}).get("counts", {})
    shown = {str(row.ingredient_id) for row in sheet.rows}
    rows = [
        {
            "row": row,
            "typed": typed.get(row.ingredient_id, ""),
            "seen": qty_to_string(row.on_hand),
            "in_unit": _in_input_unit(row.on_hand, row.unit),
            "error": line_errors.get(str(row.ingredient_id), ""),
        }
        for row in sheet.rows
    ]
    query = {k: v for k, v in {"q": params["q"], "kind": kind}.items() if v}
    return render(
        request,
        "production/stocktake.html",
        {
            "form": form,
            "rows": rows,
            "page": sheet.page,
            "page_query": urlencode(query),
            "other_errors": [m for key, m in line_errors.items() if key not in shown],
            "line_errors": list(line_errors.values()),
            "q": params["q"],
            "kind": kind,
        },
    )
