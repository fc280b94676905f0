"""Writes to a Google Sheet that never land on the wrong row and never silently overwrite a stakeholder.

Stakeholders keep inserting, sorting and editing rows while the facilitator
captures needs, several dashboards may write at once, and the Sheets API has
no conditional write and no idempotency key. So:

* **append** (``values:append``, ``INSERT_ROWS``, ``RAW``): Google places the
  row after the table atomically; ``RAW`` keeps a story starting with ``=``,
  ``+``, ``-`` or ``@`` as text. The next free ID is computed from the ID
  column read just before (headers + ID column only, never the whole tab).
  Then the row is **read back** with the ID column, at the row Google says it
  wrote (``updatedRange``). If another row has the same ID (another dashboard
  computed the same next ID in the same second, or someone typed it), our row
  is renumbered through the pinned, conflict-checked write below; the rule
  that makes several writers agree without talking: the upper row keeps an ID
  it was appended with, a row we renumbered keeps its new ID only if no other
  row has it; yielding, it waits a random, growing pause before it takes
  another (else it chases appenders for the same next ID). N concurrent
  appends give N rows with N distinct IDs.
* **an append that may have landed**: a timeout, a lost connection or a 5xx
  on ``values:append`` does not say whether Google applied it (a timed-out
  append often lands a moment later). It is never simply sent again: the tab
  is re-read, a few times over a short grace period, looking for our row (our
  new ID and our cells); found, it is ours; not found, the append is made
  again with a fresh ID. Only a 429 is retried at once (Google refused it
  before doing anything).
* **update by ID**: find the row by its ID, then *pin* it with developer
  metadata (Google moves row metadata with the row on inserts, deletes and
  sorts); re-read the row through the pin, check its ID and that every cell
  still holds the value the caller saw (else :class:`WriteConflict` with both
  values, nothing written); write through the same pin, ``null`` for untouched
  cells. Rows inserted or sorted at any moment cannot redirect the write.
* **assign missing IDs**: the same pinning; only cells still empty are written.

Our own writes are serialised per spreadsheet within a process (every
Streamlit session shares the lock). At most one pin stays in the sheet: each
pin request first removes every ``crmcanvas.row`` pin. A pin removed by another
crmcanvas process mid-write only makes us look again.

The windows that remain: a person typing in *the very cell we write*, between
our pinned re-read and our write (one round trip, ~100-300 ms), is overwritten:
last writer wins, as between two people in the Google UI. A column inserted in
that same round trip would shift our write by one column. An append that
timed out and lands only after the grace period, once we appended it again,
leaves the row twice (same text, two IDs): the loader's near-duplicate check
shows it.
"""

from __future__ import annotations

import functools
import json
import logging
import random
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL

from crmcanvas.core.ids import next_id, next_ids
from crmcanvas.core.shape import HEADER_SCAN_ROWS, column_index, header_row_naming, id_match_key
from crmcanvas.core.text import clean, fold
from crmcanvas.i18n import Text, msg
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
from crmcanvas.sources.gsheets_errors import AmbiguousWrite, cause, status_of
from crmcanvas.sources.retry import RetryPolicy, current_deadline

T = TypeVar("T")
log = logging.getLogger(__name__)
PIN_KEY = "crmcanvas.row"
ATTEMPTS = 3  # searches for a row that keeps moving before giving up
APPEND_ATTEMPTS = 3  # appends sent when the previous ones surely did not land
SETTLE_ROUNDS = 40  # read-back / renumber rounds after an append (contention between writers; the deadline ends it first)
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
    def __call__(self, what: Text, fn: Callable[[], T], *, idempotent: bool = True, stage: str = "prepare") -> T: ...


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
        raise SourceError(msg("google.columns_not_found", rows=HEADER_SCAN_ROWS, names=", ".join(needed)),
                          suggestion=msg("google.columns_not_found.hint"))
    return best, [str(c) for c in rows[best]]


def column_of(header: Sequence[str], name: str, title: str) -> int:
    index = column_index(header, name)
    if index is None:
        raise SourceError(msg("google.column_not_found", name=name, title=title), suggestion=msg("google.column_not_found.hint"))
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


def matches(row: Sequence[str], cells: Mapping[int, str]) -> bool:
    """Whether a row holds these cells (0-based column -> value), as a person would read them."""
    return all(clean(row[j] if j < len(row) else "") == clean(v) for j, v in cells.items())



class SheetWriter:
    """The write half of GoogleSheetSource (see module docstring)."""

    def __init__(self, key: str, http: HTTPClient, call: Call, tab: Callable[[str], TabInfo], *,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: Callable[[], float] = random.random):
        self.key = key
        self._http = http
        self._call = functools.partial(call, stage="prepare")  # reads and pins: nothing written yet if they fail
        self._tab = tab
        self._sleep = sleep
        self._clock = clock
        self._losing = RetryPolicy(base=0.05, max_delay=1.6, rng=rng)  # pauses out of step with another writer
        self._token = secrets.token_hex(4)  # tells our pins from another writer's
        self.lock = write_lock(key)

    # ------------------------------------------------------------------ reads for writing

    def values(self, title: str) -> list[list[str]]:
        answer = self._call(msg("google.step.read_tab", title=title),
                            lambda: self._http.values_get(self.key, quoted(title), params=dict(_READ)))
        return _text_rows(answer)

    def locate(self, title: str, id_column: str | None, needed: Sequence[str]) -> tuple[int, list[str], list[str], list[str]]:
        """(header row 0-based, header, header again (for column_of), ID column by sheet row - 1), reading as little as possible.

        One request when the ID is in column A (the usual layout), two otherwise:
        the whole tab is never downloaded to write one row.
        """
        q = quoted(title)
        answer = self._call(msg("google.step.read_headers", title=title), lambda: self._http.values_batch_get(
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
            column = self._call(msg("google.step.read_ids", title=title), lambda: self._http.values_get(
                self.key, f"{q}!{letter}:{letter}", params=dict(_READ))).get("values", [])
        return h, top[h], columns, [str(row[0]) if row else "" for row in column]

    def _read_back(self, title: str, idc: int, row: int, width: int) -> tuple[list[str], list[str]]:
        """(ID column by sheet row - 1, the cells of ``row``) in one request."""
        q = quoted(title)
        letter = column_letters(idc + 1)
        answer = self._call(msg("google.step.read_back", title=title), lambda: self._http.values_batch_get(
            self.key, [f"{q}!{letter}:{letter}", f"{q}!A{row}:{column_letters(width)}{row}"], params=dict(_READ)))
        value_ranges = answer.get("valueRanges") or [{}, {}]
        ids = [row_cells[0] if row_cells else "" for row_cells in _text_rows(value_ranges[0])]
        cells = _text_rows(value_ranges[1])
        return ids, cells[0] if cells else []

    def _rows_holding(self, title: str, h: int, cells: Mapping[int, str]) -> list[int]:
        """Sheet rows under the header that hold exactly these cells (the rare path: reads the data columns we wrote)."""
        q = quoted(title)
        first = h + 2
        width = max(cells) + 1
        answer = self._call(msg("google.step.read_tab", title=title), lambda: self._http.values_get(
            self.key, f"{q}!A{first}:{column_letters(width)}", params=dict(_READ)))
        return [first + i for i, row in enumerate(_text_rows(answer)) if matches(row, cells)]

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
        self._call(msg("google.step.pin"), lambda: self._http.batch_update(self.key, {"requests": json.loads(json.dumps(batch))}))

    def _read_pinned(self, title: str, values: Sequence[str]) -> tuple[list[list[str]], dict[str, tuple[int, list[str]]]]:
        """The first rows of the tab (headers) and, per pin value, (row number, cells) where that pin is now."""
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/values:batchGetByDataFilter"
        filters = [{"a1Range": f"{quoted(title)}!1:{HEADER_SCAN_ROWS}"}, *(self._lookup(v) for v in values)]
        answer = self._call(msg("google.step.reread_row"), lambda: self._http.request("post", url, json={
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
        answer = self._call(msg("google.step.write"), lambda: self._http.request("post", url, json=json.loads(json.dumps(body))).json(),
                            stage="write")
        written: dict[str, int] = {}
        prefix = f"{self._token}:"
        for response in answer.get("responses") or []:
            value = ((response.get("dataFilter") or {}).get("developerMetadataLookup") or {}).get("metadataValue")
            if value is not None and response.get("updatedRange"):
                written[str(value).removeprefix(prefix)] = row_of(response["updatedRange"])
        return written

    # ------------------------------------------------------------------ append

    def append_row(self, title: str, values: Mapping[str, str], *, id_column: str | None = None,
                   id_prefix: str | None = None) -> AppendResult:
        with self.lock:
            tab = self._tab(title)
            needed = [*values, *([id_column] if id_column else [])]
            h, header, columns, ids = self.locate(title, id_column, needed)
            cells: dict[int, str] = {column_of(columns, name, title): clean(v) for name, v in values.items()}
            idc = column_of(columns, id_column, title) if id_column else None
            assign = idc is not None and bool(id_prefix) and not cells.get(idc)
            row_id = cells.get(idc) or None if idc is not None else None
            last: BaseException | None = None
            for attempt in range(APPEND_ATTEMPTS):
                try:
                    if attempt:  # the previous append did not show up: look again at the sheet as it is now
                        h, header, columns, ids = self.locate(title, id_column, needed)
                    if assign and idc is not None:
                        row_id = next_id(ids[h + 1:], id_prefix or "")
                        cells[idc] = row_id
                    landed = self._append(title, h, header, cells)
                except SourceError:
                    if last is None:
                        raise
                    raise self._append_uncertain(title, last) from None  # the earlier one may still land
                if isinstance(landed, int):
                    break
                last = landed
            else:
                raise self._append_uncertain(title, last)
            if assign and idc is not None and row_id is not None:
                landed, row_id = self._settle(tab, title, h, idc, cells, row_id, landed, id_prefix or "")
            return AppendResult(row=landed, row_id=row_id)

    def _append(self, title: str, h: int, header: Sequence[str], cells: Mapping[int, str]) -> int | BaseException:
        """Send the append; the row it landed on, or the failure after which it surely did not land."""
        width = max(cells) + 1 if cells else 0
        row = [cells.get(j, "") for j in range(width)]
        target = f"{quoted(title)}!A{h + 1}:{column_letters(max(width, len(header), 1))}"
        try:
            answer = self._call(msg("google.step.append", title=title), lambda: self._http.values_append(
                self.key, target,
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS", "includeValuesInResponse": "false"},
                body={"majorDimension": "ROWS", "values": [list(row)]}), idempotent=False, stage="write")
        except AmbiguousWrite as unsure:
            log.warning("Google Sheets: append to %r not confirmed (%s); looking for it before anything else", title, unsure)
            found = self._landed(title, h, cells, unsure.cause)
            return found if found is not None else unsure.cause
        updated = (answer.get("updates") or {}).get("updatedRange")
        if not updated:
            raise self._append_uncertain(title, None)
        return row_of(updated)

    def _landed(self, title: str, h: int, cells: Mapping[int, str], failure: BaseException) -> int | None:
        """After an append that may have landed: re-read until our row shows up.

        When Google answered (a 5xx), one re-read tells. When no answer came (a
        timeout, a lost connection), the append may still be on its way: the tab
        is re-read for a grace period (a quarter of the request timeout, 1 to
        5 s, at most half the time left). None means it did not show up and
        there is time to append again; if the tab cannot even be re-read, nobody
        can tell, and the user is told so.
        """
        deadline = current_deadline()
        answered = status_of(failure) is not None
        grace = 0.0 if answered else min(max(1.0, float(getattr(self._http, "request_timeout", 4.0)) / 4), 5.0)
        if deadline is not None:
            grace = min(grace, deadline.remaining() / 2)
        until = self._clock() + grace
        pause = 0.1
        while True:
            try:
                rows = self._rows_holding(title, h, cells)
            except SourceError:
                raise self._append_uncertain(title, failure) from None
            if rows:
                return rows[-1]
            if self._clock() + pause > until:
                if deadline is not None and deadline.expired():
                    raise self._append_uncertain(title, failure)
                return None
            self._sleep(pause)
            pause = min(pause * 2, 1.0)

    @staticmethod
    def _append_uncertain(title: str, failure: BaseException | None) -> SourceError:
        deadline = current_deadline()
        spent = deadline.seconds if deadline is not None and deadline.expired() else None
        why = cause(failure, deadline=spent) if failure else msg("google.cause.timeout")
        return SourceError(msg("google.append_uncertain", title=title, cause=why), suggestion=msg("google.append_uncertain.hint"),
                           retryable=True)

    def _settle(self, tab: TabInfo, title: str, h: int, idc: int, cells: dict[int, str], row_id: str, row: int,
                prefix: str) -> tuple[int, str]:
        """Make our appended row's ID unique (see module docstring); returns where it is and the ID it has.

        A row we renumbered takes the next free ID, the very one that writers
        appending at that moment compute, and yields it to them: under a stream
        of appends it could chase the end of the column for ever. So after each
        loss it steps aside for a random, growing pause before it reads again
        (like Ethernet after a collision): the others' appends land meanwhile
        and the ID it takes next is past them.
        """
        width = max(cells) + 1
        renumbered = stepped_aside = False
        losses = 0
        for _round in range(SETTLE_ROUNDS):
            deadline = current_deadline()
            if deadline is not None and deadline.expired():
                break
            try:
                ids, current = self._read_back(title, idc, row, width)
                if not matches(current, cells):  # rows moved since Google answered: find ours again
                    found = self._rows_holding(title, h, cells)
                    if not found:
                        log.warning("Google Sheets: appended row %s in %r was changed before it could be checked", row_id, title)
                        return row, row_id
                    row = found[-1]
                    continue
                key = id_match_key(row_id)
                same = [i + 1 for i, value in enumerate(ids) if i > h and id_match_key(value) == key]
                if same in ([], [row]) or (not renumbered and same[0] == row):
                    return row, row_id
                if renumbered and not stepped_aside:  # our new ID was taken meanwhile: out of step, then look again
                    losses += 1
                    self._step_aside(losses)
                    stepped_aside = True
                    continue
                stepped_aside = False
                new_id = next_id(ids[h + 1:], prefix)
                written = self._renumber(tab, title, idc, cells, row, new_id)
            except SourceError as exc:  # the row is in the sheet; only its ID could not be checked or changed
                log.warning("Google Sheets: could not check the ID of the row appended to %r: %s", title, exc.render("en")[0])
                return row, row_id
            if written is None:  # the pin moved or was taken by another writer: look again, out of step with it
                losses += 1
                self._step_aside(losses)
                continue
            log.info("Google Sheets: appended row %d in %r renumbered %s -> %s (the ID was taken meanwhile)", written, title, row_id, new_id)
            row, row_id, renumbered = written, new_id, True
            cells[idc] = new_id
        log.warning("Google Sheets: the ID %s of the row appended to %r may still be shared", row_id, title)
        return row, row_id

    def _step_aside(self, losses: int) -> None:
        """A random pause (up to 50 ms after the first loss, doubling with each one up to 1.6 s, never past the
        deadline): two writers never retry in step."""
        pause = self._losing.delay(losses)
        deadline = current_deadline()
        self._sleep(max(0.0, min(pause, deadline.remaining())) if deadline is not None else pause)

    def _renumber(self, tab: TabInfo, title: str, idc: int, cells: Mapping[int, str], row: int, new_id: str) -> int | None:
        """Give our row ``new_id`` through a pin, only if the pinned row still holds exactly our cells (its old ID
        included: an ID someone typed meanwhile is never overwritten)."""
        pin = f"renumber:{new_id}"
        self._pin(tab, {pin: row})
        _head, found = self._read_pinned(title, [pin])
        if pin not in found or not matches(found[pin][1], cells):
            return None  # moved between the read-back and the pin, or another writer took the pin
        written = self._write_pinned([(pin, [None] * idc + [new_id])])
        return written.get(pin)

    # ------------------------------------------------------------------ update by ID, missing IDs

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        if not changes:
            raise SourceError(msg("google.nothing_to_write"))
        want = id_match_key(row_id)
        pin = f"id:{want}"
        needed = [id_column, *(c.column for c in changes)]
        with self.lock:
            tab = self._tab(title)
            for _attempt in range(ATTEMPTS):
                h, _, columns, ids = self.locate(title, id_column, needed)
                rows = [i + 1 for i, cell in enumerate(ids) if i > h and id_match_key(cell) == want]
                if not rows:
                    raise RowNotFound(msg("google.row_not_found", row_id=row_id, title=title), suggestion=msg("google.row_not_found.hint"))
                if len(rows) > 1:
                    raise SourceError(msg("google.duplicate_id", row_id=row_id, rows=", ".join(map(str, rows)), title=title),
                                      suggestion=msg("google.duplicate_id.hint"))
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
            raise SourceError(msg("google.row_moving", row_id=row_id, title=title), suggestion=msg("google.row_moving.hint"),
                              retryable=True)

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

    # ------------------------------------------------------------------ a new tab

    def ensure_tab(self, title: str, headers: Sequence[str], tabs: Callable[[bool], Sequence[TabInfo]]) -> bool:
        """Create the tab ``title`` (one ``addSheet``) and write ``headers`` on its first row, unless a tab of
        that title (case and accents aside) exists. ``tabs(refresh)`` lists the spreadsheet's tabs.

        ``addSheet`` is safe to send again: once a tab has the title, Google refuses
        another (400). So after any failure the tabs are looked up again: a tab that
        now exists with an empty first row is ours (a request that landed unanswered)
        and gets its headers; one with headers is someone else's, left alone.
        """
        with self.lock:
            def existing(refresh: bool) -> str | None:
                return next((tab.title for tab in tabs(refresh) if tab.title == title or fold(tab.title) == fold(title)), None)

            if existing(False) or existing(True):
                return False
            request = {"addSheet": {"properties": {"title": title, "gridProperties": {
                "rowCount": 1000, "columnCount": max(26, len(headers))}}}}
            try:
                self._call(msg("snapshots.step.add_tab", title=title), lambda: self._http.batch_update(
                    self.key, {"requests": [json.loads(json.dumps(request))]}))
            except SourceError:
                found = existing(True)
                if found is None:
                    raise
                if found != title or any(clean(cell) for row in self.values(found)[:1] for cell in row):
                    return False
            else:
                tabs(True)
            if headers:
                row = [list(headers)]
                self._call(msg("google.step.write"), lambda: self._http.values_update(
                    self.key, f"{quoted(title)}!A1:{column_letters(len(row[0]))}1", params={"valueInputOption": "RAW"},
                    body={"majorDimension": "ROWS", "values": row}), stage="write")
            return True

__all__ = ["PIN_KEY", "SheetWriter", "TabInfo", "header_of", "matches", "row_of", "write_lock"]
