"""Connexion: where the canvas is read from, when it was last read, why it is stale, whom to share the sheet with.

Never a secret: the service account is shown by its e-mail only (what Google's « Partager » dialog asks for).
"""

from datetime import UTC, datetime

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import t

lang = layout.page("connection")
canvas, cfg = state.live_canvas()
live = state.feed_or_none()
if cfg is not None and live is not None:
    info = state.source_info()
    current = live.state()
    now = datetime.now(UTC)
    st.subheader(t("connection.source", lang))
    st.markdown(t(f"connection.kind.{info.kind}", lang, source=md(info.description)))
    if info.sheet_url:
        st.markdown(t("connection.sheet_url", lang, url=md(info.sheet_url)))
    if info.path:
        st.markdown(t("connection.path", lang, path=md(info.path)))
    if info.endpoint:
        st.markdown(t("connection.endpoint", lang, endpoint=md(info.endpoint)))

    st.subheader(t("connection.reads", lang))
    a, b, c = st.columns(3)
    a.metric(t("connection.last_read", lang), widgets.clock_text(current.synced_at) if current.synced_at else "—",
             help=t("connection.last_read_help", lang), border=True)
    b.metric(t("connection.refresh", lang), t("age.seconds", lang, n=cfg.refresh_seconds), help=t("connection.refresh_help", lang),
             border=True)
    c.metric(t("connection.requests", lang), "—" if info.requests_last_read is None else info.requests_last_read,
             help=t("connection.requests_help", lang), border=True)
    if current.stale_since is not None:
        st.warning(widgets.stale_text(current, now, lang), icon=":material/pause_circle:")
    elif current.error is not None:
        st.error(widgets.error_text(current.error, lang)[0])
    else:
        st.success(t("connection.fresh", lang), icon=":material/check_circle:")
    st.caption(t("connection.counters", lang, reads=live.reads, rebuilds=live.rebuilds))

    if info.kind == "google":
        st.subheader(t("connection.share", lang))
        if info.account_email:
            st.markdown(t("connection.share_with", lang))
            st.code(info.account_email, language=None)
        else:
            st.info(t("connection.no_account", lang), icon=":material/info:")
