"""Overview: what the facilitator projects — the headline metrics, the tabs, the top gaps, the findings, the source.

Entry point of the dashboard (`streamlit run app.py`); other pages live in pages/.
Live: the page redraws itself when the canvas changes (see crmcanvas.ui.state.live_canvas).
Each block is one function of crmcanvas.ui.widgets, so a block can be added between two others.
"""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, modes, readiness, state, widgets
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import t
from crmcanvas.ui.pages import page

layout.page("overview")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    result = state.analysis(canvas, cfg)
    widgets.headline_metrics(result.metrics, lang, previous=state.previous_metrics(canvas, cfg))
    summary = state.since_last_week(canvas, cfg, result.metrics)
    if summary is not None:  # « ce qui a changé depuis la semaine dernière », for the sponsor first
        st.info(md(summary.summary(lang)), icon=":material/history:")
    widgets.tab_counts(canvas, lang)

    gaps, source = st.columns([3, 2], gap="large")
    with gaps:
        st.subheader(t("overview.top_gaps", lang))
        widgets.top_gaps(result.gaps, lang)
    with source:
        st.subheader(t("overview.source", lang))
        widgets.source_status(state.feed().state(), state.source_info(), lang, technical=modes.shows_findings())

    readiness.scorecard(result, lang)

    if modes.shows_findings():
        st.subheader(t("findings", lang))
        widgets.severity_counts(canvas, lang)
        widgets.latest_findings(canvas, lang)
        if canvas.findings:
            st.page_link(page("quality").path, label=t("overview.all_findings", lang), icon=":material/arrow_forward:",
                         query_params=modes.query_params())
