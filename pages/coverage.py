"""Coverage and traceability: what the sponsor reads — which stakes are served, by what, and the holes.

Every chart is sized for the mode (larger type on the wall) and laid out full width, so no label is cut at
1280×720; every choice has a key, so it survives the page's redraw when the canvas changes.
"""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.analysis.registry import gap
from crmcanvas.analysis.traceability import GROUPINGS, MATRICES, grouping_label
from crmcanvas.reports import charts
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import t

layout.page("coverage")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    size = widgets.chart_size()
    result = state.analysis(canvas, cfg)
    widgets.headline_metrics(result.metrics, lang, previous=state.previous_metrics(canvas, cfg))

    widgets.chart(state.figure(canvas, cfg, "coverage", lambda: charts.coverage_bar(result.coverage, lang=lang, size=size), size=size))

    group_by = st.segmented_control(t("coverage.group_by", lang), list(GROUPINGS), default="priorite", key="coverage_group_by",
                                    format_func=lambda key: grouping_label(key, lang)) or "priorite"
    sankey = result.sankey if group_by == result.sankey.group_by else state.sankey(canvas, cfg, group_by)
    counts = charts.sankey_counts(canvas, result.metrics)
    widgets.chart(state.figure(canvas, cfg, "sankey", lambda: charts.sankey_figure(sankey, lang=lang, size=size, counts=counts),
                               size=size, group_by=group_by))

    st.subheader(t("coverage.gaps", lang))
    widgets.chart(state.figure(canvas, cfg, "gaps", lambda: charts.gap_counts_bar(result.gaps, lang=lang, size=size), size=size))
    open_gaps = [(code, items) for code, items in result.gaps.items() if items]
    columns = st.columns(2)
    for i, (code, items) in enumerate(open_gaps):
        entry = gap(code)
        with columns[i % 2].expander(f"{md(entry.title(lang))} ({len(items)})"):
            st.caption(md(entry.advice(lang)))
            st.markdown(widgets.gap_list(items))

    st.subheader(t("coverage.matrices", lang))
    code = st.selectbox(t("coverage.matrix", lang), list(MATRICES), format_func=lambda k: MATRICES[k].title(lang),
                        key="coverage_matrix")
    matrix = MATRICES[code]
    labels = {tab: canvas.labels(tab) for tab in (matrix.rows, matrix.cols)}
    widgets.chart(state.figure(canvas, cfg, "matrix", lambda: charts.matrix_figure(code, result.matrices[code], labels, lang=lang, size=size),
                               size=size, code=code))

    st.subheader(t("coverage.zoom", lang))
    stakes = canvas.labels("enjeux")
    if stakes:
        stake = st.selectbox(t("coverage.stake", lang), list(stakes), format_func=lambda k: f"{k} · {stakes.get(k, k)}",
                             key="coverage_stake")
        widgets.stake_drilldown_view(state.drilldown(canvas, cfg, stake), lang)
