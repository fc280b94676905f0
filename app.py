"""Overview: what the facilitator projects — source, counts per tab, findings.

Entry point of the dashboard (`streamlit run app.py`); other pages live in pages/.
The whole page is live: it reruns every `refresh_seconds` on its own.
"""

import streamlit as st

from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.messages import t

layout.page("overview")


@st.fragment(run_every=state.refresh_every())
def live_overview() -> None:
    canvas, cfg = state.live_canvas(watch=False)
    if canvas is None:
        return
    lang = cfg.language
    widgets.tab_counts(canvas, lang)
    st.subheader(t("findings", lang))
    widgets.severity_counts(canvas, lang)
    if not canvas.findings:
        st.success(t("no_findings", lang))


live_overview()
