"""The Applications page's pieces: counts by status, the inventory grouped by status, one application up close."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crmcanvas.analysis.inventory import Application, by_status
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.text import shorten
from crmcanvas.reports.page_charts import status_name
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import header, v, value

MAX_COUNTS = 6  # status tiles in one row


def counts(apps: list[Application], lang: str) -> None:
    """One tile per status: how many applications are in place, to keep, to integrate, to replace, candidates."""
    groups = list(by_status(apps).items())[:MAX_COUNTS]
    for column, (status, members) in zip(st.columns(len(groups)), groups, strict=True):
        column.metric(status_name(status, lang), len(members), border=True)


def _data_names(app: Application, names: dict[str, str], lang: str) -> list[str]:
    return [v("applications.master", lang, name=names.get(obj, obj)) if obj in app.master_of else names.get(obj, obj)
            for obj in app.data]


def _exchange_names(app: Application, names: dict[str, str], lang: str) -> list[str]:
    return [names.get(a, a) for a in app.exchanges] + [v("applications.not_inventoried", lang, name=ref) for ref in app.not_inventoried]


def inventory(apps: list[Application], canvas: Canvas, lang: str) -> None:
    """The applications under their status, each with the needs that cite it, its data and its exchanges."""
    data, names = canvas.labels("donnees"), canvas.labels("applications")
    columns = {"id": header("applications", "id", lang), "name": header("applications", "application", lang),
               "category": header("applications", "categorie", lang), "hosting": header("applications", "interne_externe", lang),
               "needs": v("applications.column.needs", lang), "data": v("applications.column.data", lang),
               "exchanges": v("applications.column.exchanges", lang)}
    config = {columns["id"]: st.column_config.TextColumn(width="small"), columns["name"]: st.column_config.TextColumn(width="medium"),
              columns["category"]: st.column_config.TextColumn(width="small"), columns["hosting"]: st.column_config.TextColumn(width="small"),
              columns["needs"]: st.column_config.ListColumn(width="medium"), columns["data"]: st.column_config.ListColumn(width="medium"),
              columns["exchanges"]: st.column_config.ListColumn(width="medium")}
    for status, members in by_status(apps).items():
        st.markdown(f"#### {md(v('applications.status_group', lang, status=status_name(status, lang), count=len(members)))}")
        frame = pd.DataFrame([{
            columns["id"]: a.id, columns["name"]: a.name, columns["category"]: a.category, columns["hosting"]: value(a.hosting, lang),
            columns["needs"]: a.needs, columns["data"]: _data_names(a, data, lang), columns["exchanges"]: _exchange_names(a, names, lang),
        } for a in members], columns=list(columns.values()))
        st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


def zoom(apps: list[Application], canvas: Canvas, lang: str) -> None:
    """One application: the needs that cite it (with their text), the data it holds, what it exchanges with."""
    by_id = {a.id: a for a in apps}
    chosen = st.selectbox(v("applications.pick", lang), list(by_id), format_func=lambda rid: f"{rid} · {by_id[rid].name}",
                          key="applications.zoom")
    if chosen is None:
        return
    app = by_id[chosen]
    needs, data, names = canvas.labels("besoins"), canvas.labels("donnees"), canvas.labels("applications")
    parts = ((v("applications.needs_of", lang, count=len(app.needs)), [f"**{md(n)}** {md(shorten(needs.get(n, ''), 110))}" for n in app.needs]),
             (v("applications.data_of", lang, count=len(app.data)), [md(name) for name in _data_names(app, data, lang)]),
             (v("applications.exchanges_of", lang, count=len(app.exchanges) + len(app.not_inventoried)),
              [md(name) for name in _exchange_names(app, names, lang)]))
    for column, (title, lines) in zip(st.columns([2, 1, 1]), parts, strict=True):
        with column.container(border=True):
            st.markdown(f"**{md(title)}**")
            st.markdown("\n".join(f"- {line}" for line in lines) if lines else f"_{md(v('applications.none', lang))}_")
