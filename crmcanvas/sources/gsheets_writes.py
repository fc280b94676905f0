"""Writes to a Google Sheet that never land on the wrong row and never silently overwrite a stakeholder.

Stakeholders keep inserting, sorting and editing rows while the facilitator
captures needs, and the Sheets API has no conditional write. So:

* **append** (``values:append``, ``INSERT_ROWS``, ``RAW``): Google places the
  row after the table atomically; ``RAW`` keeps a story starting with ``=``,
  ``+``, ``-`` or ``@`` as text. The next free ID is computed from the ID
  column read just before (headers + ID column only, never the whole tab).
* **update by ID**: find the row by its ID, then *pin* it with developer
  metadata (Google moves row metadata with the row on inserts, deletes and
  sorts); re-read the row through the pin, check its ID and that every cell
  still holds the value the caller saw (else :class:`WriteConflict` with both
  values, nothing written); write through the same pin, ``null`` for untouched
  cells. Rows inserted or sorted at any moment cannot redirect the write.
* **assign missing IDs**: the same pinning; only cells still empty are written.

Our own writes are serialised per spreadsheet across the whole process (every
Streamlit session shares the lock). At most one pin stays in the sheet: each
pin request first removes every ``crmcanvas.row`` pin. A pin removed by another
crmcanvas process mid-write only makes us look again.

The window that remains: a person typing in *the very cell we write*, between
our pinned re-read and our write (one round trip, ~100-300 ms), is overwritten:
last writer wins, as between two people in the Google UI. A column inserted in
that same round trip would shift our write by one column. An append computes
the next ID then appends: someone adding the same ID in between gives a
duplicate ID, which the loader reports.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL

from crmcanvas.core.ids import next_id, next_ids
from crmcanvas.core.shape import HEADER_SCAN_ROWS, column_index, header_row_naming, id_match_key
from crmcanvas.core.text import clean
from crmcanvas.sources.a1 import A1Error, column_letters, parse_cells, parse_range, quoted
from crmcanvas.sources.base import (
    AppendResult,
    CellChange,
    Conflict,
    RowNotFound,
    SourceError,
    UpdateResult,
    WriteConflict,
)

T = TypeVar("T")
PIN_KEY = "crmcanvas.row"
ATTEMPTS = 3
_READ = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def write_lock(key: str) -> threading.Lock:
    """One lock per spreadsheet for the whole process: our writes never interleave with each other."""
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


@dataclass(frozen=True)
class TabInfo:
    sheet_id: int
    title: str
    index: int
    rows: int
    columns: int


class Call(Protocol):
    def __call__(self, what: str, fn: Callable[[], T], *, idempotent: bool = True) -> T: ...


def row_of(a1: str) -> int:
    """Row number of the first cell of an A1 range echoed by Google (``'besoins'!A12:K12`` -> 12)."""
    parsed = parse_range(a1)
    cells = parsed.cells or (parse_cells(parsed.bare) if parsed.bare else None)
    if cells is None or cells.r1 is None:
        raise A1Error(a1)
    return cells.r1


def _text_rows(value_range: Mapping[str, Any] | None) -> list[list[str]]:
    return [[str(c) for c in row] for row in (value_range or {}).get("values", [])]


def header_of(rows: Sequence[Sequence[str]], needed: Sequence[str]) -> tuple[int, list[str]]:
    """(0-based header row, its cells): the row among the first ten naming the most needed columns."""
    best = header_row_naming(rows, needed)
    if best is None:
        raise SourceError(f"Colonne(s) {', '.join(f'« {n} »' for n in needed)} introuvable(s) dans les {HEADER_SCAN_ROWS} premières lignes.",
                          suggestion="Vérifiez la ligne d'en-têtes de l'onglet.")
    return best, [str(c) for c in rows[best]]


def column_of(header: Sequence[str], name: str, title: str) -> int:
    index = column_index(header, name)
    if index is None:
        raise SourceError(f"Colonne « {name} » introuvable dans l'onglet « {title} ».",
                          suggestion="Actualisez : l'en-tête a peut-être été renommé ou supprimé.")
    return index


def check_cells(title: str, row_id: str, row: Sequence[str], columns: Sequence[str],
                changes: Sequence[CellChange]) -> dict[int, str]:
    """Raise WriteConflict unless every cell holds what the caller saw; else the cells to write (0-based column -> value)."""
    conflicts: list[Conflict] = []
    sparse: dict[int, str] = {}
    for change in changes:
        col = column_of(columns, change.column, title)
        actual = row[col] if col < len(row) else ""
        if clean(actual) != clean(change.expected):
            conflicts.append(Conflict(change.column, change.expected, actual, change.new))
        elif actual != change.new:
            sparse[col] = change.new
    if conflicts:
        raise WriteConflict(title, row_id, conflicts)
    return sparse


class SheetWriter:
    """The write half of GoogleSheetSource (see module docstring)."""

    def __init__(self, key: str, http: HTTPClient, call: Call, tab: Callable[[str], TabInfo]):
        self.key = key
        self._http = http
        self._call = call
        self._tab = tab
        self._token = secrets.token_hex(4)  # tells our pins from another writer's
        self.lock = write_lock(key)

    # ------------------------------------------------------------------ reads for writing

    def values(self, title: str) -> list[list[str]]:
        answer = self._call(f"lecture de l'onglet « {title} »", lambda: self._http.values_get(self.key, quoted(title), params=dict(_READ)))
        return _text_rows(answer)

    def locate(self, title: str, id_column: str | None, needed: Sequence[str]) -> tuple[int, list[str], list[str], list[str]]:
        """(header row 0-based, header, header again (for column_of), ID column by sheet row - 1), reading as little as possible.

        One request when the ID is in column A (the usual layout), two otherwise:
        the whole tab is never downloaded to write one row.
        """
        q = quoted(title)
        answer = self._call(f"lecture des en-têtes de « {title} »", lambda: self._http.values_batch_get(
            self.key, [f"{q}!1:{HEADER_SCAN_ROWS}", f"{q}!A:A"], params=dict(_READ)))
        value_ranges = answer.get("valueRanges") or [{}, {}]
        top = _text_rows(value_ranges[0])
        h, columns = header_of(top, needed)
        if id_column is None:
            return h, top[h], columns, []
        idc = column_of(columns, id_column, title)
        column = value_ranges[1].get("values", [])
        if idc:
            letter = column_letters(idc + 1)
            column = self._call(f"lecture des ID de « {title} »", lambda: self._http.values_get(
                self.key, f"{q}!{letter}:{letter}", params=dict(_READ))).get("values", [])
        return h, top[h], columns, [str(row[0]) if row else "" for row in column]

    # ------------------------------------------------------------------ pins

    def _lookup(self, value: str) -> dict[str, Any]:
        return {"developerMetadataLookup": {"metadataKey": PIN_KEY, "metadataValue": f"{self._token}:{value}"}}

    def _pin(self, tab: TabInfo, rows: Mapping[str, int]) -> None:
        """Attach a pin to each row (value -> row number), removing every older pin in the same atomic call."""
        batch: list[dict[str, Any]] = [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": PIN_KEY}}}}]
        for value, row in rows.items():
            batch.append({"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": PIN_KEY, "metadataValue": f"{self._token}:{value}", "visibility": "DOCUMENT",
                "location": {"dimensionRange": {"sheetId": tab.sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}},
            }}})
        self._call("repérage de la ligne", lambda: self._http.batch_update(self.key, {"requests": json.loads(json.dumps(batch))}))

    def _read_pinned(self, title: str, values: Sequence[str]) -> tuple[list[list[str]], dict[str, tuple[int, list[str]]]]:
        """The first rows of the tab (headers) and, per pin value, (row number, cells) where that pin is now."""
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/values:batchGetByDataFilter"
        filters = [{"a1Range": f"{quoted(title)}!1:{HEADER_SCAN_ROWS}"}, *(self._lookup(v) for v in values)]
        answer = self._call("relecture de la ligne", lambda: self._http.request("post", url, json={
            "dataFilters": json.loads(json.dumps(filters)), **_READ}).json())
        head: list[list[str]] = []
        found: dict[str, tuple[int, list[str]]] = {}
        seen: set[str] = set()
        prefix = f"{self._token}:"
        for match in answer.get("valueRanges") or []:
            data_filter = (match.get("dataFilters") or [{}])[0]
            value_range = match.get("valueRange") or {}
            if "a1Range" in data_filter:
                head = _text_rows(value_range)
                continue
            value = str((data_filter.get("developerMetadataLookup") or {}).get("metadataValue", "")).removeprefix(prefix)
            if value in seen:  # the same pin on two rows: trust neither
                found.pop(value, None)
                continue
            seen.add(value)
            rows = _text_rows(value_range)
            found[value] = (row_of(value_range["range"]), rows[0] if rows else [])
        return head, found

    def _write_pinned(self, data: Sequence[tuple[str, list[Any]]]) -> dict[str, int]:
        """Write sparse rows through pins (value -> cells, None = untouched); returns value -> row written."""
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/values:batchUpdateByDataFilter"
        body = {"valueInputOption": "RAW", "data": [{"dataFilter": self._lookup(v), "majorDimension": "ROWS", "values": [row]} for v, row in data]}
        answer = self._call("écriture", lambda: self._http.request("post", url, json=json.loads(json.dumps(body))).json())
        written: dict[str, int] = {}
        prefix = f"{self._token}:"
        for response in answer.get("responses") or []:
            value = ((response.get("dataFilter") or {}).get("developerMetadataLookup") or {}).get("metadataValue")
            if value is not None and response.get("updatedRange"):
                written[str(value).removeprefix(prefix)] = row_of(response["updatedRange"])
        return written

    # ------------------------------------------------------------------ the three writes

    def append_row(self, title: str, values: Mapping[str, str], *, id_column: str | None = None,
                   id_prefix: str | None = None) -> AppendResult:
        with self.lock:
            self._tab(title)
            h, header, columns, ids = self.locate(title, id_column, [*values, *([id_column] if id_column else [])])
            row_id: str | None = None
            cells: dict[int, str] = {column_of(columns, name, title): clean(v) for name, v in values.items()}
            if id_column:
                idc = column_of(columns, id_column, title)
                if id_prefix and not cells.get(idc):
                    row_id = next_id(ids[h + 1:], id_prefix)
                    cells[idc] = row_id
                else:
                    row_id = cells.get(idc) or None
            width = max(cells) + 1 if cells else 0
            row = [cells.get(j, "") for j in range(width)]
            target = f"{quoted(title)}!A{h + 1}:{column_letters(max(width, len(header), 1))}"
            answer = self._call(f"ajout d'une ligne dans « {title} »", lambda: self._http.values_append(
                self.key, target,
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS", "includeValuesInResponse": "false"},
                body={"majorDimension": "ROWS", "values": [list(row)]}), idempotent=False)
            updated = (answer.get("updates") or {}).get("updatedRange")
            if not updated:
                raise SourceError("Google Sheets n'a pas confirmé l'ajout de la ligne.",
                                  suggestion="Actualisez et vérifiez si la ligne a été ajoutée avant de recommencer.")
            return AppendResult(row=row_of(updated), row_id=row_id)

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        if not changes:
            raise SourceError("Aucune modification à écrire.")
        want = id_match_key(row_id)
        pin = f"id:{want}"
        needed = [id_column, *(c.column for c in changes)]
        with self.lock:
            tab = self._tab(title)
            for _attempt in range(ATTEMPTS):
                h, _, columns, ids = self.locate(title, id_column, needed)
                rows = [i + 1 for i, cell in enumerate(ids) if i > h and id_match_key(cell) == want]
                if not rows:
                    raise RowNotFound(f"Aucune ligne d'ID « {row_id} » dans l'onglet « {title} » : elle a peut-être été supprimée ou son ID changé.",
                                      suggestion="Actualisez le tableau de bord, puis refaites la modification.")
                if len(rows) > 1:
                    raise SourceError(f"L'ID « {row_id} » apparaît sur plusieurs lignes ({', '.join(map(str, rows))}) de l'onglet « {title} » : "
                                      "impossible de savoir laquelle modifier.",
                                      suggestion="Corrigez le doublon dans la feuille, puis réessayez.")
                self._pin(tab, {pin: rows[0]})
                head, found = self._read_pinned(title, [pin])
                if pin not in found or not head:
                    continue  # the pinned row was deleted, or another writer took the pin: look again
                h, columns = header_of(head, needed)
                idc = column_of(columns, id_column, title)
                row_number, current = found[pin]
                if id_match_key(current[idc] if idc < len(current) else "") != want:
                    continue  # rows moved between our search and the pin: it sits on another row, look again
                sparse = check_cells(title, row_id, current, columns, changes)
                if not sparse:
                    return UpdateResult(row=row_number, updated=[])
                written = self._write_pinned([(pin, [sparse.get(j) for j in range(max(sparse) + 1)])])
                if pin not in written:
                    continue  # the pin vanished during the write round trip: nothing was written, look again
                names = {column_of(columns, c.column, title): c.column for c in changes}
                return UpdateResult(row=written[pin], updated=[names[j] for j in sorted(sparse)])
            raise SourceError(f"La ligne « {row_id} » bouge sans cesse dans « {title} » (tri ou insertions en cours) : rien n'a été écrit.",
                              suggestion="Réessayez dans quelques secondes.", retryable=True)

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        with self.lock:
            tab = self._tab(title)
            grid = self.values(title)  # whole rows: only rows with content get an ID
            h, columns = header_of(grid, [id_column])
            idc = column_of(columns, id_column, title)
            empty = [h + 2 + i for i, r in enumerate(grid[h + 1:])
                     if not clean(r[idc] if idc < len(r) else "") and any(clean(c) for c in r)]
            if not empty:
                return []
            new_ids = next_ids([r[idc] for r in grid[h + 1:] if idc < len(r)], id_prefix, len(empty))
            plan = {f"new:{new_id}": row for new_id, row in zip(new_ids, empty, strict=True)}
            self._pin(tab, plan)
            head, found = self._read_pinned(title, list(plan))
            h, columns = header_of(head, [id_column])
            idc = column_of(columns, id_column, title)
            data: list[tuple[str, list[Any]]] = []
            for pin, (row_number, cells) in found.items():
                still_empty = not clean(cells[idc] if idc < len(cells) else "")
                if row_number > h + 1 and still_empty and any(clean(c) for c in cells):
                    data.append((pin, [None] * idc + [pin.removeprefix("new:")]))
            if not data:
                return []
            written = self._write_pinned(data)
            return sorted((row, pin.removeprefix("new:")) for pin, row in written.items())


__all__ = ["PIN_KEY", "SheetWriter", "TabInfo", "header_of", "row_of", "write_lock"]
