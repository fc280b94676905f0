"""The Enjeux page's pieces: a count row, one card per stake, the drill-down picker.

Read-only by design (the sponsor view shows this page): nothing here writes.
Sheet text is escaped with :func:`~crmcanvas.ui.escape.md`; the coloured chips
hold only our own words and numbers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crmcanvas.analysis.stake_cards import StakeCard
from crmcanvas.analysis.traceability import StakeDrilldown
from crmcanvas.core.schema import value_label
from crmcanvas.reports.charts import priority_name
from crmcanvas.ui.cards import card as bordered_card
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import t as ui_t
from crmcanvas.ui.views.common import header, pair, v

CHIP_COLOURS = {"must": "red", "should": "orange", "could": "blue", "sans_priorite": "gray"}
IMPORTANCE_COLOURS = {"haute": "red", "moyenne": "orange", "basse": "gray"}


def counts(cards: list[StakeCard], lang: str) -> None:
    """How many stakes, how many no need serves, how many have no indicator: big, bordered."""
    numbers = (("total", len(cards)), ("no_need", sum(c.no_need for c in cards)), ("no_indicator", sum(c.no_indicator for c in cards)))
    for column, (key, number) in zip(st.columns(len(numbers)), numbers, strict=True):
        column.metric(v(f"stakes.metric.{key}", lang), number, border=True)


def _counts(card: StakeCard, lang: str) -> str:
    """« :red[**Must 7**] · :orange[**Should 6**] · … » (our words and numbers only)."""
    return " · ".join(f":{CHIP_COLOURS[key]}[**{priority_name(key, lang)} {n}**]" for key, n in card.needs.items() if n)


def card(c: StakeCard, lang: str) -> None:
    """One stake, readable from the back of the room: title; situation actuelle → désirée side by side;
    indicator and target beside the needs by priority; a red mark when no need serves it, an orange one
    when it has no indicator."""
    with bordered_card():
        st.markdown(f"### {md(c.id)} · {md(c.title)}")
        if c.importance in IMPORTANCE_COLOURS:
            st.markdown(f":{IMPORTANCE_COLOURS[c.importance]}-badge[{v('stakes.importance', lang, value=value_label(c.importance, lang))}]")
        elif c.importance:
            st.markdown(pair(header("enjeux", "priorite", lang), c.importance, lang))
        if c.current or c.desired:
            now, then = st.columns(2)
            if c.current:
                now.markdown(pair(header("enjeux", "situation_actuelle", lang), c.current, lang))
            if c.desired:
                then.markdown("→ " + pair(header("enjeux", "situation_desiree", lang), c.desired, lang))
        measure, needs = st.columns(2)
        with measure:
            if c.no_indicator:
                st.warning(f"**{v('stakes.no_indicator', lang)}**", icon=":material/straighten:")
            else:
                st.markdown(pair(v("stakes.indicator", lang), c.indicator, lang))
            values = f"{md(c.current_value or '—')} → {md(c.target_value or '—')}" if c.current_value or c.target_value else ""
            deadline = v("stakes.deadline", lang, deadline=md(c.deadline)) if c.deadline else ""
            if values or deadline:
                st.markdown("#### " + " · ".join(part for part in (values, deadline) if part))
        with needs:
            if c.no_need:
                st.error(f"#### {v('stakes.no_need', lang)}", icon=":material/report:")
            else:
                st.markdown(f"#### {v('stakes.needs', lang, count=c.total)}")
                st.markdown(f"#### {_counts(c, lang)}")
            if c.excluded:
                st.caption(v("stakes.excluded", lang, count=c.excluded))
        if c.owners:
            st.markdown(pair(header("enjeux", "porteur", lang), ", ".join(c.owners), lang))


def cards(stake_cards: list[StakeCard], lang: str) -> None:
    """The cards, one per row: the full width lets the two situations stand side by side."""
    for c in stake_cards:
        card(c, lang)


def pick(stake_cards: list[StakeCard], lang: str) -> str | None:
    """The stake to drill into (kept across live refreshes by its key)."""
    titles = {c.id: c.title for c in stake_cards}
    return st.selectbox(v("stakes.pick", lang), list(titles), format_func=lambda rid: f"{rid} · {titles.get(rid, '')}",
                        key="stakes.drilldown")


def drilldown(drill: StakeDrilldown, lang: str) -> None:
    """One stake's needs (their text wrapped, never cut at the right), then the data and applications they touch."""
    if drill.needs.empty:
        st.error(f"**{ui_t('drill.no_need', lang)}**", icon=":material/report:")
    else:
        needs = drill.needs[["id", "besoin", "priorite", "statut", "roles"]]
        _table(needs, {"id": 56, "besoin": 360, "priorite": 140, "statut": 80, "roles": 150}, lang, row_height=92)
        data, apps = st.columns(2)
        with data:
            st.markdown(f"**{ui_t('drill.data_touched', lang)}**")
            _table(drill.data[["objet", "application_maitre", "besoins"]], {"objet": 130, "application_maitre": 170, "besoins": 70}, lang)
        with apps:
            st.markdown(f"**{ui_t('drill.applications', lang)}**")
            _table(drill.applications[["application", "via", "besoins"]], {"application": 170, "via": 130, "besoins": 70}, lang)
        if not drill.roles.empty:
            roles = ", ".join(f"{name} ({n})" for name, n in zip(drill.roles["role"], drill.roles["besoins"], strict=True))
            st.markdown(pair(ui_t("drill.roles", lang), roles, lang))
    if drill.excluded:
        st.caption(ui_t("drill.excluded", lang, ids=md(", ".join(drill.excluded))))


def _table(frame: pd.DataFrame, widths: dict[str, int], lang: str, row_height: int | None = None) -> None:
    """A drill-down table headed in the reader's words, its columns sized to fit a 1280 px screen."""
    names = {key: ui_t(f"drill.{key}", lang) for key in frame.columns}
    st.dataframe(frame.rename(columns=names), hide_index=True, width="stretch", row_height=row_height,
                 column_config={names[key]: st.column_config.Column(width=width) for key, width in widths.items()})
