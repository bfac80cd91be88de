"""The choice lists the events forms need, read inside the page's unit of work, and the page
links of the long lists (a list of thousands is shown a page at a time)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q

from bakeplanner.tx import Tx
from events.forms.common import Choices
from events.models import Package, PackageItem, Recipient
from production.models import FinishedGood, Recipe


def recipient_choices(tx: Tx) -> Choices:
    """Active recipients, with their family name when they have one."""
    rows = tx.objects(Recipient).filter(active=True).order_by("name", "id")
    return [
        (pk, f"{name} ({family})" if family else name)
        for pk, name, family in rows.values_list("pk", "name", "household_name")
    ]


def package_choices(tx: Tx) -> Choices:
    return list(tx.objects(Package).order_by("name", "id").values_list("pk", "name"))


def recipe_choices(
    tx: Tx, *, search: str = "", pk: int | None = None, limit: int | None = None
) -> Choices:
    """Recipes not archived, by name: those whose name contains `search`, at most `limit`;
    with `pk`, only that recipe (when it is not archived)."""
    return _narrowed(tx.objects(Recipe).filter(archived=False), search, pk, limit)


def good_choices(
    tx: Tx, *, search: str = "", pk: int | None = None, limit: int | None = None
) -> Choices:
    """Gift boxes by name; `search`, `pk` and `limit` narrow the list as for recipes."""
    return _narrowed(tx.objects(FinishedGood).all(), search, pk, limit)


def _narrowed(rows: Any, search: str, pk: int | None, limit: int | None) -> Choices:
    if pk is not None:
        rows = rows.filter(pk=pk)
    if search:
        rows = rows.filter(name__icontains=search)
    rows = rows.order_by("name", "id").values_list("pk", "name")
    return list(rows if limit is None else rows[:limit])


def recipient_page(
    tx: Tx, *, search: str, include_inactive: bool, page: Any, per_page: int
) -> tuple[Page, dict[str, int]]:
    """One page of recipients by name, each with `assignment_count`, and the household's
    totals (`total`, `active`) from one aggregate. `search` matches as `get_recipients` does:
    name, family name, address and notes."""
    matching = Q()
    if search:
        matching &= (
            Q(name__icontains=search)
            | Q(household_name__icontains=search)
            | Q(address__icontains=search)
            | Q(notes__icontains=search)
        )
    if not include_inactive:
        matching &= Q(active=True)
    # The totals and the number found come from one aggregate, so the pager needs no count.
    totals = tx.objects(Recipient).aggregate(
        all_count=Count("pk"),
        active_count=Count("pk", filter=Q(active=True)),
        found_count=Count("pk", filter=matching),
    )
    rows = (
        tx.objects(Recipient)
        .filter(matching)
        .annotate(assignment_count=Count("assignments"))
        .order_by("name", "id")
    )
    paginator = Paginator(rows, per_page)
    paginator.count = totals["found_count"]
    found = paginator.get_page(page)
    found.object_list = list(found.object_list)  # read inside the unit of work
    return found, {"total": totals["all_count"], "active": totals["active_count"]}


def package_page(tx: Tx, *, search: str, page: Any, per_page: int) -> tuple[Page, int]:
    """One page of packages by name, each with `assignment_count` and its items (with their
    gift boxes) for that page only, and how many packages the household has."""
    matching = Q(name__icontains=search) if search else Q()
    totals = tx.objects(Package).aggregate(
        all_count=Count("pk"), found_count=Count("pk", filter=matching)
    )
    items = (
        tx.objects(PackageItem)
        .select_related("finished_good")
        .order_by("finished_good__name", "id")
    )
    rows = (
        tx.objects(Package)
        .filter(matching)
        .annotate(assignment_count=Count("assignments", distinct=True))
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("name", "id")
    )
    paginator = Paginator(rows, per_page)
    paginator.count = totals["found_count"]
    found = paginator.get_page(page)
    found.object_list = list(found.object_list)
    return found, totals["all_count"]
