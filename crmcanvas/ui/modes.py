"""Who is looking: the wall (``?mode=projection``), the sponsor (``?vue=sponsor``) or a person at a desk.

The mode lives in the URL so a link says what it opens: the facilitator
bookmarks ``/?mode=projection`` for the projector, the sponsor receives
``/?vue=sponsor``. Both may be combined (the sponsor's pages on a wall).
Streamlit drops query parameters when the page changes, so every link and
every page switch of the frame passes :func:`query_params` along.

:func:`writes_allowed` is the one question a write widget asks before it is
drawn: the sponsor view is read-only whatever the configuration (the writes
code adds its own conditions — ``write_enabled``, an authorised user — on top).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from crmcanvas.ui.pages import PAGES, Page

WALL_PARAM, WALL_VALUE = "mode", "projection"
SPONSOR_PARAM, SPONSOR_VALUE = "vue", "sponsor"


@dataclass(frozen=True)
class Mode:
    wall: bool = False  # projected: no sidebar, no Streamlit chrome, large type
    sponsor: bool = False  # read-only, sponsor pages only, no data-quality noise

    @property
    def params(self) -> dict[str, str]:
        """The query parameters that keep this mode on the next page."""
        out: dict[str, str] = {}
        if self.wall:
            out[WALL_PARAM] = WALL_VALUE
        if self.sponsor:
            out[SPONSOR_PARAM] = SPONSOR_VALUE
        return out


def _value(name: str) -> str:
    try:
        return str(st.query_params.get(name, "")).strip().lower()
    except Exception:  # outside a script run (a library call in a test): no mode
        return ""


def current() -> Mode:
    """The mode the URL asks for (unknown values are ignored: an ordinary page)."""
    return Mode(wall=_value(WALL_PARAM) == WALL_VALUE, sponsor=_value(SPONSOR_PARAM) == SPONSOR_VALUE)


def query_params() -> dict[str, str]:
    return current().params


def is_wall() -> bool:
    return current().wall


def is_sponsor() -> bool:
    return current().sponsor


def writes_allowed() -> bool:
    """False in the sponsor view, always: no write widget is rendered there, whatever the config.

    Write widgets call this first, then check their own conditions (write_enabled, authorisation).
    """
    return not current().sponsor


def shows_findings() -> bool:
    """Lists of findings (data-quality noise) are left out of the sponsor view."""
    return not current().sponsor


def condition_met(name: str | None) -> bool:
    """A page's named condition (see :class:`~crmcanvas.ui.pages.Page`); an unknown name never holds."""
    if not name:
        return True
    from crmcanvas.ui import state

    checks = {"snapshots": state.has_snapshots}
    check = checks.get(name)
    return bool(check and check())


def visible(page: Page, mode: Mode | None = None) -> bool:
    """May this page be opened in ``mode``? (sponsor: its pages only; wall: pages meant for a wall)."""
    mode = mode or current()
    if mode.sponsor and not page.sponsor:
        return False
    if mode.wall and not page.wall:
        return False
    return not mode.sponsor or condition_met(page.sponsor_if)


def visible_pages(mode: Mode | None = None) -> list[Page]:
    mode = mode or current()
    return [p for p in PAGES if visible(p, mode)]


__all__ = ["Mode", "condition_met", "current", "is_sponsor", "is_wall", "query_params", "shows_findings", "visible",
           "visible_pages", "writes_allowed"]
