"""Reading a bake-tracker export: the checks made before anything is looked at row by row.

A file of another application, an unsupported format version, invalid JSON or a file that
is too large is refused with one line (docs/import-baketracker.md, "Refusals").
"""

from __future__ import annotations

import json
from typing import Any

from bakeplanner.errors import ValidationFailed

__all__ = ["APPLICATION", "MAX_FILE_BYTES", "SUPPORTED_VERSIONS", "check_size", "read_export"]

APPLICATION = "bake-tracker"
SUPPORTED_VERSIONS = ("4.0", "4.1", "4.2")
# A whole household's export is about 300 KB; ten times that leaves room to grow while a
# mistaken upload (a photo, a backup archive) is refused before it is read.
MAX_FILE_BYTES = 5 * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse a file over the limit before it is read."""
    if size > MAX_FILE_BYTES:
        raise ValidationFailed(
            f"The file is too large ({size // 1024:,} KB); a bake-tracker export is at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB.",
            field="file",
        )


def read_export(raw: bytes | str) -> dict[str, Any]:
    """The export's top-level object, or `ValidationFailed` with one line saying why not."""
    check_size(len(raw.encode() if isinstance(raw, str) else raw))
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationFailed(
            "The file is not valid JSON: choose the .json file bake-tracker exported.",
            field="file",
        ) from None
    if not isinstance(data, dict) or data.get("application") != APPLICATION:
        raise ValidationFailed(
            f'The file is not a bake-tracker export (its "application" is not "{APPLICATION}").',
            field="file",
        )
    version = str(data.get("version", ""))
    if version not in SUPPORTED_VERSIONS:
        raise ValidationFailed(
            f"The file is a bake-tracker export of format {version or 'unknown'}; this import "
            f"reads formats {', '.join(SUPPORTED_VERSIONS)}.",
            field="file",
        )
    return data
