"""Plotly figure builders: frames in, ``go.Figure`` out. No Streamlit, no I/O.

Made to stay readable on a wall with 60 stakes or 1,000 needs: the
Okabe-Ito colour-blind-safe palette, long labels cut with the full text on
hover, heights that grow with the number of rows, and a figure that says
« Aucune donnée » instead of failing when there is nothing to draw. Every word
comes from the catalogue (``i18n/charts.toml``) in the ``lang`` asked for.

Sheet text is data, never markup: Plotly draws a subset of HTML in labels,
ticks and hovers (``<a href>`` becomes a link, ``<b>`` bold), so every piece of
text that comes from the sheet goes through :func:`plotly_text` before it
enters a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from crmcanvas.analysis.metrics import MOSCOW_WEIGHTS, UNKNOWN_WEIGHT
from crmcanvas.analysis.registry import gap as gap_entry
from crmcanvas.analysis.traceability import MATRICES, SankeyTable
from crmcanvas.core.schema import value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t

# Okabe & Ito (2008), distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000", "grey": "#999999",
}
PALETTE = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "sky", "purple", "yellow", "black")]
PRIORITIES = ("must", "should", "could", "wont", "sans_priorite")
PRIORITY_COLOURS = {"must": OKABE_ITO["vermillion"], "should": OKABE_ITO["orange"], "could": OKABE_ITO["sky"],
                    "wont": OKABE_ITO["grey"], "sans_priorite": "#CCCCCC"}
LABEL_WIDTH = 42
ROW_HEIGHT = 26
FONT = dict(family="Inter, Segoe UI, Arial, sans-serif", size=14, color="#1f1f1f")  # readable from the back of a room
CHAR_WIDTH = 0.56  # average width of a character, in font sizes (Arial / Inter, mixed case): for margins


@dataclass(frozen=True)
class Size:
    """How big a figure's text is, and what follows from it (row height, label length, Sankey spacing).

    ``SCREEN`` is a desk at 1280 px and more; ``WALL`` is projected (read from the
    back of the room, at 1280×720 or 1920×1080); ``PRINT`` is the PDF report,
    drawn 1400 px wide and scaled onto A4.
    """

    font: int = 14
    row: int = ROW_HEIGHT  # pixels per bar of a horizontal bar chart
    label: int = LABEL_WIDTH  # characters of a bar label before it is cut (full text on hover)
    node_label: int = 24  # characters of a Sankey node label (a column is a quarter of the width)

    @property
    def line(self) -> int:
        """Height of one line of text, in pixels."""
        return round(self.font * 1.35)


SCREEN = Size()
WALL = Size(font=20, row=38, label=36, node_label=22)
PRINT = Size(font=16, row=30, label=48, node_label=28)


def plotly_text(text: object) -> str:
    """Text shown literally by Plotly: ``&``, ``<`` and ``>`` as entities, so no tag in a cell is ever drawn."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(text: object, width: int) -> str:
    """Cut first, then escape: an entity is never cut in half."""
    return plotly_text(shorten(text, width))


def priority_name(key: str, lang: str = DEFAULT_LANG) -> str:
    """The short MoSCoW name of a priority key (« Must »…, « Non renseignée »)."""
    return t(f"charts.priority.{key}", lang)


def _pair(label: str, value: str, lang: str) -> str:
    """« Besoins : 3 » / "Needs: 3" (French puts a space before the colon)."""
    return t("charts.label_value", lang, label=label, value=value)


def _height(rows: int, per_row: int = ROW_HEIGHT, base: int = 140, minimum: int = 320) -> int:
    return max(minimum, base + per_row * rows)


def white(fig: go.Figure) -> go.Figure:
    """``fig`` on Plotly's « plotly_white » template, assigned the way Plotly assigns its own default template:
    without validating the template again. Named in ``update_layout``, the template was validated anew for every
    figure: 11 of the 13 ms a small chart took to build (a page draws several, every rerun). Same figure, same JSON."""
    layout = fig.layout
    layout._validate = False  # as plotly's BaseFigure does for pio.templates.default: the template is known valid
    try:
        layout.template = pio.templates["plotly_white"]
    finally:
        layout._validate = True
    return fig


def _layout(fig: go.Figure, title: str, lang: str, height: int | None = None, size: Size = SCREEN) -> go.Figure:
    white(fig)
    fig.update_layout(title=dict(text=plotly_text(title), x=0, xanchor="left", font=dict(size=round(size.font * 1.3))),
                      font={**FONT, "size": size.font},
                      margin=dict(l=10, r=10, t=round(size.font * 4.3), b=10), separators=t("charts.separators", lang),
                      hoverlabel=dict(namelength=-1))
    if height:
        fig.update_layout(height=height)
    return fig


def text_width(text: str, font: int) -> int:
    """An estimate of the pixels a line of text takes (the longest line of a ``<br>``-broken label)."""
    lines = str(text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split("<br>")
    return round(max(len(line) for line in lines) * font * CHAR_WIDTH)


def wrap(text: str, width: int, lines: int = 2) -> str:
    """Sheet or catalogue text on at most ``lines`` lines of ``width`` characters (cut with « … » after),
    escaped for Plotly and joined with ``<br>``: a long label takes two short lines instead of the margin."""
    words, out, line = " ".join(str(text).split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[: lines - 1] + [shorten(" ".join(out[lines - 1:]), width)]
    return "<br>".join(plotly_text(shorten(part, width)) for part in out)


def empty_figure(title: str = "", message: str | None = None, lang: str = DEFAULT_LANG) -> go.Figure:
    """A blank figure saying why it is blank (never an exception on an empty canvas)."""
    fig = go.Figure()
    fig.add_annotation(text=plotly_text(message or t("charts.no_data", lang)), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=20, color=OKABE_ITO["grey"]))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, lang, height=260)


def _bar_labels_margin(fig: go.Figure, labels: list[str], size: Size) -> None:
    """Room on the left for the longest bar label, so it is never cut (Plotly's automargin gives up in a narrow column)."""
    widest = max((text_width(label, size.font) for label in labels), default=0)
    fig.update_layout(margin=dict(l=widest + 16))
    fig.update_yaxes(automargin=True, ticklabelstandoff=4)


def coverage_bar(coverage: pd.DataFrame, title: str | None = None, lang: str = DEFAULT_LANG, size: Size = SCREEN) -> go.Figure:
    """Stacked horizontal bars: each stake's MoSCoW-weighted score, split by priority; stakes with no need flagged.

    A segment is (needs of that priority) × (its weight), so a bar's length is the
    stake's weighted score of ``docs/metrics.md``: three Must (12) outweigh ten
    Could (10). The hover gives the counts. ``coverage`` is
    :func:`crmcanvas.analysis.metrics.stake_coverage`; stakes keep sheet order, top down.
    """
    title = t("charts.coverage.title", lang) if title is None else title
    if coverage is None or coverage.empty:
        return empty_figure(title, lang=lang)
    names = [f"{plotly_text(rid)} · {_short(label, size.label)}" for rid, label in zip(coverage["id"], coverage["label"], strict=True)]
    full = [plotly_text(f"{rid} · {label}") for rid, label in zip(coverage["id"], coverage["label"], strict=True)]
    needs, score = t("charts.coverage.needs", lang), t("charts.coverage.score", lang)
    fig = go.Figure()
    for key in ("must", "should", "could", "sans_priorite"):
        w = MOSCOW_WEIGHTS.get(key, UNKNOWN_WEIGHT)
        name = priority_name(key, lang)
        fig.add_bar(
            y=names, x=coverage[key] * w, orientation="h", name=name, marker_color=PRIORITY_COLOURS[key],
            customdata=list(zip(full, coverage["score"], coverage["besoins"], coverage[key], strict=True)),
            hovertemplate="<b>%{customdata[0]}</b><br>" + _pair(name, f"%{{customdata[3]}} × {w} = %{{x}}", lang) + "<br>"
            + _pair(needs, "%{customdata[2]}", lang) + " · " + _pair(score, "%{customdata[1]}", lang) + "<extra></extra>",
        )
    for name, total in zip(names, coverage["besoins"], strict=True):
        if int(total) == 0:
            fig.add_annotation(x=0, y=name, text=t("charts.coverage.no_need", lang), showarrow=False, xanchor="left", xshift=4,
                               font=dict(color=OKABE_ITO["vermillion"]))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, xanchor="left",
                                                   title_text=t("charts.coverage.legend", lang), traceorder="normal"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    # The axis says what a bar measures in two words; how it is weighted goes under the chart, left-aligned over
    # the whole width (as an axis title, centred under the bars, it was cut at the right).
    # the subtitle spans the figure's whole width (an axis title is centred under the bars only, and was cut)
    fig.update_xaxes(title_text=t("ui.chart.coverage_axis", lang), rangemode="tozero")
    fig = _layout(fig, title, lang, _height(len(names), per_row=size.row, base=round(size.font * 14)), size)
    note = wrap(t("ui.chart.coverage_note", lang), 70)
    fig.update_layout(title_subtitle=dict(text=note, font=dict(size=round(size.font * 0.85), color="#555555")),
                      margin=dict(t=round(size.font * 4.3) + (note.count("<br>") + 2) * size.line + 10, b=round(size.font * 3.5)))
    _bar_labels_margin(fig, names, size)
    return fig


SANKEY_COLUMNS = ("enjeux", "groupes", "donnees", "applications")
_END = "__end__"  # an invisible last column: every real column then keeps its labels on the right of its nodes


def sankey_counts(canvas, metrics: dict) -> tuple[int, int, int, int]:
    """What each Sankey column counts: stakes, needs taken into account, data objects, applications."""
    counts = canvas.counts
    active = metrics.get("besoins_actifs")
    return (int(counts.get("enjeux", 0)), int(active if active is not None else counts.get("besoins", 0)),
            int(counts.get("donnees", 0)), int(counts.get("applications", 0)))


def sankey_column_titles(group_by: str, counts: tuple[int, ...] | None, lang: str = DEFAULT_LANG) -> list[str]:
    """« Enjeux (8) », « Besoins par priorité (52) », « Données (15) », « Applications (15) »."""
    keys = ["enjeux", f"groupes.{group_by}", "donnees", "applications"]
    if counts is None:
        return [t(f"ui.chart.sankey_column.{key}", lang) for key in keys]
    return [t("ui.chart.sankey_column.counted", lang, column=t(f"ui.chart.sankey_column.{key}", lang), count=n)
            for key, n in zip(keys, counts, strict=True)]


def sankey_figure(table: SankeyTable, title: str | None = None, lang: str = DEFAULT_LANG, size: Size = SCREEN,
                  counts: tuple[int, int, int, int] | None = None) -> go.Figure:
    """The Sankey of :func:`crmcanvas.analysis.traceability.sankey_table` (grouped needs, top-N + « Autres »).

    Four fixed columns, each named above with what it counts (``counts``, see
    :func:`sankey_counts`). Plotly puts the labels of its last column on the
    left of the nodes, where they ran into the labels of the column before; an
    invisible fifth column (one node, one link of no width) keeps every label
    on the right, in the free space before the next column. Nodes are spaced by
    at least a line of text, so two labels never overlap.
    """
    title = t("charts.sankey.title", lang) if title is None else title
    if table is None or table.links.empty or table.nodes.empty:
        return empty_figure(title, lang=lang)
    nodes = table.nodes
    index = {node: i for i, node in enumerate(nodes["node"])}
    layer_colour = [OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["green"], OKABE_ITO["purple"]]
    colours = []
    for layer, kind in zip(nodes["layer"], nodes["kind"], strict=True):
        colours.append(OKABE_ITO["vermillion"] if kind == "none" else OKABE_ITO["grey"] if kind == "other" else layer_colour[int(layer) % 4])
    links = table.links.loc[table.links["source"].isin(index) & table.links["target"].isin(index)]
    link_colour = ["rgba(213, 94, 0, 0.35)" if s.endswith(":∅") or t_.endswith(":∅") else "rgba(120, 120, 120, 0.25)"
                   for s, t_ in zip(links["source"], links["target"], strict=True)]
    per_layer = int(nodes["layer"].value_counts().max())
    pad = max(12, size.line + 4)
    top_margin = round(size.font * 4.3) + size.line + 8  # the title, then the column names
    margins = top_margin + 10
    plot = _height(per_layer, per_row=pad + 18, base=120, minimum=420) - margins
    x, y, plot_height = _sankey_positions(nodes, links, plot, pad)
    last = max(int(v) for v in nodes["layer"])
    # the invisible end column: one node fed by a link of (almost) no width from a node of the last real column
    anchor = next(i for i in reversed(range(len(nodes))) if int(nodes["layer"].iloc[i]) == last)
    labels = [_short(label, size.node_label) for label in nodes["label"]] + [""]
    full = [plotly_text(label) for label in nodes["label"]] + [""]
    x, y = x + [0.999], y + [0.5]
    sources = [index[s] for s in links["source"]] + [anchor]
    targets = [index[t_] for t_ in links["target"]] + [len(nodes)]
    values = links["value"].tolist() + [1e-9]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=labels, customdata=full, color=colours + ["rgba(0, 0, 0, 0)"], x=x, y=y, pad=pad, thickness=16,
                  line=dict(width=0),
                  hovertemplate="<b>%{customdata}</b><br>" + t("charts.sankey.node_links", lang, count="%{value}") + "<extra></extra>"),
        link=dict(source=sources, target=targets, value=values, color=link_colour + ["rgba(0, 0, 0, 0)"],
                  hovertemplate="%{source.customdata} → %{target.customdata}<br>"
                  + t("charts.sankey.link_links", lang, count="%{value}") + "<extra></extra>"),
    ))
    columns = sankey_column_titles(table.group_by, counts, lang)
    for layer, text in enumerate(columns[: last + 1]):
        fig.add_annotation(text="<b>" + plotly_text(text) + "</b>", x=_column_x(layer, last), xref="paper", y=1, yref="paper",
                           xanchor="left", yanchor="bottom", yshift=6, showarrow=False, font=dict(size=size.font))
    fig = _layout(fig, title, lang, plot_height + margins, size)
    fig.update_layout(margin=dict(t=top_margin, l=10, r=10, b=10))
    return fig


def _column_x(layer: int, last: int) -> float:
    """Where a real column stands (0 … 0.75): the last quarter holds the last column's labels."""
    return 0.001 + 0.749 * layer / max(last, 1)


def _sankey_positions(nodes: pd.DataFrame, links: pd.DataFrame, plot_height: int, pad: int) -> tuple[list[float], list[float], int]:
    """Fixed columns (one per layer), the table's order top-down, and the plot height that fits them.

    Without this, Plotly moves a sink such as « Sans donnée » to the last column
    and reorders nodes by size. Plotly still sizes nodes with its own columns
    (a node with no outgoing link sits in its last one, the invisible end
    column), so the pixels per link are computed its way, and the plot grows
    until each of our columns fits without overlap.
    """
    inflow = links.groupby("target")["value"].sum()
    outflow = links.groupby("source")["value"].sum()
    size = [max(float(inflow.get(n, 0)), float(outflow.get(n, 0))) for n in nodes["node"]]
    layer_of = [int(v) for v in nodes["layer"]]
    last = max(max(layer_of), 1)
    plotly_layer = [layer if n in outflow.index else last + 1 for n, layer in zip(nodes["node"], layer_of, strict=True)]

    def columns(layers: list[int]) -> list[list[int]]:
        return [[i for i, v in enumerate(layers) if v == layer] for layer in sorted(set(layers))]

    ours, theirs = columns(layer_of), columns(plotly_layer)
    height = plot_height
    for _ in range(400):
        per_link = min((height - pad * (len(c) - 1)) / max(sum(size[i] for i in c), 1.0) for c in theirs)
        if all(sum(size[i] for i in c) * per_link + pad * (len(c) - 1) <= height for c in ours):
            break
        height += 20
    x = [_column_x(layer, last) for layer in layer_of]
    y = [0.5] * len(nodes)
    for c in ours:
        top = 0.0
        for i in c:
            y[i] = min(0.999, max(0.001, (top + size[i] * per_link / 2) / height))
            top += size[i] * per_link + pad
    return x, y, height


def matrix_heatmap(matrix: pd.DataFrame, row_labels: dict[str, str] | None = None, col_labels: dict[str, str] | None = None,
                   title: str = "", value_names: dict[int, str] | None = None, max_tick_labels: int = 80,
                   lang: str = DEFAULT_LANG, size: Size = SCREEN) -> go.Figure:
    """A traceability matrix as a heatmap (0 = light grey, links in blue). Tick labels hide past ``max_tick_labels`` columns.

    ``value_names`` names the non-zero values for the hover (default: 1 = « lié »).
    """
    if matrix is None or matrix.empty or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        return empty_figure(title, lang=lang)
    row_labels, col_labels = row_labels or {}, col_labels or {}
    value_names = value_names or {1: t("charts.matrix.linked", lang)}
    rows = [f"{plotly_text(r)} · {_short(row_labels.get(r, r), 30)}" for r in matrix.index]
    cols = [plotly_text(c) for c in matrix.columns]
    z = matrix.to_numpy()
    top = max(1, int(z.max()))
    text = [[plotly_text(value_names.get(int(v), "—")) for v in line] for line in z]
    hover = [[plotly_text(row_labels.get(r, r))] * len(cols) for r in matrix.index]
    col_full = [plotly_text(col_labels.get(c, c)) for c in matrix.columns]
    fig = go.Figure(go.Heatmap(
        z=z, x=cols, y=rows, zmin=0, zmax=top, showscale=False, xgap=1, ygap=1, colorscale=_steps(top),
        text=text, customdata=[[(h, cf) for h, cf in zip(line, col_full, strict=True)] for line in hover],
        hovertemplate="<b>%{customdata[0]}</b><br>× %{x} · %{customdata[1]}<br>%{text}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=12))
    fig.update_xaxes(side="top", showticklabels=len(cols) <= max_tick_labels, tickangle=-60, tickfont=dict(size=11))
    named = len(cols) <= 25 and bool(col_labels)
    if named:  # few columns: name them, not just their IDs
        fig.update_xaxes(tickvals=cols, ticktext=[f"{plotly_text(c)} · {_short(col_labels[c], 18)}" if c in col_labels else plotly_text(c)
                                                  for c in matrix.columns])
    if len(value_names) > 1:  # say which colour is which
        key = "   ".join(f"<span style='color:{_STEP_COLOURS[min(v, len(_STEP_COLOURS) - 1)]}'>■</span> {plotly_text(name)}"
                         for v, name in sorted(value_names.items(), reverse=True))
        fig.add_annotation(text=key, xref="paper", yref="paper", x=0, y=0, yshift=-8, xanchor="left", yanchor="top", showarrow=False)
    fig = _layout(fig, title, lang, _height(len(rows), per_row=20 if len(rows) > 30 else 26, base=260 if named else 160), size)
    if len(value_names) > 1:
        fig.update_layout(margin=dict(b=40))
    _bar_labels_margin(fig, rows, Size(font=12))
    return fig


_STEP_COLOURS = ["#F2F2F2", OKABE_ITO["sky"], OKABE_ITO["blue"]]


def _steps(top: int) -> list[list]:
    """Discrete colours: 0 light grey, 1 sky blue, 2 (and more) dark blue; a 0/1 matrix is grey/dark blue."""
    if top <= 1:
        return [[0, _STEP_COLOURS[0]], [0.5, _STEP_COLOURS[0]], [0.5, _STEP_COLOURS[2]], [1, _STEP_COLOURS[2]]]
    third = 1 / 3
    return [[0, _STEP_COLOURS[0]], [third, _STEP_COLOURS[0]], [third, _STEP_COLOURS[1]], [2 * third, _STEP_COLOURS[1]],
            [2 * third, _STEP_COLOURS[2]], [1, _STEP_COLOURS[2]]]


def matrix_values(code: str, lang: str = DEFAULT_LANG) -> dict[int, str] | None:
    """What the non-zero cells of a matrix mean, when it is more than « lié »."""
    if code == "donnees_applications":
        return {2: t("charts.matrix.master", lang), 1: t("charts.matrix.stored", lang)}
    return None


def matrix_figure(code: str, matrix: pd.DataFrame, labels: dict[str, dict[str, str]], lang: str = DEFAULT_LANG,
                  size: Size = SCREEN) -> go.Figure:
    """One of :data:`crmcanvas.analysis.traceability.MATRICES` by code, titled and labelled.

    ``labels`` maps tab -> id -> label (``{tab: canvas.labels(tab)}``; for needs,
    their text).
    """
    m = MATRICES[code]
    return matrix_heatmap(matrix, labels.get(m.rows), labels.get(m.cols), title=m.title(lang), value_names=matrix_values(code, lang),
                          lang=lang, size=size)


def gap_counts_bar(gaps: dict[str, list[dict]], title: str | None = None, lang: str = DEFAULT_LANG, size: Size = SCREEN) -> go.Figure:
    """One bar per gap (its registry title), vermillion when the gap has items, green when it is closed.

    Titles longer than a short line take two lines, and the left margin is made
    for the widest of them, so no title is cut whatever the column's width; the
    count stands at the end of each bar, inside the chart.
    """
    title = t("charts.gaps.title", lang) if title is None else title
    if not gaps:
        return empty_figure(title, lang=lang)
    codes = list(gaps)
    counts = [len(gaps[c]) for c in codes]
    labels = [_gap_title(c, lang) for c in codes]
    examples = [plotly_text(", ".join(i["id"] for i in gaps[c][:8]) + (" …" if len(gaps[c]) > 8 else "")) for c in codes]
    shown = [wrap(label, 30) for label in labels]
    fig = go.Figure(go.Bar(
        y=shown, x=counts, orientation="h", text=counts, textposition="outside", cliponaxis=False,
        marker_color=[OKABE_ITO["vermillion"] if c else OKABE_ITO["green"] for c in counts],
        customdata=list(zip([plotly_text(label) for label in labels], examples, strict=True)),
        hovertemplate="<b>%{customdata[0]}</b><br>" + t("charts.gaps.items", lang, count="%{x}") + "<br>%{customdata[1]}<extra></extra>",
    ))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(bargap=0.4)
    top = max(counts, default=0)
    fig.update_xaxes(title_text=t("charts.gaps.axis", lang), range=[0, max(1, top) * 1.15 + 0.5], dtick=_tick_step(top))
    two_lines = sum(1 for label in shown if "<br>" in label)
    fig = _layout(fig, title, lang, _height(len(codes) + two_lines // 2, per_row=2 * size.line + 2, base=round(size.font * 12)), size)
    fig.update_layout(margin=dict(b=round(size.font * 4), r=round(size.font * 2)))
    _bar_labels_margin(fig, shown, size)
    return fig


def _tick_step(top: int) -> int:
    """Whole numbers on a count axis: 1, 2, 5, 10… so that there are at most about eight ticks."""
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000


def _gap_title(code: str, lang: str) -> str:
    try:
        return gap_entry(code).title(lang)
    except KeyError:  # a gap this version does not know (an old snapshot): its code
        return code


STATUS_ORDER = ("nouveau", "qualifie", "valide", "en_cours", "livre", "rejete")
STATUS_COLOURS = dict(zip(STATUS_ORDER, (OKABE_ITO["sky"], OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["orange"],
                                         OKABE_ITO["purple"], OKABE_ITO["grey"]), strict=True))


def priority_status_bar(needs: pd.DataFrame, title: str | None = None, lang: str = DEFAULT_LANG, size: Size = SCREEN) -> go.Figure:
    """Stacked bars: needs per MoSCoW priority (x), split by status (colour). All needs, rejected included."""
    title = t("charts.priority_status.title", lang) if title is None else title
    if needs is None or needs.empty:
        return empty_figure(title, lang=lang)
    priority = needs["priorite"].where(needs["priorite"].isin(("must", "should", "could", "wont")), "sans_priorite")
    status = needs["statut"].where(needs["statut"] != "", "sans_statut")
    counts = pd.crosstab(priority, status)
    x_keys = [p for p in PRIORITIES if p in counts.index]
    extra = sorted(s for s in counts.columns if s not in STATUS_ORDER)
    fig = go.Figure()
    for i, s in enumerate([s for s in STATUS_ORDER if s in counts.columns] + extra):
        name = t("charts.no_status", lang) if s == "sans_statut" else value_label(s, lang)
        fig.add_bar(x=[priority_name(p, lang) for p in x_keys], y=[int(counts.at[p, s]) for p in x_keys], name=_short(name, 24),
                    marker_color=STATUS_COLOURS.get(s, PALETTE[(i + 3) % len(PALETTE)] if s != "sans_statut" else "#CCCCCC"),
                    meta=plotly_text(name), hovertemplate="%{x} · " + _pair("%{meta}", "%{y}", lang) + "<extra></extra>")
    fig.update_layout(barmode="stack", legend=dict(title_text=t("charts.priority_status.legend", lang)))
    fig.update_xaxes(title_text=t("charts.priority_status.axis_x", lang))
    fig.update_yaxes(title_text=t("charts.priority_status.axis_y", lang))
    return _layout(fig, title, lang, 420, size)
