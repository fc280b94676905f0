"""Reusable pieces of screen: source banner, KPI row, findings table."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from crmcanvas.core.canvas import Canvas
from crmcanvas.core.findings import sort_findings
from crmcanvas.core.schema import TABS
from crmcanvas.sources import DemoSource
from crmcanvas.ui.messages import severity_labels, t


def _age(since: datetime) -> str:
    seconds = int((datetime.now(UTC) - since).total_seconds())
    return f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"


def source_banner(canvas: Canvas, feed_error: str | None = None, lang: str = "fr") -> None:
    read_at = canvas.loaded_at.astimezone().strftime("%H:%M:%S")
    st.caption(f"{t('source', lang)} : **{canvas.source}** · {t('read_at', lang)} {read_at}")
    if canvas.stale_since is not None:
        st.warning(t("stale", lang, age=_age(canvas.stale_since), error=(feed_error or "La source ne répond plus.").rstrip(".") + "."), icon=":material/pause_circle:")
    if canvas.source == DemoSource.description:
        st.info(t("demo_hint", lang), icon=":material/lightbulb:")


def tab_counts(canvas: Canvas) -> None:
    cols = st.columns(len(TABS))
    for col, (key, tab) in zip(cols, TABS.items(), strict=True):
        col.metric(tab.label, canvas.counts.get(key, 0), border=True)


def severity_counts(canvas: Canvas, lang: str = "fr") -> None:
    sev = canvas.severity_counts
    a, b, c = st.columns(3)
    a.metric(t("errors", lang), sev["error"], border=True)
    b.metric(t("warnings", lang), sev["warning"], border=True)
    c.metric(t("infos", lang), sev["info"], border=True)


def findings_frame(canvas: Canvas, lang: str = "fr") -> pd.DataFrame:
    labels = severity_labels(lang)
    rows = [
        {
            t("severity", lang): labels[f.severity],
            t("tab", lang): f.tab or "",
            t("row", lang): f.row,
            t("column", lang): f.column or "",
            t("value", lang): f.value or "",
            t("message", lang): f.message,
            t("suggestion", lang): f.suggestion or "",
            t("code", lang): f.code,
        }
        for f in sort_findings(canvas.findings)
    ]
    return pd.DataFrame(rows, columns=[t(k, lang) for k in ("severity", "tab", "row", "column", "value", "message", "suggestion", "code")])


def display_frame(canvas: Canvas, tab: str) -> pd.DataFrame:
    """A tab as people know it: their own headers, enum codes shown as labels, the sheet row number."""
    from crmcanvas.core.canvas import PROVISIONAL, ROW
    from crmcanvas.core.schema import value_label

    frame = canvas.frames[tab].copy()
    spec = TABS[tab]
    headers = canvas.headers.get(tab, {})
    for col in spec.columns:
        if col.kind == "enum":
            frame[col.key] = frame[col.key].map(value_label)
    shown = [c.key for c in spec.columns if c.key in headers] + canvas.extra_columns.get(tab, [])
    frame = frame[[ROW, *shown]].rename(columns={ROW: "Ligne", **{k: headers.get(k, k) for k in shown}})
    return frame.drop(columns=[PROVISIONAL], errors="ignore")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV that opens cleanly in French Excel: UTF-8 with BOM, semicolon separator."""
    return frame.to_csv(index=False, sep=";").encode("utf-8-sig")


HEADLINE = (
    ("enjeux_couverts_pct", "Enjeux couverts"),
    ("besoins_traces_pct", "Besoins rattachés à un enjeu"),
    ("besoins_qualifies_pct", "Besoins qualifiés"),
    ("roles_actifs_pct", "Rôles qui se sont exprimés"),
)


def _pct(value: object) -> str:
    return "—" if value is None else f"{float(value):.0f} %".replace(".", ",")


def headline_metrics(metrics: dict) -> None:
    """The four percentages a sponsor asks about first, big enough to read from the back of the room."""
    for col, (key, label) in zip(st.columns(len(HEADLINE)), HEADLINE, strict=True):
        col.metric(label, _pct(metrics.get(key)), border=True)


DRILL_COLUMNS = {
    "id": "ID", "besoin": "Besoin", "priorite": "Priorité", "statut": "Statut", "roles": "Rôles", "donnees": "Données",
    "applications": "Applications", "objet": "Objet", "application_maitre": "Application maître", "besoins": "Besoins",
    "application": "Application", "via": "Via", "role": "Rôle", "type": "Type",
}


def _french(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=DRILL_COLUMNS)


def stake_drilldown_view(drill) -> None:
    """One stake, its needs and what they touch (data, applications, roles)."""
    stake = drill.stake
    st.markdown(f"**{stake.get('id', '')} · {stake.get('enjeu', stake.get('label', ''))}**")
    if drill.needs.empty:
        st.warning("Aucun besoin ne sert cet enjeu pour l'instant.", icon=":material/report:")
        return
    st.dataframe(_french(drill.needs), hide_index=True, width="stretch",
                 column_config={"Besoin": st.column_config.TextColumn(width="large")})
    a, b, c = st.columns(3)
    a.caption("Données touchées")
    a.dataframe(_french(drill.data), hide_index=True, width="stretch")
    b.caption("Applications")
    b.dataframe(_french(drill.applications), hide_index=True, width="stretch")
    c.caption("Rôles")
    c.dataframe(_french(drill.roles), hide_index=True, width="stretch")
    if drill.excluded:
        st.caption("Besoins rejetés ou won't qui citent cet enjeu : " + ", ".join(drill.excluded))


def chart(fig, container=st) -> None:
    """Show a figure with its own fonts: Streamlit's chart theme would shrink and grey the labels."""
    container.plotly_chart(fig, width="stretch", theme=None)
