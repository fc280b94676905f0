"""``crmcanvas template``: a blank canvas workbook, ready for the first workshop.

It is built by the plan ``init`` makes for an empty workbook (so a template and
an initialised sheet carry the same headers, drop-downs and frozen rows), then
given what only a new file gets: a « Mode d'emploi » tab first, one example row
per canvas tab (ID ``…000``, pointing at the other examples), styled headers and
set column widths. The optional checklist tab comes last, filled by the plan
with the checklist template (its rows are real, not examples: no example row). The file appears whole or not at all (written next to its target,
then renamed).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from crmcanvas.core.config import Settings
from crmcanvas.core.schema import REQUIRED_TAB_KEYS, SETUP_TAB_KEYS, TABS
from crmcanvas.i18n import t
from crmcanvas.setup.guide import GUIDE_TABLE_ROW, WRAPPED, example_row, guide_rows
from crmcanvas.setup.plan import Plan, SheetState, plan_setup

_GUIDE_WIDTHS = (22, 24, 80, 48)
_GUIDE_LINE = 150  # characters a line of the merged A:D paragraphs holds, about
_TOP = Alignment(vertical="top", wrap_text=True)


def template_plan(settings: Settings | None = None, lang: str | None = None) -> Plan:
    """What a template holds: the plan for a workbook with no tab at all."""
    settings = settings or Settings()
    return plan_setup(SheetState([]), settings, lang=lang or settings.language)


def build_template(settings: Settings | None = None, lang: str | None = None) -> Workbook:
    """The template as an openpyxl workbook (not saved)."""
    from crmcanvas.sources.workbook_setup import apply_plan, style_header

    settings = settings or Settings()
    lang = lang or settings.language
    plan = template_plan(settings, lang)
    wb = Workbook()
    default = wb.active
    apply_plan(wb, plan, lang)
    wb.remove(default)
    titles = {key: plan.layout[key].title for key in SETUP_TAB_KEYS}
    for key in REQUIRED_TAB_KEYS:  # the checklist's rows are its template (written by the plan): no example
        ws = wb[titles[key]]
        layout = plan.layout[key]
        example = example_row(key, lang)
        for col in TABS[key].columns:
            value = example[col.key]
            cell = ws.cell(row=layout.header_row + 2, column=layout.columns[col.key] + 1)
            cell.value = value or None
            cell.alignment = _TOP if col.key in WRAPPED else Alignment(vertical="top")
    for key in SETUP_TAB_KEYS:
        ws = wb[titles[key]]
        ws.auto_filter.ref = ws.dimensions
    guide = wb.create_sheet(t("setup.guide.title", lang), 0)
    for line in guide_rows(lang, titles):
        cells: list[str | None] = list(line) if line else [None]  # a blank line stays a blank row
        guide.append(cells)
    guide["A1"].font = Font(bold=True, size=14)
    for cell in guide[GUIDE_TABLE_ROW]:
        style_header(cell)
    for index, width in enumerate(_GUIDE_WIDTHS):
        letter = chr(ord("A") + index)
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            if cell.row != GUIDE_TABLE_ROW:
                cell.alignment = _TOP
        if row[0].value and row[0].row > GUIDE_TABLE_ROW:
            row[0].font = Font(bold=True)
    for number in range(3, GUIDE_TABLE_ROW - 1):
        guide.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
        lines = -(-len(str(guide.cell(row=number, column=1).value or "")) // _GUIDE_LINE)
        guide.row_dimensions[number].height = 15 * max(2, lines + 1)
    guide.freeze_panes = f"A{GUIDE_TABLE_ROW + 1}"
    wb.active = 0
    return wb


def write_template(path: str | os.PathLike[str], settings: Settings | None = None, lang: str | None = None) -> Path:
    """Write the template to ``path`` atomically (parent folders created); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb = build_template(settings, lang)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


__all__ = ["build_template", "template_plan", "write_template"]
