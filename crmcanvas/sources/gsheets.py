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
marked stale. 401/403/404 become French messages that say what to do (share the
sheet with the service account's e-mail, enable the API, check the URL). No
message, log record or ``repr`` contains the key.

Writes (the facilitator's capture form), serialised by a lock in this process:

* ``append_row``: ``values:append`` with ``INSERT_ROWS`` and ``RAW`` (a story
  starting with ``=``, ``+``, ``-`` or ``@`` stays text), next free ID computed
  from the sheet as it is at write time.
* ``update_cells``: the row is found by its ID at write time, then pinned with
  *developer metadata* (which Google moves with the row on inserts, deletes and
  sorts); the row is re-read through that pin, each cell compared with the value
  the caller saw (``WriteConflict`` with both values otherwise), and the new
  values are written through the same pin with nulls for untouched cells, so a
  stakeholder inserting or sorting rows at that moment cannot make us write
  into someone else's row.
* ``assign_missing_ids``: same pinning; only empty ID cells are written.

The window that remains: the Sheets API has no conditional write, so a person
typing in *the very cell we write*, between our pinned re-read and our write
(one round trip, ~100-300 ms), is overwritten (last writer wins, as between two
people in the Google UI). A column inserted in that same round trip would shift
our write by one column. ``append_row`` computes the next ID then appends: a
person adding a row with the same ID in between gives a duplicate ID, which the
loader reports. Other processes writing to the same sheet are not serialised
with ours.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
import secrets as _secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import gspread
import requests
from gspread.exceptions import APIError
from gspread.urls import SPREADSHEETS_API_V4_BASE_URL

from crmcanvas.config import Settings
from crmcanvas.ids import next_id, next_ids
from crmcanvas.sources.a1 import A1Error, column_letters, parse_cells, parse_range, quoted
from crmcanvas.sources.base import (
    AppendResult,
    CellChange,
    Conflict,
    RawCanvas,
    RowNotFound,
    SourceError,
    UpdateResult,
    WriteConflict,
    match_titles,
)
from crmcanvas.sources.google_auth import DOC_HINT, ServiceAccount, build_session, find_service_account
from crmcanvas.sources.retry import RetryExhausted, RetryPolicy, describe
from crmcanvas.text import clean, fold, id_key

T = TypeVar("T")
log = logging.getLogger(__name__)

_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_GID = re.compile(r"^#?gid=(\d+)$")
_URL_GID = re.compile(r"[#?&]gid=(\d+)")
HEADER_SCAN_ROWS = 10
META_KEY = "crmcanvas.row"
MISSING_TAB_RECHECK = 60.0  # seconds between metadata re-reads while a wanted tab is missing


@dataclass(frozen=True)
class TabInfo:
    sheet_id: int
    title: str
    index: int
    rows: int
    columns: int


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


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _api_message(exc: BaseException) -> str:
    error = getattr(exc, "error", None)
    return str(error.get("message", "")) if isinstance(error, Mapping) else ""


def _transient(exc: BaseException) -> bool:
    """429, 5xx, timeouts, connection errors, and token-endpoint hiccups google-auth marks retryable."""
    if isinstance(exc, APIError):
        status = _status(exc)
        return status == 429 or (status is not None and status >= 500)
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return True
    from google.auth import exceptions as gauth

    if isinstance(exc, gauth.TransportError):
        return True
    return isinstance(exc, gauth.RefreshError) and bool(getattr(exc, "retryable", False))


def _only_quota(exc: BaseException) -> bool:
    """Errors after which a non-idempotent request surely did not happen."""
    return isinstance(exc, APIError) and _status(exc) == 429


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _norm_id(text: str) -> str:
    """How IDs are compared: "B12" == "b-012"; a non-ID-shaped value by its folded text."""
    return id_key(text) or fold(text)


def _row_of(a1: str) -> int:
    """Row number of the first cell of an A1 range echoed by Google (``'besoins'!A12:K12`` -> 12)."""
    parsed = parse_range(a1)
    cells = parsed.cells or (parse_cells(parsed.bare) if parsed.bare else None)
    if cells is None or cells.r1 is None:
        raise A1Error(a1)
    return cells.r1


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
        self._write_lock = threading.Lock()
        self._pin_key = f"{META_KEY}.{_secrets.token_hex(4)}"  # our own pins only: never another process's

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
        """One API call with bounded retries; every failure leaves as a French SourceError."""
        try:
            return self._retry.call(fn, _transient if idempotent else _only_quota, hint=_retry_after, what=what)
        except RetryExhausted as exc:
            raise SourceError(
                f"Google Sheets ne répond pas ({describe(exc.last)}) : {what} impossible après {exc.attempts} tentative(s).",
                suggestion="Le tableau de bord garde la dernière version lue et réessaiera tout seul. "
                "Si cela dure, vérifiez la connexion et le quota de l'API Google Sheets.",
                retryable=True,
            ) from None
        except APIError as exc:
            if _status(exc) == 400 and "Unable to parse range" in _api_message(exc):
                raise _RangeGone(
                    f"Onglet introuvable pendant : {what} (renommé ou supprimé ?). Google : {_api_message(exc)}",
                    suggestion="Actualisez le tableau de bord.",
                ) from None
            raise self._api_error(exc, what) from None
        except SourceError:
            raise
        except Exception as exc:
            if _transient(exc):  # a non-idempotent write hit a timeout/5xx: it may or may not have happened
                raise SourceError(
                    f"Google Sheets ne répond pas ({describe(exc)}) pendant : {what}.",
                    suggestion="Actualisez et vérifiez si la modification a été enregistrée avant de la refaire.",
                    retryable=True,
                ) from None
            from google.auth import exceptions as gauth

            if isinstance(exc, gauth.RefreshError):
                raise self._refused(what) from None
            raise

    def _who(self) -> str:
        return self.account.client_email if self.account else ""

    def _refused(self, what: str) -> SourceError:
        email = self._who()
        return SourceError(
            f"Google refuse la clé du compte de service « {email} » ({what} impossible).",
            suggestion="La clé a peut-être été supprimée dans la console Google Cloud, ou l'horloge de cette machine est "
            "décalée. Créez une nouvelle clé JSON et remplacez-la dans .streamlit/secrets.toml. " + DOC_HINT,
        )

    def _api_error(self, exc: APIError, what: str) -> SourceError:
        status = _status(exc)
        message = _api_message(exc)
        email = self._who()
        if status == 401:
            if not email:
                return SourceError("Google demande une authentification : aucun compte de service n'est configuré.",
                                   suggestion=DOC_HINT)
            return self._refused(what)
        if status == 403:
            if "has not been used" in message or "disabled" in message.lower():
                return SourceError(
                    "L'API Google Sheets n'est pas activée pour le projet Google Cloud du compte de service.",
                    suggestion="Console Google Cloud > API et services > Bibliothèque > « Google Sheets API » > Activer, "
                    "puis réessayez quelques minutes plus tard.",
                )
            if not email:
                return SourceError("Cette feuille n'est pas accessible sans compte de service.", suggestion=DOC_HINT)
            return SourceError(
                f"Le compte de service « {email} » n'a pas accès à cette feuille.",
                suggestion=f"Dans Google Sheets, cliquez sur « Partager » et ajoutez {email} avec le rôle Éditeur "
                "(Lecteur suffit pour afficher le tableau de bord sans rien écrire).",
            )
        if status == 404:
            return SourceError(
                f"Feuille Google introuvable : aucune feuille ne porte la clé « {self.key} ».",
                suggestion="Vérifiez l'URL : copiez-la depuis la barre d'adresse du navigateur "
                "(https://docs.google.com/spreadsheets/d/…/edit).",
            )
        return SourceError(f"Google Sheets a refusé la requête ({what}) : {message or status}.",
                           suggestion="Vérifiez les noms d'onglets et de colonnes dans la configuration.")

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
        except _RangeGone:
            tabs = self.tabs(refresh=True)
            found, missing = self._resolve(wanted, tabs)
            try:
                grids = self._batch_get(found)
            except _RangeGone as gone:
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
            self.key, list(ranges), params={"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}))
        value_ranges = answer.get("valueRanges") or []
        if len(value_ranges) != len(keys):
            raise SourceError("Réponse inattendue de Google Sheets (nombre de plages).", retryable=True)
        return {key: [[str(c) for c in row] for row in vr.get("values", [])] for key, vr in zip(keys, value_ranges, strict=True)}

    # ------------------------------------------------------------------ low-level reads for writes

    def _values(self, title: str) -> list[list[str]]:
        answer = self._call(f"lecture de l'onglet « {title} »", lambda: self._http.values_get(
            self.key, quoted(title), params={"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}))
        return [[str(c) for c in row] for row in answer.get("values", [])]

    def _locate(self, title: str, id_column: str | None, needed: Sequence[str]) -> tuple[int, list[str], dict[str, int], list[str]]:
        """(header row 0-based, header, folded header -> column, ID column by sheet row - 1), reading as little as possible.

        One request when the ID is in column A (the usual layout), two otherwise:
        the whole tab is never downloaded to write one row.
        """
        q = quoted(title)
        params = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}
        answer = self._call(f"lecture des en-têtes de « {title} »", lambda: self._http.values_batch_get(
            self.key, [f"{q}!1:{HEADER_SCAN_ROWS}", f"{q}!A:A"], params=dict(params)))
        value_ranges = answer.get("valueRanges") or [{}, {}]
        top = [[str(c) for c in row] for row in value_ranges[0].get("values", [])]
        h, columns = self._header(top, needed)
        if id_column is None:
            return h, top[h], columns, []
        idc = self._column(columns, id_column, title)
        column = value_ranges[1].get("values", [])
        if idc:
            letter = column_letters(idc + 1)
            column = self._call(f"lecture des ID de « {title} »", lambda: self._http.values_get(
                self.key, f"{q}!{letter}:{letter}", params=dict(params))).get("values", [])
        return h, top[h], columns, [str(row[0]) if row else "" for row in column]

    def _filter_get(self, filters: list[dict[str, Any]]) -> list[dict[str, Any]]:
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/values:batchGetByDataFilter"
        answer = self._call("relecture de la ligne", lambda: self._http.request("post", url, json={
            "dataFilters": json.loads(json.dumps(filters)), "majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE",
        }).json())
        return list(answer.get("valueRanges") or [])

    def _pin(self, tab: TabInfo, rows: Mapping[str, int]) -> None:
        """Attach our developer metadata to rows (value -> row number), dropping our older pins in the same call."""
        requests_: list[dict[str, Any]] = [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": self._pin_key}}}}]
        for value, row in rows.items():
            requests_.append({"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": self._pin_key, "metadataValue": value, "visibility": "DOCUMENT",
                "location": {"dimensionRange": {"sheetId": tab.sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}},
            }}})
        self._call("repérage de la ligne", lambda: self._http.batch_update(self.key, {"requests": json.loads(json.dumps(requests_))}))

    def _lookup(self, value: str) -> dict[str, Any]:
        return {"developerMetadataLookup": {"metadataKey": self._pin_key, "metadataValue": value}}

    def _write_pinned(self, data: list[tuple[str, list[Any]]]) -> dict[str, int]:
        """Write sparse rows through pins (value -> row values, None = untouched); returns value -> row written."""
        url = f"{SPREADSHEETS_API_V4_BASE_URL}/{self.key}/values:batchUpdateByDataFilter"
        body = {"valueInputOption": "RAW", "data": [{"dataFilter": self._lookup(v), "majorDimension": "ROWS", "values": [row]} for v, row in data]}
        answer = self._call("écriture", lambda: self._http.request("post", url, json=json.loads(json.dumps(body))).json())
        written: dict[str, int] = {}
        for response in answer.get("responses") or []:
            value = ((response.get("dataFilter") or {}).get("developerMetadataLookup") or {}).get("metadataValue")
            if value is not None and response.get("updatedRange"):
                written[str(value)] = _row_of(response["updatedRange"])
        return written

    @staticmethod
    def _header(rows: Sequence[Sequence[str]], needed: Sequence[str]) -> tuple[int, dict[str, int]]:
        """(0-based header row, folded header -> 0-based column): the row among the first ten naming the most needed columns."""
        wanted = [fold(n) for n in needed]
        best, best_hits = -1, 0
        for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
            folded = [fold(c) for c in row]
            hits = sum(1 for w in wanted if w in folded)
            if hits > best_hits:
                best, best_hits = i, hits
        if best < 0:
            raise SourceError(f"Colonne(s) {', '.join(repr(n) for n in needed)} introuvable(s) dans les {HEADER_SCAN_ROWS} premières lignes.",
                              suggestion="Vérifiez la ligne d'en-têtes de l'onglet.")
        columns: dict[str, int] = {}
        for j, cell in enumerate(rows[best]):
            columns.setdefault(fold(cell), j)
        return best, columns

    @staticmethod
    def _column(columns: Mapping[str, int], name: str, title: str) -> int:
        index = columns.get(fold(name))
        if index is None:
            raise SourceError(f"Colonne « {name} » introuvable dans l'onglet « {title} ».",
                              suggestion="Actualisez : l'en-tête a peut-être été renommé ou supprimé.")
        return index

    # ------------------------------------------------------------------ writes

    def _check(self, title: str, row_id: str, row: Sequence[str], columns: Mapping[str, int],
               changes: Sequence[CellChange]) -> dict[int, str]:
        """Raise WriteConflict unless every cell holds what the caller saw; else the cells to write (0-based column -> value)."""
        conflicts: list[Conflict] = []
        sparse: dict[int, str] = {}
        for change in changes:
            col = self._column(columns, change.column, title)
            actual = row[col] if col < len(row) else ""
            if clean(actual) != clean(change.expected):
                conflicts.append(Conflict(change.column, change.expected, actual, change.new))
            elif actual != change.new:
                sparse[col] = change.new
        if conflicts:
            raise WriteConflict(title, row_id, conflicts)
        return sparse

    def append_row(self, title: str, values: Mapping[str, str], *, id_column: str | None = None,
                   id_prefix: str | None = None) -> AppendResult:
        """Append one row (RAW, INSERT_ROWS); with id_column + id_prefix, the next free ID at write time."""
        with self._write_lock:
            self._tab(title)
            h, header, columns, ids = self._locate(title, id_column, [*values, *([id_column] if id_column else [])])
            row_id: str | None = None
            cells: dict[int, str] = {self._column(columns, name, title): clean(v) for name, v in values.items()}
            if id_column:
                idc = self._column(columns, id_column, title)
                if id_prefix and not cells.get(idc):
                    row_id = next_id(ids[h + 1:], id_prefix)
                    cells[idc] = row_id
                else:
                    row_id = cells.get(idc) or None
            width = max(cells) + 1 if cells else 0
            row = [cells.get(j, "") for j in range(width)]
            last = column_letters(max(width, len(header), 1))
            target = f"{quoted(title)}!A{h + 1}:{last}"
            answer = self._call(f"ajout d'une ligne dans « {title} »", lambda: self._http.values_append(
                self.key, target,
                params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS", "includeValuesInResponse": "false"},
                body={"majorDimension": "ROWS", "values": [list(row)]}), idempotent=False)
            updated = (answer.get("updates") or {}).get("updatedRange")
            if not updated:
                raise SourceError("Google Sheets n'a pas confirmé l'ajout de la ligne.",
                                  suggestion="Actualisez et vérifiez si la ligne a été ajoutée avant de recommencer.")
            return AppendResult(row=_row_of(updated), row_id=row_id)

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        """Write changes into the row with this ID, only if each cell still holds what the caller saw."""
        if not changes:
            raise SourceError("Aucune modification à écrire.")
        want = _norm_id(row_id)
        value = f"id:{want}"
        needed = [id_column, *(c.column for c in changes)]
        with self._write_lock:
            tab = self._tab(title)
            for _attempt in range(3):
                h, _, columns, ids = self._locate(title, id_column, needed)
                rows = [i + 1 for i, cell in enumerate(ids) if i > h and _norm_id(cell) == want]
                if not rows:
                    raise RowNotFound(f"Aucune ligne d'ID « {row_id} » dans l'onglet « {title} » : elle a peut-être été supprimée ou son ID changé.",
                                      suggestion="Actualisez le tableau de bord, puis refaites la modification.")
                if len(rows) > 1:
                    raise SourceError(f"L'ID « {row_id} » apparaît sur plusieurs lignes ({', '.join(map(str, rows))}) de l'onglet « {title} » : "
                                      "impossible de savoir laquelle modifier.",
                                      suggestion="Corrigez le doublon dans la feuille, puis réessayez.")
                self._pin(tab, {value: rows[0]})
                matched = self._filter_get([{"a1Range": f"{quoted(title)}!1:{HEADER_SCAN_ROWS}"}, self._lookup(value)])
                pinned = [m for m in matched if "developerMetadataLookup" in (m.get("dataFilters") or [{}])[0]]
                head = [m for m in matched if m not in pinned]
                if len(pinned) != 1 or not head:
                    continue  # the pinned row vanished (deleted in between): look again
                header_rows = [[str(c) for c in r] for r in (head[0].get("valueRange") or {}).get("values", [])]
                h, columns = self._header(header_rows, needed)
                idc = self._column(columns, id_column, title)
                current = [str(c) for c in ((pinned[0].get("valueRange") or {}).get("values") or [[]])[0]]
                if _norm_id(current[idc] if idc < len(current) else "") != want:
                    continue  # rows moved between our scan and the pin: the pin is on another row, look again
                break
            else:
                raise SourceError(f"La ligne « {row_id} » bouge sans cesse dans « {title} » (tri ou insertions en cours) : rien n'a été écrit.",
                                  suggestion="Réessayez dans quelques secondes.", retryable=True)
            sparse = self._check(title, row_id, current, columns, changes)
            row_number = _row_of(pinned[0]["valueRange"]["range"])
            if not sparse:
                return UpdateResult(row=row_number, updated=[])
            written = self._write_pinned([(value, [sparse.get(j) for j in range(max(sparse) + 1)])])
            if value not in written:
                raise RowNotFound(f"La ligne « {row_id} » a été supprimée pendant l'écriture : rien n'a été écrit.",
                                  suggestion="Actualisez le tableau de bord.")
            names = {self._column(columns, c.column, title): c.column for c in changes}
            return UpdateResult(row=written[value], updated=[names[j] for j in sorted(sparse)])

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        """Give rows with content but no ID the next free IDs; no other cell is written."""
        with self._write_lock:
            tab = self._tab(title)
            grid = self._values(title)
            h, columns = self._header(grid, [id_column])
            idc = self._column(columns, id_column, title)
            empty = [h + 2 + i for i, r in enumerate(grid[h + 1:])
                     if not clean(r[idc] if idc < len(r) else "") and any(clean(c) for c in r)]
            if not empty:
                return []
            existing = [r[idc] for r in grid[h + 1:] if idc < len(r)]
            new_ids = next_ids(existing, id_prefix, len(empty))
            plan = {f"new:{new_id}": row for new_id, row in zip(new_ids, empty, strict=True)}
            self._pin(tab, plan)
            matched = self._filter_get([{"a1Range": f"{quoted(title)}!1:{HEADER_SCAN_ROWS}"}, *(self._lookup(v) for v in plan)])
            head = next((m for m in matched if "a1Range" in (m.get("dataFilters") or [{}])[0]), None)
            header_rows = [[str(c) for c in r] for r in ((head or {}).get("valueRange") or {}).get("values", [])]
            h, columns = self._header(header_rows, [id_column])
            idc = self._column(columns, id_column, title)
            data: list[tuple[str, list[Any]]] = []
            for m in matched:
                lookup = (m.get("dataFilters") or [{}])[0].get("developerMetadataLookup")
                if not lookup:
                    continue
                row = [str(c) for c in ((m.get("valueRange") or {}).get("values") or [[]])[0]]
                row_number = _row_of(m["valueRange"]["range"])
                still_empty = not clean(row[idc] if idc < len(row) else "")
                if row_number > h + 1 and still_empty and any(clean(c) for c in row):
                    new_id = lookup["metadataValue"].removeprefix("new:")
                    data.append((lookup["metadataValue"], [None] * idc + [new_id]))
            if not data:
                return []
            written = self._write_pinned(data)
            return sorted((row, value.removeprefix("new:")) for value, row in written.items())


class _RangeGone(SourceError):
    """400 "Unable to parse range": a tab was renamed or deleted after the metadata was read."""


__all__ = ["GoogleSheetSource", "TabInfo", "parse_spreadsheet_spec", "version_of"]
