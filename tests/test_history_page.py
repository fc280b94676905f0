"""The « Historique & exports » page: the snapshot zip, the metrics over the weeks, what changed since last week;
and every dashboard CSV download in the configured CSV format."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from crmcanvas.demo import demo_grids
from crmcanvas.reports.snapshots import now_in
from tests.fixtures_snapshots import build, take
from tests.pages import capture_downloads, clear_caches, markdown_texts, run, shown
from tests.test_english import french_on


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def past_weeks(tmp_path, monkeypatch):
    """Two snapshots of the demo canvas, two weeks and one week ago; a week ago it had one need less and another priority."""
    out = tmp_path / "releves"
    monkeypatch.setenv("CRMCANVAS_SNAPSHOT_DIR", str(out))
    older = demo_grids()
    header = older["besoins"][0]
    older["besoins"][3][header.index("Priorité")] = "Could"  # B003 was a « could »
    del older["besoins"][-1]  # B060 did not exist yet
    now = now_in()
    take(build(older), out, now - timedelta(days=14), source="demo")
    take(build(older), out, now - timedelta(days=7), source="demo")
    return out


def test_the_page_draws_the_trend_and_what_changed_since_last_week(past_weeks):
    at = run("pages/history.py")
    assert [b.proto.label for b in at.get("download_button")][0].startswith("Télécharger le relevé (crmcanvas-")
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    texts = [shown(text) for text in markdown_texts(at)]
    summary = next(text for text in texts if text.startswith("**Depuis le relevé du "))
    assert "+1 besoin" in summary and "B003 modifié" in summary
    assert any(text.startswith("2 relevé(s) : 2 dans le dossier") for text in texts)
    needs = next(e for e in at.expander if shown(e.label) == "Besoins")
    assert shown(needs.markdown[0].value) == "- + B060\n- B003 : Priorité could → should"


@pytest.mark.parametrize("params", [{}, {"vue": "sponsor"}])
def test_the_overview_shows_the_change_since_the_last_snapshot_and_what_changed(past_weeks, params):
    from crmcanvas.analysis.registry import metric

    # A snapshot taken minutes ago, when no need had a priority yet: the tiles move from there.
    unprioritised = demo_grids()
    column = unprioritised["besoins"][0].index("Priorité")
    for row in unprioritised["besoins"][1:]:
        row[column] = ""
    take(build(unprioritised), past_weeks, now_in() - timedelta(minutes=5), source="demo", keep=True)

    at = run("app.py", params=params)
    summary = next(i.value for i in at.info if shown(i.value).startswith("Depuis le relevé du "))
    assert "+1 besoin" in summary and "B003 modifié" in summary  # against last week's snapshot, not today's
    tiles = {m.label: m for m in at.metric}
    assert tiles[metric("besoins_qualifies_pct").label("fr")].delta.endswith("pts depuis le dernier relevé")
    assert not tiles[metric("enjeux_couverts_pct").label("fr")].delta  # unchanged since: nothing shown


def test_the_sponsor_is_offered_the_trend_once_a_snapshot_exists(tmp_path, monkeypatch, past_weeks):
    from tests.pages import page_links

    assert "history?vue=sponsor" in page_links(run("app.py", params={"vue": "sponsor"}))
    clear_caches()
    monkeypatch.setenv("CRMCANVAS_SNAPSHOT_DIR", str(tmp_path / "aucun"))
    at = run("app.py", params={"vue": "sponsor"})
    assert "history?vue=sponsor" not in page_links(at) and "coverage?vue=sponsor" in page_links(at)


def test_without_snapshots_the_page_says_how_to_take_them(tmp_path, monkeypatch):
    monkeypatch.setenv("CRMCANVAS_SNAPSHOT_DIR", str(tmp_path / "aucun"))
    at = run("pages/history.py")
    infos = [shown(i.value) for i in at.info]
    assert any(text.startswith("Pas encore de relevé de cette source") and "history_write" in text for text in infos)
    assert any(text.startswith("Aucun relevé d'une semaine précédente") for text in infos)
    assert at.get("download_button")  # the export needs no history


def test_the_page_in_english_shows_no_french_from_the_catalogue(past_weeks, monkeypatch):
    from tests.test_english import serve_english_demo

    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    serve_english_demo(monkeypatch)
    at = run("pages/history.py")
    assert not french_on(at), sorted(set(french_on(at)))
    assert any(shown(text).startswith("**Since the snapshot of ") for text in markdown_texts(at))


def test_quality_csv_download_follows_the_csv_settings(monkeypatch):
    downloads = capture_downloads(monkeypatch)
    monkeypatch.setenv("CRMCANVAS_CSV_SEPARATOR", "tab")
    monkeypatch.setenv("CRMCANVAS_CSV_BOM", "false")
    at = run("pages/quality.py")
    data = downloads(at.get("download_button")[0])
    assert not data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter="\t"))
    assert rows[0][:3] == ["Sévérité", "Onglet", "Ligne"] and len(rows) > 1


class HistoryRefused:
    """The demo canvas, from a source whose ``historique`` tab cannot be read (a quota hit, a lost share)."""

    description = "Google Sheet « Atelier » (1AbC)"

    def read(self, wanted):
        from crmcanvas.sources.base import SourceError
        from crmcanvas.sources.demo import DemoSource

        if "historique" in wanted:
            raise SourceError("Quota Google atteint [voir](https://evil.example) : lecture impossible.", retryable=True)
        return DemoSource().read(wanted)


def test_a_history_tab_that_cannot_be_read_is_said_once_escaped_and_the_folders_still_show(past_weeks, monkeypatch, tmp_path):
    from tests.fixtures_snapshots import take as take_snapshot

    monkeypatch.setenv("CRMCANVAS_SOURCE", str(tmp_path / "atelier.xlsx"))  # not the demo: its tab is read
    monkeypatch.setattr("crmcanvas.ui.state.open_source", lambda *args, **kwargs: HistoryRefused())
    from crmcanvas.core.config import resolve
    from crmcanvas.reports.snapshots import source_key

    key = source_key(resolve())
    take_snapshot(build(demo_grids()), past_weeks, now_in() - timedelta(days=7), source=key, keep=True)
    at = run("pages/history.py")
    (warning,) = [shown(w.value) for w in at.warning]
    assert warning.startswith("L'onglet « historique » n'a pas pu être lu (Quota Google atteint [voir](https:")
    assert "\\" not in warning  # escaped once: no backslash left for the reader to see
    assert "](https://" not in at.warning[0].value  # and no live link
    assert at.get("plotly_chart")
