"""Stakeholders: who is missing around the table (roles nobody holds, roles that expressed no need,
departments absent), then people and roles department by department."""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.analysis.views import gaps_about
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.views import stakeholders
from crmcanvas.ui.views.common import computed, gap_cards, v

layout.page("stakeholders")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    st.subheader(v("stakeholders.gaps", lang))
    gap_cards(state.analysis(canvas, cfg).gaps, gaps_about("roles", "personnes"), lang)

    groups = computed("departments", canvas, cfg)
    if not groups:
        st.info(v("stakeholders.empty", lang), icon=":material/groups:")
    else:
        st.subheader(v("stakeholders.by_department", lang))
        widgets.chart(computed("departments_figure", canvas, cfg))
        stakeholders.departments(groups, lang)
