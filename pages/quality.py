"""Data quality: every finding with its row, column and a suggestion; CSV export for Excel.

For a reader allowed to write: « Appliquer » a suggested value and « Attribuer les ID manquants »;
when the source is a Google Sheet, each finding links to its tab and row.
"""

import streamlit as st

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, state, widgets, writes
from crmcanvas.ui.messages import severity_labels, t

MAX_ROWS = 200  # a wrapping table stays readable up to a few hundred rows; the CSV has them all

layout.page("quality")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    source = state.feed().source
    link = writes.sheet_links(source)
    widgets.severity_counts(canvas, lang)
    writes.quality_tools(canvas, cfg, source, lang, link)
    table = widgets.findings_frame(canvas, lang)
    if table.empty:
        st.success(t("no_findings", lang))
    else:
        left, right = st.columns(2)
        labels = list(severity_labels(lang).values())
        severities = left.multiselect(t("severity", lang), labels, default=labels)
        tabs = right.multiselect(t("tab", lang), sorted(table[t("tab", lang)].unique()), placeholder=t("all_tabs", lang))
        shown = table[table[t("severity", lang)].isin(severities)]
        if tabs:
            shown = shown[shown[t("tab", lang)].isin(tabs)]
        if len(shown) > MAX_ROWS:
            st.caption(t("shown_first", lang, shown=MAX_ROWS, total=len(shown)))
        if shown.empty:
            st.info(t("no_findings_shown", lang))
        else:
            first = shown.head(MAX_ROWS)
            cells = widgets.markdown_cells(first.drop(columns=[t("code", lang)]).set_index(t("severity", lang)))
            st.table(writes.add_links(cells, first, link, lang) if link is not None else cells)
        st.download_button(t("download_csv", lang), widgets.csv_bytes(shown), t("csv_filename", lang), "text/csv")
