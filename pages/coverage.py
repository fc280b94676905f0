"""Couverture et traçabilité: what the sponsor reads — which stakes are served, by what, and the holes."""

import streamlit as st

from crmcanvas.analysis.gaps import GAPS
from crmcanvas.analysis.traceability import GROUPINGS, MATRICES, stake_drilldown
from crmcanvas.reports import charts
from crmcanvas.ui import layout, state, widgets

layout.page("Couverture et traçabilité")
canvas, cfg = state.current_canvas()
if canvas is not None:
    widgets.source_banner(canvas, state.feed_error(), cfg.language)
    result = state.analysis(canvas, cfg)
    widgets.headline_metrics(result.metrics)

    widgets.chart(charts.coverage_bar(result.coverage))

    group_by = st.segmented_control("Regrouper les besoins par", list(GROUPINGS), default="priorite",
                                    format_func=GROUPINGS.get) or "priorite"
    sankey = result.sankey if group_by == result.sankey.group_by else state.sankey(canvas, group_by)
    widgets.chart(charts.sankey_figure(sankey))

    st.subheader("Les trous du canevas")
    left, right = st.columns([2, 3])
    widgets.chart(charts.gap_counts_bar(result.gaps), left)
    with right:
        for name, items in result.gaps.items():
            if items:
                label, advice = GAPS[name]
                with st.expander(f"{label} ({len(items)})"):
                    st.caption(advice)
                    st.markdown("\n".join(f"- **{i['id']}** {i['label'] if i['label'] != i['id'] else ''}" for i in items))

    st.subheader("Matrices de traçabilité")
    name = st.selectbox("Matrice", list(MATRICES), format_func=lambda k: MATRICES[k][0])
    _, rows, cols, _ = MATRICES[name]
    labels = {tab: canvas.labels(tab) for tab in (rows, cols)}
    widgets.chart(charts.matrix_figure(name, result.matrices[name], labels))

    st.subheader("Zoom sur un enjeu")
    stakes = canvas.labels("enjeux")
    if stakes:
        stake = st.selectbox("Enjeu", list(stakes), format_func=lambda k: f"{k} · {stakes[k]}")
        widgets.stake_drilldown_view(stake_drilldown(canvas, stake))
