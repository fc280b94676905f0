"""The dashboard's writes: the « Nouveau besoin » form, « Appliquer » on findings, « Attribuer les ID manquants ».

Call these only once :func:`crmcanvas.ui.auth.gate` said yes: nothing here
checks who is reading. The logic is in :mod:`crmcanvas.build.capture` and
:mod:`crmcanvas.build.fixes`; this module draws it and keeps what the reader
typed. A failed write leaves the form as it was, with the reason; a confirmed
one clears it (a new generation of widget keys, so a second click on the old
button, already on its way, finds no form to submit) and names the new ID;
after every write the shared feed is read again, so every open page shows the
change at once.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pandas as pd
import streamlit as st

from crmcanvas.build.capture import FORM_COLUMNS, NEEDS, NewNeed, append_need, choices, form_columns
from crmcanvas.build.fixes import Fix, apply_fixes, assign_missing_ids, describe, find_fixes, summary, tabs_missing_ids
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.schema import ENUMS, TABS, value_label
from crmcanvas.core.text import clean
from crmcanvas.i18n import t
from crmcanvas.sources.base import SourceError
from crmcanvas.ui import auth, cards, state, widgets
from crmcanvas.ui.escape import md

_GEN = "crmcanvas_capture_gen"  # generation of the form's widget keys
_DONE = "crmcanvas_capture_done"  # the confirmation to show after the rerun
_LAST = "crmcanvas_capture_last"  # (fingerprint, ID) of the last need appended by this session
_REPORT = "crmcanvas_fix_report"  # outcomes of the last « Appliquer », shown after the rerun
RECENT = 5
MAX_FIXES_AT_ONCE = 20  # about 4 Sheets requests per row: 20 rows stay within a minute's quota (docs/google-sheets.md)


def refresh_after_write() -> None:
    """Read the source again now, so this page and every other one show the write at once.

    A read already in flight may have started before the write: wait for it, then read once more.
    """
    try:
        live = state.feed()
        if live.state().reading_since is not None:
            live.refresh()
        live.refresh()
    except SourceError:
        pass  # the banner says why the source cannot be read; the write itself was confirmed


def _error(exc: SourceError, lang: str, lead: str) -> None:
    message, suggestion = widgets.error_text(exc, lang)
    st.error(f"**{lead}** {message}", icon=":material/error:")
    if suggestion:
        st.info(suggestion, icon=":material/lightbulb:")


# ---------------------------------------------------------------------- « Nouveau besoin »


def capture_form(canvas: Canvas, source, lang: str) -> None:
    """The form; a confirmed append shows its ID above a fresh form, a failure keeps every field."""
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(t("capture.added", lang, id=md(done["id"]), row=done["row"], title=md(done["title"]))
                   if done["id"] else t("capture.added_no_id", lang, row=done["row"], title=md(done["title"])),
                   icon=":material/check_circle:")
    gen = st.session_state.setdefault(_GEN, 0)
    columns = form_columns(canvas)
    headers = canvas.headers.get(NEEDS, {})
    absent = [TABS[NEEDS].column(k).label_in(lang) for k in ("role", "enjeux", "donnees", "applications", "priorite", "lot")
              if k not in columns]
    if "besoin" not in columns:
        st.warning(t("capture.no_story_column", lang, title=md(canvas.tab_titles.get(NEEDS, NEEDS)),
                     column=md(TABS[NEEDS].column("besoin").label_in(lang))), icon=":material/warning:")
        return

    def key(name: str) -> str:
        return f"crmcanvas_capture_{gen}_{name}"

    def label(column: str) -> str:
        return md(headers.get(column, column))

    def pick_many(column: str, tab: str) -> list[str]:
        if column not in columns:
            return []
        options = choices(canvas, tab)
        return st.multiselect(label(column), list(options), format_func=lambda k: options[k], key=key(column),
                              placeholder=t("capture.choose_many", lang))

    with st.form(f"crmcanvas_capture_{gen}", clear_on_submit=False, enter_to_submit=False):
        story = st.text_area(label("besoin"), key=key("besoin"), height=110, placeholder=t("capture.story_placeholder", lang))
        left, middle, right = st.columns(3)
        role = priority = lot = None
        if "role" in columns:
            roles = choices(canvas, "roles")
            role = left.selectbox(label("role"), list(roles), format_func=lambda k: roles[k], index=None, key=key("role"),
                                  placeholder=t("capture.choose_one", lang))
        if "priorite" in columns:
            priority = middle.selectbox(label("priorite"), list(ENUMS["moscow"]), format_func=lambda c: value_label(c, lang),
                                        index=None, key=key("priorite"), placeholder=t("capture.choose_one", lang))
        if "lot" in columns:
            lots = sorted({clean(v) for v in canvas.frames[NEEDS]["lot"].astype(str)} - {""})
            lot = right.selectbox(label("lot"), lots, index=None, key=key("lot"), accept_new_options=True,
                                  placeholder=t("capture.lot_placeholder", lang))
        stakes = pick_many("enjeux", "enjeux")
        data = pick_many("donnees", "donnees")
        applications = pick_many("applications", "applications")
        submitted = st.form_submit_button(t("capture.submit", lang), type="primary", icon=":material/add:")
    if absent:
        st.caption(t("capture.absent_columns", lang, columns=md(", ".join(absent))))
    if not submitted:
        return
    need = NewNeed(story=story or "", role=role, stakes=tuple(stakes), data=tuple(data), applications=tuple(applications),
                   priority=priority, lot=lot or "")
    last = st.session_state.get(_LAST)
    if last and last[0] == need.fingerprint():
        st.info(t("capture.already_added", lang, id=md(last[1] or "")), icon=":material/info:")
        return
    error: SourceError | None = None
    with st.spinner(t("capture.writing", lang)):
        try:
            result = append_need(source, canvas, need, lang)
        except SourceError as exc:
            error = exc
        else:  # recorded before any other Streamlit call: a rerun cutting in now cannot lose it
            st.session_state[_LAST] = (need.fingerprint(), result.row_id)
            st.session_state[_DONE] = {"id": result.row_id or "", "row": result.row,
                                       "title": canvas.tab_titles.get(NEEDS, NEEDS)}
            st.session_state[_GEN] = gen + 1
    if error is not None:
        _error(error, lang, t("capture.not_added", lang))
        st.caption(t("capture.kept", lang))
        return
    refresh_after_write()
    st.rerun()


def recent_needs(canvas: Canvas, lang: str, count: int = RECENT) -> None:
    """The last rows of the needs tab, as the sheet holds them: where a captured need shows up."""
    frame = widgets.display_frame(canvas, NEEDS, lang)
    if frame.empty:
        return
    st.subheader(t("capture.recent", lang, title=md(canvas.tab_titles.get(NEEDS, NEEDS))), anchor=False)
    row, headers = t("ui.row", lang), canvas.headers.get(NEEDS, {})
    shown = [row, *(headers[k] for k in ("id", *FORM_COLUMNS) if k in headers)]
    st.dataframe(frame.sort_values(row).tail(count).iloc[::-1][shown], hide_index=True, width="stretch",
                 column_config={headers.get("besoin", ""): st.column_config.TextColumn(width="large")})


# ---------------------------------------------------------------------- links into the Google Sheet


def sheet_url(key: str, sheet_id: int, row: int | None = None) -> str:
    """The sheet opened at that tab (and row): built from the spreadsheet's key and tab ID only."""
    url = f"https://docs.google.com/spreadsheets/d/{quote(key, safe='')}/edit#gid={int(sheet_id)}"
    return f"{url}&range=A{int(row)}" if row else url


def sheet_links(source) -> Callable[[str, int | None], str | None] | None:
    """(tab title, row) -> URL in the Google Sheet, when the source is one and its tabs are known; else None."""
    from crmcanvas.sources.gsheets import GoogleSheetSource

    if not isinstance(source, GoogleSheetSource):
        return None
    try:
        ids = {tab.title: tab.sheet_id for tab in source.tabs()}  # cached by the source since its first read
    except SourceError:
        return None

    def link(title: str, row: int | None) -> str | None:
        return sheet_url(source.key, ids[title], row) if title in ids else None

    return link


def add_links(cells: pd.DataFrame, findings: pd.DataFrame, link: Callable[[str, int | None], str | None],
              lang: str) -> pd.DataFrame:
    """The escaped findings table with a Markdown link per row into the sheet.

    Links are computed from the plain table (tab titles as read, not escaped); each target is
    built from the spreadsheet key and the tab's ID only, its label comes from the catalogue.
    """
    tab, row, text = t("ui.tab", lang), t("ui.row", lang), t("capture.open_link", lang)
    urls = [link(title, int(r) if pd.notna(r) else None) for title, r in zip(findings[tab], findings[row], strict=True)]
    out = cells.copy()
    out[t("capture.sheet_column", lang)] = [f"[{text}]({url} \"{t('capture.open_in_sheet', lang)}\")" if url else ""
                                           for url in urls]
    return out


# ---------------------------------------------------------------------- the quality page's tools

_IDS_DONE = "crmcanvas_ids_done"
_FIX_GEN = "crmcanvas_fix_gen"


def quality_tools(canvas: Canvas, cfg, source, lang: str, link: Callable[[str, int | None], str | None] | None) -> None:
    """« Attribuer les ID manquants » and « Appliquer », in one box, for a reader allowed to write.

    Nothing at all is drawn when writing is off for this view or source, or when there is
    nothing to write (and no report of the last write to show).
    """
    fixes = find_fixes(canvas)
    missing = tabs_missing_ids(canvas)
    pending = _REPORT in st.session_state or _IDS_DONE in st.session_state
    if not (fixes or missing or pending) or not auth.writes_offered(cfg, source):
        return
    with cards.card():
        st.subheader(t("capture.fixes_title", lang), anchor=False)
        if not auth.gate(cfg, lang, source=source):
            st.caption(t("capture.fixes_locked", lang))
            return
        _reports()
        if missing:
            _missing_ids(canvas, missing, source, lang)
        if fixes:
            _fixes(fixes, source, lang, link)


def _reports() -> None:
    done = st.session_state.pop(_IDS_DONE, None)
    if done:
        st.success(done, icon=":material/tag:")
    report = st.session_state.pop(_REPORT, None)
    if report:
        (st.success if report["ok"] else st.warning)(report["summary"], icon=":material/edit_note:")
        st.markdown("\n".join(f"- {line}" for line in report["lines"]))


def _missing_ids(canvas: Canvas, missing: dict[str, int], source, lang: str) -> None:
    """One button per tab with rows without ID: the next free IDs, written into the empty cells only."""
    for tab, count in missing.items():
        title = canvas.tab_titles.get(tab, TABS[tab].title)
        if not st.button(t("capture.assign_ids", lang, title=md(title), n=count), icon=":material/tag:",
                         key=f"crmcanvas_assign_{tab}"):
            continue
        error: SourceError | None = None
        with st.spinner(t("capture.writing", lang)):
            try:
                assigned = assign_missing_ids(source, canvas, tab)
            except SourceError as exc:
                error = exc
            else:
                shown = ", ".join(t("capture.assigned_pair", lang, row=row, id=md(new_id)) for row, new_id in assigned[:20])
                if len(assigned) > 20:
                    shown += t("capture.and_more", lang, n=len(assigned) - 20)
                st.session_state[_IDS_DONE] = t("capture.ids_assigned", lang, n=len(assigned), title=md(title), pairs=shown)
        if error is not None:
            _error(error, lang, t("capture.ids_not_assigned", lang))
            return
        refresh_after_write()
        st.rerun()


def _fix_label(fix: Fix, lang: str) -> str:
    """A fix as a picker option (plain text: no escaping)."""
    return t("capture.fix_option", lang, title=fix.title, row=fix.row, column=fix.column, old=fix.expected, new=fix.new)


def _fixes(fixes: list[Fix], source, lang: str, link: Callable[[str, int | None], str | None] | None) -> None:
    """The suggested values as a table; pick one or several, « Appliquer » writes each into its cell."""
    st.caption(t("capture.fixes_caption", lang))
    note = t("capture.fix_note", lang)
    rows = [{t("ui.tab", lang): f.title, t("ui.row", lang): f.row, t("ui.column", lang): f.column,
             t("capture.fix_old", lang): f.expected, t("capture.fix_new", lang): f.new,
             note: f.blocked.render(lang, context="dashboard") if f.blocked else ""} for f in fixes]
    config = {}
    if link is not None:
        opener = t("capture.sheet_column", lang)
        for record, fix in zip(rows, fixes, strict=True):
            record[opener] = link(fix.title, fix.row)
        config[opener] = st.column_config.LinkColumn(opener, display_text=t("capture.open_link", lang),
                                                     help=t("capture.open_in_sheet", lang))
    frame = pd.DataFrame(rows)
    if not frame[note].any():
        frame = frame.drop(columns=[note])
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
    usable = {f.key: f for f in fixes if f.blocked is None}
    if not usable:
        return
    gen = st.session_state.setdefault(_FIX_GEN, 0)
    chosen = st.multiselect(t("capture.fixes_pick", lang), list(usable), format_func=lambda k: _fix_label(usable[k], lang),
                            key=f"crmcanvas_fixes_{gen}", placeholder=t("capture.choose_many", lang),
                            max_selections=MAX_FIXES_AT_ONCE)
    count = len(chosen)
    if not st.button(t("capture.apply", lang, n=count) if count else t("capture.apply_none", lang), type="primary",
                     icon=":material/done_all:", disabled=not count, key="crmcanvas_apply"):
        return
    with st.spinner(t("capture.writing", lang)):
        outcomes = apply_fixes(source, [usable[k] for k in chosen])
        st.session_state[_REPORT] = {"ok": all(o.status == "written" for o in outcomes), "summary": summary(outcomes, lang),
                                     "lines": [describe(o, lang, context="dashboard", quote=md) for o in outcomes]}
        st.session_state[_FIX_GEN] = gen + 1
    refresh_after_write()
    st.rerun()


__all__ = ["add_links", "capture_form", "quality_tools", "recent_needs", "refresh_after_write", "sheet_links", "sheet_url"]
