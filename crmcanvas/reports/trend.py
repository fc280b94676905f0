"""The metrics over the weeks, as a Plotly line chart: one line per metric, one point per snapshot."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.charts import FONT, PALETTE, empty_figure, plotly_text, white
from crmcanvas.reports.history import HistoryPoint, metric_label, metric_text


def trend_frame(points: Sequence[HistoryPoint], codes: Sequence[str]) -> pd.DataFrame:
    """One row per snapshot (oldest first): its local time, its week, and the value of each metric asked for."""
    # the wall-clock time of each snapshot in its own zone: Plotly cannot mix winter and summer offsets on one axis
    rows = [{"taken_at": p.taken_at.replace(tzinfo=None), "week": p.week, **{code: p.metrics.get(code) for code in codes}}
            for p in points]
    return pd.DataFrame(rows, columns=["taken_at", "week", *codes])


def _is_pct(code: str) -> bool:
    from crmcanvas.analysis import registry

    try:
        return registry.metric(code).unit == "pct"
    except KeyError:
        return False


def trend_figure(points: Sequence[HistoryPoint], codes: Sequence[str], lang: str = DEFAULT_LANG) -> go.Figure:
    """The chosen metrics over the snapshots; percentages on a 0–100 axis when every line is one."""
    title = t("snapshots.page.trend_title", lang)
    frame = trend_frame(points, codes)
    if not codes:
        return empty_figure(title, t("snapshots.page.no_metric", lang), lang)
    if frame.empty:
        return empty_figure(title, t("snapshots.page.no_points", lang), lang)
    fig = go.Figure()
    for i, code in enumerate(codes):
        label = plotly_text(metric_label(code, lang))
        values = frame[code].astype("float64")
        hover = [f"{plotly_text(week)} · {plotly_text(metric_text(code, v, lang))}" for week, v in zip(frame["week"], frame[code], strict=True)]
        fig.add_trace(go.Scatter(x=frame["taken_at"], y=values, name=label, mode="lines+markers",
                                 line=dict(color=PALETTE[i % len(PALETTE)], width=3), marker=dict(size=9),
                                 hovertext=hover, hoverinfo="text+name", connectgaps=False))
    all_pct = all(_is_pct(code) for code in codes)
    white(fig)
    fig.update_layout(title=dict(text=plotly_text(title), x=0, xanchor="left"), font=FONT,
                      margin=dict(l=10, r=10, t=60, b=10), height=420, separators=t("charts.separators", lang),
                      legend=dict(orientation="h", yanchor="top", y=-0.12, x=0), hoverlabel=dict(namelength=-1))
    fig.update_xaxes(title=None, tickformat=t("snapshots.page.tick_format", lang))
    fig.update_yaxes(title=None, rangemode="tozero", **({"range": [0, 105], "ticksuffix": t("snapshots.page.pct_suffix", lang)}
                                                       if all_pct else {}))
    return fig


__all__ = ["trend_figure", "trend_frame"]
