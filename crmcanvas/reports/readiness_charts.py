"""Plotly figures of the project's readiness: checklist progress per chapter, planning milestones on a timeline.

Same rules as :mod:`crmcanvas.reports.charts`: Okabe-Ito colours, wall-sized
type, every word from the catalogue, sheet text through
:func:`~crmcanvas.reports.charts.plotly_text`, a figure that says why it is
blank rather than an exception.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import plotly.graph_objects as go

from crmcanvas.analysis.checklist import ChecklistProgress, chapter_label
from crmcanvas.core.dates import date_text
from crmcanvas.core.schema import value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.charts import FONT, OKABE_ITO, empty_figure, plotly_text, white

STATUS_COLOURS = {"fait": OKABE_ITO["green"], "en_cours": OKABE_ITO["orange"], "a_faire": OKABE_ITO["sky"],
                  "non_applicable": "#CCCCCC"}
LATE = OKABE_ITO["vermillion"]
LABEL_WIDTH = 44


def _words(key: str, lang: str, **params: Any) -> str:
    return t(f"readiness.charts.{key}", lang, **params)


def _layout(fig: go.Figure, title: str, lang: str, height: int) -> go.Figure:
    white(fig)
    fig.update_layout(title=dict(text=plotly_text(title), x=0, xanchor="left"), font=FONT,
                      margin=dict(l=10, r=20, t=60, b=10), separators=t("charts.separators", lang),
                      hoverlabel=dict(namelength=-1), height=height)
    return fig


def chapter_progress(progress: ChecklistProgress, lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """One stacked bar per chapter: done, in progress, to do (non-applicable rows left out), « 7 / 23 » at the end."""
    title = _words("progress_title", lang) if title is None else title
    chapters = [c for c in progress.chapters if c.total]
    if not chapters:
        return empty_figure(title, lang=lang)
    names = [plotly_text(chapter_label(c.number, lang)) for c in chapters]
    fig = go.Figure()
    for status in ("fait", "en_cours", "a_faire"):
        counts = [sum(1 for r in progress.rows_of(c.number) if r.status == status) for c in chapters]
        label = value_label(status, lang)
        fig.add_bar(y=names, x=counts, orientation="h", name=label, marker_color=STATUS_COLOURS[status],
                    hovertemplate="<b>%{y}</b><br>" + t("charts.label_value", lang, label=plotly_text(label), value="%{x}")
                    + "<extra></extra>")
    for name, c in zip(names, chapters, strict=True):
        fig.add_annotation(x=c.applicable, y=name, xanchor="left", xshift=6, showarrow=False,
                           text=_words("done_of", lang, done=c.done, applicable=c.applicable), font=dict(size=16))
    fig.update_layout(barmode="stack", bargap=0.35,
                      legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1, xanchor="right", traceorder="normal"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=16))
    fig.update_xaxes(title_text=_words("progress_axis", lang), rangemode="tozero",
                     range=[0, max(c.applicable for c in chapters) * 1.18 + 1])
    return _layout(fig, title, lang, max(300, 130 + 64 * len(chapters)))


def milestones_timeline(progress: ChecklistProgress, lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """The planning's dated milestones, one line each in date order, coloured by status; overdue ones ringed; today marked."""
    title = _words("timeline_title", lang) if title is None else title
    rows = [r for r in progress.milestones if r.due is not None]  # a milestone is placed by its date
    if not rows:
        return empty_figure(title, _words("no_milestone", lang), lang=lang)
    names = [plotly_text(shorten(r.sous_item or r.item, LABEL_WIDTH)) for r in rows]
    full = [plotly_text(r.label) for r in rows]
    dues = [r.due for r in rows if r.due is not None]
    when = [datetime.combine(due, time()) for due in dues]
    fig = go.Figure()
    for status in ("fait", "en_cours", "a_faire", "non_applicable"):
        picked = [i for i, r in enumerate(rows) if r.status == status]
        if not picked:
            continue
        label = value_label(status, lang)
        fig.add_scatter(
            x=[when[i] for i in picked], y=[names[i] for i in picked], mode="markers+text", name=label,
            marker=dict(size=18, color=STATUS_COLOURS[status], line=dict(width=1, color="#FFFFFF")),
            text=["\u2002" + date_text(dues[i], lang) for i in picked], textposition="middle right", textfont=dict(size=14),
            customdata=[[full[i], plotly_text(progress.owners(rows[i]))] for i in picked],
            hovertemplate="<b>%{customdata[0]}</b><br>%{text} · " + plotly_text(label) + "<br>%{customdata[1]}<extra></extra>",
        )
    late = [i for i, r in enumerate(rows) if r.overdue(progress.today)]
    if late:  # a ring around each overdue milestone, with its own legend entry
        fig.add_scatter(x=[when[i] for i in late], y=[names[i] for i in late], mode="markers", name=_words("late", lang),
                        marker=dict(size=28, symbol="circle-open", color=LATE, line=dict(width=3, color=LATE)), hoverinfo="skip")
    today = datetime.combine(progress.today, time())
    fig.add_vline(x=today, line=dict(color=OKABE_ITO["black"], dash="dash", width=2))
    fig.add_annotation(x=today, y=1.0, yref="paper", yanchor="bottom", showarrow=False, font=dict(size=14),
                       text=_words("today", lang, date=date_text(progress.today, lang)))
    first, last = min(when + [today]), max(when + [today])
    span = last - first if last > first else timedelta(days=60)
    fig.update_xaxes(range=[first - span * 0.04, last + span * 0.2], tickformat="%m/%Y" if lang == "fr" else "%Y-%m",
                     showgrid=True, side="bottom")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=15))
    height = max(380, 190 + 34 * len(rows))
    fig = _layout(fig, title, lang, height)
    # legend in the title's row, the « today » label just above the plot: they never meet
    fig.update_layout(legend=dict(orientation="h", y=1.0 + 48 / (height - 110), yanchor="bottom", x=1, xanchor="right"),
                      margin=dict(t=100))
    return fig


__all__ = ["chapter_progress", "milestones_timeline"]
