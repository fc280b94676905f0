"""Figures of the content pages (Applications, Parties prenantes): frames in, ``go.Figure`` out, no Streamlit.

They share the palette, fonts and layout of :mod:`crmcanvas.reports.charts`
(14 px labels, Okabe-Ito colours, « Aucune donnée » rather than an error),
and its rule: every piece of sheet text goes through
:func:`~crmcanvas.reports.charts.plotly_text` before it enters a figure.
Their words are in ``i18n/views.toml`` (``views.charts.*``).
"""

from __future__ import annotations

import plotly.graph_objects as go

from crmcanvas.analysis.stakeholders import Department
from crmcanvas.analysis.views import NONE
from crmcanvas.core.schema import value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.charts import OKABE_ITO, _height, _layout, empty_figure, plotly_text
from crmcanvas.reports.network import Network

STATUS_COLOURS = {"en_place": OKABE_ITO["green"], "a_conserver": OKABE_ITO["blue"], "a_integrer": OKABE_ITO["orange"],
                  "a_remplacer": OKABE_ITO["vermillion"], "candidate": OKABE_ITO["purple"]}
OTHER_COLOUR = OKABE_ITO["grey"]
MISSING_COLOUR = OKABE_ITO["black"]  # an application named but not inventoried: drawn hollow, in black
NETWORK_LABEL = 28  # characters of a node's label; the full name is on hover
X_SPAN = 2.25
LEGEND_ENTRY = 0.25  # of the plot's width  # the circle has radius 1; labels need room on either side


def status_name(status: str, lang: str = DEFAULT_LANG) -> str:
    """An application status as the reader says it; « Statut non renseigné » for none."""
    return t("views.applications.no_status", lang) if status == NONE else value_label(status, lang)


def _text_position(x: float, y: float) -> str:
    if abs(x) < 0.2:
        return "top center" if y > 0 else "bottom center"
    return "middle right" if x > 0 else "middle left"


def network_figure(network: Network, title: str | None = None, lang: str = DEFAULT_LANG) -> go.Figure:
    """The applications on a circle coloured by status, one line per exchange; the not-inventoried dashed."""
    title = t("views.charts.network.title", lang) if title is None else title
    nodes, edges = network.nodes, network.edges
    if nodes.empty:
        return empty_figure(title, lang=lang)
    where = {row.node: (row.x, row.y) for row in nodes.itertuples()}
    missing = set(nodes.loc[nodes["kind"] == "missing", "node"])
    fig = go.Figure()
    for dashed in (False, True):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for a, b in zip(edges["source"], edges["target"], strict=True):
            if (a in missing or b in missing) == dashed:
                xs += [where[a][0], where[b][0], None]
                ys += [where[a][1], where[b][1], None]
        if xs:
            fig.add_scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                            line=dict(color=MISSING_COLOUR if dashed else "#8C8C8C", width=2, dash="dash" if dashed else "solid"))
    names = dict(zip(nodes["node"], nodes["label"], strict=True))
    partners: dict[str, list[str]] = {}
    for a, b in zip(edges["source"], edges["target"], strict=True):
        partners.setdefault(a, []).append(names.get(b, b))
        partners.setdefault(b, []).append(names.get(a, a))
    groups = [(status, nodes[(nodes["kind"] == "app") & (nodes["status"] == status)]) for status in dict.fromkeys(nodes["status"])]
    groups.append(("missing", nodes[nodes["kind"] == "missing"]))
    for status, part in groups:
        if part.empty:
            continue
        name = t("views.charts.network.missing", lang) if status == "missing" else status_name(status, lang)
        colour = MISSING_COLOUR if status == "missing" else STATUS_COLOURS.get(status, OTHER_COLOUR)
        hover = [plotly_text(label) + "<br>" + plotly_text(", ".join(partners.get(node, [])) or "—")
                 for node, label in zip(part["node"], part["label"], strict=True)]
        fig.add_scatter(
            x=part["x"], y=part["y"], mode="markers+text", name=plotly_text(f"{name} ({len(part)})"),
            text=[plotly_text(shorten(label, NETWORK_LABEL)) for label in part["label"]],
            textposition=[_text_position(x, y) for x, y in zip(part["x"], part["y"], strict=True)],
            textfont=dict(size=14), cliponaxis=False, customdata=hover,
            marker=dict(size=[16 + min(int(d), 6) * 2 for d in part["degree"]], color="white" if status == "missing" else colour, opacity=1,
                        symbol="circle", line=dict(color=colour, width=3 if status == "missing" else 1)),
            hovertemplate="<b>%{customdata}</b><extra></extra>",
        )
    height = max(560, int(120 + 2 * 3.2 * len(nodes)))
    fig.update_xaxes(visible=False, range=[-X_SPAN, X_SPAN], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-1.18, 1.18], fixedrange=True)
    # Four entries per row, each a quarter of the width: Plotly's own wrapping misjudges the text widths and let an
    # English legend run past both edges at 1280 px (the entries are the statuses: no legend title needed).
    fig.update_layout(legend=dict(orientation="h", y=-0.02, yanchor="top", x=0, xanchor="left", entrywidth=LEGEND_ENTRY,
                                  entrywidthmode="fraction"), hovermode="closest")
    fig = _layout(fig, title, lang, height)
    fig.update_layout(margin=dict(l=10, r=10, t=60, b=80))
    return fig


def department_name(name: str, lang: str = DEFAULT_LANG) -> str:
    return t("views.stakeholders.no_department", lang) if name == NONE else name


def departments_bar(departments: list[Department], title: str | None = None, lang: str = DEFAULT_LANG) -> go.Figure:
    """People and roles per department, side by side: which departments speak, and through how many roles."""
    title = t("views.charts.departments.title", lang) if title is None else title
    if not departments:
        return empty_figure(title, lang=lang)
    full = [plotly_text(department_name(d.name, lang)) for d in departments]
    labels = [plotly_text(shorten(department_name(d.name, lang), 30)) for d in departments]
    fig = go.Figure()
    for key, colour, values in (("people", OKABE_ITO["blue"], [len(d.people) for d in departments]),
                                ("roles", OKABE_ITO["orange"], [len(d.roles) for d in departments])):
        name = t(f"views.charts.departments.{key}", lang)
        fig.add_bar(y=labels, x=values, orientation="h", name=name, marker_color=colour, text=values, textposition="outside",
                    cliponaxis=False, customdata=full, meta=name,
                    hovertemplate="<b>%{customdata}</b><br>" + t("charts.label_value", lang, label="%{meta}", value="%{x}")
                    + "<extra></extra>")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1, xanchor="right"))
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    fig.update_xaxes(title_text=t("views.charts.departments.axis", lang), rangemode="tozero", dtick=1 if max(
        max(len(d.people), len(d.roles)) for d in departments) <= 12 else None)
    return _layout(fig, title, lang, _height(len(departments), per_row=44))
