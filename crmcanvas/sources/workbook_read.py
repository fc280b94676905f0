"""Sheets of a workbook as grids of the strings a person sees, cut to sizes the rest of crmcanvas can afford.

Cells become text the way a spreadsheet shows them: ``3.0`` -> "3", a midnight
date -> "2026-03-01", ``True`` -> "TRUE", errors cached by Excel stay as text
("#REF!") so the loader can report them.

Contract with the loader: a cell is handed over cut at :data:`CELL_CUT`
(= :data:`EXCEL_MAX_CHARS` + 1) characters. Excel itself never holds more than
32,767, so a cell of 32,768 characters tells the loader that text was cut
here; it reports a finding and keeps 32,767.

One read also has a budget (:class:`ReadBudget`): a few cells can still
multiply into gigabytes downstream (one long shared string shown in thousands
of cells, a value in the last of 16,384 columns on every row), so past
:data:`MAX_CELLS` cells or :data:`MAX_TEXT_CHARS` characters the read is
refused rather than handed on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crmcanvas.core.shape import CELL_MAX_CHARS
from crmcanvas.i18n import msg
from crmcanvas.sources.base import Grid, SourceError

__all__ = ["CELL_CUT", "EXCEL_MAX_CHARS", "MAX_CELLS", "MAX_TEXT_CHARS", "ReadBudget", "cell_text", "cut", "sheet_grid"]

EXCEL_MAX_CHARS = CELL_MAX_CHARS  # Excel refuses longer cells (one constant with the loader: core.shape)
CELL_CUT = EXCEL_MAX_CHARS + 1  # longest text a read hands over: one more than Excel allows, so a cut shows
MAX_CELLS = 2_000_000  # per read, all tabs; 10,000 needs and the other tabs are about 120,000
MAX_TEXT_CHARS = 20_000_000  # per read, all tabs; the same canvas is about 1.6 million


def cell_text(value: Any) -> str:
    """A cell value as the string a person reads (and Google's API would return)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "#NUM!"
        return format(value, ".15g")  # Excel shows 15 significant digits: 0.1+0.2 -> "0.3"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


def cut(text: str) -> str:
    """``text`` as a read hands it over: at most :data:`CELL_CUT` characters."""
    return text if len(text) <= CELL_CUT else text[:CELL_CUT]


def _shown(value: Any) -> str:
    return cut(cell_text(value))


class ReadBudget:
    """Cells and characters one read may still hand over; refuses the workbook once either is spent."""

    def __init__(self, name: str):
        self.name = name
        self.cells = MAX_CELLS
        self.chars = MAX_TEXT_CHARS

    def spend(self, title: str, row: list[str]) -> None:
        self.cells -= len(row) + 1  # an empty row still costs a list
        self.chars -= sum(map(len, row))
        if self.cells < 0:
            raise SourceError(
                msg("workbook.too_many_cells", name=self.name, millions=MAX_CELLS // 1_000_000, title=title),
                suggestion=msg("workbook.too_many_cells_hint"),
            )
        if self.chars < 0:
            raise SourceError(
                msg("workbook.too_much_text", name=self.name, millions=MAX_TEXT_CHARS // 1_000_000, title=title),
                suggestion=msg("workbook.too_much_text_hint"),
            )


def sheet_grid(ws: Any, budget: ReadBudget) -> Grid:
    """Every row of a read-only sheet as strings, trailing blanks trimmed like Google does."""
    ws.reset_dimensions()  # some writers store a wrong <dimension>; read what is really there
    grid: Grid = []
    for values in ws.iter_rows(values_only=True):
        row = [_shown(v) for v in values]
        while row and row[-1] == "":
            row.pop()
        budget.spend(ws.title, row)
        grid.append(row)
    while grid and not grid[-1]:
        grid.pop()
    return grid
