"""GoogleSheetSource: the live canvas in a Google Sheet, through the real gspread client.

Reading costs one metadata call when the spreadsheet is first opened (cached on
the instance), then exactly **one** ``values:batchGet`` per refresh for all
tabs: ``Worksheet.batch_get`` cannot span tabs and each ``sh.worksheet(name)``
costs a metadata call of its own, so the naive pattern needs 13 requests. The
version token is a hash of the values returned (Drive's ``modifiedTime`` lags
by minutes), so an unchanged sheet gives the same token and nothing is
recomputed. A tab renamed or deleted since the metadata was cached makes the
whole batch fail with 400 "Unable to parse range": the metadata is then fetched
again once, the tabs that still exist are read, and the missing one is reported
in ``RawCanvas.missing`` (the loader turns it into a ``missing_tab`` finding).

Faults: a whole read (connect, answer and retries of every request it makes)
ends by a **deadline** (``deadline``: 20 s, or ``request_timeout`` if longer,
unless the caller gives another):
each request waits at most ``min(request_timeout, time left)`` and no retry
starts that could not finish in time (:mod:`.retry`). 429, 5xx, timeouts and
connection errors are retried with bounded backoff, then raised as
``SourceError(retryable=True)`` so the live feed keeps the last good canvas,
marked stale, within the deadline rather than after five full timeouts.
401/403/404 become messages that say what to do (:mod:`.gsheets_errors`, texts
in ``crmcanvas/i18n/google.toml``). No message, log record or ``repr``
contains the key.

Writes (append, update by ID, assign missing IDs) are in :mod:`.gsheets_writes`,
each under its own deadline (``write_deadline``, 30 s); that module also
documents the race windows the Sheets API leaves open and how appends that may
have landed are told apart from appends that did not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from crmcanvas.core.config import Settings
from crmcanvas.core.shape import pair_tabs
from crmcanvas.i18n import Text, msg, t
from crmcanvas.sources.a1 import quoted
from crmcanvas.sources.base import AppendResult, CellChange, RawCanvas, SourceError, UpdateResult
from crmcanvas.sources.google_auth import ServiceAccount, build_session, doc_hint, find_service_account
from crmcanvas.sources.gsheets_errors import (
    AmbiguousWrite,
    RangeGone,
    ambiguous,
    api_error,
    key_refused,
    only_quota,
    retry_after,
    transient,
    uncertain_write,
    unreachable,
)
from crmcanvas.sources.gsheets_writes import SheetWriter, TabInfo
from crmcanvas.sources.retry import Deadline, RetryExhausted, RetryPolicy, current_deadline, http_timeout, within

T = TypeVar("T")

_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_URL_GID = re.compile(r"[#?&]gid=(\d+)")
MISSING_TAB_RECHECK = 60.0  # seconds between metadata re-reads while a wanted tab is missing
READ_DEADLINE = 20.0  # seconds: a whole read (every request, every retry) ends by then
WRITE_DEADLINE = 30.0  # seconds: a whole write (reads, pins, the write, the read-back) ends by then
_READ = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}


class DeadlineHTTPClient(HTTPClient):
    """gspread's HTTP client, whose timeout is computed at each request from the current deadline."""

    request_timeout: float = 20.0

    @property
    def timeout(self) -> Any:
        return http_timeout(None, self.request_timeout)

    @timeout.setter
    def timeout(self, value: Any) -> None:  # gspread's __init__ and set_timeout
        if isinstance(value, int | float):
            self.request_timeout = float(value)

    sent: int = 0  # HTTP requests sent through this client (retries included): the Connexion page's count

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        return super().request(*args, **kwargs)


def parse_spreadsheet_spec(spec: str) -> tuple[str, int | None]:
    """(key, gid) from a sheet URL (``…/d/<key>/edit#gid=123``) or a bare key."""
    text = spec.strip()
    match = _URL_KEY.search(text)
    if match:
        gid = _URL_GID.search(text)
        return match.group(1), int(gid.group(1)) if gid else None
    if _BARE_KEY.match(text):
        return text, None
    raise SourceError(msg("google.bad_spec", spec=spec), suggestion=msg("google.bad_spec.hint"))


def version_of(grids: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """Same values, same token: sha256 of the canonical JSON of what was read."""
    payload = json.dumps({"grids": grids, "titles": titles}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


class GoogleSheetSource:
    """The canvas source for one Google spreadsheet (see module docstring)."""

    def __init__(
        self,
        key: str,
        *,
        settings: Settings,
        session: requests.Session,
        account: ServiceAccount | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        deadline: float | None = None,
        write_deadline: float | None = None,
    ):
        self.key = key
        self.settings = settings
        self.account = account
        # Seconds a whole read / write may take (never less than one request timeout: a very large canvas
        # that needs a longer request_timeout gets it); the live feed may pass its own.
        self.deadline = deadline if deadline is not None else max(READ_DEADLINE, settings.request_timeout)
        self.write_deadline = write_deadline if write_deadline is not None else max(WRITE_DEADLINE, settings.request_timeout)
        self._http = DeadlineHTTPClient(None, session=session)  # type: ignore[arg-type]  # auth is carried by the session
        self._http.set_timeout(settings.request_timeout)
        self._retry = RetryPolicy(max_retries=settings.max_retries, sleep=sleep, rng=rng)
        self._clock = clock
        self._tabs: list[TabInfo] | None = None
        self._tabs_read_at = 0.0
        self._spreadsheet_title = ""
        self._meta_lock = threading.Lock()
        self.last_read_requests: int | None = None  # HTTP requests the last read made (metadata, batchGet, retries)
        self._writer = SheetWriter(key, self._http, self._call, self._tab, sleep=sleep, clock=clock, rng=rng)

    @classmethod
    def from_settings(
        cls,
        spec: str,
        settings: Settings,
        secrets: Mapping[str, Any] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> GoogleSheetSource:
        """Open the sheet named by URL or key with the credentials found (see google_auth)."""
        key, _gid = parse_spreadsheet_spec(spec)
        account = find_service_account(secrets, environ)
        if account is None and not settings.sheets_endpoint:
            raise SourceError(msg("google.no_credentials"), suggestion=msg("google.no_credentials.hint", doc=doc_hint()))
        session = build_session(account, endpoint=settings.sheets_endpoint, timeout=settings.request_timeout)
        return cls(key, settings=settings, session=session, account=account, **kwargs)

    def __repr__(self) -> str:
        who = self.account.client_email if self.account else "anonymous"
        return f"GoogleSheetSource(key={self.key!r}, account={who!r}, endpoint={self.settings.sheets_endpoint!r})"

    @property
    def description(self) -> str:
        lang = self.settings.language
        via = t("google.via", lang, endpoint=self.settings.sheets_endpoint) if self.settings.sheets_endpoint else ""
        if self._spreadsheet_title:
            return t("google.description_named", lang, title=self._spreadsheet_title, key=self.key, via=via)
        return t("google.description", lang, key=self.key, via=via)

    # ------------------------------------------------------------------ time limits

    @contextlib.contextmanager
    def _bounded(self, seconds: float) -> Iterator[Deadline]:
        """Run the block under a deadline of ``seconds`` from now (or the enclosing one if it ends sooner)."""
        with within(Deadline.after(seconds, self._clock)) as deadline:
            yield deadline

    # ------------------------------------------------------------------ calls and errors

    def _call(self, what: Text, fn: Callable[[], T], *, idempotent: bool = True, stage: str = "read") -> T:
        """One API call with bounded retries under the current deadline; every failure leaves as a SourceError
        (catalogue text, no traceback), except a write that may have landed: :class:`AmbiguousWrite`.

        ``stage``: "read" (a refresh), "prepare" (a read or pin before a write: nothing written yet),
        "write" (the request that writes cells: if it cannot be confirmed, it may have landed).
        """
        email = self.account.client_email if self.account else ""
        deadline = current_deadline()
        seconds = deadline.seconds if deadline else None
        try:
            return self._retry.call(fn, transient if idempotent else only_quota, hint=retry_after, what=what.render("en"))
        except RetryExhausted as exc:
            if stage == "write" and ambiguous(exc.last):  # sent, unanswered: it may have been applied
                raise uncertain_write(exc.last, deadline=seconds if exc.out_of_time else None) from None
            raise unreachable(exc, what, deadline=seconds, writing=stage != "read") from None
        except SourceError:
            raise
        except Exception as exc:
            if not idempotent and ambiguous(exc):  # a timeout or 5xx after the write left: it may have happened
                raise AmbiguousWrite(exc) from None
            if isinstance(exc, APIError):
                raise api_error(exc, key=self.key, email=email, what=what) from None
            if transient(exc):  # not sent: the deadline had passed
                raise unreachable(RetryExhausted(exc, 1, 0.0, out_of_time=True), what, deadline=seconds,
                                  writing=stage != "read") from None
            from google.auth import exceptions as gauth

            if isinstance(exc, gauth.RefreshError):
                raise key_refused(email, what) from None
            raise

    # ------------------------------------------------------------------ metadata

    def tabs(self, *, refresh: bool = False) -> list[TabInfo]:
        """The spreadsheet's tabs from its metadata, fetched once and cached."""
        with self._meta_lock, self._bounded(self.deadline):
            if self._tabs is None or refresh:
                meta = self._call(msg("google.step.read_tabs"), lambda: self._http.fetch_sheet_metadata(
                    self.key, params={"includeGridData": "false", "fields": "properties.title,sheets.properties"}))
                self._spreadsheet_title = str((meta.get("properties") or {}).get("title", ""))
                tabs = []
                for sheet in meta.get("sheets") or []:
                    props = sheet.get("properties") or {}
                    grid = props.get("gridProperties") or {}
                    tabs.append(TabInfo(int(props.get("sheetId", 0)), str(props.get("title", "")), int(props.get("index", 0)),
                                        int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0))))
                self._tabs = tabs
                self._tabs_read_at = self._clock()
            return list(self._tabs)

    def _tab(self, title: str) -> TabInfo:
        for refresh in (False, True):
            for tab in self.tabs(refresh=refresh):
                if tab.title == title:
                    return tab
        raise SourceError(msg("google.tab_not_found", title=title), suggestion=msg("google.tab_not_found.hint"))

    def _resolve(self, wanted: Mapping[str, str], tabs: Sequence[TabInfo]) -> tuple[dict[str, str], dict[str, str]]:
        """Configured titles (or ``gid=123``) -> actual titles (see :func:`crmcanvas.core.shape.pair_tabs`)."""
        return pair_tabs(wanted, [(t.sheet_id, t.title) for t in tabs])

    # ------------------------------------------------------------------ reading

    def read(self, wanted: Mapping[str, str], *, deadline: float | None = None) -> RawCanvas:
        """All wanted tabs in one ``values:batchGet``, over by ``deadline`` seconds (default: ``self.deadline``)."""
        before = self._http.sent
        try:
            with self._bounded(self.deadline if deadline is None else deadline):
                return self._read(wanted)
        finally:
            self.last_read_requests = self._http.sent - before

    def _read(self, wanted: Mapping[str, str]) -> RawCanvas:
        tabs = self.tabs()
        found, missing = self._resolve(wanted, tabs)
        if missing and self._clock() - self._tabs_read_at >= MISSING_TAB_RECHECK:
            tabs = self.tabs(refresh=True)  # a tab may have been created or renamed back since
            found, missing = self._resolve(wanted, tabs)
        try:
            grids = self._batch_get(found)
        except RangeGone:
            tabs = self.tabs(refresh=True)
            found, missing = self._resolve(wanted, tabs)
            try:
                grids = self._batch_get(found)
            except RangeGone as gone:
                raise SourceError(msg("google.tabs_changing", detail=gone.message), suggestion=msg("google.retry_later"),
                                  retryable=True) from None
        return RawCanvas(
            grids=grids,
            titles=found,
            version=version_of(grids, found),
            source=self.description,
            missing=missing,
            available=[t.title for t in tabs],
        )

    def _batch_get(self, found: Mapping[str, str]) -> dict[str, list[list[str]]]:
        if not found:
            return {}
        keys = list(found)
        ranges = [quoted(found[k]) for k in keys]
        answer = self._call(msg("google.step.read_sheet"), lambda: self._http.values_batch_get(
            self.key, list(ranges), params=dict(_READ)))
        value_ranges = answer.get("valueRanges") or []
        if len(value_ranges) != len(keys):
            raise SourceError(msg("google.bad_answer"), suggestion=msg("google.retry_later"), retryable=True)
        return {key: [[str(c) for c in row] for row in vr.get("values", [])] for key, vr in zip(keys, value_ranges, strict=True)}

    # ------------------------------------------------------------------ writes (see gsheets_writes)

    def append_row(self, title: str, values: Mapping[str, str], *, id_column: str | None = None,
                   id_prefix: str | None = None) -> AppendResult:
        """Append one row (RAW, INSERT_ROWS); with id_column + id_prefix, an ID no other row has once written."""
        with self._bounded(self.write_deadline):
            return self._writer.append_row(title, values, id_column=id_column, id_prefix=id_prefix)

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        """Write changes into the row with this ID, only if each cell still holds what the caller saw."""
        with self._bounded(self.write_deadline):
            return self._writer.update_cells(title, id_column=id_column, row_id=row_id, changes=changes)

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        """Give rows with content but no ID the next free IDs; no other cell is written."""
        with self._bounded(self.write_deadline):
            return self._writer.assign_missing_ids(title, id_column=id_column, id_prefix=id_prefix)

    def ensure_tab(self, title: str, headers: list[str]) -> bool:
        """Create the tab ``title`` with ``headers`` on its first row unless the spreadsheet has it."""
        with self._bounded(self.write_deadline):
            return self._writer.ensure_tab(title, headers, lambda refresh: self.tabs(refresh=refresh))


__all__ = ["READ_DEADLINE", "WRITE_DEADLINE", "GoogleSheetSource", "TabInfo", "parse_spreadsheet_spec", "version_of"]
