"""The local workbook source: a ``.xlsx`` file, read in one pass, written safely.

The work is split by job; this module ties it into the source the rest of
crmcanvas uses (:class:`WorkbookSource`):

* :mod:`~crmcanvas.sources.workbook_file` — the file's bytes and version token
  (a hash of those very bytes, so token and content always agree), and the
  checks every file passes before openpyxl parses it (what kind of file, how
  big);
* :mod:`~crmcanvas.sources.workbook_read` — sheets as grids of the strings a
  person sees (openpyxl in read-only, values-only mode);
* :mod:`~crmcanvas.sources.workbook_write` — writes that never lose anyone's
  change (lock, re-read, compare, atomic replace);
* :mod:`~crmcanvas.sources.workbook_formulas` — the values Excel cached for
  formulas, kept across our writes.

Limits. A file past one is refused with a :class:`SourceError` that says
which (``crmcanvas check`` then exits with 2, the dashboard shows it); the
dashboard and ``crmcanvas check`` read through the same code. The first two
are checked before anything is parsed, for reads and writes alike:

========================  ==============  =========================================
what                      limit           constant, and when it is checked
========================  ==============  =========================================
file on disk              50 MB           ``MAX_FILE_BYTES``, before reading it
all parts, unpacked       100 MB          ``MAX_UNPACKED_BYTES``, from the zip
                                          directory, before openpyxl unpacks anything
cells in one read         2 million       ``MAX_CELLS``, over all tabs read
characters in one read    20 million      ``MAX_TEXT_CHARS``, over all tabs read
one cell                  32,768 chars    ``CELL_CUT``: longer text is cut, not refused
========================  ==============  =========================================

A 10,000-need canvas is about 0.6 MB on disk, 7 MB unpacked, 120,000 cells
and 1.6 million characters. Within these limits a read stays near 300 MB of
memory whatever the file holds (measured: a 90 MB cell, 1.5 million distinct
cells; openpyxl holds an oversized cell twice, briefly, before it is cut). A
write holds every cell of the workbook as an object: about ten times the
unpacked size of the sheets.

Cells longer than Excel's 32,767 characters (which only a program can write)
are handed over cut at ``EXCEL_MAX_CHARS + 1`` = 32,768 characters: one more
than Excel allows, so the loader can tell a cut happened and report it. A
write sees the sheet cut the same way, so a cell is compared with the value
the caller was shown.

What openpyxl cannot keep, so a write may lose it (documented here because a
user will notice): shapes and text boxes, slicers, sparklines, and the
data-validation *extensions* newer Excel writes for drop-down lists that point
at another tab. Cell styles, column widths, other tabs, unknown columns,
formulas and their cached values, merged cells, tables and plain drop-down
lists survive.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import MergedCell

from crmcanvas.core.ids import next_ids
from crmcanvas.core.shape import match_titles
from crmcanvas.core.text import clean
from crmcanvas.i18n import DEFAULT_LANG, msg, t
from crmcanvas.sources.base import (
    AppendResult,
    CellChange,
    Conflict,
    Grid,
    RawCanvas,
    SourceError,
    UpdateResult,
    WriteConflict,
)
from crmcanvas.sources.workbook_file import (
    MAX_FILE_BYTES,
    MAX_UNPACKED_BYTES,
    Snapshot,
    open_workbook,
    read_snapshot,
    stat_key,
    unreadable,
)
from crmcanvas.sources.workbook_read import (
    CELL_CUT,
    EXCEL_MAX_CHARS,
    MAX_CELLS,
    MAX_TEXT_CHARS,
    ReadBudget,
    cell_text,
    sheet_grid,
)
from crmcanvas.sources.workbook_write import (
    TEMP_SUFFIX,
    at,
    column,
    ensure_sheet,
    extend_tables,
    find_row,
    header_index,
    put,
    text_to_write,
    writable,
    write_sheet,
)

__all__ = [
    "CELL_CUT",
    "EXCEL_MAX_CHARS",
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_UNPACKED_BYTES",
    "TEMP_SUFFIX",
    "WorkbookSource",
    "cell_text",
]

LOCK_TIMEOUT = 15.0  # seconds a write waits for another writer before giving up


class WorkbookSource:
    """A local ``.xlsx`` canvas (see the module docstring for the limits and write guarantees)."""

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = LOCK_TIMEOUT, lang: str = DEFAULT_LANG):
        self.path = Path(os.path.expanduser(os.fspath(path)))
        self.lock_timeout = lock_timeout
        self.description = t("workbook.description", lang, name=self.path.name)
        self._known: tuple[tuple[int, int, int], str] | None = None

    # ----------------------------------------------------------------- reading

    def read(self, wanted: Mapping[str, str]) -> RawCanvas:
        """All wanted tabs from one snapshot of the file, paired with its version token."""
        snap = self._snapshot()
        name = self.path.name
        wb = open_workbook(snap.data, name, read_only=True)
        try:
            available = [ws.title for ws in wb.worksheets]
            found, missing = match_titles(wanted, available)
            budget = ReadBudget(name)
            grids = {key: sheet_grid(wb[title], budget) for key, title in found.items()}
        except Exception as exc:  # noqa: BLE001 - read-only sheets parse lazily, errors surface here
            raise unreadable(name, exc) from None
        finally:
            with contextlib.suppress(Exception):
                wb.close()
        return RawCanvas(
            grids=grids, titles=found, version=snap.token, source=self.description, missing=missing, available=available
        )

    def version(self) -> str:
        """The current version token, cheap when the file has not changed (for live polling)."""
        try:
            key = stat_key(os.stat(self.path))
        except OSError:
            key = None
        if key is not None and self._known is not None and self._known[0] == key:
            return self._known[1]
        return self._snapshot().token

    def _snapshot(self) -> Snapshot:
        snap = read_snapshot(self.path)
        self._known = (snap.key, snap.token)
        return snap

    # ----------------------------------------------------------------- writing

    def append_row(
        self, title: str, values: Mapping[str, str], *, id_column: str | None = None, id_prefix: str | None = None
    ) -> AppendResult:
        """Append after the last used row; with ``id_prefix``, the ID is computed now, from the file as it is.

        When the source assigns the ID, any value given for ``id_column`` is ignored:
        an ID computed from an older read could already be taken.
        """

        def append(ws: Any, grid: Grid, last_used: int, sheet: str) -> tuple[AppendResult, bool]:
            header = header_index(grid, sheet, [*values, id_column or ""])
            headers = grid[header]
            cells: dict[int, str] = {}
            for name, value in values.items():
                cells[column(headers, name, sheet)] = text_to_write(value, name)
            if not any(clean(v) for v in cells.values()):
                raise SourceError(msg("workbook.nothing_to_append", title=sheet), suggestion=msg("workbook.nothing_to_append_hint"))
            row_id: str | None = None
            if id_column is not None:
                id_col = column(headers, id_column, sheet)
                if id_prefix:
                    existing = [at(r, id_col) for r in grid[header + 1 :]]
                    row_id = next_ids(existing, id_prefix, 1)[0]
                    cells[id_col] = row_id
                else:
                    row_id = clean(cells.get(id_col, "")) or None
            row = max(last_used, header + 1) + 1
            if row - 1 > header + 1:  # the row above is a data row: the new one looks like it
                for col in range(1, max(len(headers), max(cells) + 1) + 1):
                    above = ws.cell(row=row - 1, column=col)
                    if above.has_style and not isinstance(above, MergedCell):
                        ws.cell(row=row, column=col)._style = copy(above._style)
            for col, text in cells.items():
                put(ws, row, col + 1, text)
            extend_tables(ws, row)
            return AppendResult(row=row, row_id=row_id), True

        return write_sheet(self.path, title, append, lock_timeout=self.lock_timeout)

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        """Write ``changes`` in the row with this ID, only if every cell still holds ``expected``.

        Values are compared as read, ignoring surrounding blanks; if any differs,
        nothing is written and :class:`WriteConflict` lists every difference.
        """

        def update(ws: Any, grid: Grid, last_used: int, sheet: str) -> tuple[UpdateResult, bool]:
            header = header_index(grid, sheet, [id_column, *(c.column for c in changes)])
            headers = grid[header]
            index = find_row(grid, header, column(headers, id_column, sheet), row_id, sheet)
            current = grid[index]
            planned: list[tuple[int, str, str]] = []
            conflicts: list[Conflict] = []
            for change in changes:
                col = column(headers, change.column, sheet)
                actual = at(current, col)
                if clean(actual) != clean(change.expected):
                    conflicts.append(Conflict(headers[col], change.expected, actual, change.new))
                planned.append((col, actual, text_to_write(change.new, change.column)))
            if conflicts:
                raise WriteConflict(sheet, row_id, conflicts)
            written = [(col, new) for col, actual, new in planned if actual != new]
            for col, new in written:
                put(ws, index + 1, col + 1, new)
            return UpdateResult(row=index + 1, updated=[headers[col] for col, _ in written]), bool(written)

        return write_sheet(self.path, title, update, lock_timeout=self.lock_timeout)

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        """Give each non-blank row without an ID the next free ID; no other cell is touched."""

        def assign(ws: Any, grid: Grid, last_used: int, sheet: str) -> tuple[list[tuple[int, str]], bool]:
            header = header_index(grid, sheet, [id_column])
            id_col = column(grid[header], id_column, sheet)
            rows = [
                i + 1
                for i in range(header + 1, len(grid))
                if any(clean(v) for v in grid[i])
                and not clean(at(grid[i], id_col))
                and writable(ws.cell(row=i + 1, column=id_col + 1))  # never overwrite a formula
            ]
            existing = [at(r, id_col) for r in grid[header + 1 :]]
            assigned = list(zip(rows, next_ids(existing, id_prefix, len(rows)), strict=True))
            for row, new_id in assigned:
                put(ws, row, id_col + 1, new_id)
            return assigned, bool(assigned)

        return write_sheet(self.path, title, assign, lock_timeout=self.lock_timeout)

    def ensure_tab(self, title: str, headers: list[str]) -> bool:
        """Create the tab ``title`` with ``headers`` on its first row unless the workbook has it (same lock and save)."""
        return ensure_sheet(self.path, title, list(headers), lock_timeout=self.lock_timeout)
