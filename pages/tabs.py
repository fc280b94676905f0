"""Canvas tabs: each tab as loaded (the sheet's own headers, unknown columns kept)."""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.core.schema import TABS
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.messages import t

layout.page("tabs")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    key = st.radio(t("choose_tab", lang), list(TABS), format_func=lambda k: f"{TABS[k].label_in(lang)} ({canvas.counts[k]})",
                   horizontal=True, key="tabs_tab")
    st.dataframe(widgets.display_frame(canvas, key, lang), hide_index=True, width="stretch")
