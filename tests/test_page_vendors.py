"""The « Adéquation des solutions » and « Feuille de route » pages through Streamlit's AppTest, in French and English.

Every registered page is also rendered by tests/test_pages.py (broken source, silent source) and
tests/test_english.py (no French of the catalogue on an English screen); here, what these two pages show.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from crmcanvas.demo import demo_grids
from crmcanvas.reports.snapshots import now_in
from tests.fixtures_snapshots import build, take
from tests.pages import clear_caches, dataframe_columns, markdown_texts, run, shown
from tests.test_pages import EVIL, EVIL_ESCAPED, GridSource, no_live_link, serve


@pytest.fixture(autouse=True)
def _fresh(tmp_path, monkeypatch):
    clear_caches()
    monkeypatch.setenv("CRMCANVAS_SNAPSHOT_DIR", str(tmp_path / "aucun"))
    yield
    clear_caches()


def texts(at) -> list[str]:
    return [shown(text) for text in markdown_texts(at)]


# ---------------------------------------------------------------- vendors


def test_vendors_page_ranks_the_demo_solutions_with_their_formula():
    at = run("pages/vendors.py")
    assert at.title[0].value == "Adéquation des solutions"
    assert [t.label for t in at.tabs] == ["Éditeurs", "Intégrateurs"]
    vendors = {m.label: m.value for m in at.tabs[0].metric}
    assert list(vendors) == ["Canopée CRM", "Racines 360", "Sillon Asso"]  # best first
    assert vendors["Canopée CRM"] == "83,0 / 100"
    assert [m.label for m in at.tabs[1].metric] == ["Atelier Numérique Solidaire", "Cap Intégration"]
    shown_texts = texts(at)
    assert any(t.startswith("**Score** = 100 × Σ (poids × points) ÷ (3 × Σ poids)") for t in shown_texts)
    assert any("Must 4, Should 2, Could 1" in t for t in shown_texts)
    assert any("standard 3 · paramétrage 2 · spécifique 1 · non couvert 0" in t for t in shown_texts)


def test_vendors_page_lists_the_musts_not_covered_and_the_needs_not_evaluated():
    at = run("pages/vendors.py")
    racines = next(c for c in at.tabs[0].markdown if "Must non couverts" in c.value)
    assert shown(racines.value) == ":red[**1 Must non couverts**] : B002"
    musts = at.tabs[0].table[0].value  # a table whose cells wrap: the sponsor reads the whole need
    assert [musts.index.name, *musts.columns] == ["Solution", "ID", "Besoin", "Enjeux", "Commentaire"]
    assert [[shown(i), shown(v)] for i, v in zip(musts.index, musts["ID"], strict=True)] == [["Racines 360", "B002"]]
    assert shown(musts["Besoin"].iloc[0]).startswith("En tant que chargé de relation donateurs")
    assert len(shown(musts["Besoin"].iloc[0])) > 110  # not cut
    assert any(t.startswith("Évaluée sur **94 %** du backlog pondéré · **5** besoins non évalués") for t in texts(at))


def test_vendors_page_shows_stake_coverage_and_standard_vs_specific():
    at = run("pages/vendors.py")
    charts = at.get("plotly_chart")
    assert len(charts) == 2 * 3 + 2  # ranking, stakes, answers per tab; specific per stake and per lot
    subheaders = [s.value for s in at.subheader]
    assert "Standard ou spécifique : ce que le sponsor doit arbitrer" in subheaders
    assert any(t.startswith("Sur les 58 besoins typés, **24 %** demandent du développement spécifique") for t in texts(at))


def test_without_an_editeurs_tab_the_page_says_what_to_add(monkeypatch):
    grids = demo_grids()
    del grids["editeurs"], grids["integrateurs"]
    serve(monkeypatch, GridSource(grids))
    at = run("pages/vendors.py")
    assert not at.exception
    assert shown(at.info[-1].value).startswith("Le canevas n'a pas d'onglet « éditeurs »")
    how = texts(at)
    assert any("« Solution », « Besoin » (l'ID, B001…) et « Réponse »" in t for t in how)
    assert any(t.startswith("**Ou une ligne par besoin**") for t in how)
    assert any("non couvert (« non »)" in t for t in how)
    assert not at.metric  # no score without answers
    assert "Standard ou spécifique : ce que le sponsor doit arbitrer" in [s.value for s in at.subheader]


def test_a_solution_named_like_a_link_stays_text(monkeypatch):
    grids = demo_grids()
    for row in grids["editeurs"][1:]:
        if row[0] == "Sillon Asso":
            row[0] = EVIL
    serve(monkeypatch, GridSource(grids))
    at = run("pages/vendors.py")
    assert EVIL_ESCAPED in [m.label for m in at.metric]
    no_live_link(at)


def test_vendors_page_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    at = run("pages/vendors.py")
    assert at.title[0].value == "Solution fit"
    assert [t.label for t in at.tabs] == ["Vendors", "Integrators"]
    assert at.tabs[0].metric[0].value == "83.0 / 100"
    assert any(t.startswith("**Score** = 100 × Σ (weight × points) ÷ (3 × Σ weight)") for t in texts(at))
    assert "Standard or custom: what the sponsor must arbitrate" in [s.value for s in at.subheader]


# ---------------------------------------------------------------- roadmap


def test_roadmap_page_shows_lots_progress_and_needs_without_lot():
    at = run("pages/roadmap.py")
    assert at.title[0].value == "Feuille de route"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Lots": "3", "Besoins livrés": "3 / 58", "Besoins sans lot": "1", "Part de spécifique": "24 %"}
    assert "Besoins sans lot (1)" in [s.value for s in at.subheader]
    without = at.dataframe[-1].value
    assert list(without.columns) == ["ID", "Besoin", "Priorité", "Statut"]
    assert without["ID"].tolist() == ["B047"]
    lots = at.dataframe[0].value
    assert lots["Lot"].tolist() == ["Lot 1", "Lot 2", "Lot 3", "Sans lot"] and lots["Livrés"].tolist() == [3, 0, 0, 0]
    assert len(at.get("plotly_chart")) == 2  # progress, stakes per lot: no burn-up without snapshots
    assert any(shown(i.value).startswith("Pas encore de relevé de cette source") for i in at.info)


def test_roadmap_page_draws_the_burn_up_when_there_are_snapshots(tmp_path, monkeypatch):
    out = tmp_path / "releves"
    monkeypatch.setenv("CRMCANVAS_SNAPSHOT_DIR", str(out))
    now = now_in()
    take(build(demo_grids()), out, now - timedelta(days=14), source="demo")
    take(build(demo_grids()), out, now - timedelta(days=7), source="demo")
    at = run("pages/roadmap.py")
    assert len(at.get("plotly_chart")) == 3
    assert not any(shown(i.value).startswith("Pas encore de relevé") for i in at.info)
    assert any(t.startswith("2 relevé(s) et le canevas maintenant") for t in texts(at))


def test_roadmap_page_without_any_lot_says_how_to_plan(monkeypatch):
    grids = demo_grids()
    col = grids["besoins"][0].index("Lot")
    for row in grids["besoins"][1:]:
        row[col] = ""
    serve(monkeypatch, GridSource(grids))
    at = run("pages/roadmap.py")
    assert at.metric[0].value == "0" and at.metric[2].value == "58"
    assert shown(at.warning[0].value).startswith("Aucun besoin n'a de lot : remplissez la colonne « Lot »")


def test_roadmap_page_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    at = run("pages/roadmap.py")
    assert at.title[0].value == "Roadmap"
    assert {m.label for m in at.metric} == {"Releases", "Needs delivered", "Needs with no release", "Share of custom"}
    assert "Needs with no release (1)" in [s.value for s in at.subheader]
    assert "Release" in dataframe_columns(at)
