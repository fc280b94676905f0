"""The bundled demo canvas: a fictional French charity scoping its CRM.

"Association Les Jardins Solidaires" (fictional) runs community and
integration gardens; it has donors, members, volunteers, corporate and
foundation partners, and beneficiaries. Its canvas is what crmcanvas shows
before any Google Sheet is configured, and what ``crmcanvas demo --out
FILE.xlsx`` writes.

The content lives in one readable CSV per tab next to this module (header
row = the French labels of :mod:`crmcanvas.core.schema`). It carries deliberate
gaps so that every gap view has something to show; ``GAPS.md`` lists them
with the rows that create them. Its optional ``checklist`` tab (the CRM project
checklist of document 001) is partly done, with overdue items, items without
an owner and two items the project added itself. Its optional ``editeurs`` tab
compares three fictional CRMs in the long layout (one row per solution and
need, answers written with aliases such as « Natif », « Config », « Dev »,
« Non »), with a few needs not evaluated and one Must not covered; its
optional ``integrateurs`` tab compares two fictional integrators in the wide
layout (one row per need, one column per integrator).
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from crmcanvas.core.schema import TAB_KEYS, TABS

__all__ = ["DEMO_COUNTS", "DEMO_TITLES", "demo_grids", "write_demo_workbook"]

Grid = list[list[str]]

# canonical tab key -> sheet title, in the order the workbook lists them.
DEMO_TITLES: dict[str, str] = {key: TABS[key].title for key in TAB_KEYS}

# Data rows (header excluded) per tab; tests hold the CSVs to these numbers.
DEMO_COUNTS: dict[str, int] = {
    "enjeux": 8,
    "besoins": 60,
    "donnees": 15,
    "applications": 15,
    "personnes": 25,
    "roles": 12,
    "checklist": 68,
    "editeurs": 171,
    "integrateurs": 60,
}

_WIDTH_MIN = 8
_WIDTH_MAX = 60  # longer columns wrap instead of widening


def _csv_name(key: str) -> str:
    return f"{key}.csv"


@lru_cache(maxsize=1)
def _grids() -> dict[str, tuple[tuple[str, ...], ...]]:
    here = files(__name__)
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for key in TAB_KEYS:
        text = here.joinpath(_csv_name(key)).read_text(encoding="utf-8")
        out[key] = tuple(tuple(row) for row in csv.reader(io.StringIO(text, newline="")))
    return out


def demo_grids() -> dict[str, Grid]:
    """Each tab's grid keyed by canonical tab key: header row first, every cell a str.

    The result is a fresh copy; callers may mutate it.
    """
    return {key: [list(row) for row in grid] for key, grid in _grids().items()}


def _column_widths(grid: Grid) -> list[tuple[float, bool]]:
    """(width, wrap) per column, from the longest line written in it."""
    ncols = max(len(row) for row in grid)
    result: list[tuple[float, bool]] = []
    for col in range(ncols):
        longest = max(
            (len(line) for row in grid if col < len(row) for line in row[col].splitlines() or [""]),
            default=0,
        )
        width = max(_WIDTH_MIN, min(longest + 2, _WIDTH_MAX))
        result.append((width, longest + 2 > _WIDTH_MAX))
    return result


def write_demo_workbook(path: str | os.PathLike[str]) -> Path:
    """Write the demo canvas to an .xlsx (one sheet per tab) atomically; return the path.

    The file appears complete or not at all: it is written next to its target
    and moved into place. Parent folders are created if needed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for key, grid in demo_grids().items():
        sheet = workbook.create_sheet(DEMO_TITLES[key])
        for row in grid:
            sheet.append([cell if cell != "" else None for cell in row])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, (width, wraps) in enumerate(_column_widths(grid), start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = width
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = wrap if wraps or "\n" in str(cell.value or "") else top

    # Same folder so os.replace is a rename; created by openpyxl so the usual umask applies.
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        workbook.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
