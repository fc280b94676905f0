"""Vue d'ensemble: what the facilitator projects — source, counts per tab, findings.

Entry point of the dashboard (`streamlit run app.py`); other pages live in pages/.
"""

import streamlit as st

from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.messages import t

layout.page("Vue d'ensemble")


@st.fragment(run_every=state.refresh_every())
def live_overview() -> None:
    canvas, cfg = state.current_canvas()
    if canvas is None:
        return
    widgets.source_banner(canvas, state.feed_error(), cfg.language)
    widgets.tab_counts(canvas)
    st.subheader(t("findings", cfg.language))
    widgets.severity_counts(canvas, cfg.language)
    if not canvas.findings:
        st.success(t("no_findings", cfg.language))


live_overview()
