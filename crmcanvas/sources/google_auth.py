"""Where the Google service account comes from, and the HTTP session that carries it.

Credentials are looked for in this order (the first found wins):

1. Streamlit secrets ``[connections.gsheets]``: the layout st-gsheets-connection
   users already have (service-account fields + ``spreadsheet = "<url>"``);
2. Streamlit secrets ``[gcp_service_account]``;
3. the JSON key file named by ``GOOGLE_APPLICATION_CREDENTIALS``.

Outside Streamlit (the CLI) the secrets are read from ``.streamlit/secrets.toml``
in the working directory, then ``~/.streamlit/secrets.toml``, so that
``crmcanvas check <url>`` works with the same file as the app.

The private key never leaves this module in any printable form:
:class:`ServiceAccount` hides it from ``repr`` and every error message names
only the account's e-mail and where it was found.

:func:`build_session` returns the ``requests`` session gspread uses: it applies
``settings.request_timeout`` to every request (gspread sets none) and, when
``settings.sheets_endpoint`` is set, sends the Sheets API and token calls to
that base URL instead of Google (the local stand-in, an offline demo).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from google.auth.transport.requests import AuthorizedSession, Request

from crmcanvas.i18n import Text, msg
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.retry import http_timeout

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
SHEETS_API = "https://sheets.googleapis.com"
TOKEN_URI = "https://oauth2.googleapis.com/token"
SERVICE_ACCOUNT_FIELDS = (
    "type", "project_id", "private_key_id", "private_key", "client_email", "client_id", "auth_uri", "token_uri",
    "auth_provider_x509_cert_url", "client_x509_cert_url", "universe_domain",
)


def doc_hint() -> Text:
    """« See docs/google-sheets.md … », the end of every credentials hint."""
    return msg("google.doc_hint")


@dataclass(frozen=True)
class ServiceAccount:
    """A service-account key and where it was found. ``repr`` shows the e-mail only."""

    client_email: str
    origin: str  # "secrets [connections.gsheets]", "GOOGLE_APPLICATION_CREDENTIALS (/path)"…
    info: Mapping[str, Any] = field(repr=False, compare=False)

    def __repr__(self) -> str:
        return f"ServiceAccount(client_email={self.client_email!r}, origin={self.origin!r})"

    def credentials(self) -> Any:
        """google-auth credentials for the Sheets scope; a French SourceError if the key is unreadable."""
        from google.oauth2 import service_account

        try:
            return service_account.Credentials.from_service_account_info(dict(self.info), scopes=list(SCOPES))
        except (ValueError, KeyError, TypeError):
            raise SourceError(msg("google.key_unreadable", email=self.client_email, origin=self.origin),
                              suggestion=msg("google.key_unreadable.hint", doc=doc_hint())) from None


def _get(mapping: Any, key: str) -> Any:
    """``mapping[key]`` or None, for dicts and st.secrets (which raises its own errors when absent)."""
    try:
        return mapping.get(key) if mapping is not None else None
    except Exception:  # st.secrets raises when no secrets file exists at all
        return None


def _account(section: Any, origin: str) -> ServiceAccount | None:
    if section is None:
        return None
    info = {k: _get(section, k) for k in SERVICE_ACCOUNT_FIELDS}
    info = {k: str(v) for k, v in info.items() if v not in (None, "")}
    if "private_key" not in info and "client_email" not in info:
        return None  # e.g. a section holding only `spreadsheet = "<url>"`
    kind = info.get("type", "service_account")
    if kind != "service_account":
        raise SourceError(msg("google.account_type", origin=origin, kind=kind), suggestion=doc_hint())
    missing = [k for k in ("client_email", "private_key") if k not in info]
    if missing:
        raise SourceError(msg("google.account_fields", origin=origin, fields=", ".join(missing)), suggestion=doc_hint())
    key = info["private_key"]
    if "\\n" in key and "\n" not in key:  # pasted with literal \n inside a TOML literal string
        info["private_key"] = key.replace("\\n", "\n")
    info.setdefault("type", "service_account")
    info.setdefault("token_uri", TOKEN_URI)
    return ServiceAccount(info["client_email"], origin, info)


def find_service_account(
    secrets: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    cwd: Path | None = None,
    home: Path | None = None,
) -> ServiceAccount | None:
    """The first service account found (see module docstring), or None."""
    environ = os.environ if environ is None else environ
    if secrets is None:  # a caller outside the dashboard: Streamlit's secrets files, read as the CLI reads them
        from crmcanvas.core.config import read_local_secrets

        secrets, _ = read_local_secrets(cwd or Path.cwd(), home or Path.home())
    found = _account(_get(_get(secrets, "connections"), "gsheets"), "secrets [connections.gsheets]")
    if found is None:
        found = _account(_get(secrets, "gcp_service_account"), "secrets [gcp_service_account]")
    if found is not None:
        return found
    path = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if not path:
        return None
    origin = f"GOOGLE_APPLICATION_CREDENTIALS ({path})"
    try:
        data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(msg("google.key_file_unreadable", origin=origin, error=exc.strerror or type(exc).__name__),
                          suggestion=msg("google.key_file_unreadable.hint", doc=doc_hint())) from None
    except ValueError:
        raise SourceError(msg("google.key_file_not_json", origin=origin), suggestion=doc_hint()) from None
    if not isinstance(data, dict):
        raise SourceError(msg("google.key_file_not_json", origin=origin), suggestion=doc_hint())
    return _account(data, origin)


def route(url: str, endpoint: str | None) -> str:
    """Send Google's Sheets API and token URLs to ``endpoint`` when one is configured."""
    if not endpoint:
        return url
    base = endpoint.rstrip("/")
    if url.startswith(SHEETS_API):
        return base + url[len(SHEETS_API):]
    if url.startswith(TOKEN_URI):
        return base + "/token" + url[len(TOKEN_URI):]
    return url


def on_this_machine(endpoint: str | None) -> bool:
    """True when ``endpoint`` is a loopback address (the local stand-in, a rehearsal or the tests)."""
    host = urlsplit(endpoint).hostname if endpoint else None
    return host in ("localhost", "127.0.0.1", "::1")


class _Routed:
    """Mixin: rewrite Google URLs to the endpoint and give every request a timeout within the current deadline.

    Token requests go through here too, so fetching an access token counts
    against the same deadline as the call that needed it. An endpoint on this
    machine is never reached through the proxy of ``HTTPS_PROXY``/``HTTP_PROXY``
    (a corporate proxy cannot reach our loopback), so the environment (proxies,
    ``~/.netrc``) is not consulted: requests would re-read it at every call.
    """

    endpoint: str | None = None
    timeout: float = 20.0

    def _route_to(self, endpoint: str | None, timeout: float) -> None:
        self.endpoint, self.timeout = endpoint, timeout
        if on_this_machine(endpoint):
            self.trust_env = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = http_timeout(kwargs.get("timeout"), self.timeout)
        return super().request(method, route(url, self.endpoint), *args, **kwargs)  # type: ignore[misc]


class RoutedSession(_Routed, requests.Session):  # type: ignore[misc]  # _Routed narrows request()'s signature on purpose
    """Anonymous session (no credentials: the stand-in in ``auth="open"`` mode)."""

    def __init__(self, endpoint: str | None, timeout: float):
        super().__init__()
        self._route_to(endpoint, timeout)


class TokenSession(RoutedSession):
    """The session token requests go through: a 429/5xx from the token endpoint is raised at once.

    google-auth would otherwise retry it itself, sleeping 1 then 2 s whatever
    time is left; raised, it becomes a ``TransportError`` that our bounded,
    deadline-aware retry handles like any other transient failure.
    """

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        if response.status_code == 429 or response.status_code >= 500:
            raise requests.HTTPError(f"token endpoint answered {response.status_code}", response=response)
        return response


class RoutedAuthorizedSession(_Routed, AuthorizedSession):
    """google-auth session: fetches and refreshes the access token itself (token calls routed too)."""

    def __init__(self, credentials: Any, endpoint: str | None, timeout: float):
        token_session = TokenSession(endpoint, timeout)
        super().__init__(credentials, refresh_timeout=timeout, auth_request=Request(token_session))
        self._route_to(endpoint, timeout)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        # Fetch a missing or expired token first, so the call's own timeout is computed from the
        # time left *after* it (google-auth would fetch it inside, under a timeout computed before).
        if not self.credentials.valid:
            self.credentials.before_request(self._auth_request, method, url, {})
        return super().request(method, url, *args, **kwargs)


def build_session(account: ServiceAccount | None, *, endpoint: str | None, timeout: float) -> requests.Session:
    """The session gspread will use. Without an account only an endpoint override makes sense."""
    if account is None:
        return RoutedSession(endpoint, timeout)
    return RoutedAuthorizedSession(account.credentials(), endpoint, timeout)


__all__ = [
    "SCOPES", "RoutedAuthorizedSession", "RoutedSession", "ServiceAccount", "build_session", "doc_hint",
    "find_service_account", "route",
]
