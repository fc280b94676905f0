"""Load an .xlsx workbook into stand-in tabs, every cell as the text Google would show.

Cells are rendered by the workbook source's own :func:`cell_text`, so a
workbook served by the stand-in and the same file read directly give the same
strings (what the "Google canvas equals workbook canvas" test relies on).
"""

from __future__ import annotations

from pathlib import Path

from crmcanvas.sources.workbook import cell_text

Grid = list[list[str]]


def load_xlsx(path: str | Path) -> dict[str, Grid]:
    """Tab title -> grid of strings, in workbook order (cached formula results, not formulas)."""
    from openpyxl import load_workbook

    book = load_workbook(Path(path), read_only=True, data_only=True)
    try:
        tabs: dict[str, Grid] = {}
        for sheet in book.worksheets:
            grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            while grid and not any(grid[-1]):
                grid.pop()
            tabs[sheet.title] = grid
        return tabs
    finally:
        book.close()
