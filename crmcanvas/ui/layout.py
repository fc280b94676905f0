"""Page frame shared by every script: wide layout, the mode's CSS, a sidebar menu, in the reader's language.

Streamlit runs a file of ``pages/`` on its own when its URL is opened
directly, so each page sets itself up through :func:`page` instead of relying
on ``app.py`` having run first.

The frame follows the mode of the URL (:mod:`crmcanvas.ui.modes`): the
sidebar lists the pages the mode may show, each link carrying the mode's
query parameters; the wall has no sidebar but a QR code of the sheet and,
when configured, rotates; a page the mode does not show says so and links
back to the overview instead of drawing anything.
"""

from __future__ import annotations

import streamlit as st

from crmcanvas.core.config import ConfigError, Settings
from crmcanvas.ui import cards, modes, state, style, wall
from crmcanvas.ui.messages import t
from crmcanvas.ui.pages import PAGES
from crmcanvas.ui.pages import page as page_entry


def _settings() -> Settings | None:
    try:
        return state.settings()
    except ConfigError:
        return None  # the page itself shows what is wrong


def page(key: str) -> str:
    """Set up the page ``key`` (a key of :data:`~crmcanvas.ui.pages.PAGES`); returns the reader's language."""
    lang = state.language()
    mode = modes.current()
    cards.new_run()
    title = t(f"pages.{key}", lang)
    app = t("app_title", lang)
    st.set_page_config(page_title=t("page_title", lang, title=title, app=app), page_icon=":material/hub:", layout="wide",
                       initial_sidebar_state="collapsed" if mode.wall else "auto")
    style.apply(mode)
    if not mode.wall:
        sidebar(mode, lang)
    if not modes.visible(page_entry(key), mode):
        st.title(title)
        st.info(t("modes.not_in_view", lang), icon=":material/visibility_off:")
        st.page_link(PAGES[0].path, label=t(f"pages.{PAGES[0].key}", lang), icon=PAGES[0].icon, query_params=mode.params)
        st.stop()
    cfg = _settings()
    if mode.wall:
        wall_header(title, lang)
    else:
        st.title(title)
    if cfg is not None:
        wall.rotate(key, cfg, mode)
    return lang


def sidebar(mode: modes.Mode, lang: str) -> None:
    with st.sidebar:
        st.markdown(f"### {t('app_title', lang)}")
        if mode.sponsor:
            st.caption(t("modes.sponsor_caption", lang))
        for entry in modes.visible_pages(mode):
            st.page_link(entry.path, label=t(f"pages.{entry.key}", lang), icon=entry.icon, query_params=mode.params)


def wall_header(title: str, lang: str) -> None:
    """The wall's title row: the page title, and the QR code of the sheet when it is a Google Sheet."""
    from crmcanvas.ui.source_info import sheet_url

    live = state.feed_or_none()
    url = sheet_url(live.source) if live is not None else None
    if url is None:
        st.title(title)
        return
    left, right = st.columns([8, 1], vertical_alignment="center")
    left.title(title)
    right.image(wall.qr_png(url), caption=t("wall.qr_caption", lang), width="stretch")
