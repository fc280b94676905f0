"""The stand-in's ``batchUpdate`` requests that shape a sheet, and the grid data ``spreadsheets.get`` returns.

Learned for ``crmcanvas init``, from the Sheets API v4 reference (no recording
of these calls exists):

* ``updateCells`` — ``rows`` of ``CellData`` written from ``start`` (a
  ``GridCoordinate``) or over a ``range``; only the ``fields`` named are
  touched (``userEnteredValue``, ``dataValidation``; ``userEnteredFormat`` is
  accepted and not kept: the stand-in has no formats). A cell past the grid is
  a 400, as in Google: grow the grid first (``appendDimension``);
* ``setDataValidation`` — a ``rule`` on every cell of a ``GridRange`` (missing
  indexes are unbounded), or none to clear. ``ONE_OF_LIST`` needs values,
  ``ONE_OF_RANGE`` exactly one, a formula ``=`` + a range of an existing tab.
  Rules are kept per cell, on the row object, so they move with their row;
* ``addProtectedRange`` — a ``ProtectedRange`` (``warningOnly`` cannot go with
  ``editors``), given a ``protectedRangeId`` and listed in the tab's
  ``protectedRanges``;
* ``appendDimension`` — rows or columns added at the end of a tab;
* frozen rows (``gridProperties.frozenRowCount``, in ``addSheet`` and
  ``updateSheetProperties``): all rows of a tab cannot be frozen.

Answers leave out false, zero and empty fields, as Google's JSON does (a rule
that is not ``strict`` has no ``strict`` key). ``spreadsheets.get`` returns
grid data (``formattedValue``, ``userEnteredValue``, ``dataValidation`` per
cell) when ``includeGridData=true`` or a field mask names ``data``; rows run to
the last one holding a value or a rule. The stand-in does not enforce rules on
what it is sent (Google's API does not either: validation is a UI matter).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from crmcanvas.sources.a1 import A1Error, parse_range

_CONDITIONS = frozenset({
    "ONE_OF_LIST", "ONE_OF_RANGE", "NUMBER_GREATER", "NUMBER_GREATER_THAN_EQ", "NUMBER_LESS", "NUMBER_LESS_THAN_EQ",
    "NUMBER_EQ", "NUMBER_NOT_EQ", "NUMBER_BETWEEN", "NUMBER_NOT_BETWEEN", "TEXT_CONTAINS", "TEXT_NOT_CONTAINS",
    "TEXT_EQ", "TEXT_IS_EMAIL", "TEXT_IS_URL", "DATE_EQ", "DATE_BEFORE", "DATE_AFTER", "DATE_ON_OR_BEFORE",
    "DATE_ON_OR_AFTER", "DATE_BETWEEN", "DATE_NOT_BETWEEN", "DATE_IS_VALID", "BOOLEAN", "CUSTOM_FORMULA",
})
_protected_ids = itertools.count(1_700_000_001)


def pruned(value: Any) -> Any:
    """``value`` as Google's JSON shows it: false, zero, empty strings, lists and objects left out."""
    if isinstance(value, Mapping):
        out = {k: pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (False, 0, "", [], {}, None)}
    if isinstance(value, list):
        return [pruned(v) for v in value]
    return value


def _bad(message: str) -> Exception:
    from crmcanvas.standin.model import bad_request

    return bad_request(message)


def _top_fields(mask: str) -> set[str]:
    """``"userEnteredValue,userEnteredFormat.textFormat.bold"`` -> {"userEnteredValue", "userEnteredFormat"}."""
    names = set()
    for part in mask.split(","):
        part = part.strip()
        if part:
            names.add(part.replace("/", ".").split(".", 1)[0].split("(", 1)[0])
    return names


class StructureRequests:
    """Mixed into :class:`crmcanvas.standin.model.Store` (uses its ``lock``, ``sheet``, ``_sheet_by_id``, ``_set``…)."""

    # ------------------------------------------------------------------ reading: grid data and helpers for tests

    @staticmethod
    def wants_grid_data(params: Mapping[str, Sequence[str]]) -> bool:
        include = str((params.get("includeGridData") or [""])[-1]).lower() == "true"
        fields = str((params.get("fields") or [""])[-1])
        return "data" in _top_fields_nested(fields) if fields else include

    def grid_data(self, sheet: Any) -> dict[str, Any]:
        """One ``GridData`` for the whole tab: a cell per value or rule, rows up to the last that holds one."""
        rows: list[dict[str, Any]] = []
        last = 0
        copies: dict[int, dict[str, Any]] = {}  # a rule set on a range is one object shared by its cells: copied once
        for index, row in enumerate(sheet.rows, 1):
            width = max(len(row.cells), max(row.rules, default=-1) + 1)
            cells: list[dict[str, Any]] = []
            for col in range(width):
                cell: dict[str, Any] = {}
                text = row.cells[col] if col < len(row.cells) else ""
                if text != "":
                    cell["formattedValue"] = text
                    formula = row.formulas.get(col)
                    cell["userEnteredValue"] = {"formulaValue": formula} if formula else {"stringValue": text}
                if col in row.rules:
                    rule = row.rules[col]
                    if id(rule) not in copies:
                        copies[id(rule)] = copy.deepcopy(rule)
                    cell["dataValidation"] = copies[id(rule)]
                cells.append(cell)
            while cells and not cells[-1]:
                cells.pop()
            rows.append({"values": cells} if cells else {})
            if cells:
                last = index
        return {"rowData": rows[:last]} if last else {}

    def validation(self, title: str, row: int, column: int, spreadsheet_id: str | None = None) -> dict[str, Any] | None:
        """The data validation rule of a cell (1-based row and column), or None."""
        with self.lock:  # type: ignore[attr-defined]
            rule = self.sheet(title, spreadsheet_id).rows[row - 1].rules.get(column - 1)  # type: ignore[attr-defined]
            return copy.deepcopy(rule)

    def frozen_row_count(self, title: str, spreadsheet_id: str | None = None) -> int:
        with self.lock:  # type: ignore[attr-defined]
            return int(self.sheet(title, spreadsheet_id).frozen_rows)  # type: ignore[attr-defined]

    def protected_ranges(self, title: str, spreadsheet_id: str | None = None) -> list[dict[str, Any]]:
        with self.lock:  # type: ignore[attr-defined]
            return copy.deepcopy(self.sheet(title, spreadsheet_id).protected)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ ranges

    @staticmethod
    def _frozen(sheet: Any, count: Any) -> int:
        count = int(count or 0)
        if count < 0:
            raise _bad("frozenRowCount must be non-negative")
        if count and count >= sheet.row_count:
            raise _bad("You can't freeze all visible rows on the sheet.")
        return count

    def _grid_range(self, ss: Any, grid: Mapping[str, Any]) -> tuple[Any, int, int, int, int]:
        """(sheet, r1, c1, r2, c2) 0-based, end exclusive; a missing index is the grid's edge. Past the grid: 400."""
        sheet = self._sheet_by_id(ss, grid.get("sheetId", 0))  # type: ignore[attr-defined]
        r1, c1 = int(grid.get("startRowIndex", 0)), int(grid.get("startColumnIndex", 0))
        r2 = int(grid.get("endRowIndex", sheet.row_count))
        c2 = int(grid.get("endColumnIndex", sheet.column_count))
        if r1 < 0 or c1 < 0 or r2 < r1 or c2 < c1:
            raise _bad("Invalid GridRange: start indexes must be non-negative and not after end indexes")
        if r2 > sheet.row_count or c2 > sheet.column_count:
            raise _bad(f"Range ({sheet.title}!R{r1 + 1}C{c1 + 1}:R{r2}C{c2}) exceeds grid limits. "
                       f"Max rows: {sheet.row_count}, max columns: {sheet.column_count}")
        return sheet, r1, c1, r2, c2

    # ------------------------------------------------------------------ requests

    def _req_appendDimension(self, actor: str, ss: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        sheet = self._sheet_by_id(ss, params.get("sheetId", 0))  # type: ignore[attr-defined]
        length = int(params.get("length", 0))
        if length < 1:
            raise _bad("appendDimension: length must be at least 1")
        if params.get("dimension") == "COLUMNS":
            sheet.column_count += length
        elif params.get("dimension") == "ROWS":
            self._grow(sheet, sheet.row_count + length, sheet.column_count)  # type: ignore[attr-defined]
        else:
            raise _bad("appendDimension: dimension must be ROWS or COLUMNS")
        return {}

    def _req_updateCells(self, actor: str, ss: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        fields = _top_fields(str(params.get("fields") or ""))
        if not fields:
            raise _bad("At least one field must be specified (fields).")
        if ("start" in params) == ("range" in params):
            raise _bad("updateCells needs exactly one of start or range")
        rows = params.get("rows") or []
        if "start" in params:
            start = params["start"] or {}
            sheet = self._sheet_by_id(ss, start.get("sheetId", 0))  # type: ignore[attr-defined]
            r1, c1 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
            height = len(rows)
            width = max((len(r.get("values") or []) for r in rows), default=0)
            if r1 + height > sheet.row_count or c1 + width > sheet.column_count:
                raise _bad(f"GridCoordinate (row {r1 + height}, column {c1 + width}) is past the grid "
                           f"(max rows: {sheet.row_count}, max columns: {sheet.column_count})")
        else:
            sheet, r1, c1, r2, c2 = self._grid_range(ss, params["range"] or {})
            height, width = r2 - r1, c2 - c1
        everything = "*" in fields
        for i in range(height):
            values = (rows[i].get("values") or []) if i < len(rows) else []
            for j in range(width):
                data = values[j] if j < len(values) else {}
                if everything or "userEnteredValue" in fields:
                    self._write_value(actor, ss, sheet, r1 + i + 1, c1 + j + 1, data.get("userEnteredValue"))
                if everything or "dataValidation" in fields:
                    rule = data.get("dataValidation")
                    row = sheet.rows[r1 + i]
                    if rule:
                        self._check_rule(ss, rule)
                        row.rules[c1 + j] = pruned(copy.deepcopy(rule))
                    else:
                        row.rules.pop(c1 + j, None)
        return {}

    def _write_value(self, actor: str, ss: Any, sheet: Any, r: int, c: int, value: Mapping[str, Any] | None) -> None:
        value = value or {}
        if "formulaValue" in value:
            self._set(actor, ss, sheet, r, c, str(value["formulaValue"]), "USER_ENTERED")  # type: ignore[attr-defined]
            return
        for kind in ("stringValue", "numberValue", "boolValue"):
            if kind in value:
                self._set(actor, ss, sheet, r, c, value[kind], "RAW")  # type: ignore[attr-defined]
                return
        row = sheet.rows[r - 1]
        if c <= len(row.cells) and row.cells[c - 1] != "":
            self._set(actor, ss, sheet, r, c, "", "RAW")  # type: ignore[attr-defined]

    def _check_rule(self, ss: Any, rule: Mapping[str, Any]) -> None:
        condition = rule.get("condition") or {}
        kind = condition.get("type")
        if kind not in _CONDITIONS:
            raise _bad(f"Invalid ConditionType for data validation: {kind!r}")
        values = [str((v or {}).get("userEnteredValue", "")) for v in condition.get("values") or []]
        if kind == "ONE_OF_LIST" and not values:
            raise _bad("ONE_OF_LIST requires at least one condition value")
        if kind == "ONE_OF_RANGE":
            if len(values) != 1 or not values[0].startswith("="):
                raise _bad("ONE_OF_RANGE requires a single condition value: a range in A1 notation, starting with =")
            try:
                parsed = parse_range(values[0][1:])
            except A1Error:
                raise _bad(f"Invalid range in ONE_OF_RANGE: {values[0]}") from None
            if parsed.title is not None and not any(s.title == parsed.title for s in ss.sheets):
                raise _bad(f"Invalid range in ONE_OF_RANGE: no sheet named {parsed.title!r}")

    def _req_setDataValidation(self, actor: str, ss: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        if "range" not in params:
            raise _bad("setDataValidation needs a range")
        sheet, r1, c1, r2, c2 = self._grid_range(ss, params["range"] or {})
        rule = params.get("rule")
        if rule:
            self._check_rule(ss, rule)
            stored = pruned(copy.deepcopy(rule))
        for row in sheet.rows[r1:r2]:
            for col in range(c1, c2):
                if rule:
                    row.rules[col] = stored  # shared, never changed in place: a later rule replaces it
                else:
                    row.rules.pop(col, None)
        return {}

    def _req_addProtectedRange(self, actor: str, ss: Any, params: Mapping[str, Any]) -> dict[str, Any]:
        protected = dict(params.get("protectedRange") or {})
        if "range" not in protected and "namedRangeId" not in protected:
            raise _bad("addProtectedRange needs protectedRange.range")
        if protected.get("warningOnly") and protected.get("editors"):
            raise _bad("ProtectedRange: editors cannot be set when warningOnly is true")
        sheet, *_ = self._grid_range(ss, protected.get("range") or {})
        protected["protectedRangeId"] = next(_protected_ids)
        protected.setdefault("requestingUserCanEdit", True)
        stored = pruned(protected)
        sheet.protected.append(stored)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(stored)}}


def _top_fields_nested(mask: str) -> set[str]:
    """Every name in a field mask, at any depth (``sheets(properties,data.rowData)`` -> {sheets, properties, data, rowData})."""
    names: set[str] = set()
    word = ""
    for ch in mask + ",":
        if ch.isalnum() or ch == "_":
            word += ch
        else:
            if word:
                names.add(word)
            word = ""
    return names


__all__ = ["StructureRequests", "pruned"]
