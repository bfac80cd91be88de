"""The "Your data" page: the household as a file (docs/household-file.md)."""

from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from bakeplanner.decorators import member_required
from bakeplanner.tx import household_for, request_tx
from tooling.household_file import FORMAT, VERSION, write_household_file


@member_required
@require_GET
def household_data(request: HttpRequest) -> HttpResponse:
    household = household_for(request)
    ctx = {"household": household, "format": FORMAT, "version": VERSION}
    return render(request, "tooling/household_data.html", ctx)


@member_required
@require_GET
def household_data_download(request: HttpRequest) -> HttpResponse:
    """The same file as `manage.py export_household`, read from one snapshot."""
    # Written as bytes once (the rows stream into the buffer) and answered as a plain
    # response, like the CSV downloads: every page-walking test reads a response's content.
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
    with request_tx(request, read_only=True) as tx:
        write_household_file(tx, text)
        name = tx.household.name
    text.flush()
    data = buffer.getvalue()
    filename = f"{slugify(name) or 'household'}-{timezone.localdate().isoformat()}.json"
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
