"""Who may write to the sheet from the dashboard, and the widgets that let them in.

Writes exist only when every condition holds (:func:`can_write`): the
``write_enabled`` setting, a source that can be written (not the demo), a view
that is not the sponsor's (``?vue=sponsor`` is read-only whatever the config),
and an authorised reader:

* when the secrets configure an OIDC provider (Streamlit's ``[auth]`` table),
  through ``st.login``: a signed-in reader whose e-mail is listed in
  ``[crmcanvas_auth] writers`` (an address, or ``@domain.org`` for a whole
  domain); nobody when the list is absent, since a Google or Microsoft login
  alone proves only that someone has an account;
* otherwise through the facilitator's passcode, ``[crmcanvas_auth] passcode``
  in the secrets (never in ``config/canvas.toml`` nor the environment, which
  other people and logs see). It is compared in constant time (SHA-256 digests
  through :func:`hmac.compare_digest`, so not even its length leaks), never
  logged, and attempts are rate-limited per session (5 failures: 60 s) and for
  the whole server (20 failures in 10 min: 5 min for everyone), so opening new
  sessions does not buy more guesses. A session stays unlocked until « Verrouiller »
  or until the passcode changes in the secrets.

Otherwise no write widget is drawn at all; the capture page alone may say, in
one discreet caption, why and how to enable writing.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from crmcanvas.core.config import Settings
from crmcanvas.i18n import t
from crmcanvas.sources import is_writable
from crmcanvas.ui import state

AUTH_TABLE = "crmcanvas_auth"
SPONSOR = ("vue", "sponsor")
_UNLOCKED = "crmcanvas_writer"  # session_state: digest of the passcode that unlocked this session
_THROTTLE = "crmcanvas_passcode_throttle"


# ---------------------------------------------------------------------- rate limiting (pure)


class Throttle:
    """After ``limit`` failures within ``window`` seconds, no attempt for ``lockout`` seconds after the last one.

    Thread-safe: the server-wide throttle is shared by every session.
    """

    def __init__(self, limit: int, window: float, lockout: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.lockout = limit, window, lockout
        self._clock = clock
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._failures and now - self._failures[0] > max(self.window, self.lockout):
            self._failures.popleft()

    def wait(self) -> float:
        """Seconds before the next attempt may be checked (0: now)."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            recent = [f for f in self._failures if now - f <= self.window]
            if len(recent) < self.limit:
                return 0.0
            return max(0.0, self._failures[-1] + self.lockout - now)

    def failed(self) -> None:
        with self._lock:
            now = self._clock()
            self._prune(now)
            self._failures.append(now)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


def session_throttle() -> Throttle:
    return Throttle(limit=5, window=300, lockout=60)


@st.cache_resource(show_spinner=False)
def server_throttle() -> Throttle:
    """One for the whole server: a guesser opening new sessions meets it."""
    return Throttle(limit=20, window=600, lockout=300)


def digest(passcode: str) -> bytes:
    return hashlib.sha256(passcode.encode("utf-8")).digest()


def passcode_matches(given: str, expected: str) -> bool:
    """Constant time, length included; an empty expected passcode matches nothing."""
    return bool(expected) and hmac.compare_digest(digest(given), digest(expected))


# ---------------------------------------------------------------------- what the secrets say (pure)


def auth_table(secrets: Mapping[str, Any]) -> Mapping[str, Any]:
    table = secrets.get(AUTH_TABLE) if secrets else None
    return table if isinstance(table, Mapping) else {}


def configured_passcode(secrets: Mapping[str, Any]) -> str:
    value = auth_table(secrets).get("passcode")
    return value if isinstance(value, str) else ""


def oidc_provider(secrets: Mapping[str, Any]) -> tuple[bool, str | None]:
    """(an OIDC provider is configured, its name for ``st.login``: None for the default one)."""
    auth = secrets.get("auth") if secrets else None
    if not isinstance(auth, Mapping):
        return False, None
    wanted = auth_table(secrets).get("provider")
    if isinstance(wanted, str) and isinstance(auth.get(wanted), Mapping):
        return True, wanted
    if "client_id" in auth and "server_metadata_url" in auth:
        return True, None
    named = [name for name, value in auth.items() if isinstance(value, Mapping) and "client_id" in value]
    return (True, named[0]) if named else (False, None)


def is_writer(email: str | None, writers: object) -> bool:
    """The address is listed in ``writers``, itself or by its domain (``@asso.org``)."""
    if not email or not isinstance(writers, list | tuple):
        return False
    address = email.strip().casefold()
    domain = "@" + address.rsplit("@", 1)[-1]
    allowed = {str(w).strip().casefold() for w in writers}
    return address in allowed or domain in allowed


# ---------------------------------------------------------------------- conditions


def sponsor_view() -> bool:
    """The read-only sponsor view (``?vue=sponsor``): no write widget, whatever the config."""
    from crmcanvas.ui import modes

    return modes.is_sponsor()


def source_writable(source: object | None = None) -> bool:
    if source is None:
        try:
            source = state.feed().source
        except Exception:  # noqa: BLE001 - a broken setting or source: nothing to write to
            return False
    return is_writable(source)


def writes_offered(cfg: Settings | None, source: object | None = None) -> bool:
    """Writing is switched on for this view and source (the reader may still have to sign in)."""
    return bool(cfg and cfg.write_enabled) and not sponsor_view() and source_writable(source)


def authorised() -> bool:
    """The reader may write: signed in and listed (OIDC), else this session entered the current passcode."""
    secrets = state.secrets()
    configured, _ = oidc_provider(secrets)
    if configured:
        user = _user()
        return bool(user.get("is_logged_in")) and is_writer(user.get("email"), auth_table(secrets).get("writers"))
    expected = configured_passcode(secrets)
    unlocked = st.session_state.get(_UNLOCKED)
    return bool(expected) and isinstance(unlocked, bytes) and hmac.compare_digest(unlocked, digest(expected))


def can_write(cfg: Settings | None, source: object | None = None) -> bool:
    """Every write widget is drawn only when this is True (see the module docstring)."""
    return writes_offered(cfg, source) and authorised()


def _user() -> Mapping[str, Any]:
    try:
        return st.user.to_dict()
    except Exception:  # noqa: BLE001 - no auth configured or no session: nobody is signed in
        return {}


# ---------------------------------------------------------------------- widgets


def gate(cfg: Settings | None, lang: str, *, explain: bool = False, source: object | None = None) -> bool:
    """Draw what lets the reader in (sign-in or passcode) and return whether they may write now.

    ``explain``: say in one caption why writing is off (the capture page); elsewhere, stay silent.
    """
    if cfg is None or sponsor_view():
        return False
    if not cfg.write_enabled:
        if explain:
            st.caption(t("capture.off", lang))
        return False
    if not source_writable(source):
        if explain:
            st.caption(t("capture.not_writable", lang))
        return False
    secrets = state.secrets()
    configured, provider = oidc_provider(secrets)
    if configured:
        return _oidc_gate(secrets, provider, lang)
    if not configured_passcode(secrets):
        if explain:
            st.caption(t("capture.no_passcode", lang))
        return False
    if authorised():
        if st.button(t("capture.lock", lang), icon=":material/lock:", key="crmcanvas_lock", type="tertiary"):
            st.session_state.pop(_UNLOCKED, None)
            st.rerun()
        return True
    if explain:
        st.caption(t("capture.locked", lang))
    _passcode_form(configured_passcode(secrets), lang)
    return False


def _oidc_gate(secrets: Mapping[str, Any], provider: str | None, lang: str) -> bool:
    user = _user()
    if not user.get("is_logged_in"):
        if not _authlib_installed():
            st.caption(t("capture.authlib_missing", lang))
            return False
        if st.button(t("capture.login", lang), icon=":material/login:", key="crmcanvas_login"):
            st.login(provider) if provider else st.login()
        return False
    who = str(user.get("email") or user.get("name") or "")
    if not is_writer(user.get("email"), auth_table(secrets).get("writers")):
        st.caption(t("capture.not_a_writer", lang, who=who))
        return False
    if st.button(t("capture.logout", lang, who=who), icon=":material/logout:", key="crmcanvas_logout", type="tertiary"):
        st.logout()
    return True


def _authlib_installed() -> bool:
    try:
        from streamlit.auth_util import is_authlib_installed

        return bool(is_authlib_installed())
    except Exception:  # noqa: BLE001 - a Streamlit without the helper
        return False


def _passcode_form(expected: str, lang: str) -> None:
    mine: Throttle = st.session_state.setdefault(_THROTTLE, session_throttle())
    everyone = server_throttle()
    narrow, _ = st.columns([2, 3])
    with narrow.form("crmcanvas_unlock", clear_on_submit=True, border=False):
        given = st.text_input(t("capture.passcode", lang), type="password", key="crmcanvas_passcode",
                              help=t("capture.passcode_help", lang))
        submitted = st.form_submit_button(t("capture.unlock", lang), icon=":material/lock_open:")
    if not submitted:
        return
    wait = max(mine.wait(), everyone.wait())
    if wait > 0:  # refused without even being compared
        st.error(t("capture.too_many_attempts", lang, seconds=int(wait) + 1))
        return
    if passcode_matches(given or "", expected):
        mine.reset()
        st.session_state[_UNLOCKED] = digest(expected)
        st.rerun()
    mine.failed()
    everyone.failed()
    wait = max(mine.wait(), everyone.wait())
    st.error(t("capture.too_many_attempts", lang, seconds=int(wait) + 1) if wait > 0 else t("capture.wrong_passcode", lang))


__all__ = ["AUTH_TABLE", "Throttle", "authorised", "can_write", "configured_passcode", "gate", "is_writer", "oidc_provider",
           "passcode_matches", "sponsor_view", "writes_offered"]
