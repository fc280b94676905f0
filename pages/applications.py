"""Applications: the inventory by status, which needs and data touch each, and the exchanges between them
as a network."""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.analysis.views import gaps_about
from crmcanvas.ui import layout, state, widgets
from crmcanvas.ui.views import applications
from crmcanvas.ui.views.common import computed, gap_cards, v

layout.page("applications")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    apps = computed("inventory", canvas, cfg)
    if not apps:
        st.info(v("applications.empty", lang), icon=":material/apps:")
    else:
        applications.counts(apps, lang)
        widgets.chart(computed("network_figure", canvas, cfg))

        st.subheader(v("applications.inventory", lang))
        applications.inventory(apps, canvas, lang)

        st.subheader(v("applications.zoom", lang))
        applications.zoom(apps, canvas, lang)

    st.subheader(v("applications.gaps", lang))
    gap_cards(state.analysis(canvas, cfg).gaps, gaps_about("applications"), lang, per_row=2)
