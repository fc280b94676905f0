"""The Enjeux page through AppTest: one card per stake, the marks, the drill-down, no write widget."""

from __future__ import annotations

import pytest

from tests.pages import clear_caches, markdown_texts, run, shown
from tests.test_english import french_on, serve_english_demo
from tests.test_pages import EVIL_ESCAPED, GridSource, evil_grids, no_live_link, serve

PAGE = "pages/stakes.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


def test_every_stake_has_its_card_and_the_counts_show():
    at = run(PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Enjeux": "8", "Enjeux sans besoin": "1", "Enjeux sans indicateur": "1"}
    titles = [shown(m.value) for m in at.main.markdown if m.value.startswith("### ")]
    assert titles[0] == "### E01 · Fidéliser les donateurs" and len(titles) == 8
    texts = [shown(t) for t in markdown_texts(at)]
    assert "#### 38 % → 50 % · échéance 12 mois" in texts
    assert "#### :red[**Must 7**] · :orange[**Should 6**] · :blue[**Could 5**]" in texts
    assert "#### 18 besoin(s) actif(s)" in texts


def test_the_stake_no_need_serves_and_the_one_without_indicator_are_marked():
    at = run(PAGE)
    errors = [e.value for e in at.error]
    assert errors == ["#### Aucun besoin ne sert cet enjeu"]  # E07 only
    warnings = [w.value for w in at.warning]
    assert warnings == ["**Aucun indicateur : comment saura-t-on dans 3, 6 ou 12 mois si l'enjeu progresse ?**"]  # E08 only
    order = [shown(m.value) for m in at.main.markdown if m.value.startswith("### ")]
    assert order.index("### E07 · Mesurer l'impact auprès des bénéficiaires") == 6


def test_drill_down_lists_the_needs_then_says_when_there_is_none():
    at = run(PAGE)
    assert at.selectbox[0].value == "E01"
    needs = at.dataframe[0].value
    assert list(needs.columns) == ["ID", "Besoin", "Priorité", "Statut", "Rôles"] and len(needs) == 18
    data = at.dataframe[1].value
    assert "Donateur" in set(data["Objet"])
    at.selectbox[0].set_value("E07").run()
    assert "**Aucun besoin ne sert cet enjeu pour l'instant.**" in [e.value for e in at.error]
    assert len(at.dataframe) == 0


def test_the_stakes_page_renders_no_write_widget():
    """The sponsor view shows this page: nothing on it may write, whatever the settings."""
    at = run(PAGE)
    for kind in ("button", "text_input", "text_area", "number_input", "date_input", "checkbox", "toggle", "form",
                 "data_editor", "download_button", "file_uploader"):
        assert not at.get(kind), kind


def test_a_stake_written_as_a_link_stays_text(monkeypatch):
    serve(monkeypatch, GridSource(evil_grids()))
    at = run(PAGE)
    assert f"### E07 · {EVIL_ESCAPED}" in [m.value for m in at.markdown]
    at.selectbox[0].set_value("E07").run()
    no_live_link(at)


def test_stakes_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    serve_english_demo(monkeypatch)
    at = run(PAGE)
    found = french_on(at)
    at.selectbox[0].set_value("E07").run()
    found += french_on(at)
    assert not found, sorted(set(found))
    assert {m.label for m in at.metric} == {"Stakes", "Stakes with no need", "Stakes with no indicator"}
    assert "#### No need serves this stake" in [e.value for e in at.error]
