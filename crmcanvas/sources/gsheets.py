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

Faults: every request has ``settings.request_timeout``; 429, 5xx, timeouts and
connection errors are retried with bounded backoff (:mod:`.retry`), then raised
as ``SourceError(retryable=True)`` so the live feed keeps the last good canvas,
marked stale. 401/403/404 become French messages that say what to do
(:mod:`.gsheets_errors`). No message, log record or ``repr`` contains the key.

Writes (append, update by ID, assign missing IDs) are in :mod:`.gsheets_writes`,
which also documents the race window the Sheets API leaves open.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import gspread
import requests
from gspread.exceptions import APIError

from crmcanvas.core.config import Settings
from crmcanvas.core.shape import match_titles
from crmcanvas.sources.a1 import quoted
from crmcanvas.sources.base import AppendResult, CellChange, RawCanvas, SourceError, UpdateResult
from crmcanvas.sources.google_auth import DOC_HINT, ServiceAccount, build_session, find_service_account
from crmcanvas.sources.gsheets_errors import RangeGone, api_error, key_refused, only_quota, retry_after, transient
from crmcanvas.sources.gsheets_writes import SheetWriter, TabInfo
from crmcanvas.sources.retry import RetryExhausted, RetryPolicy, describe

T = TypeVar("T")

_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_GID = re.compile(r"^#?gid=(\d+)$")
_URL_GID = re.compile(r"[#?&]gid=(\d+)")
MISSING_TAB_RECHECK = 60.0  # seconds between metadata re-reads while a wanted tab is missing
_READ = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}


def parse_spreadsheet_spec(spec: str) -> tuple[str, int | None]:
    """(key, gid) from a sheet URL (``…/d/<key>/edit#gid=123``) or a bare key."""
    text = spec.strip()
    match = _URL_KEY.search(text)
    if match:
        gid = _URL_GID.search(text)
        return match.group(1), int(gid.group(1)) if gid else None
    if _BARE_KEY.match(text):
        return text, None
    raise SourceError(
        f"« {spec} » n'est ni une URL de Google Sheet ni une clé de feuille.",
        suggestion="Copiez l'URL depuis la barre d'adresse du navigateur : https://docs.google.com/spreadsheets/d/<clé>/edit",
    )


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
    ):
        self.key = key
        self.settings = settings
        self.account = account
        self._client = gspread.Client(None, session=session)  # type: ignore[arg-type]  # auth is carried by the session
        self._http = self._client.http_client
        self._http.set_timeout(settings.request_timeout)
        self._retry = RetryPolicy(max_retries=settings.max_retries, sleep=sleep, rng=rng)
        self._clock = clock
        self._tabs: list[TabInfo] | None = None
        self._tabs_read_at = 0.0
        self._spreadsheet_title = ""
        self._meta_lock = threading.Lock()
        self._writer = SheetWriter(key, self._http, self._call, self._tab)

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
            raise SourceError(
                "Aucun identifiant Google trouvé pour lire la feuille.",
                suggestion="Collez la clé JSON du compte de service dans .streamlit/secrets.toml ([connections.gsheets]) "
                "ou indiquez son chemin dans GOOGLE_APPLICATION_CREDENTIALS. " + DOC_HINT,
            )
        session = build_session(account, endpoint=settings.sheets_endpoint, timeout=settings.request_timeout)
        return cls(key, settings=settings, session=session, account=account, **kwargs)

    def __repr__(self) -> str:
        who = self.account.client_email if self.account else "anonyme"
        return f"GoogleSheetSource(key={self.key!r}, account={who!r}, endpoint={self.settings.sheets_endpoint!r})"

    @property
    def description(self) -> str:
        name = f"« {self._spreadsheet_title} » " if self._spreadsheet_title else ""
        via = f" via {self.settings.sheets_endpoint}" if self.settings.sheets_endpoint else ""
        return f"Google Sheet {name}({self.key}){via}"

    # ------------------------------------------------------------------ calls and errors

    def _call(self, what: str, fn: Callable[[], T], *, idempotent: bool = True) -> T:
        """One API call with bounded retries; every failure leaves as a French SourceError, without traceback."""
        email = self.account.client_email if self.account else ""
        try:
            return self._retry.call(fn, transient if idempotent else only_quota, hint=retry_after, what=what)
        except RetryExhausted as exc:
            raise SourceError(
                f"Google Sheets ne répond pas ({describe(exc.last)}) : {what} impossible après {exc.attempts} tentative(s).",
                suggestion="Le tableau de bord garde la dernière version lue et réessaiera tout seul. "
                "Si cela dure, vérifiez la connexion et le quota de l'API Google Sheets.",
                retryable=True,
            ) from None
        except APIError as exc:
            raise api_error(exc, key=self.key, email=email, what=what) from None
        except SourceError:
            raise
        except Exception as exc:
            if transient(exc):  # a non-idempotent write hit a timeout/5xx: it may or may not have happened
                raise SourceError(
                    f"Google Sheets ne répond pas ({describe(exc)}) pendant : {what}.",
                    suggestion="Actualisez et vérifiez si la modification a été enregistrée avant de la refaire.",
                    retryable=True,
                ) from None
            from google.auth import exceptions as gauth

            if isinstance(exc, gauth.RefreshError):
                raise key_refused(email, what) from None
            raise

    # ------------------------------------------------------------------ metadata

    def tabs(self, *, refresh: bool = False) -> list[TabInfo]:
        """The spreadsheet's tabs from its metadata, fetched once and cached."""
        with self._meta_lock:
            if self._tabs is None or refresh:
                meta = self._call("lecture de la liste des onglets", lambda: self._http.fetch_sheet_metadata(
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
        raise SourceError(f"Onglet « {title} » introuvable dans la feuille.",
                          suggestion="Actualisez le tableau de bord : l'onglet a peut-être été renommé.")

    def _resolve(self, wanted: Mapping[str, str], tabs: Sequence[TabInfo]) -> tuple[dict[str, str], dict[str, str]]:
        """Configured titles (or ``gid=123``) -> actual titles; the rest via :func:`match_titles`."""
        by_gid = {t.sheet_id: t.title for t in tabs}
        found: dict[str, str] = {}
        missing: dict[str, str] = {}
        by_title: dict[str, str] = {}
        for key, title in wanted.items():
            gid = _GID.match(title.strip())
            if gid:
                actual = by_gid.get(int(gid.group(1)))
                if actual is None:
                    missing[key] = title
                else:
                    found[key] = actual
            else:
                by_title[key] = title
        available = [t.title for t in tabs if t.title not in found.values()]
        matched, unmatched = match_titles(by_title, available)
        found.update(matched)
        missing.update(unmatched)
        return found, missing

    # ------------------------------------------------------------------ reading

    def read(self, wanted: Mapping[str, str]) -> RawCanvas:
        """All wanted tabs in one ``values:batchGet`` (see module docstring)."""
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
                raise SourceError(
                    f"Les onglets de la feuille changent pendant la lecture ({gone.message}).",
                    suggestion="Le tableau de bord réessaiera à la prochaine actualisation.",
                    retryable=True,
                ) from None
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
        answer = self._call("lecture de la feuille", lambda: self._http.values_batch_get(
            self.key, list(ranges), params=dict(_READ)))
        value_ranges = answer.get("valueRanges") or []
        if len(value_ranges) != len(keys):
            raise SourceError("Réponse inattendue de Google Sheets (nombre de plages).", retryable=True)
        return {key: [[str(c) for c in row] for row in vr.get("values", [])] for key, vr in zip(keys, value_ranges, strict=True)}

    # ------------------------------------------------------------------ writes (see gsheets_writes)

    def append_row(self, title: str, values: Mapping[str, str], *, id_column: str | None = None,
                   id_prefix: str | None = None) -> AppendResult:
        """Append one row (RAW, INSERT_ROWS); with id_column + id_prefix, the next free ID at write time."""
        return self._writer.append_row(title, values, id_column=id_column, id_prefix=id_prefix)

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        """Write changes into the row with this ID, only if each cell still holds what the caller saw."""
        return self._writer.update_cells(title, id_column=id_column, row_id=row_id, changes=changes)

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        """Give rows with content but no ID the next free IDs; no other cell is written."""
        return self._writer.assign_missing_ids(title, id_column=id_column, id_prefix=id_prefix)


__all__ = ["GoogleSheetSource", "TabInfo", "parse_spreadsheet_spec", "version_of"]
