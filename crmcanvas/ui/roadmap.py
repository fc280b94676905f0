"""The roadmap on screen: each lot's progress, the burn-up across snapshots, the stakes each lot serves, the needs
with no lot.

The figures come from :mod:`crmcanvas.analysis.roadmap` (the analysis already
holds today's roadmap) and :mod:`crmcanvas.reports.burnup` (past weeks, read
from the snapshots: the server-wide history of :func:`crmcanvas.ui.state.history`,
read again after a minute, shared with the history page). Sheet
text drawn as Markdown goes through :func:`~crmcanvas.ui.escape.md`; tables are
``st.dataframe`` (plain text); words come from ``i18n/vendors.toml``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import streamlit as st

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.registry import PROJECT_TODO, Source
from crmcanvas.analysis.roadmap import Roadmap, roadmap_of
from crmcanvas.analysis.standard_specific import overall
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.core.text import shorten
from crmcanvas.i18n import t as _t
from crmcanvas.reports import burnup, roadmap_charts, snapshots
from crmcanvas.reports.history import History
from crmcanvas.ui import widgets
from crmcanvas.ui.escape import md
from crmcanvas.ui.vendors import quote

RELEASES = Source(PROJECT_TODO, "releases", area="vendors")
NEED_WIDTH = 110  # characters of a need's text in a table


def t(key: str, lang: str, **params: Any) -> str:
    return _t(f"vendors.roadmap.{key}", lang, **params)


@st.cache_resource(show_spinner=False, max_entries=8)
def _burn_up(settings_json: str, version: str, week: str, latest: str, _history: History, _plan: Roadmap,
             _at: datetime) -> burnup.BurnUp:
    return burnup.burn_up(_history, _plan, _at, week)


def _kpis(plan: Roadmap, specific: float | None, lang: str) -> None:
    a, b, c, d = st.columns(4)
    a.metric(t("kpi.lots", lang), len(plan.planned), border=True)
    b.metric(t("kpi.delivered", lang), t("kpi.delivered_value", lang, done=plan.delivered, total=plan.total), border=True)
    c.metric(t("kpi.without_lot", lang), len(plan.without_lot), border=True)
    d.metric(t("kpi.specific", lang), "—" if specific is None else _t("ui.percent", lang, value=f"{specific:.0f}"), border=True)


def _lots_table(plan: Roadmap, lang: str) -> None:
    rows = [{t("col.lot", lang): roadmap_charts.lot_name(lot, lang), t("col.needs", lang): lot.total,
             t("col.delivered", lang): lot.delivered, t("col.progress", lang): lot.pct or 0.0,
             t("col.stakes", lang): ", ".join(lot.stakes)} for lot in plan.lots]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={t("col.progress", lang): st.column_config.ProgressColumn(
                     t("col.progress", lang), min_value=0, max_value=100, format="%.0f %%")})


def _without_lot(canvas: Canvas, plan: Roadmap, lang: str) -> None:
    st.subheader(t("without_title", lang, count=len(plan.without_lot)))
    if not plan.without_lot:
        st.success(t("without_none", lang))
        return
    f = facts_of(canvas)
    priority = dict(zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True))
    status = dict(zip(f.ids["besoins"], f.column("besoins", "statut"), strict=True))
    rows = [{t("col.id", lang): need, t("col.need", lang): shorten(f.labels["besoins"].get(need, need), NEED_WIDTH),
             t("col.priority", lang): value_label(priority.get(need, ""), lang),
             t("col.status", lang): value_label(status.get(need, ""), lang)} for need in plan.without_lot]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={t("col.id", lang): st.column_config.TextColumn(width=70),
                                t("col.need", lang): st.column_config.TextColumn(width="large")})


def roadmap_view(canvas: Canvas, analysis: Any, cfg: Settings, lang: str, *, past: History | None = None) -> None:
    """The page: KPIs, progress per lot, the burn-up (when there are snapshots), stakes per lot, needs with no lot."""
    f = facts_of(canvas)
    plan: Roadmap = analysis.roadmap if analysis.roadmap is not None else roadmap_of(f)
    st.caption(quote(RELEASES, lang))
    if not plan.total:
        st.info(t("no_need", lang, title=md(canvas.tab_titles.get("besoins", TABS["besoins"].title))), icon=":material/route:")
        return
    _kpis(plan, overall(f).specific_pct, lang)
    if not plan.planned:
        st.warning(t("no_lot_at_all", lang), icon=":material/route:")
    widgets.chart(roadmap_charts.lot_progress(plan, lang))
    st.caption(t("rule", lang))

    st.subheader(t("burnup_title", lang))
    at = snapshots.now_in(cfg)
    latest = past.latest() if past is not None else None
    burn = _burn_up(cfg.model_dump_json(), canvas.version, snapshots.week_of(at), latest.taken_at.isoformat() if latest else "",
                    past, plan, at) if past is not None else None
    if burn is None or not burn.snapshots:
        st.info(t("burnup_none", lang), icon=":material/timeline:")
    else:
        widgets.chart(roadmap_charts.burnup_figure(burn, lang))
        st.caption(t("burnup_where", lang, count=burn.snapshots))

    stakes = [(rid, f.labels["enjeux"].get(rid, rid)) for rid in f.ids["enjeux"]]
    widgets.chart(roadmap_charts.lot_stakes(plan, stakes, lang))
    with st.expander(t("lots_title", lang)):
        _lots_table(plan, lang)
    _without_lot(canvas, plan, lang)


__all__ = ["roadmap_view"]
