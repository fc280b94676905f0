"""``crmcanvas init`` on a local workbook: read what the file has, apply a plan, read it back.

The write goes through :func:`~crmcanvas.sources.workbook_write.write_workbook`,
so it keeps every guarantee of the workbook source: the lock shared with the
dashboard's writes, no write while Excel or LibreOffice has the file open, a
plan made from the file as it is *under the lock* (not from an older read),
formulas' cached values kept, and an atomic replace. A dry run reads the file
and plans, and never locks or saves.

What a workbook keeps of a plan:

* drop-downs are standard ``<dataValidation>`` elements, which Excel,
  LibreOffice and openpyxl (so every later write by crmcanvas) keep. A list of
  IDs is ``OFFSET('rôles'!$A$2,0,0,MAX(1,COUNTA('rôles'!$A$2:$A$1048576)),1)``:
  the IDs under the header, as many as there are, so the list follows new rows
  without a million blank entries;
* enum lists refuse other values (Excel's "Stop" alert), ID lists only warn;
* the header row is frozen (``freeze_panes``) unless panes are frozen already;
* a new tab gets styled headers and column widths; its rows, when the plan
  brings some (the checklist template), are written in the same save, and a
  date column (the checklist's due date) is formatted as a date for the whole
  column (``DD/MM/YYYY`` in French), so a date typed there later shows as one;
* ID protection is not offered: protecting a sheet in Excel locks all of it,
  which would stop the workshop (see :mod:`crmcanvas.setup.plan`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from copy import copy
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS
from crmcanvas.i18n import msg, t
from crmcanvas.setup import SetupResult
from crmcanvas.setup.guide import WRAPPED, column_width, date_format
from crmcanvas.setup.plan import (
    RULE_ROWS,
    AddColumns,
    AddTab,
    FillIds,
    Freeze,
    Plan,
    SetRule,
    SheetState,
    TabState,
    plan_setup,
)
from crmcanvas.setup.rules import ListRule, OtherRule, RangeRule, Rule
from crmcanvas.sources.a1 import A1Error, parse_range, quoted
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.workbook_write import BookChange, Scan, put, write_workbook

EXCEL_ROWS = 1_048_576
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
_OFFSET = re.compile(r"^OFFSET\(((?:'(?:[^']|'')+'|[^',!()]+)![$A-Za-z]+[$0-9]+)\s*,", re.IGNORECASE)
_MAX_RULE_COLUMNS = 1000  # a rule over whole rows (A:XFD) is read for this many columns only


# ---------------------------------------------------------------------- reading what the file has


def read_state(wb: Any, scan: Scan) -> SheetState:
    """Each worksheet as the plan sees it: rows as a read shows them, frozen rows, validations near the top."""
    tabs = []
    for ws in wb.worksheets:
        grid, _last = scan(ws.title)
        tabs.append(TabState(ws.title, grid, frozen_rows=_frozen_rows(ws), rules=_rules(ws)))
    return SheetState(tabs, can_protect=False)


def _frozen_rows(ws: Any) -> int:
    pane = ws.freeze_panes
    if not pane:
        return 0
    row, _col = coordinate_to_tuple(pane)
    return max(0, row - 1)


def _rules(ws: Any) -> dict[tuple[int, int], Rule]:
    found: dict[tuple[int, int], Rule] = {}
    for dv in ws.data_validations.dataValidation:
        rule = rule_of(dv)
        for cells in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(cells.coord)
            for row in range(min_row, min(max_row, RULE_ROWS) + 1):
                for col in range(min_col, min(max_col, min_col + _MAX_RULE_COLUMNS) + 1):
                    found.setdefault((row - 1, col - 1), rule)
    return found


def rule_of(dv: Any) -> Rule:
    """An openpyxl DataValidation in the plan's terms (a list, a list of IDs, or someone else's rule)."""
    formula = (dv.formula1 or "").strip().removeprefix("=")
    strict = bool(dv.showErrorMessage) and (dv.errorStyle or "stop") == "stop"
    if dv.type == "list" and formula.startswith('"') and formula.endswith('"'):
        return ListRule(tuple(formula[1:-1].replace('""', '"').split(",")), strict=strict)
    if dv.type == "list":
        target = _range_of(formula)
        if target is not None:
            return RangeRule(*target, strict=strict)
    return OtherRule(dv.type or "?")


def _range_of(formula: str) -> tuple[str, int, int] | None:
    offset = _OFFSET.match(formula)
    text = offset.group(1) if offset else formula
    try:
        parsed = parse_range(text)
    except A1Error:
        return None
    if parsed.title is None or parsed.cells is None or parsed.cells.c1 is None or parsed.cells.r1 is None:
        return None
    return parsed.title, parsed.cells.c1 - 1, parsed.cells.r1 - 1


# ---------------------------------------------------------------------- writing a plan


def excel_formula(rule: ListRule | RangeRule) -> str:
    """The list source Excel stores for a rule (see the module docstring)."""
    if isinstance(rule, ListRule):
        return '"' + ",".join(v.replace('"', '""') for v in rule.values) + '"'
    letter = get_column_letter(rule.column + 1)
    first = rule.first_row + 1
    sheet = quoted(rule.title)
    return f"OFFSET({sheet}!${letter}${first},0,0,MAX(1,COUNTA({sheet}!${letter}${first}:${letter}${EXCEL_ROWS})),1)"


def data_validation(step: SetRule, lang: str) -> DataValidation:
    rule = step.rule
    letter = get_column_letter(step.column + 1)
    dv = DataValidation(type="list", formula1=excel_formula(rule), allow_blank=True, showErrorMessage=True)
    if isinstance(rule, ListRule) and rule.strict:
        dv.errorStyle = "stop"
        dv.errorTitle = t("setup.dropdown.strict_title", lang)
        dv.error = t("setup.dropdown.strict_error", lang)
    else:
        dv.errorStyle = "warning"
        dv.errorTitle = t("setup.dropdown.range_title", lang)
        dv.error = t("setup.dropdown.range_error", lang, target=rule.title if isinstance(rule, RangeRule) else "")
    dv.add(f"{letter}{step.first_row + 1}:{letter}{EXCEL_ROWS}")
    return dv


def style_header(cell: Any) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGNMENT


def apply_plan(wb: Any, plan: Plan, lang: str) -> None:
    """Carry out every step of ``plan`` on an openpyxl workbook (nothing is saved here)."""
    for step in plan.steps:
        if isinstance(step, AddTab):
            _add_tab(wb, step, lang)
        elif isinstance(step, AddColumns):
            ws = wb[step.title]
            left = ws.cell(row=step.row + 1, column=step.start) if step.start else None
            for offset, header in enumerate(step.headers):
                put(ws, step.row + 1, step.start + offset + 1, header)
                if left is not None and left.has_style:  # looks like its neighbours
                    ws.cell(row=step.row + 1, column=step.start + offset + 1)._style = copy(left._style)
        elif isinstance(step, FillIds):
            ws = wb[step.title]
            for row, value in step.cells:
                put(ws, row + 1, step.column + 1, value)
        elif isinstance(step, SetRule):
            wb[step.title].add_data_validation(data_validation(step, lang))
        elif isinstance(step, Freeze):
            wb[step.title].freeze_panes = f"A{step.rows + 1}"


def _add_tab(wb: Any, step: AddTab, lang: str) -> None:
    """A new tab: styled headers, widths, wrapped long texts, date columns as dates, then the plan's rows."""
    ws = wb.create_sheet(step.title)
    columns = TABS[step.key].columns
    for index, (col, header) in enumerate(zip(columns, step.headers, strict=True), start=1):
        cell = ws.cell(row=1, column=index)
        put(ws, 1, index, header)
        style_header(cell)
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = column_width(col, lang)
        if col.key in WRAPPED:
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
        if col.kind == "date":
            dimension.number_format = date_format(lang)
    for number, row in enumerate(step.rows, start=2):
        for index, (col, value) in enumerate(zip(columns, row, strict=True), start=1):
            put(ws, number, index, value)
            cell = ws.cell(row=number, column=index)
            cell.alignment = Alignment(wrap_text=col.key in WRAPPED, vertical="top")
            if col.kind == "date":  # a cell's own style wins over its column's: it needs the format too
                cell.number_format = date_format(lang)


# ---------------------------------------------------------------------- init


def init_workbook(path: str | Path, settings: Settings | None = None, *, lang: str | None = None, dry_run: bool = False,
                  protect_ids: bool = False, lock_timeout: float = 15.0,
                  only: Collection[str] | None = None) -> SetupResult:
    """Plan from the file as it is now and, unless ``dry_run``, apply and save; then read it back and plan again."""
    settings = settings or Settings()
    lang = lang or settings.language
    target = Path(path)

    def change(wb: Any, scan: Scan) -> tuple[Plan, bool]:
        plan = plan_setup(read_state(wb, scan), settings, lang=lang, protect_ids=protect_ids, only=only)
        if not dry_run and not plan.empty:
            try:
                apply_plan(wb, plan, lang)
            except Exception as exc:  # noqa: BLE001 - openpyxl refusing a title or a value: nothing is saved
                detail = f"{type(exc).__name__}: {exc}"[:200]
                raise SourceError(msg("setup.workbook_failed", name=target.name, detail=detail),
                                  suggestion=msg("setup.run_again")) from None
        return plan, not dry_run and not plan.empty

    plan = write_workbook(target, change, lock_timeout=lock_timeout, dry_run=dry_run)
    if dry_run or plan.empty:
        return SetupResult(plan, applied=False)
    remaining = write_workbook(target, _plan_only(settings, lang, protect_ids, only), lock_timeout=lock_timeout, dry_run=True)
    return SetupResult(plan, applied=True, remaining=remaining)


def _plan_only(settings: Settings, lang: str, protect_ids: bool, only: Collection[str] | None) -> BookChange[Plan]:
    """A change that only plans: what init would still do to the file as it is now (the read-back)."""

    def plan_only(wb: Any, scan: Scan) -> tuple[Plan, bool]:
        return plan_setup(read_state(wb, scan), settings, lang=lang, protect_ids=protect_ids, only=only), False

    return plan_only


__all__ = ["apply_plan", "data_validation", "excel_formula", "init_workbook", "read_state", "rule_of", "style_header"]
