"""The readiness pages through Streamlit's AppTest: the checklist (present, absent, created), the health scorecard.

Every registered page is also rendered by tests/test_pages.py (broken source, silent source) and
tests/test_english.py (no French on an English screen); here, what each of these pages shows.
"""

from __future__ import annotations

import sys
import types
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from crmcanvas.reports.csv_export import read_csv
from crmcanvas.sources.base import AppendResult
from tests.pages import capture_downloads, clear_caches, markdown_texts, run, shown
from tests.test_pages import EVIL, GridSource, no_live_link, serve

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    clear_caches()
    monkeypatch.setattr("crmcanvas.ui.readiness.today", lambda: TODAY)
    yield
    clear_caches()


def without_checklist():
    from crmcanvas.demo import demo_grids

    grids = demo_grids()
    del grids["checklist"]
    return grids


class WritableGrids(GridSource):
    """A writable source without a checklist tab, recording the tab it is asked to create."""

    def __init__(self, grids):
        super().__init__(grids)
        self.created: list[tuple[str, list[str]]] = []
        self.appended: list[dict] = []

    def ensure_tab(self, title, headers):
        self.created.append((title, list(headers)))

    def append_row(self, title, values, *, id_column=None, id_prefix=None):
        self.appended.append(dict(values))
        return AppendResult(row=len(self.appended) + 1, row_id=values.get("ID"))

    def update_cells(self, title, *, id_column, row_id, changes):  # pragma: no cover
        raise AssertionError("no update")

    def assign_missing_ids(self, title, *, id_column, id_prefix):  # pragma: no cover
        raise AssertionError("no IDs")


def allow_writes(monkeypatch, allowed: bool) -> None:
    """Stand in for ``crmcanvas.ui.auth`` (built by the writes work): ``can_write(cfg)`` answers ``allowed``."""
    auth = types.ModuleType("crmcanvas.ui.auth")
    auth.can_write = lambda cfg: allowed
    monkeypatch.setitem(sys.modules, "crmcanvas.ui.auth", auth)


# ---------------------------------------------------------------- checklist


def test_checklist_page_shows_progress_delays_owners_and_milestones_of_the_demo():
    at = run("pages/checklist.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Avancement": "32 %", "En retard": "8", "Sans responsable": "4", "Ajouts du projet": "2"}
    subheaders = [s.value for s in at.subheader]
    assert "En retard au 03/12/2026" in subheaders and "Planning prévisionnel" in subheaders
    late = at.dataframe[0].value
    assert list(late.columns) == ["Item — sous-item", "Responsable", "Échéance", "Retard (jours)"]
    assert late.iloc[0].tolist() == ["Etablir un planning prévisionnel — Benchmark des usages et de l’offre", "Julien Roussel",
                                     "30/09/2026", 64]
    assert at.dataframe[1].value["Item — sous-item"].tolist()[0] == "Définir le périmètre fonctionnel — Echange avec des applications externes"
    expanders = [shown(e.label) for e in at.expander]
    assert expanders[:4] == ["1. Contenu — 7 / 23 faits", "2. Ressources humaines à mobiliser — 8 / 11 faits",
                             "3. Organisation du projet — 6 / 22 faits", "4. Exploitation — 0 / 9 faits"]
    captions = [shown(c.value) for c in at.caption]
    assert any(c.startswith("«\u00a0Dans le cas d’un projet CRM") and "La check-list d'un projet CRM" in c for c in captions)
    assert any("Méthodes, moyens et solutions techniques" in c for c in captions)  # chapter 4's quote
    assert len(at.get("plotly_chart")) == 2


def test_without_the_tab_the_page_offers_the_template_and_no_write_button(monkeypatch):
    downloads = capture_downloads(monkeypatch)
    serve(monkeypatch, GridSource(without_checklist()))
    at = run("pages/checklist.py")
    assert any("n'a pas d'onglet" in shown(i.value) for i in at.info)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Check-list (CSV)", "Check-list (Excel)"]
    frame = read_csv(downloads(buttons[0]))
    assert len(frame) == 66 and list(frame.columns)[:3] == ["ID", "Chapitre", "Item"]
    assert downloads(buttons[1])[:2] == b"PK"  # an .xlsx is a zip
    assert not at.button  # writing is not enabled: no « Créer l'onglet »
    assert not at.metric


def test_the_create_button_needs_both_a_writer_and_a_source_that_can_create_tabs(monkeypatch):
    source = WritableGrids(without_checklist())
    serve(monkeypatch, source)
    allow_writes(monkeypatch, False)
    assert not run("pages/checklist.py").button  # the viewer may not write
    allow_writes(monkeypatch, True)
    serve(monkeypatch, GridSource(without_checklist()))
    clear_caches()
    assert not run("pages/checklist.py").button  # the source cannot write


def test_creating_the_tab_writes_the_template_through_the_source(monkeypatch):
    source = WritableGrids(without_checklist())
    serve(monkeypatch, source)
    allow_writes(monkeypatch, True)
    at = run("pages/checklist.py")
    assert shown(at.button[0].label) == "Créer l'onglet «\u00a0checklist\u00a0»"
    at.button[0].click().run()
    assert source.created == [("checklist", ["ID", "Chapitre", "Item", "Sous-item", "Statut", "Responsable", "Échéance",
                                             "Commentaire"])]
    assert len(source.appended) == 66 and source.appended[-1]["Sous-item"] == "Gestion des demandes d’évolution"
    assert any("66 lignes" in shown(s.value) for s in at.success)


# ---------------------------------------------------------------- health


def test_health_page_counts_statuses_and_quotes_each_signal_source():
    at = run("pages/health.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"OK": "4", "À surveiller": "5", "Manquant": "0"}
    texts = [shown(t) for t in markdown_texts(at)]
    assert any("#### " in t and "Reprise des données prévue" in t for t in texts)
    assert "10 objets sur 11 à reprendre disent ce qui est repris ; à décider : Organisation." in texts
    assert any(t.startswith("«\u00a0Retrouver leurs informations dès la première connexion") and "Dix conseils pratiques" in t
               for t in texts)
    assert any("Pour chaque objet dont l'application maître sera remplacée" in t for t in texts)  # advice of a signal to watch


def test_a_name_written_as_a_link_stays_text_in_the_evidence(monkeypatch):
    from crmcanvas.demo import demo_grids

    grids = demo_grids()
    header = grids["personnes"][0]
    grids["personnes"][1][header.index("Prénom")], grids["personnes"][1][header.index("Nom")] = "", EVIL  # the sponsor
    serve(monkeypatch, GridSource(grids))
    at = run("pages/health.py")
    assert any(shown(m.value).startswith("Sponsor : [se connecter](https:") for m in at.markdown)
    no_live_link(at)


def test_the_compact_scorecard_shows_every_signal_with_its_status():
    def script():
        from crmcanvas.analysis import analyze
        from crmcanvas.build.load import load_grids
        from crmcanvas.demo import demo_grids
        from crmcanvas.ui.readiness import scorecard

        scorecard(analyze(load_grids(demo_grids())), "fr", link=False)

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    assert at.subheader[0].value == "Santé du projet"
    chips = [m.value for m in at.markdown if "-badge[" in m.value and "**" in m.value]
    assert len(chips) == 10  # the counts line, then one chip per signal
    assert ":green-badge[:material/check_circle: OK] **4**" in chips[0]
    assert any("Sponsor de direction identifié" in c and ":green-badge" in c for c in chips[1:])
    assert any("Reprise des données prévue" in c and ":orange-badge" in c for c in chips[1:])
