"""`language = "en"` is true on every page: no French word of the catalogue shows on an English screen.

Every page is rendered with CRMCANVAS_LANGUAGE=en (and its interactive parts opened), every text it
draws is collected — titles, Markdown, captions, alerts, metric, button, widget and expander labels,
options, page links, table cells, dataframe column names — and compared with the French side of
the catalogue. The canvas is the demo with English headers: the sheet's own words are data and may
be French; a header as written is shown as written, so it is written in English here.
"""

from __future__ import annotations

import re
import string
from functools import cache

import pytest

from crmcanvas.core.schema import TABS
from crmcanvas.i18n import catalogue
from crmcanvas.sources import DemoSource
from crmcanvas.sources.base import RawCanvas
from crmcanvas.ui.pages import PAGES as DECLARED_PAGES
from tests.pages import PAGES, _nodes, _strings, clear_caches, run, shown

MIN_FRAGMENT = 10  # shorter pieces of a French sentence ("lu à", "ligne") are checked only as whole texts


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    clear_caches()
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    yield
    clear_caches()


class EnglishHeadedDemo:
    """The demo canvas, its tabs and headers named in English (its cells stay French: they are the sheet's data)."""

    description = DemoSource("en").description

    def read(self, wanted):
        from crmcanvas.demo import demo_grids

        grids = demo_grids()
        for key, grid in grids.items():
            english = {col.label_in("fr"): col.label_in("en") for col in TABS[key].columns}
            grid[0] = [english.get(header, header) for header in grid[0]]
        titles = {key: TABS[key].label_in("en") for key in grids}  # an English team names its tabs in English too
        return RawCanvas(grids=grids, titles=titles, version="demo-en", source=self.description)


@cache
def french_catalogue() -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """(whole French texts, (key, French fragment) pairs) of every message whose English differs."""
    wholes, fragments = set(), []
    for key, entry in catalogue().items():
        fr, en = entry["fr"], entry["en"]
        if fr == en:
            continue
        pieces = [literal.strip() for literal, *_ in string.Formatter().parse(fr)]
        if len(pieces) == 1:
            wholes.add(fr.strip())
        fragments += [(key, piece) for piece in pieces if len(piece) >= MIN_FRAGMENT and piece not in en]
    return frozenset(wholes), tuple(fragments)


def screen_texts(at) -> list[str]:
    """Every text the page shows, as the reader sees it (escapes and bold markers removed)."""
    texts: list[str] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", None)
        if kind == "plotly_chart":
            continue  # chart labels: tested with the charts
        if kind in ("table", "dataframe"):
            frame = node.value
            texts += [str(c) for c in frame.columns]
            if kind == "table":
                texts += [str(v) for v in frame.to_numpy().ravel()] + [str(i) for i in frame.index]
            continue
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            texts += list(_strings(proto))
    return [shown(text).replace("**", "").strip() for text in texts]


@cache
def _sheet_cells() -> tuple[str, ...]:
    """Every cell of the demo canvas, longest first: the sheet's own French is data, not a missed translation."""
    from crmcanvas.demo import demo_grids

    cells = {cell.strip() for grid in demo_grids().values() for row in grid[1:] for cell in row if len(cell.strip()) >= 3}
    return tuple(sorted(cells, key=len, reverse=True))


def _without_sheet_text(text: str) -> str:
    for cell in _sheet_cells():
        if cell in text:
            text = text.replace(cell, "\x00")
    return text


def french_on(at) -> list[str]:
    wholes, fragments = french_catalogue()
    found = []
    for shown_text in dict.fromkeys(screen_texts(at)):  # a text shown twice is checked once
        text = _without_sheet_text(shown_text)
        if text in wholes:
            found.append(text)
            continue
        # The substring test first: a regex per fragment and text made a page's check take half a minute.
        found += [f"{key}: {piece!r} in {text[:80]!r}" for key, piece in fragments
                  if piece in text and re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text)]
    return found


def serve_english_demo(monkeypatch):
    monkeypatch.setattr("crmcanvas.ui.state.open_source", lambda *args, **kwargs: EnglishHeadedDemo())


def test_the_check_finds_french_when_there_is_some(monkeypatch):
    """The detector itself: the same pages in French are full of catalogue French."""
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "fr")
    serve_english_demo(monkeypatch)
    found = french_on(run("app.py"))
    assert "Vue d'ensemble" in found and "Avertissements" in found


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_english_shows_no_french_from_the_catalogue(page, monkeypatch):
    serve_english_demo(monkeypatch)
    at = run(page)
    found = french_on(at)
    if page == "pages/coverage.py":
        at.selectbox[1].set_value("E07").run()  # a stake no need serves
        found += french_on(at)
        at.selectbox[0].set_value(at.selectbox[0].options[-1]).run()
        found += french_on(at)
    if page == "pages/quality.py":
        at.multiselect[0].set_value([]).run()  # nothing left to show
        found += french_on(at)
    if page == "pages/tabs.py":
        for key in TABS:
            at.radio[0].set_value(key).run()
            found += french_on(at)
    assert not found, sorted(set(found))
    key = next(p.key for p in DECLARED_PAGES if p.path == page)  # not from the file name: "applications" holds "app"
    assert at.title[0].value == catalogue()[f"ui.pages.{key}"]["en"]  # « Applications » is French and English alike


@pytest.mark.parametrize("page", PAGES)
def test_error_screens_in_english(page, monkeypatch, tmp_path):
    broken = tmp_path / "canvas.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(broken))
    at = run(page)
    assert at.error and at.error[0].value.startswith("**Cannot read the canvas**")
    assert not french_on(at), sorted(set(french_on(at)))
