"""In-memory spreadsheets that behave like Google Sheets for the calls crmcanvas makes.

Every rule here mirrors recorded Google traffic: trailing empty cells and rows
are cut from answers, an empty range has no ``values`` key, ranges are echoed
in A1 form sized to the grid, a bad range answers 400 ``Unable to parse range``.
Rows are objects so that what is attached to a row (its developer metadata, its
hidden identity used by tests) moves with it on inserts, deletes and sorts,
exactly as developer metadata does in Google Sheets.

``values:append`` finds its table as Google's guide describes and the recording
shows (the last block of touching cells that the range reaches, taken whole,
so ``tab!A1`` appends under the whole table, never over row 2). Where Google's
exact behaviour was not recorded, the stand-in picks the lenient reading and
says so: reads are clipped to the grid; writes past the grid grow it.

All public methods take the store's lock, so the HTTP server threads and a
test acting "as a stakeholder" never see a half-applied change.
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmcanvas.sources.a1 import A1Error, Cells, column_index, column_letters, format_range, parse_cells, parse_range
from crmcanvas.standin.structure import StructureRequests

Grid = list[list[str]]

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26
UNEVALUATED = "#NAME?"  # what a formula shows: the stand-in does not compute formulas

DEFAULT_FORMAT = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
        "italic": False, "strikethrough": False, "underline": False, "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


class ApiError(Exception):
    """An answer Google gives as ``{"error": {code, message, status}}``."""

    def __init__(self, code: int, message: str, status: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


@dataclass(slots=True)  # a sheet holds a thousand rows or more, most of them empty: kept small and quick to make
class Row:
    uid: int  # identity that survives inserts and sorts; never sent over HTTP
    cells: list[str] = field(default_factory=list)
    formulas: dict[int, str] = field(default_factory=dict)  # 0-based column -> formula text
    meta: list[dict[str, Any]] = field(default_factory=list)  # developer metadata on this row
    rules: dict[int, dict[str, Any]] = field(default_factory=dict)  # 0-based column -> data validation rule


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: list[Row]
    column_count: int
    frozen_rows: int = 0
    protected: list[dict[str, Any]] = field(default_factory=list)  # protectedRanges, as Google returns them

    @property
    def row_count(self) -> int:
        return len(self.rows)


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    shared_with: set[str] = field(default_factory=set)
    locale: str = "fr_FR"
    time_zone: str = "Europe/Paris"


@dataclass(frozen=True)
class Mutation:
    """One change to a spreadsheet, in the order the store applied it (for tests' oracles)."""

    seq: int
    actor: str  # "api" (over HTTP) or "stakeholder" (test helpers)
    spreadsheet_id: str
    title: str
    kind: str  # "cell", "insert", "delete", "sort", "rename", "add_sheet", "delete_sheet", "reload"
    uid: int | None = None
    column: int | None = None  # 1-based
    before: str | None = None
    after: str | None = None


def cell_text(value: Any) -> str:
    """A written value as Google shows it (RAW): booleans TRUE/FALSE, 2.0 -> 2."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Store(StructureRequests):
    """Spreadsheets by ID, and every operation the server and the tests perform on them.

    The ``batchUpdate`` requests that shape a sheet (cells with formats, drop-downs, frozen rows, protected
    ranges) and the grid data ``spreadsheets.get`` returns live in :mod:`crmcanvas.standin.structure`.
    """

    def __init__(self, seed: int = 0):
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.default_id: str | None = None
        self.mutations: list[Mutation] = []
        self.record_mutations = True
        self._uids = itertools.count(1)
        self._meta_ids = itertools.count(1000)
        self._seq = itertools.count(1)
        self._rng = random.Random(seed)

    # ------------------------------------------------------------------ building

    def _new_row(self, cells: Iterable[Any] = ()) -> Row:
        return Row(next(self._uids), [cell_text(c) if c is not None else "" for c in cells])

    def _empty_rows(self, count: int) -> list[Row]:
        """``count`` empty rows (the rest of a grid Google sizes at 1000 rows): 4× quicker than ``_new_row()`` each."""
        uids = self._uids
        return [Row(next(uids), []) for _ in range(count)]

    def _new_sheet(self, sheet_id: int, title: str, grid: Sequence[Sequence[Any]], rows: int | None, columns: int | None) -> Sheet:
        width = max((len(r) for r in grid), default=0)
        row_count = max(rows or DEFAULT_ROWS, len(grid))
        column_count = max(columns or DEFAULT_COLUMNS, width)
        body = [self._new_row(r) for r in grid] + self._empty_rows(row_count - len(grid))
        return Sheet(sheet_id, title, body, column_count)

    def _fresh_sheet_id(self, ss: Spreadsheet | None) -> int:
        taken = {s.sheet_id for s in ss.sheets} if ss else set()
        while True:
            candidate = self._rng.randrange(1, 2_000_000_000)
            if candidate not in taken:
                return candidate

    def add_spreadsheet(
        self,
        tabs: Mapping[str, Sequence[Sequence[Any]]],
        *,
        spreadsheet_id: str | None = None,
        title: str = "Canevas Systémique",
        shared_with: Iterable[str] = (),
        rows: int | None = None,
        columns: int | None = None,
    ) -> str:
        """Create a spreadsheet with one tab per ``tabs`` entry (title -> grid of values); returns its ID."""
        with self.lock:
            sid = spreadsheet_id or "1" + "".join(self._rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789_-") for _ in range(43))
            ss = Spreadsheet(sid, title, [], set(shared_with))
            for i, (name, grid) in enumerate(tabs.items()):
                ss.sheets.append(self._new_sheet(0 if i == 0 else self._fresh_sheet_id(ss), name, grid, rows, columns))
            if not ss.sheets:
                ss.sheets.append(self._new_sheet(0, "Feuille 1", [], rows, columns))
            self.spreadsheets[sid] = ss
            if self.default_id is None:
                self.default_id = sid
            return sid

    def replace_tabs(self, tabs: Mapping[str, Sequence[Sequence[Any]]], spreadsheet_id: str | None = None) -> None:
        """Put new content in a spreadsheet (a workbook re-read from disk): tabs keep their ``sheetId`` when
        their title is unchanged, so ``gid=`` settings still point at them; what was written over the API is replaced."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            old = {sheet.title: sheet.sheet_id for sheet in ss.sheets}
            used = set(old.values())
            sheets: list[Sheet] = []
            for name, grid in tabs.items():
                sheet_id = old.get(name)
                while sheet_id is None or (sheet_id in used and name not in old):
                    sheet_id = self._fresh_sheet_id(None)
                used.add(sheet_id)
                sheets.append(self._new_sheet(sheet_id, name, grid, None, None))
                self._log("stakeholder", ss, name, "reload")
            ss.sheets = sheets or [self._new_sheet(0, "Feuille 1", [], None, None)]

    def _log(self, actor: str, ss: Spreadsheet, title: str, kind: str, **kw: Any) -> None:
        if self.record_mutations:
            self.mutations.append(Mutation(next(self._seq), actor, ss.spreadsheet_id, title, kind, **kw))

    # ------------------------------------------------------------------ lookup

    def spreadsheet(self, spreadsheet_id: str | None = None) -> Spreadsheet:
        sid = spreadsheet_id or self.default_id
        if sid is None or sid not in self.spreadsheets:
            raise not_found()
        return self.spreadsheets[sid]

    def sheet(self, title: str, spreadsheet_id: str | None = None) -> Sheet:
        for sheet in self.spreadsheet(spreadsheet_id).sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(f"no tab titled {title!r}")

    def _sheet_by_id(self, ss: Spreadsheet, sheet_id: Any) -> Sheet:
        for sheet in ss.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        raise bad_request(f"No grid with id: {sheet_id}")

    def _resolve(self, ss: Spreadsheet, text: str) -> tuple[Sheet, Cells | None]:
        try:
            parsed = parse_range(text)
        except A1Error:
            raise bad_request(f"Unable to parse range: {text}") from None
        if parsed.bare is not None:
            for sheet in ss.sheets:
                if sheet.title == parsed.bare:
                    return sheet, None
            try:
                return ss.sheets[0], parse_cells(parsed.bare)
            except A1Error:
                raise bad_request(f"Unable to parse range: {text}") from None
        for sheet in ss.sheets:
            if sheet.title == parsed.title:
                return sheet, parsed.cells
        raise bad_request(f"Unable to parse range: {text}")

    @staticmethod
    def _bounds(sheet: Sheet, cells: Cells | None, text: str, *, clip: bool = True) -> tuple[int, int, int, int]:
        cells = cells or Cells()
        r1, c1 = cells.r1 or 1, cells.c1 or 1
        r2 = cells.r2 if cells.r2 is not None else sheet.row_count
        c2 = cells.c2 if cells.c2 is not None else sheet.column_count
        if clip:
            if r1 > sheet.row_count or c1 > sheet.column_count:
                raise bad_request(
                    f"Range ('{sheet.title}'!{text.split('!')[-1]}) exceeds grid limits. "
                    f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}"
                )
            r2, c2 = min(r2, sheet.row_count), min(c2, sheet.column_count)
        return r1, c1, r2, c2

    # ------------------------------------------------------------------ reading

    @staticmethod
    def _cell(row: Row, col0: int, render: str) -> str:
        if render == "FORMULA" and col0 in row.formulas:
            return row.formulas[col0]
        return row.cells[col0] if col0 < len(row.cells) else ""

    def _read(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int, major: str, render: str) -> Grid:
        out: Grid = []
        for row in sheet.rows[r1 - 1:r2]:
            if render == "FORMULA" and row.formulas:
                values = [self._cell(row, c, render) for c in range(c1 - 1, c2)]
            else:
                values = row.cells[c1 - 1:c2]
            end = len(values)
            while end and values[end - 1] == "":
                end -= 1
            out.append(values[:end] if end != len(values) else list(values))
        if major == "COLUMNS":
            width = max((len(r) for r in out), default=0)
            out = [[r[c] if c < len(r) else "" for r in out] for c in range(width)]
            out = [col[: max((i + 1 for i, v in enumerate(col) if v != ""), default=0)] for col in out]
        while out and not out[-1]:
            out.pop()
        return out

    def _value_range(self, sheet: Sheet, bounds: tuple[int, int, int, int], major: str, render: str) -> dict[str, Any]:
        r1, c1, r2, c2 = bounds
        answer: dict[str, Any] = {"range": format_range(sheet.title, r1, c1, r2, c2), "majorDimension": major}
        values = self._read(sheet, r1, c1, r2, c2, major, render)
        if values:
            answer["values"] = values
        return answer

    def metadata(self, spreadsheet_id: str, params: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
        """``spreadsheets.get``: properties of every tab; grid data too when ``includeGridData=true`` or a field mask
        names ``data`` (see :meth:`StructureRequests.grid_data`)."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            answer: dict[str, Any] = {
                "spreadsheetId": ss.spreadsheet_id,
                "properties": {
                    "title": ss.title, "locale": ss.locale, "autoRecalc": "ON_CHANGE", "timeZone": ss.time_zone,
                    "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                },
                "sheets": [self._sheet_json(s, i) for i, s in enumerate(ss.sheets)],
                "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.spreadsheet_id}/edit",
            }
            if self.wants_grid_data(params or {}):
                for sheet_json, sheet in zip(answer["sheets"], ss.sheets, strict=True):
                    sheet_json["data"] = [self.grid_data(sheet)]
            return answer

    def _sheet_json(self, sheet: Sheet, index: int) -> dict[str, Any]:
        out: dict[str, Any] = {"properties": self._properties(sheet, index)}
        if sheet.protected:
            out["protectedRanges"] = copy.deepcopy(sheet.protected)
        return out

    @staticmethod
    def _properties(sheet: Sheet, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": sheet.row_count, "columnCount": sheet.column_count}
        if sheet.frozen_rows:  # Google leaves zero values out
            grid["frozenRowCount"] = sheet.frozen_rows
        return {"sheetId": sheet.sheet_id, "title": sheet.title, "index": index, "sheetType": "GRID", "gridProperties": grid}

    def values_get(self, spreadsheet_id: str, text: str, major: str = "ROWS", render: str = "FORMATTED_VALUE") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet, cells = self._resolve(ss, text)
            return self._value_range(sheet, self._bounds(sheet, cells, text), major, render)

    def values_batch_get(self, spreadsheet_id: str, ranges: Sequence[str], major: str = "ROWS", render: str = "FORMATTED_VALUE") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            resolved = []
            for text in ranges:  # any bad range fails the whole batch, as in Google
                sheet, cells = self._resolve(ss, text)
                resolved.append((sheet, self._bounds(sheet, cells, text)))
            answer: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
            if resolved:
                answer["valueRanges"] = [self._value_range(s, b, major, render) for s, b in resolved]
            return answer

    # ------------------------------------------------------------------ writing cells

    def _set(self, actor: str, ss: Spreadsheet, sheet: Sheet, r: int, c: int, value: Any, input_option: str) -> None:
        row = sheet.rows[r - 1]
        text = cell_text(value)
        formula = None
        if input_option == "USER_ENTERED" and isinstance(value, str):
            if text.startswith("="):
                formula, text = text, UNEVALUATED
            elif text.startswith("'"):
                text = text[1:]
        if len(row.cells) < c:
            row.cells.extend([""] * (c - len(row.cells)))
        before = row.cells[c - 1]
        row.cells[c - 1] = text
        if formula is not None:
            row.formulas[c - 1] = formula
        else:
            row.formulas.pop(c - 1, None)
        self._log(actor, ss, sheet.title, "cell", uid=row.uid, column=c, before=before, after=text)

    def _grow(self, sheet: Sheet, rows: int, columns: int) -> None:
        while sheet.row_count < rows:
            sheet.rows.append(self._new_row())
        sheet.column_count = max(sheet.column_count, columns)

    def _write(self, actor: str, ss: Spreadsheet, sheet: Sheet, r: int, c: int, values: Sequence[Sequence[Any]],
               major: str, input_option: str) -> dict[str, Any]:
        if input_option not in {"RAW", "USER_ENTERED"}:
            raise bad_request(f"Invalid valueInputOption: {input_option or 'INPUT_VALUE_OPTION_UNSPECIFIED'}")
        if not isinstance(values, list) or any(not isinstance(v, list) for v in values):
            raise bad_request("Invalid values: expected a list of lists")
        if major == "COLUMNS":
            height = max((len(v) for v in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(height)]
        height = len(values)
        width = max((len(v) for v in values), default=0)
        self._grow(sheet, r + height - 1, c + width - 1)
        cells = rows = 0
        for i, line in enumerate(values):
            wrote = False
            for j, value in enumerate(line):
                if value is None:  # "Null values will be skipped" (ValueRange docs)
                    continue
                if not isinstance(value, str | int | float | bool):
                    raise bad_request(f"Invalid values[{i}][{j}]: unsupported value type")
                self._set(actor, ss, sheet, r + i, c + j, value, input_option)
                cells += 1
                wrote = True
            rows += wrote
        answer: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
        if height and width:
            answer["updatedRange"] = format_range(sheet.title, r, c, r + height - 1, c + width - 1)
        answer.update({"updatedRows": rows, "updatedColumns": width if cells else 0, "updatedCells": cells})
        return answer

    def values_update(self, spreadsheet_id: str, text: str, body: Mapping[str, Any], input_option: str,
                      include_values: bool = False, actor: str = "api") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet, cells = self._resolve(ss, text)
            r1, c1, _, _ = self._bounds(sheet, cells, text, clip=False)
            answer = self._write(actor, ss, sheet, r1, c1, body.get("values") or [], body.get("majorDimension", "ROWS"), input_option)
            if include_values and "updatedRange" in answer:
                answer["updatedData"] = self.values_get(spreadsheet_id, answer["updatedRange"])
            return answer

    def values_batch_update(self, spreadsheet_id: str, body: Mapping[str, Any], actor: str = "api") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            data = body.get("data") or []
            targets = []
            for item in data:  # validate every range before writing any
                text = item.get("range", "")
                sheet, cells = self._resolve(ss, text)
                targets.append((item, sheet, self._bounds(sheet, cells, text, clip=False)))
            responses = []
            for item, sheet, (r1, c1, _, _) in targets:
                responses.append(self._write(actor, ss, sheet, r1, c1, item.get("values") or [],
                                             item.get("majorDimension", "ROWS"), body.get("valueInputOption", "")))
            return self._totals(ss, responses, len({id(t[1]) for t in targets if t}))

    @staticmethod
    def _totals(ss: Spreadsheet, responses: list[dict[str, Any]], sheets: int) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "spreadsheetId": ss.spreadsheet_id,
            "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
            "totalUpdatedColumns": max((r["updatedColumns"] for r in responses), default=0),
            "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
            "totalUpdatedSheets": sheets if responses else 0,
        }
        if responses:
            answer["responses"] = responses
        return answer

    def values_clear(self, spreadsheet_id: str, text: str, actor: str = "api") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet, cells = self._resolve(ss, text)
            r1, c1, r2, c2 = self._bounds(sheet, cells, text)
            for r in range(r1, r2 + 1):
                row = sheet.rows[r - 1]
                for c in range(c1, min(c2, len(row.cells)) + 1):
                    if row.cells[c - 1] != "":
                        self._set(actor, ss, sheet, r, c, "", "RAW")
            return {"spreadsheetId": ss.spreadsheet_id, "clearedRange": format_range(sheet.title, r1, c1, r2, c2)}

    @staticmethod
    def _tables(sheet: Sheet) -> list[tuple[int, int, int, int]]:
        """Every "table" of the sheet, as Google's append finds them: blocks of touching non-empty cells
        (diagonals included), each as its bounding rectangle (r1, c1, r2, c2), top to bottom.

        Rows are scanned once; a row's runs of filled cells join the blocks they
        touch (the previous row's blocks, widened by one column each side), and
        blocks whose rectangles then touch are merged until none do.
        """
        boxes: list[list[int]] = []  # [r1, c1, r2, c2]
        for r, row in enumerate(sheet.rows, 1):
            filled = [c for c, v in enumerate(row.cells, 1) if v != ""]
            runs: list[list[int]] = []
            for c in filled:
                if runs and c == runs[-1][1] + 1:
                    runs[-1][1] = c
                else:
                    runs.append([c, c])
            for a, b in runs:
                touching = [box for box in boxes if box[2] >= r - 1 and box[1] - 1 <= b and a <= box[3] + 1]
                if not touching:
                    boxes.append([r, a, r, b])
                    continue
                keep = touching[0]
                for other in touching[1:]:
                    keep[0], keep[1] = min(keep[0], other[0]), min(keep[1], other[1])
                    keep[3] = max(keep[3], other[3])
                    boxes.remove(other)
                keep[1], keep[2], keep[3] = min(keep[1], a), r, max(keep[3], b)
        merged = True
        while merged:
            merged = False
            for i, x in enumerate(boxes):
                for y in boxes[i + 1:]:
                    if x[0] - 1 <= y[2] and y[0] - 1 <= x[2] and x[1] - 1 <= y[3] and y[1] - 1 <= x[3]:
                        x[:] = [min(x[0], y[0]), min(x[1], y[1]), max(x[2], y[2]), max(x[3], y[3])]
                        boxes.remove(y)
                        merged = True
                        break
                if merged:
                    break
        return sorted((box[0], box[1], box[2], box[3]) for box in boxes)

    def _table(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> tuple[int, int, int, int] | None:
        """The table Google appends after: the *last* table the range touches, whole (not cut to the range).

        From the Sheets API guide's example: with tables A1:C2 and B4:D6, the
        ranges ``Sheet1``, ``B4``, ``C5:D5``, ``B2:D4`` and ``A3:G10`` all append
        at B7; ``A1`` appends at A3; ``E4`` and ``A4`` touch no table and write
        where they point.
        """
        hits = [t for t in self._tables(sheet) if t[0] <= r2 and r1 <= t[2] and t[1] <= c2 and c1 <= t[3]]
        return max(hits, key=lambda t: (t[2], t[0])) if hits else None

    def values_append(self, spreadsheet_id: str, text: str, body: Mapping[str, Any], input_option: str,
                      insert_option: str = "OVERWRITE", include_values: bool = False, actor: str = "api") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet, cells = self._resolve(ss, text)
            r1, c1, r2, c2 = self._bounds(sheet, cells, text)
            values = body.get("values") or []
            if insert_option not in {"INSERT_ROWS", "OVERWRITE"}:
                raise bad_request(f"Invalid insertDataOption: {insert_option}")
            table = self._table(sheet, r1, c1, r2, c2)
            answer: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
            if table:
                answer["tableRange"] = format_range(sheet.title, *table)
                start, col = table[2] + 1, table[1]
            else:
                start, col = r1, c1
            if insert_option == "INSERT_ROWS" and values:
                at = start - 1
                sheet.rows[at:at] = [self._new_row() for _ in values]
                for offset in range(len(values)):
                    self._log(actor, ss, sheet.title, "insert", uid=sheet.rows[at + offset].uid)
            updates = self._write(actor, ss, sheet, start, col, values, body.get("majorDimension", "ROWS"), input_option)
            if include_values and "updatedRange" in updates:
                updates["updatedData"] = self.values_get(spreadsheet_id, updates["updatedRange"])
            answer["updates"] = updates
            return answer

    # ------------------------------------------------------------------ developer metadata and data filters

    def _locate_meta(self, ss: Spreadsheet) -> Iterable[tuple[Sheet, int, dict[str, Any]]]:
        for sheet in ss.sheets:
            for r, row in enumerate(sheet.rows, 1):
                for meta in row.meta:
                    yield sheet, r, meta

    @staticmethod
    def _meta_json(sheet: Sheet, r: int, meta: dict[str, Any]) -> dict[str, Any]:
        return {
            **meta,
            "location": {
                "locationType": "ROW",
                "dimensionRange": {"sheetId": sheet.sheet_id, "dimension": "ROWS", "startIndex": r - 1, "endIndex": r},
            },
        }

    def _lookup(self, ss: Spreadsheet, lookup: Mapping[str, Any]) -> list[tuple[Sheet, int, dict[str, Any]]]:
        supported = {"metadataId", "metadataKey", "metadataValue", "visibility", "locationType"}
        unknown = set(lookup) - supported
        if unknown:
            raise bad_request(f"Invalid developerMetadataLookup: unsupported field(s) {sorted(unknown)} in the stand-in")
        if not lookup:
            raise bad_request("Invalid developerMetadataLookup: at least one field is required")
        found = []
        for sheet, r, meta in self._locate_meta(ss):
            if "locationType" in lookup and lookup["locationType"] != "ROW":
                continue
            if all(meta.get(k) == v for k, v in lookup.items() if k != "locationType"):
                found.append((sheet, r, meta))
        return found

    def _filter_ranges(self, ss: Spreadsheet, data_filter: Mapping[str, Any]) -> list[tuple[Sheet, tuple[int, int, int, int]]]:
        if "a1Range" in data_filter:
            text = data_filter["a1Range"]
            sheet, cells = self._resolve(ss, text)
            return [(sheet, self._bounds(sheet, cells, text))]
        if "gridRange" in data_filter:
            grid = data_filter["gridRange"]
            sheet = self._sheet_by_id(ss, grid.get("sheetId", 0))
            r1 = grid.get("startRowIndex", 0) + 1
            c1 = grid.get("startColumnIndex", 0) + 1
            r2 = min(grid.get("endRowIndex", sheet.row_count), sheet.row_count)
            c2 = min(grid.get("endColumnIndex", sheet.column_count), sheet.column_count)
            return [(sheet, (r1, c1, r2, c2))]
        if "developerMetadataLookup" in data_filter:
            return [(sheet, (r, 1, r, sheet.column_count)) for sheet, r, _ in self._lookup(ss, data_filter["developerMetadataLookup"])]
        raise bad_request("Invalid dataFilter: one of a1Range, gridRange or developerMetadataLookup is required")

    def batch_get_by_data_filter(self, spreadsheet_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            major = body.get("majorDimension", "ROWS")
            render = body.get("valueRenderOption", "FORMATTED_VALUE")
            matched = []
            for data_filter in body.get("dataFilters") or []:
                for sheet, bounds in self._filter_ranges(ss, data_filter):
                    matched.append({"valueRange": self._value_range(sheet, bounds, major, render), "dataFilters": [data_filter]})
            answer: dict[str, Any] = {"spreadsheetId": ss.spreadsheet_id}
            if matched:
                answer["valueRanges"] = matched
            return answer

    def batch_update_by_data_filter(self, spreadsheet_id: str, body: Mapping[str, Any], actor: str = "api") -> dict[str, Any]:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            plans = []
            for item in body.get("data") or []:
                data_filter = item.get("dataFilter") or {}
                ranges = self._filter_ranges(ss, data_filter)
                if len(ranges) > 1:
                    raise bad_request("Invalid data filter: it matches more than one range; the stand-in writes to exactly one")
                if ranges:
                    plans.append((item, data_filter, *ranges[0]))
            responses = []
            for item, data_filter, sheet, (r1, c1, _, _) in plans:
                answer = self._write(actor, ss, sheet, r1, c1, item.get("values") or [],
                                     item.get("majorDimension", "ROWS"), body.get("valueInputOption", ""))
                answer.pop("spreadsheetId", None)
                answer["dataFilter"] = data_filter
                responses.append(answer)
            return self._totals(ss, responses, len({id(p[2]) for p in plans}))

    # ------------------------------------------------------------------ spreadsheets:batchUpdate

    def batch_update(self, spreadsheet_id: str, body: Mapping[str, Any], actor: str = "api") -> dict[str, Any]:
        """Apply every request or none (Google's batchUpdate is atomic)."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            saved, saved_log = self._snapshot(ss, body), len(self.mutations)
            replies = []
            try:
                for i, request in enumerate(body.get("requests") or []):
                    if len(request) != 1:
                        raise bad_request(f"Invalid requests[{i}]: exactly one kind of request expected")
                    (kind, params), = request.items()
                    handler = getattr(self, f"_req_{kind}", None)
                    if handler is None:
                        raise bad_request(f"Invalid requests[{i}]: {kind} is not supported by the stand-in")
                    try:
                        replies.append(handler(actor, ss, params))
                    except ApiError as exc:
                        raise ApiError(exc.code, f"Invalid requests[{i}].{kind}: {exc.message}", exc.status) from None
            except Exception:
                self._restore(ss, saved)
                del self.mutations[saved_log:]
                raise
            return {"spreadsheetId": ss.spreadsheet_id, "replies": replies}

    @staticmethod
    def _snapshot(ss: Spreadsheet, body: Mapping[str, Any]) -> tuple[Any, ...]:
        """What structural requests can change (cheap: cells and rules are copied only when a request may change them)."""
        requests = body.get("requests") or []
        cuts = any("columnCount" in str(r.get("updateSheetProperties", {}).get("fields", "")) for r in requests)
        cells = cuts or any("updateCells" in r for r in requests)
        rules = cells or any("setDataValidation" in r for r in requests)
        return (list(ss.sheets), [
            (sheet, sheet.title, sheet.column_count, sheet.frozen_rows, copy.deepcopy(sheet.protected), list(sheet.rows),
             [list(r.meta) for r in sheet.rows],
             [(list(r.cells), dict(r.formulas)) for r in sheet.rows] if cells else None,
             [dict(r.rules) for r in sheet.rows] if rules else None)
            for sheet in ss.sheets
        ])

    @staticmethod
    def _restore(ss: Spreadsheet, saved: tuple[Any, ...]) -> None:
        sheets, states = saved
        ss.sheets = sheets
        for sheet, title, columns, frozen, protected, rows, metas, cells, rules in states:
            sheet.title, sheet.column_count, sheet.rows = title, columns, rows
            sheet.frozen_rows, sheet.protected = frozen, protected
            for i, row in enumerate(rows):
                row.meta = metas[i]
                if cells is not None:
                    row.cells, row.formulas = cells[i]
                if rules is not None:
                    row.rules = rules[i]

    def _req_addSheet(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        props = params.get("properties") or {}
        title = props.get("title") or f"Feuille {len(ss.sheets) + 1}"
        if any(s.title == title for s in ss.sheets):
            raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')
        grid = props.get("gridProperties") or {}
        sheet_id = props.get("sheetId", self._fresh_sheet_id(ss))
        if not isinstance(sheet_id, int) or sheet_id < 0:
            raise bad_request(f"Invalid sheetId: {sheet_id!r} (a non-negative integer)")
        if any(s.sheet_id == sheet_id for s in ss.sheets):
            raise bad_request(f"A sheet with the id {sheet_id} already exists.")
        sheet = self._new_sheet(sheet_id, title, [], grid.get("rowCount"), grid.get("columnCount"))
        sheet.frozen_rows = self._frozen(sheet, grid.get("frozenRowCount", 0))
        index = props.get("index", len(ss.sheets))
        ss.sheets.insert(index, sheet)
        self._log(actor, ss, title, "add_sheet")
        return {"addSheet": {"properties": self._properties(sheet, ss.sheets.index(sheet))}}

    def _req_deleteSheet(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        sheet = self._sheet_by_id(ss, params.get("sheetId"))
        if len(ss.sheets) == 1:
            raise bad_request("You can't remove all the sheets in a document.")
        ss.sheets.remove(sheet)
        self._log(actor, ss, sheet.title, "delete_sheet")
        return {}

    def _req_updateSheetProperties(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        props = params.get("properties") or {}
        fields = {f.strip().replace(".", "/") for f in (params.get("fields") or "").split(",") if f.strip()}
        if not fields:
            raise bad_request("At least one field must be updated, but none were specified (fields).")
        sheet = self._sheet_by_id(ss, props.get("sheetId", 0))
        grid = props.get("gridProperties") or {}
        for name in fields:
            if name == "title":
                new = props.get("title", "")
                if any(s.title == new and s is not sheet for s in ss.sheets):
                    raise bad_request(f'A sheet with the name "{new}" already exists. Please enter another name.')
                self._log(actor, ss, sheet.title, "rename", before=sheet.title, after=new)
                sheet.title = new
            elif name == "gridProperties/rowCount":
                count = int(grid.get("rowCount", sheet.row_count))
                if count < sheet.row_count:
                    del sheet.rows[count:]
                self._grow(sheet, count, sheet.column_count)
            elif name == "gridProperties/columnCount":
                sheet.column_count = int(grid.get("columnCount", sheet.column_count))
                for row in sheet.rows:
                    del row.cells[sheet.column_count:]
            elif name == "gridProperties/frozenRowCount":
                sheet.frozen_rows = self._frozen(sheet, grid.get("frozenRowCount", 0))
            elif name == "index":
                ss.sheets.remove(sheet)
                ss.sheets.insert(int(props.get("index", 0)), sheet)
            else:
                raise bad_request(f"the stand-in cannot update field {name!r}")
        return {}

    def _dimension(self, ss: Spreadsheet, params: Mapping[str, Any]) -> tuple[Sheet, int, int]:
        rng = params.get("range") or {}
        if rng.get("dimension") != "ROWS":
            raise bad_request("the stand-in only handles ROWS dimension ranges")
        sheet = self._sheet_by_id(ss, rng.get("sheetId", 0))
        start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
        if not 0 <= start < end:
            raise bad_request("Invalid dimension range: startIndex must be less than endIndex")
        return sheet, start, end

    def _req_insertDimension(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        sheet, start, end = self._dimension(ss, params)
        if start > sheet.row_count:
            raise bad_request(f"Invalid insertDimension: startIndex {start} is past the grid ({sheet.row_count} rows)")
        new = self._empty_rows(end - start)
        sheet.rows[start:start] = new
        for row in new:
            self._log(actor, ss, sheet.title, "insert", uid=row.uid)
        return {}

    def _req_deleteDimension(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        sheet, start, end = self._dimension(ss, params)
        for row in sheet.rows[start:end]:
            self._log(actor, ss, sheet.title, "delete", uid=row.uid)
        del sheet.rows[start:end]
        return {}

    def _req_createDeveloperMetadata(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        meta = dict(params.get("developerMetadata") or {})
        location = meta.pop("location", None) or {}
        dim = location.get("dimensionRange")
        if not dim or dim.get("dimension") != "ROWS":
            raise bad_request("the stand-in only attaches developer metadata to rows (location.dimensionRange, ROWS)")
        sheet = self._sheet_by_id(ss, dim.get("sheetId", 0))
        start, end = int(dim.get("startIndex", 0)), int(dim.get("endIndex", 0))
        if end != start + 1 or not 0 <= start < sheet.row_count:
            raise bad_request("the stand-in attaches developer metadata to exactly one existing row")
        if not meta.get("metadataKey"):
            raise bad_request("developerMetadata.metadataKey is required")
        meta.setdefault("visibility", "DOCUMENT")
        meta["metadataId"] = next(self._meta_ids)
        sheet.rows[start].meta.append(meta)
        return {"createDeveloperMetadata": {"developerMetadata": self._meta_json(sheet, start + 1, meta)}}

    def _req_deleteDeveloperMetadata(self, actor: str, ss: Spreadsheet, params: Mapping[str, Any]) -> dict[str, Any]:
        lookup = (params.get("dataFilter") or {}).get("developerMetadataLookup")
        if lookup is None:
            raise bad_request("deleteDeveloperMetadata needs dataFilter.developerMetadataLookup")
        deleted = []
        for sheet, r, meta in self._lookup(ss, lookup):
            deleted.append(self._meta_json(sheet, r, meta))
            sheet.rows[r - 1].meta.remove(meta)
        return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": deleted} if deleted else {}}

    # ------------------------------------------------------------------ a stakeholder's hands (tests)

    def _column(self, sheet: Sheet, column: int | str) -> int:
        if isinstance(column, int):
            return column
        header = sheet.rows[0].cells if sheet.rows else []
        for i, name in enumerate(header, 1):
            if name == column:
                return i
        for i, name in enumerate(header, 1):
            if name.casefold() == column.casefold():
                return i
        if column.isalpha() and column.isupper() and len(column) <= 3:
            return column_index(column)
        raise KeyError(f"no column {column!r} in {sheet.title!r}")

    def last_filled_row(self, title: str, spreadsheet_id: str | None = None) -> int:
        with self.lock:
            sheet = self.sheet(title, spreadsheet_id)
            for r in range(sheet.row_count, 0, -1):
                if any(v != "" for v in sheet.rows[r - 1].cells):
                    return r
            return 0

    def grid(self, title: str, spreadsheet_id: str | None = None) -> Grid:
        """The tab as Google would return it for a whole-sheet read."""
        with self.lock:
            sheet = self.sheet(title, spreadsheet_id)
            return self._read(sheet, 1, 1, sheet.row_count, sheet.column_count, "ROWS", "FORMATTED_VALUE")

    def cell(self, title: str, row: int, column: int | str, spreadsheet_id: str | None = None) -> str:
        with self.lock:
            sheet = self.sheet(title, spreadsheet_id)
            return self._cell(sheet.rows[row - 1], self._column(sheet, column) - 1, "FORMATTED_VALUE")

    def is_formula(self, title: str, row: int, column: int | str, spreadsheet_id: str | None = None) -> bool:
        with self.lock:
            sheet = self.sheet(title, spreadsheet_id)
            return self._column(sheet, column) - 1 in sheet.rows[row - 1].formulas

    def set_cell(self, title: str, row: int, column: int | str, value: str, spreadsheet_id: str | None = None) -> None:
        """Type a value in a cell, as a person in the Google Sheets UI would."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self.sheet(title, spreadsheet_id)
            col = self._column(sheet, column)
            self._grow(sheet, row, col)
            self._set("stakeholder", ss, sheet, row, col, value, "USER_ENTERED" if value.startswith("=") else "RAW")

    def insert_row(self, title: str, before: int, values: Sequence[str] = (), spreadsheet_id: str | None = None) -> int:
        """Insert a row above row ``before`` (1-based), optionally typing values in it; returns its uid."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self.sheet(title, spreadsheet_id)
            row = self._new_row()
            sheet.rows.insert(before - 1, row)
            self._log("stakeholder", ss, title, "insert", uid=row.uid)
            for c, value in enumerate(values, 1):
                if value != "":
                    self._set("stakeholder", ss, sheet, before, c, value, "RAW")
            return row.uid

    def delete_row(self, title: str, row: int, spreadsheet_id: str | None = None) -> None:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self.sheet(title, spreadsheet_id)
            self._log("stakeholder", ss, title, "delete", uid=sheet.rows[row - 1].uid)
            del sheet.rows[row - 1]

    def append_row(self, title: str, values: Sequence[str], spreadsheet_id: str | None = None) -> int:
        """Type values in the first empty row under the data (no insertion); returns the row number."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self.sheet(title, spreadsheet_id)
            r = self.last_filled_row(title, spreadsheet_id) + 1
            self._grow(sheet, r, len(values))
            for c, value in enumerate(values, 1):
                if value != "":
                    self._set("stakeholder", ss, sheet, r, c, value, "RAW")
            return r

    def sort_rows(self, title: str, column: int | str, *, reverse: bool = False, header_rows: int = 1,
                  spreadsheet_id: str | None = None) -> None:
        """Data > Sort range: reorder the data rows (rows move with their metadata)."""
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self.sheet(title, spreadsheet_id)
            col = self._column(sheet, column) - 1
            last = self.last_filled_row(title, spreadsheet_id)
            body = sheet.rows[header_rows:last]
            body.sort(key=lambda r: (r.cells[col] if col < len(r.cells) else "").casefold(), reverse=reverse)
            sheet.rows[header_rows:last] = body
            self._log("stakeholder", ss, title, "sort")

    def rename_sheet(self, title: str, new_title: str, spreadsheet_id: str | None = None) -> None:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self.sheet(title, spreadsheet_id)
            self._log("stakeholder", ss, title, "rename", before=title, after=new_title)
            sheet.title = new_title

    def delete_sheet(self, title: str, spreadsheet_id: str | None = None) -> None:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            ss.sheets.remove(self.sheet(title, spreadsheet_id))
            self._log("stakeholder", ss, title, "delete_sheet")

    def add_sheet(self, title: str, grid: Sequence[Sequence[Any]] = (), spreadsheet_id: str | None = None) -> int:
        with self.lock:
            ss = self.spreadsheet(spreadsheet_id)
            sheet = self._new_sheet(self._fresh_sheet_id(ss), title, grid, None, None)
            ss.sheets.append(sheet)
            self._log("stakeholder", ss, title, "add_sheet")
            return sheet.sheet_id

    def row_uid(self, title: str, row: int, spreadsheet_id: str | None = None) -> int:
        with self.lock:
            return self.sheet(title, spreadsheet_id).rows[row - 1].uid

    def row_of(self, title: str, uid: int, spreadsheet_id: str | None = None) -> int | None:
        """Where the row with this identity is now (None once deleted)."""
        with self.lock:
            for r, row in enumerate(self.sheet(title, spreadsheet_id).rows, 1):
                if row.uid == uid:
                    return r
            return None

    def row_values(self, title: str, uid: int, spreadsheet_id: str | None = None) -> list[str] | None:
        with self.lock:
            r = self.row_of(title, uid, spreadsheet_id)
            return None if r is None else list(self.sheet(title, spreadsheet_id).rows[r - 1].cells)

    def find_rows(self, title: str, column: int | str, value: str, spreadsheet_id: str | None = None) -> list[int]:
        with self.lock:
            sheet = self.sheet(title, spreadsheet_id)
            col = self._column(sheet, column) - 1
            return [r for r, row in enumerate(sheet.rows, 1) if col < len(row.cells) and row.cells[col] == value]

    def share(self, email: str, spreadsheet_id: str | None = None) -> None:
        with self.lock:
            self.spreadsheet(spreadsheet_id).shared_with.add(email)


__all__ = ["ApiError", "Mutation", "Row", "Sheet", "Spreadsheet", "Store", "bad_request", "column_letters", "not_found"]
