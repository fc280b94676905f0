"""Plotly figures of the roadmap: progress per lot, the stakes each lot serves, standard vs specific, the burn-up.

Same rules as :mod:`crmcanvas.reports.charts` (Okabe-Ito colours, wall-sized
type, words from ``i18n/vendors.toml``, sheet text through
:func:`~crmcanvas.reports.charts.plotly_text`, a blank figure that says why).
"""

from __future__ import annotations

import plotly.graph_objects as go

from crmcanvas.analysis.roadmap import NO_LOT, STATUSES, Lot, Roadmap
from crmcanvas.analysis.standard_specific import TYPES, TypeMix
from crmcanvas.core.schema import value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.burnup import BurnUp
from crmcanvas.reports.charts import OKABE_ITO, PALETTE, STATUS_COLOURS, empty_figure, plotly_text
from crmcanvas.reports.vendor_charts import STAKE_WIDTH, _layout, _w  # one layout for the vendor and roadmap charts

TYPE_COLOURS = {"standard": OKABE_ITO["green"], "parametrage": OKABE_ITO["sky"], "specifique": OKABE_ITO["orange"], "": "#CCCCCC"}
NO_STATUS_COLOUR = "#CCCCCC"
LABEL_WIDTH = 30


def lot_name(lot: Lot | str, lang: str = DEFAULT_LANG) -> str:
    """A lot as the reader sees it (sheet text: escape it where it is drawn); « Sans lot » for the needs with none."""
    label = lot.label if isinstance(lot, Lot) else lot
    key = lot.key if isinstance(lot, Lot) else label
    return _w("no_lot", lang) if key == NO_LOT else label


def _status_name(status: str, lang: str) -> str:
    return t("charts.no_status", lang) if status == "" else value_label(status, lang)


def lot_progress(plan: Roadmap, lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """One stacked bar per lot (the needs with no lot last): its needs by status, « 3 / 25 livrés » at the end."""
    title = _w("progress_title", lang) if title is None else title
    if not plan.lots:
        return empty_figure(title, _w("no_need", lang), lang)
    names = [plotly_text(shorten(lot_name(lot, lang), LABEL_WIDTH)) for lot in plan.lots]
    fig = go.Figure()
    for status in STATUSES:
        counts = [lot.statuses[status] for lot in plan.lots]
        if not any(counts):
            continue
        label = _status_name(status, lang)
        fig.add_bar(y=names, x=counts, orientation="h", name=plotly_text(label),
                    marker_color=STATUS_COLOURS.get(status, NO_STATUS_COLOUR), text=[str(n) if n else "" for n in counts],
                    textposition="inside", insidetextanchor="middle", textfont=dict(size=15),
                    hovertemplate="<b>%{y}</b><br>" + t("charts.label_value", lang, label=plotly_text(label), value="%{x}")
                    + "<extra></extra>")
    widest = max(lot.total for lot in plan.lots)
    for name, lot in zip(names, plan.lots, strict=True):
        done = _w("delivered_of", lang, done=lot.delivered, total=lot.total,
                  pct=_w("pct", lang, value=f"{lot.pct:.0f}") if lot.pct is not None else "—")
        fig.add_annotation(x=lot.total, y=name, xanchor="left", xshift=8, showarrow=False, text=done, font=dict(size=16))
    fig.update_layout(barmode="stack", bargap=0.3,
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left", traceorder="normal"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=17))
    fig.update_xaxes(title_text=_w("progress_axis", lang), rangemode="tozero", range=[0, widest * 1.45 + 1])
    return _layout(fig, title, lang, max(280, 150 + 60 * len(plan.lots)))


def lot_stakes(plan: Roadmap, stakes: list[tuple[str, str]], lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """Stakes × lots: how many needs of each lot serve each stake (blank: none), stakes in sheet order, one row each.

    Stakes are the rows (their names read across, like every other chart) and lots the columns (few, short names):
    the other way round, eight stake names stood on end over narrow columns at 1280 px.
    """
    title = _w("lot_stakes_title", lang) if title is None else title
    lots = list(plan.lots)
    if not lots or not stakes:
        return empty_figure(title, _w("no_need" if not lots else "no_stake", lang), lang)
    rows = [f"{plotly_text(rid)} · {plotly_text(shorten(label, STAKE_WIDTH))}" for rid, label in stakes]
    cols = [plotly_text(shorten(lot_name(lot, lang), LABEL_WIDTH)) for lot in lots]
    z = [[lot.stakes.get(rid, 0) for lot in lots] for rid, _ in stakes]
    full = [[plotly_text(f"{rid} · {label}")] * len(lots) for rid, label in stakes]
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=rows, showscale=False, xgap=3, ygap=3, zmin=0, zmax=max(1, max(max(line) for line in z)),
        colorscale=[[0, "#F2F2F2"], [1e-9, "#D6EAF8"], [1, OKABE_ITO["blue"]]],
        text=[[str(v) if v else "" for v in line] for line in z], texttemplate="%{text}", textfont=dict(size=18),
        customdata=full, hovertemplate="<b>%{x}</b> × %{customdata}<br>" + _w("needs_count", lang, count="%{z}") + "<extra></extra>",
    ))
    fig.update_xaxes(side="top", tickfont=dict(size=17), showgrid=False)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=15), showgrid=False)
    return _layout(fig, title, lang, max(280, 130 + 46 * len(stakes)))


def type_mix(mixes: list[TypeMix], lang: str = DEFAULT_LANG, title: str = "", lots: bool = False) -> go.Figure:
    """Standard, paramétrage, spécifique (and no type) as shares of each stake's or lot's needs; « 40 % spécifique » at the end."""
    shown = [m for m in mixes if m.total]
    if not shown:
        return empty_figure(title, _w("no_need", lang), lang)
    if lots:
        names = [plotly_text(shorten(lot_name(m.label if m.key else NO_LOT, lang), LABEL_WIDTH)) for m in shown]
    else:
        names = [f"{plotly_text(m.key)} · {plotly_text(shorten(m.label, LABEL_WIDTH))}" for m in shown]
    fig = go.Figure()
    for kind in TYPES:
        counts = [m.counts[kind] for m in shown]
        if not any(counts):
            continue
        label = _w("no_type", lang) if kind == "" else value_label(kind, lang)
        shares = [100.0 * n / m.total for n, m in zip(counts, shown, strict=True)]
        fig.add_bar(y=names, x=shares, orientation="h", name=plotly_text(label), marker_color=TYPE_COLOURS[kind],
                    customdata=counts, text=[str(n) if n else "" for n in counts], textposition="inside",
                    insidetextanchor="middle", textfont=dict(size=14),
                    hovertemplate="<b>%{y}</b><br>" + t("charts.label_value", lang, label=plotly_text(label), value="%{customdata}")
                    + "<extra></extra>")
    for name, m in zip(names, shown, strict=True):
        share = m.specific_pct
        text = _w("specific_share", lang, pct=f"{share:.0f}") if share is not None else _w("no_type_known", lang)
        fig.add_annotation(x=100, y=name, xanchor="left", xshift=8, showarrow=False, text=text,
                           font=dict(size=15, color=OKABE_ITO["vermillion"] if share and share >= 40 else "#1f1f1f"))
    fig.update_layout(barmode="stack", bargap=0.3,
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left", traceorder="normal"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names, tickfont=dict(size=15))
    fig.update_xaxes(range=[0, 132], tickvals=[0, 25, 50, 75, 100], ticksuffix=_w("pct_suffix", lang), title_text=_w("type_axis", lang))
    return _layout(fig, title, lang, max(260, 150 + 44 * len(shown)))


def burnup_figure(burn: BurnUp, lang: str = DEFAULT_LANG, title: str | None = None) -> go.Figure:
    """Needs delivered per lot, stacked, snapshot after snapshot, under the line of the needs planned (the scope)."""
    title = _w("burnup_title", lang) if title is None else title
    points = [p for p in burn.points if p.delivered is not None or p.scope is not None]
    if len(points) < 2:
        return empty_figure(title, _w("burnup_too_few", lang), lang)
    x = [p.taken_at.replace(tzinfo=None) for p in points]  # each point at its own wall-clock time (see reports.trend)
    weeks = [plotly_text(_w("now", lang) if p.live else p.week) for p in points]
    fig = go.Figure()
    detailed = [p for p in points if p.lots is not None]
    for i, key in enumerate(burn.order):
        label = plotly_text(lot_name(burn.labels.get(key, key) if key != NO_LOT else NO_LOT, lang))
        values = [(p.lots.get(key, ("", 0, 0))[1] if p.lots is not None else None) for p in points]
        if not any(values):
            continue
        fig.add_scatter(x=x, y=values, name=label, mode="lines", stackgroup="delivered", connectgaps=False,
                        line=dict(width=1, color=PALETTE[i % len(PALETTE)]), customdata=weeks,
                        hovertemplate="%{customdata} · " + t("charts.label_value", lang, label=label, value="%{y}") + "<extra></extra>")
    if len(detailed) < len(points):  # weeks known only by their totals
        fig.add_scatter(x=x, y=[p.delivered if p.lots is None else None for p in points], name=plotly_text(_w("delivered_total", lang)),
                        mode="markers", marker=dict(size=10, color=OKABE_ITO["black"], symbol="diamond"), customdata=weeks,
                        hovertemplate="%{customdata} · %{y}<extra></extra>")
    fig.add_scatter(x=x, y=[p.scope for p in points], name=plotly_text(_w("scope", lang)), mode="lines+markers",
                    line=dict(color=OKABE_ITO["black"], width=3, dash="dash"), marker=dict(size=8), customdata=weeks,
                    hovertemplate="%{customdata} · " + t("charts.label_value", lang, label=plotly_text(_w("scope", lang)), value="%{y}")
                    + "<extra></extra>")
    fig.update_xaxes(tickformat=t("snapshots.page.tick_format", lang))
    fig.update_yaxes(rangemode="tozero", title_text=_w("burnup_axis", lang))
    fig = _layout(fig, title, lang, 440)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12, x=0))
    return fig


__all__ = ["TYPE_COLOURS", "burnup_figure", "lot_name", "lot_progress", "lot_stakes", "type_mix"]
