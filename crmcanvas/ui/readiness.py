"""Project readiness on screen: the health scorecard (full, and compact for the overview) and the checklist.

:func:`scorecard` is the compact view another page calls (the overview):
nine status chips and the count of each status. :func:`health_view` is the
health page, :func:`checklist_view` the checklist page. Sheet text drawn as
Markdown (names in the evidence, items, comments) goes through
:func:`~crmcanvas.ui.escape.md`; tables are ``st.dataframe`` (plain text).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pandas as pd
import streamlit as st

from crmcanvas.analysis.checklist import INTRO, ChecklistProgress, Row, chapter_label, progress, template
from crmcanvas.analysis.health import summary
from crmcanvas.analysis.registry import STATUSES, Reading, Source, signal
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.dates import date_text
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.i18n import t as _t
from crmcanvas.reports import checklist_tab, readiness_charts
from crmcanvas.sources.base import SourceError
from crmcanvas.ui import cards, modes, widgets
from crmcanvas.ui.escape import md

STATUS_COLOUR = {"ok": "green", "a_surveiller": "orange", "manquant": "red"}
STATUS_ICON = {"ok": ":material/check_circle:", "a_surveiller": ":material/visibility:", "manquant": ":material/cancel:"}
ITEMS_SHOWN = 8  # items under a signal before « and N more »


def today() -> date:
    """The date overdue items are counted from (the server's; tests replace it)."""
    return date.today()


def t(key: str, lang: str, **params: Any) -> str:
    return _t(f"readiness.ui.{key}", lang, **params)


def status_label(status: str, lang: str) -> str:
    return _t(f"readiness.status.{status}", lang)


def badge(status: str, lang: str) -> str:
    """A coloured Markdown badge: « ✓ OK », « 👁 À surveiller », « ✗ Manquant »."""
    return f":{STATUS_COLOUR[status]}-badge[{STATUS_ICON[status]} {status_label(status, lang)}]"


def quote(source: Source, lang: str) -> str:
    """« The sentence » — the document's title, as a caption (the document's words: never sheet text)."""
    return t("quote", lang, text=md(source.text(lang)), document=md(source.title(lang)))


def _counts(readings: dict[str, Reading], lang: str) -> None:
    counts = summary(readings)
    for col, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
        col.metric(status_label(status, lang), counts[status], border=True)


# ---------------------------------------------------------------- health


def scorecard(analysis, lang: str, *, heading: bool = True, link: bool = True) -> None:
    """The compact health scorecard (for the overview): each signal's status and title, three to a row, the count of
    each status, and a link to the health page. ``analysis`` is :func:`crmcanvas.analysis.analyze`'s result."""
    readings: dict[str, Reading] = analysis.health
    if heading:
        st.subheader(t("scorecard_title", lang))
        counts = summary(readings)
        st.markdown(" · ".join(f"{badge(s, lang)} **{counts[s]}**" for s in STATUSES))
    codes = list(readings)
    for start in range(0, len(codes), 3):
        for col, code in zip(st.columns(3), codes[start:start + 3], strict=False):
            with cards.card(col):
                st.markdown(f"{badge(readings[code].status, lang)} **{md(signal(code).title(lang))}**")
    if link:
        st.page_link("pages/health.py", label=t("scorecard_more", lang), icon=":material/arrow_forward:",
                     query_params=modes.query_params())


def _names_items(reading: Reading) -> bool:
    """Whether the evidence already names what is missing (then the items need no second listing)."""
    labels = [item["label"] for item in reading.items[:3]]
    return bool(labels) and all(label in reading.evidence for label in labels)


def _signal_row(code: str, reading: Reading, lang: str) -> None:
    """One signal across the page: status and title, then the evidence (left) and why it matters (right)."""
    entry = signal(code)
    with cards.card():
        st.markdown(f"#### {badge(reading.status, lang)} {md(entry.title(lang))}")
        left, right = st.columns([1, 1], gap="large")
        left.markdown(md(reading.evidence))
        if reading.items and not _names_items(reading):
            shown = ", ".join(md(item["label"] if item["label"] != item["id"] else item["id"]) for item in reading.items[:ITEMS_SHOWN])
            more = len(reading.items) - ITEMS_SHOWN
            left.markdown(t("items", lang, items=shown) + (t("more", lang, n=more) if more > 0 else ""))
        if reading.status != "ok":
            right.markdown(f":material/lightbulb: {md(entry.advice(lang))}")
        right.caption(quote(entry.source, lang))


def health_view(analysis, lang: str) -> None:
    """The health page: how many signals of each status, then one row per signal with its evidence, advice and source."""
    readings: dict[str, Reading] = analysis.health
    _counts(readings, lang)
    st.caption(t("health_rule", lang))
    scorecard(analysis, lang, heading=False, link=False)
    st.subheader(t("details_title", lang))
    for code, reading in readings.items():
        _signal_row(code, reading, lang)


# ---------------------------------------------------------------- checklist


def _due(row: Row, lang: str) -> str:
    return date_text(row.due, lang) if row.due else row.due_text


# Pixel widths that keep a name and a date whole at 1280 px; the long texts take what is left.
COLUMN_WIDTHS: dict[str, int | Literal["small", "medium", "large"]] = {"chapitre": 190, "item": 210, "sous_item": 220, "quoi": "large", "statut": 95,
                                       "responsable": 140, "echeance": 95, "retard": 110, "commentaire": "large"}


def _table(rows: list[Row], result: ChecklistProgress, lang: str, columns: tuple[str, ...]) -> None:
    """Rows as people read them, in the columns asked for: chapter, item, sub-item (or both as « quoi »), status,
    owner, due date, days late, comment. Plain-text cells (``st.dataframe``), widths that keep the owner and the
    date on screen at 1280 px."""
    data = []
    for r in rows:
        line = {"chapitre": chapter_label(r.chapter, lang), "item": r.item, "sous_item": r.sous_item, "quoi": r.label,
                "statut": value_label(r.status, lang), "responsable": result.owners(r), "echeance": _due(r, lang),
                "retard": (result.today - r.due).days if r.due else None, "commentaire": r.comment}
        data.append([line[c] for c in columns])
    names = [t(f"col.{c}", lang) for c in columns]
    config = {name: (st.column_config.NumberColumn(name, width=COLUMN_WIDTHS[c]) if c == "retard"
                     else st.column_config.TextColumn(name, width=COLUMN_WIDTHS[c])) for c, name in zip(columns, names, strict=True)}
    st.dataframe(pd.DataFrame(data, columns=names), hide_index=True, width="stretch", column_config=config)


def _kpis(result: ChecklistProgress, lang: str) -> None:
    a, b, c, d = st.columns(4)
    pct = "—" if result.pct is None else _t("ui.percent", lang, value=f"{result.pct:.0f}")
    a.metric(t("kpi.progress", lang), pct, border=True,
             help=t("kpi.progress_help", lang, done=result.done, applicable=result.applicable))
    b.metric(t("kpi.overdue", lang), len(result.overdue), border=True)
    c.metric(t("kpi.without_owner", lang), len(result.without_owner), border=True)
    d.metric(t("kpi.added", lang), len(result.added), border=True)


def _absent(cfg: Settings, lang: str, source: object | None) -> None:
    """No checklist tab yet: say so, offer the template to paste in, or to create the tab when writing is allowed."""
    title = cfg.tabs.get("checklist", TABS["checklist"].title)
    st.info(t("absent", lang, title=md(title)), icon=":material/playlist_add:")
    st.markdown(t("absent_how", lang, title=md(title), n=len(template().entries())))
    a, b, c = st.columns([1, 1, 1])
    a.download_button(t("download_csv", lang), checklist_tab.template_csv(lang), file_name=f"{title}.csv",
                      mime="text/csv", icon=":material/download:", width="stretch")
    b.download_button(t("download_xlsx", lang), checklist_tab.template_xlsx(lang, title), file_name=f"{title}.xlsx",
                      mime=checklist_tab.XLSX_MIME, icon=":material/download:", width="stretch")
    if _writing_allowed(cfg) and checklist_tab.can_create(source):
        if c.button(t("create", lang, title=md(title)), icon=":material/add_box:", type="primary", width="stretch"):
            try:
                written = checklist_tab.create_checklist_tab(source, cfg)
            except SourceError as exc:
                message, hint = widgets.error_text(exc, lang)
                st.error(message)
                if hint:
                    st.info(hint, icon=":material/lightbulb:")
            else:
                st.success(t("created", lang, title=md(title), n=written))


def _writing_allowed(cfg: Settings) -> bool:
    """Whether this viewer may write to the sheet: ``crmcanvas.ui.auth.can_write`` when it exists, else never."""
    try:
        from crmcanvas.ui.auth import can_write
    except ImportError:
        return False
    return bool(can_write(cfg))


def _chapter(result: ChecklistProgress, number: int | None, lang: str) -> None:
    rows = result.rows_of(number)
    done = sum(r.done for r in rows)
    applicable = sum(r.applicable for r in rows)
    with st.expander(t("chapter", lang, chapter=md(chapter_label(number, lang)), done=done, applicable=applicable)):
        if number is not None:
            st.caption(quote(template().chapter(number).source, lang))
        _table(rows, result, lang, ("item", "sous_item", "statut", "responsable", "echeance", "commentaire"))


def checklist_view(canvas: Canvas, cfg: Settings, lang: str, *, on: date | None = None, source: object | None = None) -> None:
    """The checklist page: progress per chapter, overdue and ownerless rows, the planning's milestones."""
    result = progress(canvas, on or today())
    st.caption(quote(INTRO, lang))
    if not result.present:
        _absent(cfg, lang, source)
        return
    _kpis(result, lang)
    widgets.chart(readiness_charts.chapter_progress(result, lang))

    st.subheader(t("overdue_title", lang, date=date_text(result.today, lang)))
    if result.overdue:
        _table(result.overdue, result, lang, ("quoi", "responsable", "echeance", "retard"))
    else:
        st.success(t("none_overdue", lang))
    st.subheader(t("without_owner_title", lang))
    if result.without_owner:
        _table(result.without_owner, result, lang, ("chapitre", "quoi", "statut", "echeance"))
    else:
        st.success(t("none_without_owner", lang))

    st.subheader(t("planning_title", lang))
    st.caption(t("planning_note", lang))
    widgets.chart(readiness_charts.milestones_timeline(result, lang))

    st.subheader(t("chapters_title", lang))
    for number in [c.number for c in result.chapters]:
        _chapter(result, number, lang)
    if result.added:
        st.subheader(t("added_title", lang))
        _table(result.added, result, lang, ("chapitre", "quoi", "statut", "responsable", "echeance", "commentaire"))
    if result.missing:
        with st.expander(t("missing_title", lang, n=len(result.missing))):
            st.caption(t("missing_hint", lang))
            st.dataframe(pd.DataFrame([{t("col.chapitre", lang): chapter_label(ch, lang), t("col.item", lang): item,
                                        t("col.sous_item", lang): sub} for ch, item, sub in result.missing]),
                         hide_index=True, width="stretch")
