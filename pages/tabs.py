"""Onglets du canevas: each tab as loaded (canonical columns first, unknown columns kept)."""

import streamlit as st

from crmcanvas.core.schema import TABS
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.messages import t

layout.page("Onglets du canevas")
canvas, cfg = state.current_canvas()
if canvas is not None:
    widgets.source_banner(canvas, state.feed_error(), cfg.language)
    key = st.radio(t("choose_tab", cfg.language), list(TABS), format_func=lambda k: f"{TABS[k].label} ({canvas.counts[k]})",
                   horizontal=True)
    st.dataframe(widgets.display_frame(canvas, key), hide_index=True, width="stretch")
