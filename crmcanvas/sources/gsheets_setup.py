"""``crmcanvas init`` on a Google Sheet: three requests, one of them a write.

1. **metadata** — one ``spreadsheets.get`` with grid data and a field mask
   narrowed to what a plan needs: each tab's properties (title, ``sheetId``,
   grid size, frozen rows), its protected ranges, and per cell only the text a
   read shows (``formattedValue``) and its ``dataValidation``, as compact JSON
   (``prettyPrint=false``). Google returns validations only with grid data,
   and ranges cannot be asked for before the tab titles are known, so this
   reads every tab once: the values of one dashboard refresh, plus each
   validated cell's rule (which compresses very well: ``bench_init.py``). A
   dry run, or a sheet that lacks nothing, stops here: one request, no write;
2. **one** ``batchUpdate`` built from the plan (:func:`batch_requests`):
   ``addSheet`` (with a ``sheetId`` chosen by us, so later requests of the same
   batch can name the new tab), ``appendDimension`` when a tab is too narrow
   for its new columns, ``updateCells`` for headers and IDs (and, for a new
   checklist tab, the rows of the checklist template under its headers, in
   the same ``updateCells``; their due-date cells formatted as dates),
   ``setDataValidation``, ``updateSheetProperties`` (``frozenRowCount``) and,
   when asked, ``addProtectedRange`` (``warningOnly``). Google applies a batch
   whole or not at all;
3. **read-back** — the first request again, planned again: an empty plan
   proves every step landed (and that the next run will change nothing).

The three run under the source's write deadline and retry rules. The batch is
not idempotent (a second ``addSheet`` of the same title fails, a second
protected range would be a duplicate), so it is never resent blindly: when
Google does not confirm it (timeout, lost connection, 5xx), the read-back says
whether it landed. A tab or header added by someone between our read and the
batch makes Google refuse the batch (nothing written) or, for a header typed
in the very cell we write in those few hundred milliseconds, last writer wins;
IDs given to a tab that had none are written by row number, so a row inserted
in that same instant would shift them (the loader then reports the rows left
without an ID). ``crmcanvas init`` run again only adds what is still missing.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS
from crmcanvas.i18n import Text, msg, t
from crmcanvas.setup import SetupResult
from crmcanvas.setup.guide import date_format
from crmcanvas.setup.plan import (
    RULE_ROWS,
    AddColumns,
    AddTab,
    FillIds,
    Freeze,
    Plan,
    ProtectIds,
    SetRule,
    SheetState,
    TabState,
    plan_setup,
)
from crmcanvas.setup.rules import ListRule, OtherRule, RangeRule, Rule
from crmcanvas.sources.a1 import A1Error, column_letters, parse_range, quoted
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.sources.gsheets_errors import AmbiguousWrite
from crmcanvas.sources.gsheets_writes import write_lock

FIELDS = ("properties.title,sheets(properties(sheetId,title,index,gridProperties),"
          "protectedRanges(protectedRangeId,range,description,warningOnly),"
          "data(startRow,startColumn,rowData.values(formattedValue,dataValidation)))")
NEW_TAB_ROWS = 1000  # Google's default size for a new tab
NEW_TAB_COLUMNS = 26
_UNCERTAIN = {"google.write_uncertain"}
_RUN_AGAIN = {"google.refused", "google.write_unreachable", "google.server_error"}
_READ_ONLY = {"google.not_shared", "google.not_public"}


@dataclass
class GoogleState:
    """A sheet as the plan sees it, plus the grid sizes a batch must respect."""

    state: SheetState
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # title -> (rows, columns)
    ids: dict[str, int] = field(default_factory=dict)  # title -> sheetId


# ---------------------------------------------------------------------- reading


def google_rule(rule: Mapping[str, Any]) -> Rule:
    """A ``DataValidationRule`` in the plan's terms (Google leaves ``strict`` out when false)."""
    condition = rule.get("condition") or {}
    kind = str(condition.get("type", ""))
    values = [str((v or {}).get("userEnteredValue", "")) for v in condition.get("values") or []]
    strict = bool(rule.get("strict"))
    if kind == "ONE_OF_LIST":
        return ListRule(tuple(values), strict=strict)
    if kind == "ONE_OF_RANGE" and len(values) == 1:
        try:
            parsed = parse_range(values[0].strip().removeprefix("="))
        except A1Error:
            parsed = None
        if parsed is not None and parsed.title and parsed.cells and parsed.cells.c1 and parsed.cells.r1:
            return RangeRule(parsed.title, parsed.cells.c1 - 1, parsed.cells.r1 - 1, strict=strict)
    return OtherRule(kind or "?")


def parse_state(meta: Mapping[str, Any]) -> GoogleState:
    """The answer of the metadata request as a :class:`GoogleState`."""
    out = GoogleState(SheetState([], can_protect=True))
    for sheet in meta.get("sheets") or []:
        props = sheet.get("properties") or {}
        grid = props.get("gridProperties") or {}
        title = str(props.get("title", ""))
        columns = int(grid.get("columnCount", 0))
        rows: list[list[str]] = []
        rules: dict[tuple[int, int], Rule] = {}
        for data in sheet.get("data") or []:
            r0, c0 = int(data.get("startRow", 0)), int(data.get("startColumn", 0))
            for i, row_data in enumerate(data.get("rowData") or []):
                r = r0 + i
                while len(rows) <= r:
                    rows.append([])
                for j, cell in enumerate(row_data.get("values") or []):
                    c = c0 + j
                    text = str(cell.get("formattedValue", ""))
                    if text:
                        rows[r].extend([""] * (c + 1 - len(rows[r])))
                        rows[r][c] = text
                    if "dataValidation" in cell and r < RULE_ROWS:
                        rules[(r, c)] = google_rule(cell["dataValidation"])
        while rows and not rows[-1]:
            rows.pop()
        protected: set[int] = set()
        for item in sheet.get("protectedRanges") or []:
            rng = item.get("range") or {}
            protected.update(range(int(rng.get("startColumnIndex", 0)), int(rng.get("endColumnIndex", columns))))
        sheet_id = int(props.get("sheetId", 0))
        out.state.tabs.append(TabState(title, rows, frozen_rows=int(grid.get("frozenRowCount", 0)), rules=rules,
                                       protected_columns=frozenset(protected), sheet_id=sheet_id))
        out.sizes[title] = (int(grid.get("rowCount", 0)), columns)
        out.ids[title] = sheet_id
    return out


# ---------------------------------------------------------------------- one batchUpdate from a plan


def _string_cells(values: list[str], *, bold: bool = False) -> dict[str, Any]:
    cells = []
    for value in values:
        cell: dict[str, Any] = {"userEnteredValue": {"stringValue": value}}
        if bold:
            cell["userEnteredFormat"] = {"textFormat": {"bold": True}}
        cells.append(cell)
    return {"values": cells}


def _row_cells(key: str, row: tuple[str, ...], lang: str) -> dict[str, Any]:
    """A row a new tab starts with (the checklist template): texts as texts, an empty cell left empty, a date
    column's cell formatted as a date so that a date typed there later shows as one (:func:`date_format`)."""
    cells: list[dict[str, Any]] = []
    for col, value in zip(TABS[key].columns, row, strict=True):
        cell: dict[str, Any] = {"userEnteredValue": {"stringValue": value}} if value else {}
        if col.kind == "date":
            cell["userEnteredFormat"] = {"numberFormat": {"type": "DATE", "pattern": date_format(lang)}}
        cells.append(cell)
    return {"values": cells}


def google_rule_json(rule: ListRule | RangeRule) -> dict[str, Any]:
    """The ``DataValidationRule`` for a plan's rule: a drop-down (``showCustomUi``), strict or warning only."""
    if isinstance(rule, ListRule):
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in rule.values]}
    else:
        letter = column_letters(rule.column + 1)
        source = f"={quoted(rule.title)}!{letter}{rule.first_row + 1}:{letter}"
        condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": source}]}
    return {"condition": condition, "strict": rule.strict, "showCustomUi": True}


def batch_requests(plan: Plan, google: GoogleState, lang: str) -> list[dict[str, Any]]:
    """The requests of the one ``batchUpdate`` that carries out ``plan``, in an order Google accepts."""
    ids = dict(google.ids)
    sizes = dict(google.sizes)
    free = max(ids.values(), default=0) + 1
    requests: list[dict[str, Any]] = []
    for step in plan.steps:
        if isinstance(step, AddTab):
            ids[step.title], free = free, free + 1
            sizes[step.title] = (max(NEW_TAB_ROWS, len(step.rows) + 1), max(NEW_TAB_COLUMNS, len(step.headers)))
            requests.append({"addSheet": {"properties": {"sheetId": ids[step.title], "title": step.title, "gridProperties": {
                "rowCount": sizes[step.title][0], "columnCount": sizes[step.title][1]}}}})
            requests.append({"updateCells": {"start": {"sheetId": ids[step.title], "rowIndex": 0, "columnIndex": 0},
                                             "rows": [_string_cells(list(step.headers), bold=True),
                                                      *(_row_cells(step.key, row, lang) for row in step.rows)],
                                             "fields": "userEnteredValue,userEnteredFormat.textFormat.bold,"
                                                       "userEnteredFormat.numberFormat"}})
        elif isinstance(step, AddColumns):
            rows, columns = sizes[step.title]
            need = step.start + len(step.headers)
            if need > columns:
                requests.append({"appendDimension": {"sheetId": ids[step.title], "dimension": "COLUMNS", "length": need - columns}})
                sizes[step.title] = (rows, need)
            requests.append({"updateCells": {"start": {"sheetId": ids[step.title], "rowIndex": step.row, "columnIndex": step.start},
                                             "rows": [_string_cells(list(step.headers))], "fields": "userEnteredValue"}})
        elif isinstance(step, FillIds):
            for first, values in _runs(step.cells):
                requests.append({"updateCells": {"start": {"sheetId": ids[step.title], "rowIndex": first, "columnIndex": step.column},
                                                 "rows": [_string_cells([v]) for v in values], "fields": "userEnteredValue"}})
        elif isinstance(step, SetRule):
            requests.append({"setDataValidation": {
                "range": {"sheetId": ids[step.title], "startRowIndex": step.first_row, "startColumnIndex": step.column,
                          "endColumnIndex": step.column + 1},
                "rule": google_rule_json(step.rule)}})
        elif isinstance(step, Freeze):
            requests.append({"updateSheetProperties": {"properties": {"sheetId": ids[step.title], "gridProperties": {
                "frozenRowCount": step.rows}}, "fields": "gridProperties.frozenRowCount"}})
        elif isinstance(step, ProtectIds):
            requests.append({"addProtectedRange": {"protectedRange": {
                "range": {"sheetId": ids[step.title], "startRowIndex": step.first_row, "startColumnIndex": step.column,
                          "endColumnIndex": step.column + 1},
                "description": t("setup.protection_description", lang), "warningOnly": True}}})
    return requests


def _runs(cells: tuple[tuple[int, str], ...]) -> list[tuple[int, list[str]]]:
    """Consecutive rows grouped: one updateCells per run of rows (rows between runs are not touched)."""
    runs: list[tuple[int, list[str]]] = []
    for row, value in cells:
        if runs and runs[-1][0] + len(runs[-1][1]) == row:
            runs[-1][1].append(value)
        else:
            runs.append((row, [value]))
    return runs


# ---------------------------------------------------------------------- init


def init_google(source: GoogleSheetSource, settings: Settings | None = None, *, lang: str | None = None,
                dry_run: bool = False, protect_ids: bool = False, only: Collection[str] | None = None) -> SetupResult:
    """Read (1), plan, and unless ``dry_run`` or nothing is missing: one batchUpdate (2) and a read-back (3)."""
    settings = settings or source.settings
    lang = lang or settings.language
    # The source's own deadline, retries and error wording (this module is its setup half, as SheetWriter
    # is its write half), and its per-spreadsheet lock: a dashboard's write in this process waits for us.
    with source._bounded(source.write_deadline), write_lock(source.key):
        google = _inspect(source, msg("setup.step.inspect"), stage="prepare")
        plan = plan_setup(google.state, settings, lang=lang, protect_ids=protect_ids, only=only)
        if dry_run or plan.empty:
            return SetupResult(plan, applied=False)
        unconfirmed = _apply(source, {"requests": batch_requests(plan, google, lang)})
        source._tabs = None  # the source's cached tab list is out of date: its next read fetches it again
        try:
            after = _inspect(source, msg("setup.step.read_back"), stage="read")
        except SourceError as exc:
            if unconfirmed:
                raise SourceError(msg("setup.unconfirmed"), suggestion=msg("setup.run_again"), retryable=True) from None
            return SetupResult(plan, applied=True, read_back_error=exc)
        remaining = plan_setup(after.state, settings, lang=lang, protect_ids=protect_ids, only=only)
        landed = not unconfirmed or len(remaining.steps) < len(plan.steps)  # a batch lands whole or not at all
        return SetupResult(plan, applied=landed, remaining=remaining, unconfirmed=unconfirmed)


def _apply(source: GoogleSheetSource, body: dict[str, Any]) -> bool:
    """Send the batch; True when Google did not confirm it (it may or may not have landed)."""
    try:
        source._call(msg("setup.step.apply"),
                     lambda: source._http.batch_update(source.key, json.loads(json.dumps(body))),
                     idempotent=False, stage="write")
    except AmbiguousWrite:
        return True
    except SourceError as exc:
        key = exc.text.key if isinstance(exc.text, Text) else ""
        if key in _UNCERTAIN:
            return True
        if key in _RUN_AGAIN:
            raise SourceError(exc.text, suggestion=msg("setup.run_again"), retryable=exc.retryable) from None
        if key in _READ_ONLY:  # the read just worked: the sheet is shared, but not for writing
            raise SourceError(msg("setup.read_only"), suggestion=exc.hint or msg("setup.run_again")) from None
        raise
    return False


def _inspect(source: GoogleSheetSource, what: Text, *, stage: str) -> GoogleState:
    params = {"includeGridData": "true", "fields": FIELDS, "prettyPrint": "false"}  # compact JSON: the answer holds every cell
    meta = source._call(what, lambda: source._http.fetch_sheet_metadata(source.key, params=dict(params)), stage=stage)
    return parse_state(meta)


__all__ = ["FIELDS", "GoogleState", "batch_requests", "google_rule", "google_rule_json", "init_google",
           "parse_state"]
