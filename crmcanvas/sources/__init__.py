"""Pick the source a spec names: a Google Sheet URL or key, a local .xlsx, or the bundled demo.

Spec resolution order: explicit argument, ``settings.source``,
``[connections.gsheets] spreadsheet`` in secrets, then the demo canvas.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmcanvas.core.config import Settings
from crmcanvas.sources.base import ReadableSource, Source, SourceError, WritableSource, is_writable
from crmcanvas.sources.demo import DemoSource

_SHEET_URL = re.compile(r"^https?://docs\.google\.com/spreadsheets/d/[A-Za-z0-9_-]+")
_SHEET_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
DEMO = "demo"


def resolve_spec(spec: str | None, settings: Settings, secrets: Mapping[str, Any] | None = None) -> str:
    if spec:
        return spec.strip()
    if settings.source:
        return settings.source
    sheet = ((secrets or {}).get("connections") or {}).get("gsheets", {}).get("spreadsheet")
    return str(sheet).strip() if sheet else DEMO


def is_google_sheet(spec: str) -> bool:
    return bool(_SHEET_URL.match(spec) or _SHEET_KEY.match(spec))


def open_source(spec: str | None, settings: Settings, secrets: Mapping[str, Any] | None = None) -> Source:
    """The source named by spec (see module docstring). Raises SourceError with a French reason."""
    spec = resolve_spec(spec, settings, secrets)
    if spec == DEMO:
        return DemoSource()
    if is_google_sheet(spec) or (settings.sheets_endpoint and spec.startswith(settings.sheets_endpoint)):
        from crmcanvas.sources.gsheets import GoogleSheetSource

        return GoogleSheetSource.from_settings(spec, settings, secrets)
    path = Path(spec).expanduser()
    if path.suffix.lower() in {".xlsx", ".xlsm"} or path.exists():
        from crmcanvas.sources.workbook import WorkbookSource

        return WorkbookSource(path)
    raise SourceError(
        f"Source « {spec} » non reconnue : ni une URL de Google Sheet, ni un fichier .xlsx.",
        suggestion="Donnez l'URL complète de la feuille (https://docs.google.com/spreadsheets/d/…) ou le chemin d'un classeur .xlsx.",
    )


__all__ = ["DEMO", "DemoSource", "ReadableSource", "Source", "SourceError", "WritableSource", "is_google_sheet", "is_writable",
           "open_source", "resolve_spec"]
