"""The Données page through AppTest: the glossary as cards, its downloads, its search, its gaps."""

from __future__ import annotations

import pytest

from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.reports.csv_export import read_csv
from crmcanvas.reports.glossary import glossary, glossary_csv, glossary_markdown
from crmcanvas.sources import DemoSource
from tests.pages import capture_downloads, clear_caches, run, shown
from tests.test_english import french_on, serve_english_demo
from tests.test_pages import EVIL, EVIL_ESCAPED, GridSource, evil_grids, no_live_link, serve

PAGE = "pages/data.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


def cards(at) -> list[str]:
    return [shown(m.value) for m in at.main.markdown if m.value.startswith("### ")]


def test_one_card_per_object_with_its_attributes_owner_and_master():
    at = run(PAGE)
    assert cards(at)[:2] == ["### Donateur :gray[(D01)]", "### Don :gray[(D02)]"] and len(cards(at)) == 15
    texts = [shown(m.value) for m in at.main.markdown]
    assert "- Civilité\n- Nom\n- Prénom\n- Adresse postale\n- E-mail\n- Téléphone" in texts  # the first half of D01's twelve
    assert "**Propriétaire** : Chargé de vie associative" in texts  # D03, written « R04 »
    marks = [w.value for w in at.warning]
    assert "Attributs à lister" in marks  # D14
    assert "Application maître à désigner" in marks  # D08
    assert "Utilisé par aucun besoin ni aucune application" in marks  # D15


def test_the_downloads_are_the_glossary(monkeypatch):
    downloads = capture_downloads(monkeypatch)
    at = run(PAGE)
    canvas = build_canvas(DemoSource(), Settings())
    buttons = {b.proto.label: b for b in at.get("download_button")}
    markdown = downloads(buttons["Télécharger le glossaire (Markdown)"])
    assert markdown == glossary_markdown(glossary(canvas), "fr", source=canvas.source).encode("utf-8")
    assert b"## Donateur (D01)" in markdown
    data = downloads(buttons["Télécharger le glossaire (CSV)"])
    assert data == glossary_csv(glossary(canvas), "fr")
    assert len(read_csv(data)) == 15


def test_search_narrows_the_glossary_and_survives_a_rerun():
    at = run(PAGE)
    at.text_input(key="data.search").set_value("recu fiscal").run()
    assert cards(at) == ["### Don :gray[(D02)]", "### Reçu fiscal :gray[(D10)]"]
    at.run()
    assert len(cards(at)) == 2 and "**2 objet(s) sur 15**" in [m.value for m in at.main.markdown]
    at.text_input(key="data.search").set_value("introuvable").run()
    assert not cards(at) and any("Aucun objet ne correspond" in i.value for i in at.info)


def test_the_glossary_gaps_are_shown():
    at = run(PAGE)
    texts = [shown(m.value) for m in at.main.markdown]
    assert "- **Legs** — cité par B017" in texts  # cited, never defined
    assert "- **D08** Convention de partenariat" in texts


def test_a_definition_written_as_a_link_stays_text_on_screen_and_in_the_file(monkeypatch):
    grids = evil_grids()
    grids["donnees"][1][2] = EVIL  # D01's definition
    serve(monkeypatch, GridSource(grids))
    downloads = capture_downloads(monkeypatch)
    at = run(PAGE)
    assert EVIL_ESCAPED in [m.value for m in at.main.markdown]
    no_live_link(at)
    markdown = downloads(next(b for b in at.get("download_button") if "Markdown" in b.proto.label)).decode("utf-8")
    assert "\\[se connecter\\](https://evil.example/login)" in markdown and EVIL not in markdown


def test_data_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    serve_english_demo(monkeypatch)
    at = run(PAGE)
    found = french_on(at)
    at.text_input(key="data.search").set_value("zzz").run()
    found += french_on(at)
    assert not found, sorted(set(found))
    assert {b.proto.label for b in at.get("download_button")} == {"Download the glossary (Markdown)", "Download the glossary (CSV)"}


def test_a_long_glossary_shows_its_first_cards_and_says_so(monkeypatch):
    monkeypatch.setattr("crmcanvas.ui.views.data.MAX_CARDS", 4)
    at = run(PAGE)
    assert len(cards(at)) == 4
    assert any(c.value.startswith("4 premiers objets affichés sur 15") for c in at.caption)
