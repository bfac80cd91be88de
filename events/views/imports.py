"""Import from bake-tracker: upload, a preview that writes nothing, then confirm.

The uploaded file waits in the person's session between the preview and the confirmation;
the confirmed import reads and checks it again in its own unit of work
(docs/import-baketracker.md, "The upload page").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bakeplanner.decorators import member_required
from bakeplanner.errors import DomainError
from bakeplanner.tx import request_tx
from events.imports import (
    MAX_FILE_BYTES,
    DryRunDone,
    ImportRefused,
    ImportReport,
    check_size,
    import_baketracker,
    read_export,
)

SESSION_KEY = "baketracker_import"
TEMPLATE = "events/imports/import_baketracker.html"


class UploadForm(forms.Form):
    file = forms.FileField(label="bake-tracker export (.json)")
    skip_invalid = forms.BooleanField(
        label="Import the rest when some rows cannot be taken, and list those rows",
        required=False,
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        content: bytes = upload.read()
        return content


def _run(request: HttpRequest, text: str, *, skip_invalid: bool, dry_run: bool) -> ImportReport:
    """Import the file in one unit of work; a dry run rolls it back and keeps the report."""
    data = read_export(text)
    try:
        with request_tx(request) as tx:
            report = import_baketracker(tx, data, skip_invalid=skip_invalid, dry_run=dry_run)
            if dry_run:
                raise DryRunDone(report)
    except DryRunDone as done:
        return done.report
    return report


def _summary(report: ImportReport) -> str:
    parts = [f"{row.imported} {row.label}" for row in report.rows() if row.imported]
    if not parts:
        return "Nothing new to import: every row of the file is already here."
    text = "Imported from bake-tracker: " + ", ".join(parts) + "."
    if report.skipped:
        text += f" {len(report.skipped)} rows were left out."
    return text


@member_required
def import_baketracker_page(request: HttpRequest) -> HttpResponse:
    """Upload shows a preview and writes nothing; confirm imports what the preview showed."""
    ctx: dict[str, Any] = {"max_mb": MAX_FILE_BYTES // (1024 * 1024)}
    if request.method == "POST" and request.POST.get("action") == "confirm":
        pending = request.session.get(SESSION_KEY)
        if not pending:
            messages.error(request, "Upload the file again: its preview has expired.")
            return redirect("events:import_baketracker")
        try:
            report = _run(
                request, pending["text"], skip_invalid=pending["skip_invalid"], dry_run=False
            )
        except ImportRefused as refused:
            ctx.update(form=UploadForm(), refusal=refused.message, problems=refused.problems)
            return render(request, TEMPLATE, ctx, status=400)
        except DomainError as error:
            ctx.update(form=UploadForm(), refusal=error.message)
            return render(request, TEMPLATE, ctx, status=400)
        del request.session[SESSION_KEY]
        messages.success(request, _summary(report))
        return redirect("events:import_baketracker")

    form = UploadForm(request.POST or None, request.FILES or None)
    ctx["form"] = form
    if request.method != "POST":
        request.session.pop(SESSION_KEY, None)
        return render(request, TEMPLATE, ctx)
    if not form.is_valid():
        return render(request, TEMPLATE, ctx, status=400)
    raw: bytes = form.cleaned_data["file"]
    skip_invalid = bool(form.cleaned_data["skip_invalid"])
    try:
        text = raw.decode("utf-8-sig")
        report = _run(request, text, skip_invalid=skip_invalid, dry_run=True)
    except UnicodeDecodeError:
        form.add_error(
            "file", "The file is not valid JSON: choose the .json file bake-tracker exported."
        )
        return render(request, TEMPLATE, ctx, status=400)
    except ImportRefused as refused:
        ctx.update(refusal=refused.message, problems=refused.problems)
        return render(request, TEMPLATE, ctx, status=400)
    except DomainError as error:
        form.add_error("file", error.message)
        return render(request, TEMPLATE, ctx, status=400)
    request.session[SESSION_KEY] = {"text": text, "skip_invalid": skip_invalid}
    ctx.update(report=report, file_name=getattr(request.FILES.get("file"), "name", ""))
    return render(request, TEMPLATE, ctx)
