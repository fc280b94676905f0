"""The checklist template as a tab: files to paste into the canvas (CSV, XLSX), or the tab written into the source.

A canvas without a ``checklist`` tab gets one of three ways here, all from the
same rows (:func:`crmcanvas.analysis.checklist.template_grid`, headers in the
language asked for);
``crmcanvas template`` and ``crmcanvas init`` write those very rows too
(:mod:`crmcanvas.setup.plan`):

* :func:`template_csv` — the Excel-friendly, formula-neutralised CSV of
  :mod:`crmcanvas.reports.csv_export`;
* :func:`template_xlsx` — one sheet named like the tab, bold frozen header;
* :func:`create_checklist_tab` — written into the source: as ``crmcanvas
  init`` adds it on a Google Sheet or a workbook (one write), else through
  ``ensure_tab`` and ``append_row``; a source without ``ensure_tab`` is
  refused with a message, nothing written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

from crmcanvas.analysis.checklist import TAB, template_grid
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS
from crmcanvas.i18n import DEFAULT_LANG, msg
from crmcanvas.reports.csv_export import csv_bytes
from crmcanvas.sources.base import SourceError, is_writable

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers(lang: str = DEFAULT_LANG) -> list[str]:
    """The tab's header row, in ``lang`` (the loader reads both languages)."""
    return [col.label_in(lang) for col in TABS[TAB].columns]


def template_frame(lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The template's rows under the tab's headers: the checklist of document 001, every status « à faire »."""
    return pd.DataFrame(template_grid(lang), columns=headers(lang))


def template_csv(lang: str = DEFAULT_LANG) -> bytes:
    return csv_bytes(template_frame(lang))


def template_xlsx(lang: str = DEFAULT_LANG, title: str | None = None) -> bytes:
    """A workbook with one sheet (named like the tab) holding the template, ready to copy into the canvas."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    frame = template_frame(lang)
    book = Workbook()
    sheet = book.active
    sheet.title = (title or TABS[TAB].title)[:31]
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([value or None for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in frame[column])])
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(longest + 2, 60))
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.alignment = Alignment(vertical="top", wrap_text=longest > 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def can_create(source: object) -> bool:
    """Whether ``source`` can create a tab (a writable source that has ``ensure_tab``)."""
    return is_writable(source) and callable(getattr(source, "ensure_tab", None))


def create_checklist_tab(source: object, settings: Settings) -> int:
    """Create the checklist tab in ``source`` from the template, in the reader's language; returns the rows written.

    A Google Sheet or a workbook gets it the way ``crmcanvas init`` adds it (one
    ``batchUpdate`` on Google, not one append per row; drop-downs and frozen
    header included); any other writable source with ``ensure_tab`` gets the
    header, then one ``append_row`` per row. An existing tab is left as it is.
    Raises :class:`SourceError` when the source cannot create tabs.
    """
    from crmcanvas.setup.plan import AddTab
    from crmcanvas.sources.gsheets import GoogleSheetSource
    from crmcanvas.sources.workbook import WorkbookSource

    title = settings.tabs.get(TAB, TABS[TAB].title)
    if not can_create(source):
        raise SourceError(msg("readiness.create.unsupported", title=title), suggestion=msg("readiness.create.unsupported_hint"))
    if isinstance(source, GoogleSheetSource | WorkbookSource):
        if isinstance(source, GoogleSheetSource):
            from crmcanvas.sources.gsheets_setup import init_google

            result = init_google(source, settings, only={TAB})
        else:
            from crmcanvas.sources.workbook_setup import init_workbook

            result = init_workbook(source.path, settings, only={TAB})
        return sum(len(step.rows) for step in result.plan.steps if isinstance(step, AddTab)) if result.applied else 0
    lang = settings.language
    written: Sequence[str] = headers(lang)
    source.ensure_tab(title, list(written))  # type: ignore[attr-defined]
    frame = template_frame(lang)
    for row in frame.itertuples(index=False):
        source.append_row(title, dict(zip(written, row, strict=True)))  # type: ignore[attr-defined]
    return len(frame)


__all__ = ["XLSX_MIME", "can_create", "create_checklist_tab", "headers", "template_csv", "template_frame", "template_xlsx"]
