"""Coverage and traceability: what the sponsor reads — which stakes are served, by what, and the holes."""

import streamlit as st

from crmcanvas.analysis.gaps import GAPS
from crmcanvas.analysis.traceability import GROUPINGS, MATRICES
from crmcanvas.reports import charts
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import t
from crmcanvas.ui.widgets import in_language

layout.page("coverage")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    result = state.analysis(canvas, cfg)
    widgets.headline_metrics(result.metrics, lang)

    widgets.chart(in_language(charts.coverage_bar, result.coverage, lang=lang))

    group_by = st.segmented_control(t("coverage.group_by", lang), list(GROUPINGS), default="priorite",
                                    format_func=lambda key: widgets.column_label("besoins", key, lang)) or "priorite"
    sankey = result.sankey if group_by == result.sankey.group_by else state.sankey(canvas, cfg, group_by)
    widgets.chart(in_language(charts.sankey_figure, sankey, lang=lang))

    st.subheader(t("coverage.gaps", lang))
    left, right = st.columns([2, 3])
    widgets.chart(in_language(charts.gap_counts_bar, result.gaps, lang=lang), left)
    with right:
        for name, items in result.gaps.items():
            if items:
                label, advice = GAPS[name]
                with st.expander(f"{md(label)} ({len(items)})"):
                    st.caption(md(advice))
                    st.markdown(widgets.gap_list(items))

    st.subheader(t("coverage.matrices", lang))
    name = st.selectbox(t("coverage.matrix", lang), list(MATRICES), format_func=lambda k: widgets.matrix_label(k, lang))
    _, rows, cols, _ = MATRICES[name]
    labels = {tab: canvas.labels(tab) for tab in (rows, cols)}
    widgets.chart(in_language(charts.matrix_figure, name, result.matrices[name], labels, lang=lang))

    st.subheader(t("coverage.zoom", lang))
    stakes = canvas.labels("enjeux")
    if stakes:
        stake = st.selectbox(t("coverage.stake", lang), list(stakes), format_func=lambda k: f"{k} · {stakes[k]}")
        widgets.stake_drilldown_view(state.drilldown(canvas, cfg, stake), lang)
