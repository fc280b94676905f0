"""The wall: the QR code of the sheet and the rotation through chosen pages.

The QR code is made with ``segno`` (pure Python) as a PNG, only when the
source is a Google Sheet: participants scan it and edit the sheet on their
phones. The rotation (``wall_rotate_seconds`` > 0) moves to the next page of
``wall_pages`` (default: every wall page) after that many seconds, keeping the
mode in the URL.
"""

from __future__ import annotations

import io
import time
from functools import lru_cache

import streamlit as st

from crmcanvas.core.config import Settings
from crmcanvas.ui.modes import Mode, visible
from crmcanvas.ui.pages import PAGES, Page

_ROTATION = "_crmcanvas_rotation"  # session state: (page key, monotonic time the page was first shown)


@lru_cache(maxsize=8)
def qr_png(url: str, scale: int = 6) -> bytes:
    """The QR code of ``url`` as a PNG (dark modules on white, a quiet zone of two modules)."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    return out.getvalue().decode("utf-8")


def rotation_pages(cfg: Settings, mode: Mode) -> list[Page]:
    """The pages the wall rotates through: ``wall_pages`` in that order (unknown or hidden keys left
    out), or every page the wall may show when the list is empty or names none of them."""
    shown = [p for p in PAGES if visible(p, mode)]
    by_key = {p.key: p for p in shown}
    chosen = [by_key[k] for k in cfg.wall_pages if k in by_key]
    return chosen or shown


def next_page(order: list[Page], current: str) -> Page | None:
    """The page after ``current`` in the rotation (the first one when ``current`` is not in it); None: stay."""
    keys = [p.key for p in order]
    if current not in keys:
        return order[0] if order else None
    return order[(keys.index(current) + 1) % len(order)] if len(order) > 1 else None


def rotate(current: str, cfg: Settings, mode: Mode) -> None:
    """Move to the next page after ``wall_rotate_seconds`` (wall mode only; 0 = never)."""
    seconds = cfg.wall_rotate_seconds
    if not mode.wall or seconds <= 0:
        return
    target = next_page(rotation_pages(cfg, mode), current)
    if target is None:
        return
    shown = st.session_state.get(_ROTATION)
    if not shown or shown[0] != current:  # a rerun of the same page (a new canvas) keeps its clock
        st.session_state[_ROTATION] = (current, time.monotonic())

    def tick() -> None:
        _, since = st.session_state.get(_ROTATION, (current, time.monotonic()))
        if time.monotonic() - since >= seconds - 0.5:
            st.session_state.pop(_ROTATION, None)
            st.switch_page(target.path, query_params=mode.params)

    st.fragment(tick, run_every=min(float(seconds), 2.0))()
