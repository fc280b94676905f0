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
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from google.auth.transport.requests import AuthorizedSession, Request

from crmcanvas.sources.base import SourceError

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
SHEETS_API = "https://sheets.googleapis.com"
TOKEN_URI = "https://oauth2.googleapis.com/token"
SERVICE_ACCOUNT_FIELDS = (
    "type", "project_id", "private_key_id", "private_key", "client_email", "client_id", "auth_uri", "token_uri",
    "auth_provider_x509_cert_url", "client_x509_cert_url", "universe_domain",
)
DOC_HINT = "Voir docs/google-sheets.md (compte de service, clé JSON, partage de la feuille)."


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
            raise SourceError(
                f"La clé du compte de service « {self.client_email} » ({self.origin}) est illisible.",
                suggestion="Recopiez le champ private_key du fichier JSON tel quel (avec les lignes BEGIN/END PRIVATE KEY). " + DOC_HINT,
            ) from None


def _get(mapping: Any, key: str) -> Any:
    """``mapping[key]`` or None, for dicts and st.secrets (which raises its own errors when absent)."""
    try:
        return mapping.get(key) if mapping is not None else None
    except Exception:  # st.secrets raises when no secrets file exists at all
        return None


def local_secrets(cwd: Path | None = None, home: Path | None = None) -> dict[str, Any] | None:
    """``.streamlit/secrets.toml`` of the working directory, else of the home directory (CLI use)."""
    for base in (cwd or Path.cwd(), home or Path.home()):
        path = base / ".streamlit" / "secrets.toml"
        if path.is_file():
            try:
                return tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise SourceError(
                    f"{path} n'est pas un TOML lisible ({type(exc).__name__}).",
                    suggestion="Vérifiez les guillemets : private_key se colle entre triples guillemets \"\"\"…\"\"\" ou avec des \\n. " + DOC_HINT,
                ) from None
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
        raise SourceError(
            f"{origin} : type « {kind} » non pris en charge ; crmcanvas a besoin d'un compte de service (type = \"service_account\").",
            suggestion=DOC_HINT,
        )
    missing = [k for k in ("client_email", "private_key") if k not in info]
    if missing:
        raise SourceError(f"{origin} : champ(s) manquant(s) {', '.join(missing)} dans la clé du compte de service.", suggestion=DOC_HINT)
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
    if secrets is None:
        secrets = local_secrets(cwd, home)
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
        raise SourceError(f"{origin} : fichier illisible ({exc.strerror or type(exc).__name__}).",
                          suggestion="Vérifiez le chemin du fichier JSON de la clé, ou retirez la variable. " + DOC_HINT) from None
    except ValueError:
        raise SourceError(f"{origin} : ce n'est pas un fichier JSON de clé de compte de service.", suggestion=DOC_HINT) from None
    if not isinstance(data, dict):
        raise SourceError(f"{origin} : ce n'est pas un fichier JSON de clé de compte de service.", suggestion=DOC_HINT)
    return _account(data, origin)


def spreadsheet_from_secrets(secrets: Mapping[str, Any] | None) -> str | None:
    """``spreadsheet = "<url>"`` of ``[connections.gsheets]`` (st-gsheets-connection layout), if any."""
    value = _get(_get(_get(secrets, "connections"), "gsheets"), "spreadsheet")
    return str(value).strip() or None if value else None


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


class _Routed:
    """Mixin: rewrite Google URLs to the endpoint and give every request a timeout."""

    endpoint: str | None = None
    timeout: float = 20.0

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, route(url, self.endpoint), *args, **kwargs)  # type: ignore[misc]


class RoutedSession(_Routed, requests.Session):
    """Anonymous session (no credentials: the stand-in in ``auth="open"`` mode)."""

    def __init__(self, endpoint: str | None, timeout: float):
        super().__init__()
        self.endpoint, self.timeout = endpoint, timeout


class RoutedAuthorizedSession(_Routed, AuthorizedSession):
    """google-auth session: fetches and refreshes the access token itself (token calls routed too)."""

    def __init__(self, credentials: Any, endpoint: str | None, timeout: float):
        token_session = RoutedSession(endpoint, timeout)
        super().__init__(credentials, refresh_timeout=timeout, auth_request=Request(token_session))
        self.endpoint, self.timeout = endpoint, timeout


def build_session(account: ServiceAccount | None, *, endpoint: str | None, timeout: float) -> requests.Session:
    """The session gspread will use. Without an account only an endpoint override makes sense."""
    if account is None:
        return RoutedSession(endpoint, timeout)
    return RoutedAuthorizedSession(account.credentials(), endpoint, timeout)


__all__ = [
    "SCOPES", "RoutedAuthorizedSession", "RoutedSession", "ServiceAccount", "build_session",
    "find_service_account", "local_secrets", "route", "spreadsheet_from_secrets",
]
