"""Page frame shared by every script: wide layout and a French sidebar menu.

Streamlit runs a file of ``pages/`` on its own when its URL is opened
directly, so each page sets itself up through :func:`page` instead of relying
on ``app.py`` having run first.
"""

from __future__ import annotations

import streamlit as st

PAGES = (
    ("app.py", "Vue d'ensemble", ":material/dashboard:"),
    ("pages/coverage.py", "Couverture et traçabilité", ":material/account_tree:"),
    ("pages/quality.py", "Qualité des données", ":material/health_and_safety:"),
    ("pages/tabs.py", "Onglets du canevas", ":material/table_view:"),
)


def page(title: str) -> None:
    st.set_page_config(page_title=f"{title} · Canevas Systémique", page_icon=":material/hub:", layout="wide")
    with st.sidebar:
        st.markdown("### Canevas Systémique")
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
    st.title(title)
