"""Couverture et traçabilité: what the sponsor reads — which stakes are served, by what, and the holes."""

import streamlit as st

from crmcanvas.analysis.registry import gap
from crmcanvas.analysis.traceability import GROUPINGS, MATRICES, grouping_label, stake_drilldown
from crmcanvas.reports import charts
from crmcanvas.ui import layout, state, widgets

layout.page("Couverture et traçabilité")
canvas, cfg = state.current_canvas()
if canvas is not None:
    lang = cfg.language
    widgets.source_banner(canvas, state.feed_error(), lang)
    result = state.analysis(canvas, cfg)
    widgets.headline_metrics(result.metrics)

    widgets.chart(charts.coverage_bar(result.coverage, lang=lang))

    group_by = st.segmented_control("Regrouper les besoins par", list(GROUPINGS), default="priorite",
                                    format_func=lambda k: grouping_label(k, lang)) or "priorite"
    sankey = result.sankey if group_by == result.sankey.group_by else state.sankey(canvas, group_by)
    widgets.chart(charts.sankey_figure(sankey, lang=lang))

    st.subheader("Les trous du canevas")
    left, right = st.columns([2, 3])
    widgets.chart(charts.gap_counts_bar(result.gaps, lang=lang), left)
    with right:
        for code, items in result.gaps.items():
            if items:
                entry = gap(code)
                with st.expander(f"{entry.title(lang)} ({len(items)})"):
                    st.caption(entry.advice(lang))
                    st.markdown("\n".join(f"- **{i['id']}** {i['label'] if i['label'] != i['id'] else ''}" for i in items))

    st.subheader("Matrices de traçabilité")
    code = st.selectbox("Matrice", list(MATRICES), format_func=lambda k: MATRICES[k].title(lang))
    matrix = MATRICES[code]
    labels = {tab: canvas.labels(tab) for tab in (matrix.rows, matrix.cols)}
    widgets.chart(charts.matrix_figure(code, result.matrices[code], labels, lang=lang))

    st.subheader("Zoom sur un enjeu")
    stakes = canvas.labels("enjeux")
    if stakes:
        stake = st.selectbox("Enjeu", list(stakes), format_func=lambda k: f"{k} · {stakes[k]}")
        widgets.stake_drilldown_view(stake_drilldown(canvas, stake, lang))
