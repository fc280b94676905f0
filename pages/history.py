"""History & exports: the canvas as a snapshot zip, the metrics week after week, what changed since last week."""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.i18n import t
from crmcanvas.reports import history, snapshots, trend
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.escape import md

HEADLINE = ("enjeux_couverts_pct", "besoins_traces_pct", "besoins_qualifies_pct", "roles_actifs_pct")


layout.page("history")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    result = state.analysis(canvas, cfg)
    where = state.resolved()

    st.subheader(t("snapshots.page.export", lang))
    name = f"crmcanvas-{snapshots.week_of(snapshots.now_in(cfg))}.zip"
    st.download_button(t("snapshots.page.download", lang, name=name),
                       lambda: snapshots.download_zip(canvas, result, where), file_name=name, mime="application/zip",
                       icon=":material/download:")
    separator = t("snapshots.page.tab_separator", lang) if cfg.csv_separator == "tab" else cfg.csv_separator
    st.caption(t("snapshots.page.export_caption", lang, separator=separator,
                 bom=t("snapshots.page.bom" if cfg.csv_bom else "snapshots.page.no_bom", lang)))

    st.subheader(t("snapshots.page.trend", lang))
    past = state.history()
    if past.tab_error is not None:
        st.warning(t("snapshots.page.tab_error", lang, tab=md(cfg.history_tab), reason=widgets.error_text(past.tab_error, lang)[0]))
    if past.disagreements:
        moments = ", ".join(m.isoformat(timespec="minutes") for m in past.disagreements[:3])
        st.warning(t("snapshots.page.disagree", lang, tab=md(cfg.history_tab), count=len(past.disagreements), moments=moments))
    if not past.points:
        st.info(t("snapshots.page.no_history", lang, tab=md(cfg.history_tab or "historique")), icon=":material/schedule:")
    else:
        codes = list(snapshots.scalar_metrics(result.metrics))
        chosen = st.multiselect(t("snapshots.page.metrics_pick", lang), codes, default=[c for c in HEADLINE if c in codes],
                                format_func=lambda code: history.metric_label(code, lang))
        widgets.chart(trend.trend_figure(past.points, chosen, lang))
        if len(past.points) == 1:
            st.caption(t("snapshots.page.one_point", lang, week=past.points[0].week))
        st.caption(t("snapshots.page.where", lang, count=len(past.points), dir=md(cfg.snapshot_dir), tab=md(cfg.history_tab or "—"),
                     folders=sum(p.folder is not None for p in past.points), rows=sum(p.in_tab for p in past.points)))

    st.subheader(t("snapshots.page.since", lang))
    found = state.since_last_week(canvas, cfg, result.metrics)
    if found is None:
        st.info(t("snapshots.page.no_baseline", lang), icon=":material/history:")
    else:
        st.markdown(f"**{md(found.summary(lang))}**")
        if not found.rows_compared:
            st.caption(t("snapshots.page.rows_unknown", lang, tab=md(cfg.history_tab)))
        for tab, lines in history.change_details(found, lang).items():
            with st.expander(md(tab)):
                st.markdown("\n".join(f"- {md(line)}" for line in lines))
