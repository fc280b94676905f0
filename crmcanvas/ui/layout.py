"""Page frame shared by every script: wide layout and a sidebar menu, in the reader's language.

Streamlit runs a file of ``pages/`` on its own when its URL is opened
directly, so each page sets itself up through :func:`page` instead of relying
on ``app.py`` having run first.
"""

from __future__ import annotations

import streamlit as st

from crmcanvas.ui import state
from crmcanvas.ui.messages import t
from crmcanvas.ui.pages import PAGES


def page(key: str) -> str:
    """Set up the page ``key`` (overview, coverage, quality, tabs); returns the reader's language."""
    lang = state.language()
    title = t(f"pages.{key}", lang)
    app = t("app_title", lang)
    st.set_page_config(page_title=t("page_title", lang, title=title, app=app), page_icon=":material/hub:", layout="wide")
    with st.sidebar:
        st.markdown(f"### {app}")
        for entry in PAGES:
            st.page_link(entry.path, label=t(f"pages.{entry.key}", lang), icon=entry.icon)
    st.title(title)
    return lang
