"""Open the source a spec names: a Google Sheet URL or key, a local .xlsx, or the bundled demo.

Which spec, and where it came from, is decided by :func:`crmcanvas.core.config.resolve`
(argument, ``source`` setting, secrets' spreadsheet, demo). :func:`open_source`
takes that :class:`~crmcanvas.core.config.Resolved`; a spec that names nothing
readable raises :class:`SpecError`, whose hint names where the spec came from
(the command-line argument, ``CRMCANVAS_SOURCE``, the config file, the secrets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmcanvas.core.config import DEMO, Resolved, Settings, choose_spec, is_printable, printable
from crmcanvas.i18n import msg
from crmcanvas.sources.base import ReadableSource, Source, SourceError, WritableSource, is_writable
from crmcanvas.sources.demo import DemoSource

_SHEET_URL = re.compile(r"^https?://docs\.google\.com/spreadsheets/d/[A-Za-z0-9_-]+")
_SHEET_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
_WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


class SpecError(SourceError):
    """The spec names nothing crmcanvas can open; the hint already says where the spec came from."""


def resolve_spec(spec: str | None, settings: Settings, secrets: Mapping[str, Any] | None = None) -> str:
    """The spec to open: argument, else ``settings.source``, else the secrets' spreadsheet, else ``"demo"``."""
    return choose_spec(spec, settings, secrets)[0]


def is_google_sheet(spec: str) -> bool:
    return bool(_SHEET_URL.match(spec) or _SHEET_KEY.match(spec))


def open_source(
    spec: Resolved | str | None, settings: Settings | None = None, secrets: Mapping[str, Any] | None = None
) -> Source:
    """The source a resolution names; raises SourceError (SpecError when the spec itself is wrong).

    ``open_source(resolve(...))`` is the way in; ``open_source(spec, settings, secrets)``
    still works for a spec given by hand (treated as a command-line argument).
    """
    if isinstance(spec, Resolved):
        resolved = spec
    else:
        settings = settings or Settings()
        chosen, origin, where = choose_spec(spec, settings, secrets)
        resolved = Resolved(settings=settings, spec=chosen, origin=origin, where=where, secrets=secrets or {})
    return _open(resolved)


def _open(resolved: Resolved) -> Source:
    spec, settings = resolved.spec, resolved.settings
    if spec == DEMO:
        return DemoSource(settings.language)
    if not is_printable(spec):
        raise SpecError(msg("config.source_not_utf8", spec=printable(spec)),
                        suggestion=msg("config.source_not_utf8_hint", origin=resolved.origin_text()))
    if is_google_sheet(spec) or (settings.sheets_endpoint and spec.startswith(settings.sheets_endpoint)):
        from crmcanvas.sources.gsheets import GoogleSheetSource

        return GoogleSheetSource.from_settings(spec, settings, resolved.secrets)
    path = Path(spec).expanduser()
    if path.exists():
        from crmcanvas.sources.workbook import WorkbookSource

        return WorkbookSource(path, lang=settings.language)
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        raise SpecError(
            msg("config.source_file_missing", name=path.name, path=path.absolute()),
            suggestion=msg("config.source_file_missing_hint", origin=resolved.origin_text(), cwd=Path.cwd()),
        )
    raise SpecError(
        msg("config.source_unrecognised", spec=spec),
        suggestion=msg("config.source_unrecognised_hint", origin=resolved.origin_text()),
    )


__all__ = ["DEMO", "DemoSource", "ReadableSource", "Source", "SourceError", "SpecError", "WritableSource", "is_google_sheet",
           "is_writable", "open_source", "resolve_spec"]
