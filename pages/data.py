"""Data: the shared glossary as people read it (object, definition, attributes, owner, master application),
downloadable as Markdown and CSV, and its gaps."""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.analysis.views import gaps_about
from crmcanvas.ui import layout, state
from crmcanvas.ui.views import data
from crmcanvas.ui.views.common import computed, gap_cards, v

layout.page("data")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    entries = computed("glossary", canvas, cfg)
    found = state.analysis(canvas, cfg).gaps
    if not entries:
        st.info(v("data.empty", lang), icon=":material/menu_book:")
    else:
        data.downloads(entries, canvas.source, lang)
        shown = data.searched(entries, lang)
        if shown:
            data.cards(shown, found, lang)
        else:
            st.info(v("data.no_match", lang), icon=":material/search_off:")

    st.subheader(v("data.gaps", lang))
    gap_cards(found, gaps_about("donnees"), lang, per_row=2)
