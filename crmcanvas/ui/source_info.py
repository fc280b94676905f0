"""What can be told about the source without a secret: its kind, the sheet's address, the account to share it with.

Pure functions of a source object (no Streamlit), for the Connexion page, the
wall's QR code and the report. Never a key, a token or a private field: only
the service account's e-mail, which is exactly what a person types into
Google's « Partager » dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SHEET_URL = "https://docs.google.com/spreadsheets/d/{key}/edit"

Kind = Literal["google", "workbook", "demo", "other"]


@dataclass(frozen=True)
class SourceInfo:
    kind: Kind
    description: str  # sheet text may be in it (a file name, a sheet title): escape before drawing
    sheet_url: str | None = None  # a Google Sheet's address, for people (never the API endpoint)
    account_email: str | None = None  # the service account to share the sheet with
    path: str | None = None  # a local workbook
    endpoint: str | None = None  # another Sheets API server (stand-in, offline demo)
    requests_last_read: int | None = None  # HTTP requests the last read made (Google only)


def kind_of(source: object) -> Kind:
    name = type(source).__name__
    if name == "GoogleSheetSource":
        return "google"
    if name == "WorkbookSource":
        return "workbook"
    if name == "DemoSource":
        return "demo"
    return "other"


def sheet_url(source: object) -> str | None:
    """``https://docs.google.com/spreadsheets/d/<key>/edit`` for a Google Sheet, else None."""
    key = getattr(source, "key", None) if kind_of(source) == "google" else None
    return SHEET_URL.format(key=key) if isinstance(key, str) and key else None


def describe(source: object, requests: object = None) -> SourceInfo:
    """What can be told about ``source``; ``requests``: HTTP requests of the feed's last canvas read."""
    kind = kind_of(source)
    try:
        description = str(source.description)  # type: ignore[attr-defined]
    except Exception:  # a description must never break a page
        description = type(source).__name__
    account = getattr(source, "account", None) if kind == "google" else None
    settings = getattr(source, "settings", None)
    path = getattr(source, "path", None) if kind == "workbook" else None
    requests = requests if kind == "google" else None
    return SourceInfo(
        kind=kind,
        description=description,
        sheet_url=sheet_url(source),
        account_email=getattr(account, "client_email", None) or None,
        path=str(Path(path).resolve()) if path is not None else None,
        endpoint=getattr(settings, "sheets_endpoint", None) if kind == "google" else None,
        requests_last_read=requests if isinstance(requests, int) else None,
    )
