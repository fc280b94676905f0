"""The stand-in's HTTP face: Google Sheets API v4 routes, faults on demand, a request log.

Tests and offline demos point the real gspread client at it (``sheets_endpoint``).
It binds 127.0.0.1 only. Besides the Sheets routes it answers ``POST /token``
like Google's OAuth endpoint, so a service-account key can be exercised end to
end without the internet (the token only proves who is calling; no signature is
checked).

Hooks for tests:

* ``fail(status, times=…, match=…)``, ``delay(seconds, …)``, ``drop(…)``: the
  next matching requests answer 429/5xx, wait, or lose the connection (token
  requests only when ``match`` names them, e.g. ``match="token"``);
* ``log`` / ``count(kind)``: every request, in arrival order, with its kind
  (``metadata``, ``values.batchGet``, ``values.append``…);
* ``on_request``: a function called with each request before it is served, so
  a test can act "as a stakeholder" exactly between two of the app's requests;
* ``watch(path)``: serve a workbook and re-read it whenever the file changes on
  disk, so a live edit can be rehearsed offline by editing the file.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from crmcanvas.standin.model import ApiError, Store, not_found

log = logging.getLogger(__name__)

_ERRORS = {
    400: ("Request contains an invalid argument.", "INVALID_ARGUMENT"),
    401: ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
          "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
          "UNAUTHENTICATED"),
    403: ("The caller does not have permission", "PERMISSION_DENIED"),
    404: ("Requested entity was not found.", "NOT_FOUND"),
    429: ("Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service "
          "'sheets.googleapis.com' for consumer 'project_number:000000000000'.", "RESOURCE_EXHAUSTED"),
    500: ("Internal error encountered.", "INTERNAL"),
    503: ("The service is currently unavailable.", "UNAVAILABLE"),
    504: ("The service is currently unavailable.", "DEADLINE_EXCEEDED"),
}
_HTML_502 = (b"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>"
             b"<p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error and could not "
             b"complete your request.<p>Please try again in 30 seconds. <ins>That's all we know.</ins></html>")


@dataclass
class LoggedRequest:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    body: Any
    kind: str
    spreadsheet_id: str | None = None
    range: str | None = None
    status: int | None = None  # filled once answered
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Watched:
    """A workbook served as a spreadsheet, and the file state it was last read at."""

    path: Path
    spreadsheet_id: str
    loader: Callable[[Path], Mapping[str, Sequence[Sequence[Any]]]]
    stamp: tuple[int, int] | None = None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@dataclass
class Fault:
    status: int | None = None  # answer this status instead of serving
    times: int | None = 1  # None: every matching request
    match: re.Pattern[str] | None = None  # searched in "METHOD kind path"
    latency: float = 0.0
    drop: bool = False  # close the connection without answering
    retry_after: float | None = None
    message: str | None = None  # instead of Google's usual message for that status

    def applies(self, request: LoggedRequest) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        return self.match is None or bool(self.match.search(f"{request.method} {request.kind} {request.path}"))


def _kind(method: str, parts: Sequence[str], action: str | None) -> str:
    """Name the call the way the Sheets API reference does ("values.batchGet")."""
    if not parts:
        return "unknown"
    if len(parts) == 1:
        if action == "batchUpdate":
            return "batchUpdate"
        return "metadata" if method == "GET" and action is None else "unknown"
    if parts[1].startswith("values:"):
        return "values." + parts[1].split(":", 1)[1]
    if parts[1] == "values" and len(parts) == 3:
        if action:
            return "values." + action
        return {"GET": "values.get", "PUT": "values.update"}.get(method, "unknown")
    return "unknown"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body leave in two writes: without this, 40 ms delayed-ACK stalls
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        log.debug("stand-in: " + format, *args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload: Any = None, raw: bytes | None = None, content_type: str = "application/json; charset=UTF-8",
              headers: Mapping[str, str] | None = None, pretty: bool = True) -> None:
        """Answer; JSON is indented like Google's unless the request said ``prettyPrint=false`` (a standard
        parameter of every Google API, worth it for large answers such as grid data)."""
        if raw is not None:
            data = raw
        elif pretty:
            data = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        else:
            data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout): nothing to tell
            self.close_connection = True

    def _serve(self, method: str) -> None:
        standin = self.server.standin
        split = urlsplit(self.path)
        raw_body = self._read_body()
        query = parse_qs(split.query, keep_blank_values=True)
        if split.path == "/token" and method == "POST":
            request = LoggedRequest(method, "/token", query, None, "token")
            standin._record(request)
            if not self._faulty(standin._take_fault(request, named_only=True), token=True):
                self._token(raw_body, request)
            return
        body: Any = None
        if raw_body:
            try:
                body = json.loads(raw_body)
            except ValueError:
                body = None
        raw_parts = [p for p in split.path.split("/") if p]
        if raw_parts[:2] != ["v4", "spreadsheets"] or len(raw_parts) < 3:
            request = LoggedRequest(method, unquote(split.path), query, body, "unknown")
            standin._record(request)
            self._error(request, not_found())
            return
        parts = raw_parts[2:]
        action = None
        last = parts[-1]
        if ":" in last:
            head, tail = last.rsplit(":", 1)
            if len(parts) == 1 or tail in {"append", "clear"}:
                parts = [*parts[:-1], head]
                action = tail
        decoded = [unquote(p) for p in parts]
        standin._reload_changed()
        kind = _kind(method, decoded, action)
        request = LoggedRequest(method, unquote(split.path), query, body, kind, decoded[0],
                                decoded[2] if len(decoded) == 3 else None)
        standin._record(request)
        if standin.on_request is not None:
            try:
                standin.on_request(request)
            except Exception as exc:  # a broken test hook must not look like a server answer
                standin.hook_errors.append(exc)
                log.exception("stand-in on_request hook failed")
        if self._faulty(standin._take_fault(request), request=request):
            return
        denied = standin._check_auth(self.headers.get("Authorization"), decoded[0])
        if denied is not None:
            self._error(request, denied)
            return
        try:
            answer = self._dispatch(method, kind, decoded, query, body)
        except ApiError as exc:
            self._error(request, exc)
            return
        except Exception:  # a stand-in bug: answer like Google's 500, and say so in the log
            log.exception("stand-in failed on %s %s", method, split.path)
            self._error(request, ApiError(500, "Internal error encountered.", "INTERNAL"))
            return
        request.status = 200
        self._send(200, answer, pretty=(query.get("prettyPrint") or ["true"])[-1].lower() != "false")

    def _faulty(self, fault: Fault | None, request: LoggedRequest | None = None, token: bool = False) -> bool:
        """Play an injected fault; True when it answered (or dropped) the request instead of serving it."""
        if fault is None:
            return False
        if fault.latency:
            time.sleep(fault.latency)
        if fault.drop:
            if request is not None:
                request.status = 0
            self.close_connection = True
            self.connection.shutdown(2)
            return True
        if fault.status is None:
            return False
        if request is not None:
            request.status = fault.status
        headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
        if token:  # the OAuth endpoint's own error shape
            self._send(fault.status, {"error": "internal_failure", "error_description": fault.message or "Injected error."},
                       headers=headers)
        elif fault.status == 502:
            self._send(502, raw=_HTML_502, content_type="text/html; charset=UTF-8", headers=headers)
        else:
            message, status = _ERRORS.get(fault.status, ("Injected error.", "UNKNOWN"))
            assert request is not None
            self._error(request, ApiError(fault.status, fault.message or message, status), headers)
        return True

    def _error(self, request: LoggedRequest, exc: ApiError, headers: Mapping[str, str] | None = None) -> None:
        request.status = exc.code
        self._send(exc.code, exc.body(), headers=headers)

    def _dispatch(self, method: str, kind: str, parts: list[str], query: dict[str, list[str]], body: Any) -> Any:
        store = self.server.standin.store
        sid = parts[0]
        body = body if isinstance(body, dict) else {}

        def one(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[-1]

        major = one("majorDimension", "ROWS") or "ROWS"
        render = one("valueRenderOption", "FORMATTED_VALUE") or "FORMATTED_VALUE"
        include = one("includeValuesInResponse").lower() == "true"
        if kind == "metadata":
            return store.metadata(sid, query)
        if kind == "batchUpdate" and method == "POST":
            return store.batch_update(sid, body)
        if kind == "values.batchGet" and method == "GET":
            return store.values_batch_get(sid, query.get("ranges") or [], major, render)
        if kind == "values.batchUpdate" and method == "POST":
            return store.values_batch_update(sid, body)
        if kind == "values.batchGetByDataFilter" and method == "POST":
            return store.batch_get_by_data_filter(sid, body)
        if kind == "values.batchUpdateByDataFilter" and method == "POST":
            return store.batch_update_by_data_filter(sid, body)
        if kind == "values.batchClear" and method == "POST":
            return {"spreadsheetId": sid, "clearedRanges": [store.values_clear(sid, r)["clearedRange"] for r in body.get("ranges") or []]}
        if kind == "values.get":
            return store.values_get(sid, parts[2], major, render)
        if kind == "values.update":
            return store.values_update(sid, parts[2], body, one("valueInputOption"), include)
        if kind == "values.append" and method == "POST":
            return store.values_append(sid, parts[2], body, one("valueInputOption"), one("insertDataOption", "OVERWRITE") or "OVERWRITE", include)
        if kind == "values.clear" and method == "POST":
            return store.values_clear(sid, parts[2])
        store.spreadsheet(sid)  # 404 for an unknown spreadsheet first, as Google does
        raise not_found()

    def _token(self, raw_body: bytes, request: LoggedRequest) -> None:
        form = parse_qs(raw_body.decode("utf-8", "replace"))
        assertion = (form.get("assertion") or [""])[0]
        try:
            payload = assertion.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            email = str(claims["iss"])
        except (IndexError, ValueError, KeyError):
            request.status = 400
            self._send(400, {"error": "invalid_grant", "error_description": "Invalid JWT: bad assertion."})
            return
        standin = self.server.standin
        if email in standin.rejected_accounts:
            request.status = 400
            self._send(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
            return
        token = standin._issue_token(email)
        request.status = 200
        self._send(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    standin: StandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("stand-in: connection from %s ended abruptly", client_address, exc_info=True)


class StandIn:
    """A local Sheets API v4 server over in-memory spreadsheets. Use as a context manager.

    ``auth="open"`` accepts any caller (the offline demo); ``auth="required"``
    wants a bearer token from ``/token`` whose account the spreadsheet is
    shared with (see :meth:`share`), answering 401/403 like Google otherwise.
    """

    def __init__(self, *, port: int = 0, auth: str = "open", seed: int = 0):
        if auth not in {"open", "required"}:
            raise ValueError("auth must be 'open' or 'required'")
        self.store = Store(seed)
        self.auth = auth
        self.port = port
        self.log: list[LoggedRequest] = []
        self.on_request: Callable[[LoggedRequest], None] | None = None
        self.hook_errors: list[BaseException] = []
        self.rejected_accounts: set[str] = set()
        self._tokens: dict[str, str] = {}
        self._faults: list[Fault] = []
        self._watched: list[_Watched] = []
        self._watch_lock = threading.Lock()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> StandIn:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.standin = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sheets-stand-in", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StandIn:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        """The base URL to give ``sheets_endpoint`` (``http://127.0.0.1:PORT``)."""
        return f"http://127.0.0.1:{self.port}"

    # ---------------------------------------------------------------- content

    def add_spreadsheet(self, tabs: Mapping[str, Sequence[Sequence[Any]]], **kw: Any) -> str:
        """Create a spreadsheet (tab title -> grid); returns its ID. See :meth:`Store.add_spreadsheet`."""
        return self.store.add_spreadsheet(tabs, **kw)

    def watch(self, path: str | Path, spreadsheet_id: str | None = None,
              loader: Callable[[Path], Mapping[str, Sequence[Sequence[Any]]]] | None = None) -> str:
        """Serve the workbook at ``path`` and re-read it whenever the file changes; returns the spreadsheet ID.

        The file is checked (one ``stat``) as each request arrives, so an edit
        saved in Excel or LibreOffice shows at the dashboard's next refresh. A
        file caught half-written is tried again at the next request. Writes made
        over the API live in memory until the file changes again.
        """
        if loader is None:
            from crmcanvas.standin.xlsx import load_xlsx

            loader = load_xlsx
        where = Path(path)
        stamp = _stamp(where)
        tabs = loader(where)
        if spreadsheet_id is not None and spreadsheet_id in self.store.spreadsheets:
            self.store.replace_tabs(tabs, spreadsheet_id)
            sid = spreadsheet_id
        else:
            sid = self.store.add_spreadsheet(tabs, spreadsheet_id=spreadsheet_id)
        with self._watch_lock:
            self._watched.append(_Watched(where, sid, loader, stamp))
        return sid

    def _reload_changed(self) -> None:
        with self._watch_lock:
            for item in self._watched:
                stamp = _stamp(item.path)
                if stamp is None or stamp == item.stamp:
                    continue
                try:
                    tabs = item.loader(item.path)
                except Exception as exc:  # saved half-way, or not a workbook for a moment: try at the next request
                    log.warning("stand-in: cannot re-read %s yet (%s)", item.path, type(exc).__name__)
                    continue
                self.store.replace_tabs(tabs, item.spreadsheet_id)
                item.stamp = stamp
                log.info("stand-in: %s changed on disk, re-read (%d tabs)", item.path, len(tabs))

    def url(self, spreadsheet_id: str | None = None, gid: int | None = None) -> str:
        """The docs.google.com URL a user would paste for this spreadsheet."""
        sid = spreadsheet_id or self.store.default_id
        return f"https://docs.google.com/spreadsheets/d/{sid}/edit" + (f"#gid={gid}" if gid is not None else "")

    def share(self, email: str, spreadsheet_id: str | None = None) -> None:
        self.store.share(email, spreadsheet_id)

    def __getattr__(self, name: str) -> Any:
        # Stakeholder helpers and readers (set_cell, insert_row, sort_rows, grid, cell...) live on the store.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.store, name)

    # ---------------------------------------------------------------- faults

    def fail(self, status: int, times: int | None = 1, match: str | None = None, retry_after: float | None = None,
             message: str | None = None) -> None:
        """The next ``times`` matching requests (None: all) answer ``status`` (429, 500, 502, 503...) instead of being served."""
        self._add(Fault(status=status, times=times, match=re.compile(match) if match else None, retry_after=retry_after,
                        message=message))

    def delay(self, seconds: float, times: int | None = None, match: str | None = None) -> None:
        """Matching requests wait ``seconds`` before being served (a slow or hanging Google)."""
        self._add(Fault(times=times, match=re.compile(match) if match else None, latency=seconds))

    def drop(self, times: int | None = 1, match: str | None = None) -> None:
        """Matching requests lose their connection without an answer."""
        self._add(Fault(times=times, match=re.compile(match) if match else None, drop=True))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, request: LoggedRequest, *, named_only: bool = False) -> Fault | None:
        """The first fault for this request; ``named_only``: only faults whose ``match`` names it (token requests)."""
        with self._lock:
            for fault in self._faults:
                if named_only and fault.match is None:
                    continue
                if fault.applies(request):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
            return None

    # ---------------------------------------------------------------- log

    def _record(self, request: LoggedRequest) -> None:
        with self._lock:
            self.log.append(request)

    def requests(self, kind: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.log if kind is None or r.kind == kind]

    def count(self, kind: str | None = None) -> int:
        return len(self.requests(kind))

    def writes(self) -> list[LoggedRequest]:
        """Requests that can change a spreadsheet."""
        return [r for r in self.requests() if r.method in {"POST", "PUT"} and r.kind not in {"token", "values.batchGetByDataFilter"}]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # ---------------------------------------------------------------- auth

    def _issue_token(self, email: str) -> str:
        with self._lock:
            token = f"ya29.stand-in-{len(self._tokens) + 1}"
            self._tokens[token] = email
            return token

    def _check_auth(self, header: str | None, spreadsheet_id: str) -> ApiError | None:
        if self.auth == "open":
            return None
        token = (header or "").removeprefix("Bearer ").strip()
        with self._lock:
            email = self._tokens.get(token)
        if email is None:
            return ApiError(401, _ERRORS[401][0], _ERRORS[401][1])
        ss = self.store.spreadsheets.get(spreadsheet_id)
        if ss is None:
            return None  # the route answers 404
        if email not in ss.shared_with:
            return ApiError(403, _ERRORS[403][0], _ERRORS[403][1])
        return None

    def revoke_tokens(self) -> None:
        """Forget every issued token (callers get 401 until they fetch a new one)."""
        with self._lock:
            self._tokens.clear()


__all__ = ["Fault", "LoggedRequest", "StandIn"]
