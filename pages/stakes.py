"""Stakes: one card per stake, readable from the back of the room, and the drill-down to what serves it.

Part of the sponsor's read-only view: this page renders no write widget.
"""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, state
from crmcanvas.ui.views import stakes
from crmcanvas.ui.views.common import computed, v

layout.page("stakes")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    cards = computed("stake_cards", canvas, cfg)
    if not cards:
        st.info(v("stakes.empty", lang), icon=":material/flag:")
    else:
        stakes.counts(cards, lang)
        stakes.cards(cards, lang)

        st.subheader(v("stakes.drilldown", lang))
        stake = stakes.pick(cards, lang)
        if stake is not None:
            stakes.drilldown(state.drilldown(canvas, cfg, stake), lang)
