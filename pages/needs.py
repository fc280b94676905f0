"""Needs: the backlog with its filters, each story split into rôle / action / bénéfice, the breakdown by
priority and status, and the needs that say almost the same thing, side by side."""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.analysis.backlog import filter_needs
from crmcanvas.reports import charts
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.views import needs
from crmcanvas.ui.views.common import computed, v

layout.page("needs")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    backlog = computed("backlog", canvas, cfg)
    if backlog.empty:
        st.info(v("needs.no_need", lang), icon=":material/checklist:")
    else:
        chosen = needs.filters(backlog, canvas, lang)
        shown = filter_needs(backlog, chosen)
        st.markdown(f"**{v('needs.shown', lang, shown=len(shown), total=len(backlog))}**")
        if shown.empty:
            st.info(v("needs.empty", lang), icon=":material/filter_alt_off:")
        else:
            needs.table(shown, lang)
            st.subheader(v("needs.story", lang))
            needs.story(shown, lang)
            st.subheader(v("needs.breakdown", lang))
            widgets.chart(charts.priority_status_bar(shown, lang=lang))

        st.subheader(v("needs.duplicates", lang))
        needs.duplicates(computed("duplicates", canvas, cfg), cfg.near_duplicate_threshold, lang)
