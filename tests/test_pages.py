"""Every page renders through Streamlit's AppTest: on the demo, on a workbook, and on a broken source."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]

PAGES = ["app.py", "pages/coverage.py", "pages/quality.py", "pages/tabs.py"]


def run(page: str) -> AppTest:
    """Open the app at its entry point, then go to the page as a user clicking the menu would."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(autouse=True)
def _fresh_cache():
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_overview_shows_demo_counts_and_findings():
    at = run("app.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Besoins"] == "60" and metrics["Rôles"] == "12"
    assert metrics["Erreurs"] == "0" and int(metrics["Avertissements"]) >= 1
    assert any("démonstration" in i.value for i in at.info)


def test_quality_page_lists_findings_with_suggestions():
    at = run("pages/quality.py")
    table = at.table[0].value
    assert "Suggestion" in table.columns
    assert table["Suggestion"].str.contains("Vouliez-vous dire « Donateur »").any()
    at.multiselect[0].set_value(["Erreur"]).run()
    assert at.table[0].value.empty if at.table else True


def test_tabs_page_shows_each_tab_with_sheet_headers():
    at = run("pages/tabs.py")
    assert "Besoin" in at.dataframe[0].value.columns or "ID" in at.dataframe[0].value.columns
    at.radio[0].set_value("besoins").run()
    frame = at.dataframe[0].value
    assert len(frame) == 60 and "Ligne" in frame.columns


@pytest.mark.parametrize("page", PAGES)
def test_unreadable_source_is_a_french_message_not_a_traceback(page, monkeypatch, tmp_path):
    broken = tmp_path / "canevas.xlsx"
    broken.write_text("ceci n'est pas un classeur", encoding="utf-8")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(broken))
    at = run(page)
    assert at.error and "Impossible de lire le canevas" in at.error[0].value


@pytest.mark.parametrize("page", PAGES)
def test_bad_setting_names_the_key(page, monkeypatch):
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "souvent")
    at = run(page)
    assert at.error and "refresh_seconds" in at.error[0].value


def test_coverage_page_shows_the_sponsor_view():
    at = run("pages/coverage.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Enjeux couverts"] == "88 %"  # 7 of the demo's 8 stakes are served
    expanders = [e.label for e in at.expander]
    assert "Enjeux servis par aucun besoin (1)" in expanders
    assert any(label.startswith("Départements absents") for label in expanders)
    at.selectbox[1].set_value("E07").run()
    assert any("Aucun besoin ne sert cet enjeu" in w.value for w in at.warning)
