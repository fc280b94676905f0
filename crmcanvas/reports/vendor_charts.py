"""Plotly figures of the vendors' fit: the ranking, the answers per solution, the coverage of each stake side by side.

Same rules as :mod:`crmcanvas.reports.charts`: Okabe-Ito colours, wall-sized
type, every word from the catalogue (``i18n/vendors.toml``), every piece of
sheet text (a solution's name, a stake) through
:func:`~crmcanvas.reports.charts.plotly_text`, a figure that says why it is
blank rather than an exception. A solution keeps its colour in every figure
(sheet order), so the ranking and the side-by-side chart read together.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from crmcanvas.analysis.vendors import ANSWERS, Fit, SolutionFit
from crmcanvas.core.schema import value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.charts import FONT, OKABE_ITO, PALETTE, empty_figure, plotly_text, white

ANSWER_COLOURS = {"standard": OKABE_ITO["green"], "parametrage": OKABE_ITO["sky"], "specifique": OKABE_ITO["orange"],
                  "non_couvert": OKABE_ITO["vermillion"], "non_evalue": "#CCCCCC"}
WARNING = OKABE_ITO["vermillion"]
NAME_WIDTH = 28  # characters of a solution's name on an axis; the full name is on hover
STAKE_WIDTH = 34  # characters of a stake's name on an axis; the full name is on hover


def _w(key: str, lang: str, **params: Any) -> str:
    return t(f"vendors.charts.{key}", lang, **params)


def _layout(fig: go.Figure, title: str, lang: str, height: int) -> go.Figure:
    """Title at the top left, then (when there is one) the legend on its own line under it, left-aligned: a legend
    on the title's line ran over a long title at 1280 px."""
    legend = any(getattr(trace, "showlegend", None) is not False for trace in fig.data) and len(fig.data) > 1
    white(fig)
    fig.update_layout(title=dict(text=plotly_text(title), x=0, xanchor="left", y=1, yref="container", yanchor="top",
                                 pad=dict(t=14)),
                      font=FONT, margin=dict(l=10, r=30, t=100 if legend else 60, b=10),
                      separators=t("charts.separators", lang), hoverlabel=dict(namelength=-1), height=height + (40 if legend else 0))
    return fig


def colours(fit: Fit) -> dict[str, str]:
    """Solution -> its colour, in sheet order (the same in every figure)."""
    return {s.solution: PALETTE[i % len(PALETTE)] for i, s in enumerate(fit.solutions)}


def _score_text(score: float | None, lang: str) -> str:
    return "—" if score is None else f"{score:.0f}"


def _name(solution: str) -> str:
    return plotly_text(shorten(solution, NAME_WIDTH))


def ranking_bar(fit: Fit, lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """One bar per solution, best score on top (0–100); its Must needs not covered written at the end of the bar."""
    title = _w("ranking_title", lang) if title is None else title
    ranked = fit.ranking()
    if not ranked:
        return empty_figure(title, _w("no_solution", lang), lang)
    palette = colours(fit)
    names = [_name(s.solution) for s in ranked]
    scores = [s.score or 0.0 for s in ranked]
    hover = [[plotly_text(s.solution), _score_text(s.score, lang), _pct(s.evaluated_pct, lang), s.not_evaluated] for s in ranked]
    fig = go.Figure(go.Bar(
        y=names, x=scores, orientation="h", marker_color=[palette[s.solution] for s in ranked],
        text=[_score_text(s.score, lang) for s in ranked], textposition="inside", insidetextanchor="end",
        textfont=dict(size=22, color="#FFFFFF"), customdata=hover,
        hovertemplate="<b>%{customdata[0]}</b><br>" + _w("hover_score", lang, score="%{customdata[1]}")
        + "<br>" + _w("hover_evaluated", lang, pct="%{customdata[2]}", count="%{customdata[3]}") + "<extra></extra>",
    ))
    for name, s in zip(names, ranked, strict=True):
        note = _note(s, lang)
        if note:
            fig.add_annotation(x=s.score or 0.0, y=name, xanchor="left", xshift=8, showarrow=False, text=note,
                               font=dict(size=16, color=WARNING if s.musts_not_covered or s.score is None else "#1f1f1f"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=18))
    fig.update_xaxes(range=[0, 100 * 1.55], tickvals=[0, 25, 50, 75, 100], title_text=_w("ranking_axis", lang))
    return _layout(fig, title, lang, max(260, 140 + 62 * len(ranked)))


def _pct(value: float | None, lang: str) -> str:
    return "—" if value is None else _w("pct", lang, value=f"{value:.0f}")


def _note(s: SolutionFit, lang: str) -> str:
    """What to read next to a bar: nothing evaluated, or the Must needs not covered (a few IDs)."""
    if s.score is None:
        return _w("nothing_evaluated", lang)
    if s.musts_not_covered:
        shown = ", ".join(s.musts_not_covered[:3]) + ("…" if len(s.musts_not_covered) > 3 else "")
        return "⚠ " + _w("musts_not_covered", lang, count=len(s.musts_not_covered), ids=plotly_text(shown))
    return ""


def answers_bar(fit: Fit, lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """Per solution (ranking order), how many needs it answered standard, paramétrage, spécifique, non couvert, or not at all."""
    title = _w("answers_title", lang) if title is None else title
    ranked = fit.ranking()
    if not ranked:
        return empty_figure(title, _w("no_solution", lang), lang)
    names = [_name(s.solution) for s in ranked]
    full = [plotly_text(s.solution) for s in ranked]
    fig = go.Figure()
    for code in ANSWERS:
        label = value_label(code, lang)
        counts = [s.counts[code] for s in ranked]
        fig.add_bar(y=names, x=counts, orientation="h", name=plotly_text(label), marker_color=ANSWER_COLOURS[code],
                    text=[str(n) if n else "" for n in counts], textposition="inside", insidetextanchor="middle",
                    textfont=dict(size=15), customdata=full,
                    hovertemplate="<b>%{customdata}</b><br>" + t("charts.label_value", lang, label=plotly_text(label), value="%{x}")
                    + "<extra></extra>")
    fig.update_layout(barmode="stack", bargap=0.3,
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left", traceorder="normal"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=16))
    fig.update_xaxes(title_text=_w("answers_axis", lang), rangemode="tozero")
    return _layout(fig, title, lang, max(260, 150 + 56 * len(ranked)))


def stakes_bars(fit: Fit, stakes: list[tuple[str, str]], lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """The coverage of each stake by each solution, side by side (grouped bars, 0–100, stakes in sheet order).

    ``stakes``: (ID, label) of every stake. A stake that no need serves says so; a
    solution evaluated on none of a stake's needs has no bar there (« — » on hover).
    """
    title = _w("stakes_title", lang) if title is None else title
    if not fit.solutions or not stakes:
        return empty_figure(title, _w("no_solution" if not fit.solutions else "no_stake", lang), lang)
    palette = colours(fit)
    names = [f"{plotly_text(rid)} · {plotly_text(shorten(label, STAKE_WIDTH))}" for rid, label in stakes]
    full = [plotly_text(f"{rid} · {label}") for rid, label in stakes]
    fig = go.Figure()
    for s in fit.solutions:
        values = [s.stakes.get(rid) for rid, _ in stakes]
        fig.add_bar(y=names, x=values, orientation="h", name=_name(s.solution), marker_color=palette[s.solution],
                    customdata=[[f, plotly_text(s.solution), _score_text(v, lang)] for f, v in zip(full, values, strict=True)],
                    hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]} · " + _w("hover_score", lang, score="%{customdata[2]}")
                    + "<extra></extra>")
    served = {rid for s in fit.solutions for rid, v in s.stakes.items() if v is not None}
    for (rid, _), name in zip(stakes, names, strict=True):
        if rid not in served:
            fig.add_annotation(x=0, y=name, xanchor="left", xshift=6, showarrow=False, text=_w("stake_not_evaluated", lang),
                               font=dict(size=14, color=OKABE_ITO["grey"]))
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05,
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left", traceorder="normal"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=15))
    fig.update_xaxes(range=[0, 100], tickvals=[0, 25, 50, 75, 100], title_text=_w("stakes_axis", lang))
    per_stake = 16 * len(fit.solutions) + 18
    return _layout(fig, title, lang, max(320, 150 + per_stake * len(stakes)))


__all__ = ["ANSWER_COLOURS", "answers_bar", "colours", "ranking_bar", "stakes_bars"]
