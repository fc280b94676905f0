"""Every page renders through Streamlit's AppTest: on the demo, on a broken source or setting, on a source
that does not answer, and on a canvas whose cells try to be links or formulas."""

from __future__ import annotations

import csv
import io
import re
import threading

import pytest

from crmcanvas.sources.base import RawCanvas, SourceError
from tests.pages import PAGES, capture_downloads, clear_caches, markdown_texts, run, run_until, shown


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


class GridSource:
    """A source serving fixed grids, for pages run against a canvas made for the test."""

    def __init__(self, grids, description="Canevas de test", version="t1"):
        self.grids, self.description, self.version_token = grids, description, version
        self.reads = 0

    def read(self, wanted):
        self.reads += 1
        return RawCanvas(grids=self.grids, titles={}, version=self.version_token, source=self.description)


def serve(monkeypatch, source) -> None:
    """Pages read ``source`` instead of the configured one (same process: AppTest runs pages in it)."""
    monkeypatch.setattr("crmcanvas.ui.state.open_source", lambda *args, **kwargs: source)


# ---------------------------------------------------------------- the demo, page by page


def test_overview_shows_demo_counts_and_findings():
    at = run("app.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Besoins"] == "60" and metrics["Rôles"] == "12"
    assert metrics["Erreurs"] == "0" and int(metrics["Avertissements"]) >= 1
    assert any("démonstration" in i.value for i in at.info)


def test_overview_headline_tiles_come_from_the_registry_with_their_definition():
    from crmcanvas.analysis.registry import metric

    at = run("app.py")
    tiles = {m.label: m for m in at.metric}
    stakes = tiles[metric("enjeux_couverts_pct").label("fr")]
    assert stakes.value == "88 %"  # 7 of the demo's 8 stakes are served
    assert stakes.proto.help == metric("enjeux_couverts_pct").definition("fr")  # the definition on hover
    assert not stakes.delta  # no change shown: there is no snapshot yet
    assert tiles[metric("besoins_traces_pct").label("fr")].value == "93 %"


def test_overview_tiles_show_the_change_since_the_last_snapshot_when_there_is_one(monkeypatch):
    from crmcanvas.analysis.registry import metric

    monkeypatch.setattr("crmcanvas.ui.state.previous_metrics", lambda canvas, cfg: {"enjeux_couverts_pct": 75.0})
    at = run("app.py")
    tiles = {m.label: m for m in at.metric}
    assert tiles[metric("enjeux_couverts_pct").label("fr")].delta == "+13 pts depuis le dernier relevé"
    assert not tiles[metric("besoins_traces_pct").label("fr")].delta  # not in the snapshot: no change shown


def test_overview_lists_the_top_gaps_and_the_latest_findings_themselves():
    at = run("app.py")
    text = " ".join(shown(m.value) for m in at.markdown)
    assert "Besoins rattachés à aucun enjeu** (4) — B017, B048, B049, B050" in text  # the largest gap first
    table = at.table[0].value
    assert len(table) == 6 and "Message" in table.columns and "Suggestion" in table.columns
    assert table["Suggestion"].map(shown).str.contains("Vouliez-vous dire « Donateur »").any()
    assert any("6 premiers constats sur 10" in c.value for c in at.caption)


def test_banner_tells_when_the_canvas_was_read_and_when_it_last_changed():
    at = run("pages/quality.py")
    banner = shown(at.caption[0].value)
    assert re.fullmatch(r"Source : \*\*Canevas de démonstration .+\*\* · synchronisé il y a \d+ s · "
                        r"aucune modification depuis \d\d:\d\d:\d\d", banner), banner


def test_quality_page_lists_findings_with_suggestions():
    at = run("pages/quality.py")
    table = at.table[0].value
    assert "Suggestion" in table.columns
    assert table["Suggestion"].map(shown).str.contains("Vouliez-vous dire « Donateur »").any()
    at.multiselect[0].set_value(["Attention"]).run()
    warnings_only = at.table[0].value
    assert len(warnings_only) >= 1 and set(warnings_only.index) == {"Attention"}
    at.multiselect[0].set_value(["Erreur"]).run()  # the demo has no error
    assert not at.table and any("Aucun constat pour ces filtres" in i.value for i in at.info)


def test_tabs_page_shows_each_tab_with_sheet_headers():
    at = run("pages/tabs.py")
    stakes = at.dataframe[0].value
    assert list(stakes.columns[:4]) == ["Ligne", "ID", "Enjeu", "Situation actuelle"]
    assert len(stakes) == 8
    at.radio[0].set_value("besoins").run()
    needs = at.dataframe[0].value
    assert len(needs) == 60 and list(needs.columns[:3]) == ["Ligne", "ID", "Besoin"]
    assert "Must (indispensable)" in set(needs["Priorité"])  # enum codes shown as the labels people typed


@pytest.mark.parametrize("page", PAGES)
def test_unreadable_source_is_a_french_message_not_a_traceback(page, monkeypatch, tmp_path):
    broken = tmp_path / "canevas.xlsx"
    broken.write_text("ceci n'est pas un classeur", encoding="utf-8")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(broken))
    at = run(page)
    assert at.error and "Impossible de lire le canevas" in at.error[0].value
    assert "canevas.xlsx" in shown(at.error[0].value)
    assert not any("dernière version" in shown(text) for text in markdown_texts(at))


@pytest.mark.parametrize("page", PAGES)
def test_bad_setting_names_the_key(page, monkeypatch):
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "souvent")
    at = run(page)
    assert at.error and "refresh_seconds" in shown(at.error[0].value)


def test_coverage_page_shows_the_sponsor_view():
    at = run("pages/coverage.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Enjeux couverts par au moins un besoin"] == "88 %"  # 7 of the demo's 8 stakes are served
    expanders = [shown(e.label) for e in at.expander]
    assert "Enjeux servis par aucun besoin (1)" in expanders
    assert any(label.startswith("Départements absents") for label in expanders)
    at.selectbox[1].set_value("E07").run()
    assert any("Aucun besoin ne sert cet enjeu" in w.value for w in at.warning)


# ---------------------------------------------------------------- caches follow the settings (defect 2)


def _absent_departments(at) -> str | None:
    return next((shown(e.label) for e in at.expander if shown(e.label).startswith("Départements absents")), None)


def test_changing_departments_updates_the_coverage_page_without_a_restart(monkeypatch):
    at = run("pages/coverage.py")
    assert _absent_departments(at) is not None  # the default list names departments the demo lacks
    monkeypatch.setenv("CRMCANVAS_DEPARTMENTS", '["direction"]')
    at.run()
    assert _absent_departments(at) is None
    monkeypatch.setenv("CRMCANVAS_DEPARTMENTS", '["direction", "juridique", "logistique"]')
    at.run()
    assert _absent_departments(at) == "Départements absents des personnes impliquées (2)"


def test_stake_zoom_is_computed_once_per_version_and_settings(monkeypatch):
    import crmcanvas.analysis.traceability as traceability

    calls = []
    real = traceability.stake_drilldown

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(traceability, "stake_drilldown", counting)
    at = run("pages/coverage.py")
    at.run()
    at.run()
    assert calls == ["E01"]
    monkeypatch.setenv("CRMCANVAS_FUZZY_CUTOFF", "85")
    at.run()
    assert calls == ["E01", "E01"]


# ---------------------------------------------------------------- a source that never answers (defect 3)


class SilentSource(GridSource):
    """Answers only when the test releases it, with an error (a Google that never answers, then gives up)."""

    def __init__(self):
        super().__init__({}, description="Google Sheet « Atelier [mars] » (1AbC)")
        self.release = threading.Event()
        self.answered = threading.Event()

    def read(self, wanted):
        self.release.wait(30)
        try:
            raise SourceError("Google Sheets ne répond pas (pas de réponse dans le délai) : lecture de la feuille impossible.",
                              suggestion="Le tableau de bord garde la dernière version lue et réessaiera tout seul.",
                              retryable=True)
        finally:
            self.answered.set()


@pytest.mark.parametrize("page", PAGES)
def test_first_visit_to_a_silent_source_shows_a_page_then_the_error(page, monkeypatch):
    source = SilentSource()
    serve(monkeypatch, source)
    monkeypatch.setenv("CRMCANVAS_REQUEST_TIMEOUT", "0.2")  # the feed's deadline
    try:
        at = run(page)  # returns although the source has not answered
        waiting = [shown(i.value) for i in at.info]
        assert any(text.startswith("Lecture de « Google Sheet « Atelier [mars] » (1AbC) » en cours depuis") for text in waiting), waiting
        assert not at.error
    finally:
        source.release.set()
    assert source.answered.wait(10)
    run_until(at, lambda at: bool(at.error))  # the feed records the failure a moment after the source raised
    assert at.error and "Google Sheets ne répond pas" in shown(at.error[0].value)
    texts = [shown(text) for text in markdown_texts(at)]
    assert any("réessaiera tout seul" in text for text in texts)  # what to do
    assert not any("dernière version" in text for text in texts), texts  # there is none to promise
    assert any(text.startswith("Prochain essai de lecture") for text in texts)


# ---------------------------------------------------------------- sheet text is data, never markup


EVIL = "[se connecter](https://evil.example/login)"
EVIL_ESCAPED = "\\[se connecter\\]\\(https\\:\u2060\\/\\/evil\\.example\\/login\\)"


def evil_grids():
    from crmcanvas.demo import demo_grids

    grids = demo_grids()
    assert grids["enjeux"][7][0] == "E07"  # the demo's stake that no need serves
    grids["enjeux"][7][1] = EVIL
    header = grids["besoins"][0]
    grids["besoins"][1][header.index("Données")] = EVIL  # an unresolved reference: a finding quoting it
    grids["besoins"][1][header.index("Priorité")] = '=HYPERLINK("https://evil.example";"ici")'
    grids["besoins"][2][header.index("Enjeux")] = "@SUM(1+1)"
    grids["besoins"][3][header.index("Statut")] = "-1+2"
    return grids


def no_live_link(at) -> None:
    """No Markdown link, and no bare URL left for GitHub's autolinks (they scan the text once escapes are gone)."""
    for text in markdown_texts(at):
        assert "](http" not in text and "](javascript" not in text, text
        assert not re.search(r"https?://|www\.", shown(text.replace("\u2060", "|"))), text


def test_a_cell_written_as_a_link_stays_text_on_the_coverage_page(monkeypatch):
    serve(monkeypatch, GridSource(evil_grids()))
    at = run("pages/coverage.py")
    gaps = next(e for e in at.expander if shown(e.label).startswith("Enjeux servis par aucun besoin"))
    assert any(EVIL_ESCAPED in m.value for m in gaps.markdown)
    at.selectbox[1].set_value("E07").run()
    assert any(m.value == rf"**E07 · {EVIL_ESCAPED}**" for m in at.markdown)
    no_live_link(at)


def test_a_cell_written_as_a_link_stays_text_in_the_findings_table(monkeypatch):
    serve(monkeypatch, GridSource(evil_grids()))
    at = run("pages/quality.py")
    cells = at.table[0].value.astype(str).to_numpy().ravel().tolist()
    assert any(EVIL_ESCAPED in cell for cell in cells)
    no_live_link(at)


def test_a_file_name_written_as_a_link_stays_text_in_the_banner(tmp_path, monkeypatch):
    from crmcanvas.demo import write_demo_workbook

    path = write_demo_workbook(tmp_path / "[ici](javascript:alert(1)).xlsx")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(path))
    at = run("app.py")
    assert r"\[ici\]\(javascript\:alert\(1\)\)\.xlsx" in at.caption[0].value
    no_live_link(at)


def test_findings_csv_neutralises_formulas(monkeypatch):
    from crmcanvas.reports.csv_export import read_csv

    downloads = capture_downloads(monkeypatch)
    serve(monkeypatch, GridSource(evil_grids()))
    at = run("pages/quality.py")
    data = downloads(at.get("download_button")[0])
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM: French Excel reads the accents right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Sévérité", "Onglet", "Ligne"]
    cells = [cell for row in rows for cell in row]
    assert {"'=HYPERLINK(\"https://evil.example\";\"ici\")", "'@SUM(1+1)", "'-1+2"} <= set(cells)
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    back = read_csv(data)
    assert {'=HYPERLINK("https://evil.example";"ici")', "@SUM(1+1)", "-1+2"} <= set(back["Valeur"])
