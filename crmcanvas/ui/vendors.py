"""The vendor fit on screen: each solution's score with the formula, the Must needs it does not cover, each stake's
coverage side by side, and every answer; the same for integrators when the canvas has that tab.

Sheet text drawn as Markdown (a solution's name, a need, a comment) goes
through :func:`~crmcanvas.ui.escape.md`; tables are ``st.dataframe`` (plain
text); words come from ``i18n/vendors.toml``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from crmcanvas.analysis import standard_specific
from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.registry import CANVAS_METHOD, PROJECT_TODO, Source
from crmcanvas.analysis.roadmap import roadmap_of
from crmcanvas.analysis.vendors import Fit, SolutionFit
from crmcanvas.build.answers import read_answers
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import t as _t
from crmcanvas.reports import roadmap_charts, vendor_charts
from crmcanvas.ui import cards, widgets
from crmcanvas.ui.escape import md

INTRO = Source(CANVAS_METHOD, "thread", area="vendors")
BENCHMARK = Source(PROJECT_TODO, "benchmark", area="vendors")
SPECIFIC = Source(PROJECT_TODO, "specific", area="vendors")
PER_ROW = 4  # solution cards on one row at 1280 px
NEED_WIDTH = 110  # characters of a need's text in a table


def t(key: str, lang: str, **params: Any) -> str:
    return _t(f"vendors.page.{key}", lang, **params)


def quote(source: Source, lang: str) -> str:
    """« The sentence » — the document's title (the document's words: never sheet text)."""
    return t("quote", lang, text=md(source.text(lang)), document=md(source.title(lang)))


def _score(value: float | None, lang: str) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", _t("cli.text.decimal_separator", lang))


def _card(container: Any, s: SolutionFit, lang: str) -> None:
    with cards.card(container):
        st.metric(md(s.solution), t("score_value", lang, score=_score(s.score, lang)),
                  help=t("score_help", lang, pct="—" if s.evaluated_pct is None else f"{s.evaluated_pct:.0f}"))
        st.markdown(t("card_evaluated", lang, pct="—" if s.evaluated_pct is None else f"{s.evaluated_pct:.0f}",
                      count=s.not_evaluated))
        if s.musts_not_covered:
            st.markdown(t("card_musts", lang, count=len(s.musts_not_covered), ids=md(", ".join(s.musts_not_covered[:4])
                                                                                     + ("…" if len(s.musts_not_covered) > 4 else ""))))
        else:
            st.markdown(t("card_no_must", lang))


def _cards(fit: Fit, lang: str) -> None:
    ranked = fit.ranking()
    for start in range(0, len(ranked), PER_ROW):
        for col, s in zip(st.columns(PER_ROW), ranked[start:start + PER_ROW], strict=False):
            _card(col, s, lang)


def formula(lang: str) -> None:
    """The scoring rule, in words a sponsor reads: weight of a need, points of an answer, the score."""
    with cards.card():
        st.markdown(t("formula_score", lang))
        st.markdown(t("formula_weight", lang))
        st.markdown(t("formula_points", lang))
        st.caption(t("formula_not_evaluated", lang))


def _musts(canvas: Canvas, fit: Fit, lang: str) -> None:
    f = facts_of(canvas)
    answers = read_answers(canvas, fit.tab, lang)
    stakes: dict[str, list[str]] = {}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        stakes.setdefault(need, []).append(stake)
    rows = []
    for s in fit.ranking():
        given = answers.of(s.solution)
        for need in s.musts_not_covered:
            rows.append({t("col.solution", lang): s.solution, t("col.id", lang): need,
                         t("col.need", lang): f.labels["besoins"].get(need, need),
                         t("col.stakes", lang): ", ".join(stakes.get(need, [])),
                         t("col.comment", lang): given[need].comment if need in given else ""})
    if not rows:
        st.success(t("no_must_gap", lang))
        return
    # the sponsor reads every word of these: cells wrap on the page, nothing is cut at 1280 px
    widgets.wrapped_table(pd.DataFrame(rows), lang, limit=len(rows))


def _all_answers(canvas: Canvas, fit: Fit, lang: str) -> None:
    f = facts_of(canvas)
    priority = dict(zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True))
    taken = {t("col.id", lang), t("col.need", lang), t("col.priority", lang)}
    columns = []
    for s in fit.solutions:  # a solution named « ID » or twice the same keeps a column of its own
        name = s.solution
        while name in taken:
            name += " "
        taken.add(name)
        columns.append(name)
    data = []
    for need in f.active:
        line = {t("col.id", lang): need, t("col.need", lang): shorten(f.labels["besoins"].get(need, need), NEED_WIDTH),
                t("col.priority", lang): value_label(priority.get(need, ""), lang)}
        for s, column in zip(fit.solutions, columns, strict=True):
            line[column] = value_label(s.answers.get(need, ""), lang)
        data.append(line)
    st.dataframe(pd.DataFrame(data), hide_index=True, width="stretch", height=420,
                 column_config={t("col.id", lang): st.column_config.TextColumn(width=70),
                                t("col.need", lang): st.column_config.TextColumn(width="large")})


def fit_view(canvas: Canvas, fit: Fit, lang: str) -> None:
    """One answers tab: the cards, the formula, the ranking, the Must needs not covered, the stakes, every answer."""
    f = facts_of(canvas)
    title = canvas.tab_titles.get(fit.tab, TABS[fit.tab].title)
    words = {"title": md(title), "solutions": len(fit.solutions), "needs": fit.needs}
    st.caption(t("layout_long", lang, **words) if fit.layout == "long" else t("layout_wide", lang, **words))
    if not fit.solutions:
        st.warning(t("no_solution", lang, title=md(title)), icon=":material/help:")
        return
    _cards(fit, lang)
    widgets.chart(vendor_charts.ranking_bar(fit, lang))
    formula(lang)
    st.subheader(t("musts_title", lang))
    _musts(canvas, fit, lang)
    stakes = [(rid, f.labels["enjeux"].get(rid, rid)) for rid in f.ids["enjeux"]]
    widgets.chart(vendor_charts.stakes_bars(fit, stakes, lang))
    widgets.chart(vendor_charts.answers_bar(fit, lang))
    with st.expander(t("all_answers", lang, count=fit.needs)):
        _all_answers(canvas, fit, lang)
    if fit.ignored:
        st.caption(t("ignored", lang, columns=", ".join(_t("common.quoted", lang, text=md(c)) for c in fit.ignored)))


def absent(cfg: Settings, lang: str) -> None:
    """No answers tab yet: say what to add, in either layout."""
    title = cfg.tabs.get("editeurs", TABS["editeurs"].title)
    st.info(t("absent", lang, title=md(title)), icon=":material/compare_arrows:")
    st.markdown(t("absent_long", lang))
    st.markdown(t("absent_wide", lang))
    st.markdown(t("absent_answers", lang))


def types_view(canvas: Canvas, analysis: Any, lang: str) -> None:
    """Standard vs specific: the share of custom development overall, per stake and per lot (needs' « Type » column)."""
    f = facts_of(canvas)
    st.subheader(t("types_title", lang))
    st.caption(quote(SPECIFIC, lang))
    whole = standard_specific.overall(f)
    if whole.specific_pct is None:
        st.info(t("types_none", lang), icon=":material/category:")
        return
    st.markdown(t("types_overall", lang, typed=whole.typed, pct=f"{whole.specific_pct:.0f}", untyped=whole.counts[""]))
    widgets.chart(roadmap_charts.type_mix(standard_specific.by_stake(f), lang, t("types_by_stake", lang)))
    plan = analysis.roadmap if analysis.roadmap is not None else roadmap_of(f)
    widgets.chart(roadmap_charts.type_mix(standard_specific.by_lot(f, plan), lang, t("types_by_lot", lang), lots=True))


def vendors_view(canvas: Canvas, analysis: Any, cfg: Settings, lang: str) -> None:
    """The page: the vendors' fit (or what to add when the tab is missing), the integrators' when the canvas has that
    tab, then standard vs specific per stake and per lot."""
    st.caption(quote(INTRO, lang))
    fits: dict[str, Fit] = analysis.fits
    if not fits:
        absent(cfg, lang)
    elif len(fits) == 1:
        fit_view(canvas, next(iter(fits.values())), lang)
    else:
        labels = [TABS[tab].label_in(lang) for tab in fits]
        for pane, fit in zip(st.tabs(labels), fits.values(), strict=True):
            with pane:
                fit_view(canvas, fit, lang)
    if fits:
        st.caption(quote(BENCHMARK, lang))
    types_view(canvas, analysis, lang)


__all__ = ["absent", "fit_view", "formula", "types_view", "vendors_view"]
