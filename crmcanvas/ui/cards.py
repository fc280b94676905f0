"""Bordered cards that printing keeps whole on one sheet of paper.

Streamlit 1.67 gives a bordered container no test id or attribute of its own,
so the print style cannot tell a card from any other block; but a container's
``key`` becomes a CSS class of the bordered block (``st-key-<key>``). Every card gets the key
``crm-card-<n>``, ``n`` counting the cards of the session's current run (the
page frame restarts the count, so a rerun gives each card the same key), and
:data:`crmcanvas.ui.style.COMMON` keeps ``[class*="st-key-crm-card-"]`` whole.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

PREFIX = "crm-card-"
_COUNT = "_crmcanvas_cards_this_run"


def new_run() -> None:
    """Restart the count (the page frame calls it at the top of every page run)."""
    st.session_state[_COUNT] = 0


def card(parent: Any = None) -> Any:
    """A bordered container in ``parent`` (a column; the page by default), keyed for the print style."""
    n = int(st.session_state.get(_COUNT, 0)) + 1  # a fragment's rerun goes on counting: keys stay unique
    st.session_state[_COUNT] = n
    return (parent if parent is not None else st).container(border=True, key=f"{PREFIX}{n}")
