"""What went wrong talking to Google, and what the reader can do about it.

Three questions are answered here and nowhere else:

* is a failure worth retrying (429, 5xx, timeouts, connection errors: yes;
  401/403/404: no) — :func:`transient`;
* after a failure, may a *write* have happened anyway (a timeout, a dropped
  connection or a 5xx after the request left: yes; a 429: no, Google refused
  it before doing anything) — :func:`ambiguous`;
* what the reader is told: every text comes from the catalogue
  (``crmcanvas/i18n/google.toml``), worded for who reads it (the wall screen
  retries by itself, a one-shot command does not, a write is never redone
  behind the user's back). Messages name the service account's e-mail (the
  address the sheet must be shared with), never anything from its key, and
  never Google's HTML error pages.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests
from gspread.exceptions import APIError

from crmcanvas.i18n import Text, msg
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.google_auth import doc_hint
from crmcanvas.sources.retry import DeadlineExceeded, RetryExhausted


class RangeGone(SourceError):
    """400 "Unable to parse range": a tab was renamed or deleted after the metadata was read."""


class AmbiguousWrite(Exception):
    """A request that changes cells failed after leaving: Google may or may not have applied it."""

    def __init__(self, cause: BaseException, attempts: int = 1):
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.attempts = attempts


def status_of(exc: BaseException) -> int | None:
    """The HTTP status (from the response: gspread reports -1 for Google's HTML error pages)."""
    return getattr(getattr(exc, "response", None), "status_code", None)


def api_message(exc: BaseException) -> str:
    """Google's own error message; empty when Google sent an HTML page instead of JSON (a 502)."""
    error = getattr(exc, "error", None)
    text = str(error.get("message", "")) if isinstance(error, Mapping) else ""
    stripped = text.lstrip().lower()
    if stripped.startswith("<") or "<html" in stripped:
        return ""
    return text.strip()


def transient(exc: BaseException) -> bool:
    """429, 5xx, timeouts, connection errors, and token-endpoint hiccups google-auth marks retryable."""
    if isinstance(exc, APIError):
        status = status_of(exc)
        return status == 429 or (status is not None and status >= 500)
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return True
    from google.auth import exceptions as gauth

    if isinstance(exc, gauth.TransportError):
        return True
    return isinstance(exc, gauth.RefreshError) and bool(getattr(exc, "retryable", False))


def only_quota(exc: BaseException) -> bool:
    """Errors after which a non-idempotent request (an append) surely did not happen."""
    return isinstance(exc, APIError) and status_of(exc) == 429


def ambiguous(exc: BaseException) -> bool:
    """A transient failure after which a write may have happened (everything transient but a 429
    and a request never sent because the deadline had passed)."""
    return transient(exc) and not only_quota(exc) and not isinstance(exc, DeadlineExceeded)


def retry_after(exc: BaseException) -> float | None:
    """Google's ``Retry-After`` hint, in seconds, if it sent one."""
    response = getattr(exc, "response", None)
    value = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _seconds(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"{value:.1f}"


def cause(exc: BaseException, *, deadline: float | None = None, asked_wait: float | None = None) -> Text:
    """Why Google did not answer, short (the ``{cause}`` of a message)."""
    from google.auth import exceptions as gauth

    if isinstance(exc, gauth.TransportError) and exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]  # the token request's own failure, wrapped by google-auth
    status = status_of(exc)
    if status == 429:
        return msg("google.cause.quota_wait", seconds=_seconds(asked_wait)) if asked_wait else msg("google.cause.quota")
    if isinstance(status, int) and status != -1:
        return msg("google.cause.server", status=status)
    if isinstance(exc, DeadlineExceeded) or (deadline and isinstance(exc, requests.Timeout)):
        return msg("google.cause.deadline", seconds=_seconds(deadline)) if deadline else msg("google.cause.timeout")
    name = type(exc).__name__
    if "Timeout" in name:
        return msg("google.cause.timeout")
    if "Connection" in name or isinstance(exc, requests.ConnectionError):
        return msg("google.cause.connection")
    return msg("google.cause.other", name=name)


def unreachable(exhausted: RetryExhausted, what: Text, *, deadline: float | None, writing: bool) -> SourceError:
    """Every retry allowed failed. A read says the dashboard keeps the last version; a write says nothing was written."""
    why = cause(exhausted.last, deadline=deadline if exhausted.out_of_time else None, asked_wait=exhausted.asked_wait)
    if writing:
        return SourceError(msg("google.write_unreachable", cause=why, what=what, attempts=exhausted.attempts),
                           suggestion=msg("google.write_unreachable.hint"), retryable=True)
    return SourceError(msg("google.unreachable", cause=why, what=what, attempts=exhausted.attempts),
                       suggestion=msg("google.unreachable.hint"), retryable=True)


def uncertain_write(exc: BaseException, *, deadline: float | None = None) -> SourceError:
    """A write that may have landed: say so, and promise nothing automatic."""
    return SourceError(msg("google.write_uncertain", cause=cause(exc, deadline=deadline)),
                       suggestion=msg("google.write_uncertain.hint"), retryable=True)


def key_refused(email: str, what: Text) -> SourceError:
    return SourceError(msg("google.key_refused", email=email, what=what), suggestion=msg("google.key_refused.hint", doc=doc_hint()))


def api_error(exc: APIError, *, key: str, email: str, what: Text) -> SourceError:
    """A non-retryable answer from Google as a SourceError the facilitator can act on."""
    status = status_of(exc)
    message = api_message(exc)
    if status == 400 and "Unable to parse range" in message:
        return RangeGone(msg("google.range_gone", what=what, detail=message), suggestion=msg("google.range_gone.hint"))
    if status == 401:
        if not email:
            return SourceError(msg("google.no_account"), suggestion=doc_hint())
        return key_refused(email, what)
    if status == 403:
        if "has not been used" in message or "disabled" in message.lower():
            return SourceError(msg("google.api_disabled"), suggestion=msg("google.api_disabled.hint"))
        if not email:
            return SourceError(msg("google.not_public"), suggestion=doc_hint())
        return SourceError(msg("google.not_shared", email=email), suggestion=msg("google.not_shared.hint", email=email))
    if status == 404:
        return SourceError(msg("google.sheet_not_found", key=key), suggestion=msg("google.sheet_not_found.hint"))
    if "not supported for this document" in message:
        return SourceError(msg("google.xlsx_in_drive"), suggestion=msg("google.xlsx_in_drive.hint"))
    if status is not None and (status >= 500 or status == 429):
        return SourceError(msg("google.server_error", status=status, what=what), suggestion=msg("google.retry_later"), retryable=True)
    if status == 400 and message:
        return SourceError(msg("google.refused", what=what, detail=message.rstrip(".")), suggestion=msg("google.refused.hint"))
    return SourceError(msg("google.refused_status", what=what, status=status))


__all__ = [
    "AmbiguousWrite", "RangeGone", "ambiguous", "api_error", "api_message", "cause", "key_refused", "only_quota", "retry_after",
    "status_of", "transient", "uncertain_write", "unreachable",
]
