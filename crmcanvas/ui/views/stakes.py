"""The Enjeux page's pieces: a count row, one card per stake, the drill-down picker.

Read-only by design (the sponsor view shows this page): nothing here writes.
Sheet text is escaped with :func:`~crmcanvas.ui.escape.md`; the coloured chips
hold only our own words and numbers.
"""

from __future__ import annotations

import streamlit as st

from crmcanvas.analysis.stake_cards import StakeCard
from crmcanvas.core.schema import value_label
from crmcanvas.reports.charts import priority_name
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import header, pair, v

CHIP_COLOURS = {"must": "red", "should": "orange", "could": "blue", "sans_priorite": "gray"}
IMPORTANCE_COLOURS = {"haute": "red", "moyenne": "orange", "basse": "gray"}
PER_ROW = 2


def counts(cards: list[StakeCard], lang: str) -> None:
    """How many stakes, how many no need serves, how many have no indicator: big, bordered."""
    numbers = (("total", len(cards)), ("no_need", sum(c.no_need for c in cards)), ("no_indicator", sum(c.no_indicator for c in cards)))
    for column, (key, number) in zip(st.columns(len(numbers)), numbers, strict=True):
        column.metric(v(f"stakes.metric.{key}", lang), number, border=True)


def _chips(card: StakeCard, lang: str) -> str:
    return " ".join(f":{CHIP_COLOURS[key]}-badge[{priority_name(key, lang)} · {n}]" for key, n in card.needs.items() if n)


def card(c: StakeCard, lang: str) -> None:
    """One stake, readable from the back of the room: title, situations, indicator and target, needs by priority, marks."""
    with st.container(border=True):
        st.markdown(f"### {md(c.id)} · {md(c.title)}")
        if c.importance in IMPORTANCE_COLOURS:
            st.markdown(f":{IMPORTANCE_COLOURS[c.importance]}-badge[{v('stakes.importance', lang, value=value_label(c.importance, lang))}]")
        elif c.importance:
            st.markdown(pair(header("enjeux", "priorite", lang), c.importance, lang))
        for key, text in (("situation_actuelle", c.current), ("situation_desiree", c.desired)):
            if text:
                st.markdown(pair(header("enjeux", key, lang), text, lang))
        if c.no_need:
            st.error(f"**{v('stakes.no_need', lang)}**", icon=":material/report:")
        if c.no_indicator:
            st.warning(f"**{v('stakes.no_indicator', lang)}**", icon=":material/straighten:")
        else:
            st.markdown(pair(v("stakes.indicator", lang), c.indicator, lang))
        if c.has_target:
            target = f"{md(c.current_value or '—')} → {md(c.target_value or '—')}"
            deadline = f" · {v('stakes.deadline', lang, deadline=md(c.deadline))}" if c.deadline else ""
            st.markdown(f"#### {target}{deadline}")
        if c.owners:
            st.markdown(pair(header("enjeux", "porteur", lang), ", ".join(c.owners), lang))
        if c.total:
            st.markdown(f"**{v('stakes.needs', lang, count=c.total)}** {_chips(c, lang)}")
        if c.excluded:
            st.caption(v("stakes.excluded", lang, count=c.excluded))


def cards(stake_cards: list[StakeCard], lang: str) -> None:
    """The cards, two per row (each row as tall as its taller card, so rows read left to right)."""
    for start in range(0, len(stake_cards), PER_ROW):
        for column, c in zip(st.columns(PER_ROW), stake_cards[start:start + PER_ROW], strict=False):
            with column:
                card(c, lang)


def pick(stake_cards: list[StakeCard], lang: str) -> str | None:
    """The stake to drill into (kept across live refreshes by its key)."""
    titles = {c.id: c.title for c in stake_cards}
    return st.selectbox(v("stakes.pick", lang), list(titles), format_func=lambda rid: f"{rid} · {titles.get(rid, '')}",
                        key="stakes.drilldown")
