"""The Données page's pieces: the glossary's downloads, its search, one card per object."""

from __future__ import annotations

import streamlit as st

from crmcanvas.reports.glossary import GlossaryEntry, glossary_csv, glossary_markdown, search
from crmcanvas.ui.cards import card as bordered_card
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import header, pair, v

PER_ROW = 2
MAX_CARDS = 60  # a glossary of hundreds of objects is searched, not scrolled
LONG = 5  # attributes past which the list goes in two columns
MARKED = ("objets_sans_application_maitre", "objets_non_utilises")  # gaps shown on the cards themselves


def downloads(entries: list[GlossaryEntry], source: str, lang: str) -> None:
    """The whole glossary as Markdown (to paste in a wiki, print, share) and as CSV (for Excel)."""
    left, right, _ = st.columns([1, 1, 1])
    left.download_button(v("data.download_md", lang), glossary_markdown(entries, lang, source=source).encode("utf-8"),
                         v("data.md_filename", lang), "text/markdown", icon=":material/description:", key="data.download_md")
    right.download_button(v("data.download_csv", lang), glossary_csv(entries, lang), v("data.csv_filename", lang), "text/csv",
                          icon=":material/table:", key="data.download_csv")


def searched(entries: list[GlossaryEntry], lang: str) -> list[GlossaryEntry]:
    """The entries matching the search box (kept across live refreshes by its key)."""
    text = st.text_input(v("data.search", lang), placeholder=v("data.search_hint", lang), key="data.search")
    shown = search(entries, text)
    st.markdown(f"**{v('data.shown', lang, shown=len(shown), total=len(entries))}**")
    return shown


def card(e: GlossaryEntry, marks: list[str], lang: str) -> None:
    """An object as a glossary reads: name, definition, attributes as a list (two columns when long), owner,
    master application, migration; then what the canvas still lacks for it (``marks``, already in the reader's words)."""
    with bordered_card():
        st.markdown(f"### {md(e.name)} :gray[({md(e.id)})]")
        if e.definition:
            st.markdown(md(e.definition))
        else:
            st.warning(v("data.no_definition", lang), icon=":material/edit_note:")
        if e.attributes:
            st.markdown(f"**{md(header('donnees', 'attributs', lang))}**")
            half = (len(e.attributes) + 1) // 2 if len(e.attributes) > LONG else len(e.attributes)
            for column, part in zip(st.columns(2), (e.attributes[:half], e.attributes[half:]), strict=True):
                if part:
                    column.markdown("\n".join(f"- {md(a)}" for a in part))
        else:
            st.warning(v("data.no_attributes", lang), icon=":material/list:")
        for key, values in (("proprietaire", e.owners), ("application_maitre", e.masters),
                            ("reprise", [e.migration] if e.migration else [])):
            if values:
                st.markdown(pair(header("donnees", key, lang), ", ".join(values), lang))
        for mark in marks:
            st.warning(md(mark), icon=":material/report:")


def marks(found: dict[str, list[dict]], lang: str) -> dict[str, list[str]]:
    """Object ID -> what it lacks, for the gaps a card does not already show (unused, no master application)."""
    out: dict[str, list[str]] = {}
    for code in MARKED:
        for item in found.get(code, []):
            out.setdefault(item["id"], []).append(v(f"data.mark.{code}", lang))
    return out


def cards(entries: list[GlossaryEntry], found: dict[str, list[dict]], lang: str) -> None:
    """The cards, two per row; past :data:`MAX_CARDS`, the first ones and a word to search (the downloads hold them all)."""
    flagged = marks(found, lang)
    if len(entries) > MAX_CARDS:
        st.caption(v("data.first_cards", lang, shown=MAX_CARDS, total=len(entries)))
        entries = entries[:MAX_CARDS]
    for start in range(0, len(entries), PER_ROW):
        for column, entry in zip(st.columns(PER_ROW), entries[start:start + PER_ROW], strict=False):
            with column:
                card(entry, flagged.get(entry.id, []), lang)
