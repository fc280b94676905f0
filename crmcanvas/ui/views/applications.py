"""The Applications page's pieces: counts by status, the inventory grouped by status, one application up close."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crmcanvas.analysis.inventory import Application, by_status
from crmcanvas.core.canvas import Canvas
from crmcanvas.reports.page_charts import status_name
from crmcanvas.ui import cards
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import header, v

MAX_COUNTS = 6  # status tiles in one row
ROW_HEIGHT = 72  # three wrapped lines


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
    """The applications under their status, each with the needs that cite it, its data and its exchanges.

    Five columns sized to fit 1280 px with the sidebar, text wrapped on three lines: never cut at the right.
    """
    data, names = canvas.labels("donnees"), canvas.labels("applications")
    columns = {"name": header("applications", "application", lang), "category": header("applications", "categorie", lang),
               "needs": v("applications.column.needs", lang), "data": v("applications.column.data", lang),
               "exchanges": v("applications.column.exchanges", lang)}
    widths = {"name": 180, "category": 110, "needs": 150, "data": 180, "exchanges": 180}
    config = {columns[key]: st.column_config.TextColumn(width=width) for key, width in widths.items()}
    for status, members in by_status(apps).items():
        st.markdown(f"#### {md(v('applications.status_group', lang, status=status_name(status, lang), count=len(members)))}")
        frame = pd.DataFrame([{
            columns["name"]: f"{a.id} · {a.name}", columns["category"]: a.category, columns["needs"]: ", ".join(a.needs),
            columns["data"]: ", ".join(_data_names(a, data, lang)), columns["exchanges"]: ", ".join(_exchange_names(a, names, lang)),
        } for a in members], columns=list(columns.values()))
        st.dataframe(frame, hide_index=True, width="stretch", column_config=config, row_height=ROW_HEIGHT)


def zoom(apps: list[Application], canvas: Canvas, lang: str) -> None:
    """One application: the data it holds and what it exchanges with, side by side; then the needs that cite it."""
    by_id = {a.id: a for a in apps}
    chosen = st.selectbox(v("applications.pick", lang), list(by_id), format_func=lambda rid: f"{rid} · {by_id[rid].name}",
                          key="applications.zoom")
    if chosen is None:
        return
    app = by_id[chosen]
    data, names = canvas.labels("donnees"), canvas.labels("applications")
    parts = ((v("applications.data_of", lang, count=len(app.data)), _data_names(app, data, lang)),
             (v("applications.exchanges_of", lang, count=len(app.exchanges) + len(app.not_inventoried)),
              _exchange_names(app, names, lang)))
    for column, (title, lines) in zip(st.columns(2), parts, strict=True):
        with cards.card(column):
            st.markdown(f"**{md(title)}**")
            st.markdown("\n".join(f"- {md(line)}" for line in lines) if lines else f"_{md(v('applications.none', lang))}_")
    st.markdown(f"**{md(v('applications.needs_of', lang, count=len(app.needs)))}**")
    if app.needs:
        texts = canvas.labels("besoins")
        frame = pd.DataFrame({"id": app.needs, "besoin": [texts.get(n, "") for n in app.needs]})
        id_, need = header("besoins", "id", lang), header("besoins", "besoin", lang)
        st.dataframe(frame.rename(columns={"id": id_, "besoin": need}), hide_index=True, width="stretch", row_height=ROW_HEIGHT,
                     column_config={id_: st.column_config.TextColumn(width=60), need: st.column_config.TextColumn(width=740)})
