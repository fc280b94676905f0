"""The Parties prenantes page through AppTest: who is missing, then people and roles by department."""

from __future__ import annotations

import pytest

from tests.pages import clear_caches, run, shown
from tests.test_english import french_on, serve_english_demo
from tests.test_pages import EVIL, EVIL_ESCAPED, GridSource, evil_grids, no_live_link, serve

PAGE = "pages/stakeholders.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


def texts(at) -> list[str]:
    return [shown(m.value) for m in at.main.markdown]


def test_who_is_missing_comes_first():
    at = run(PAGE)
    shown_texts = texts(at)
    assert "- **R06** Chargé de partenariats" in shown_texts  # nobody holds it
    assert "- **R07** Comptable\n- **R12** Partenaire mécène" in shown_texts  # no need speaks for them
    assert "- **Ventes**\n- **Service client**\n- **Production**" in shown_texts  # departments of the settings nobody represents
    titles = [t for t in shown_texts if t.startswith("#### :")]
    assert titles[0] == "#### :red[1] · Rôles tenus par personne"


def test_people_and_roles_by_department():
    at = run(PAGE)
    shown_texts = texts(at)
    departments = [t for t in shown_texts if t.startswith("#### ") and "personne(s)" in t]
    assert departments[0] == "#### Direction · 1 personne(s), 1 rôle(s)"
    assert departments[-1] == "#### Sans département · 3 personne(s), 4 rôle(s)"
    assert any(t.startswith("- **Hélène Marchetti**, Directrice générale — _Direction générale_ · Sponsor") for t in shown_texts)
    assert any("- **Comptable** (Interne) — 2 personne(s) · :red[0 besoin(s) exprimé(s)]" in t for t in shown_texts)
    chart = at.get("plotly_chart")
    assert len(chart) == 1 and "Personnes et rôles par département" in chart[0].proto.spec


def test_changing_the_departments_setting_updates_the_absent_ones(monkeypatch):
    at = run(PAGE)
    monkeypatch.setenv("CRMCANVAS_DEPARTMENTS", '["direction", "juridique"]')
    at.run()
    assert "- **Juridique**" in texts(at) and "- **Ventes**\n- **Service client**\n- **Production**" not in texts(at)


def test_a_department_written_as_a_link_stays_text(monkeypatch):
    grids = evil_grids()
    header = grids["personnes"][0]
    grids["personnes"][1][header.index("Département")] = EVIL
    serve(monkeypatch, GridSource(grids))
    at = run(PAGE)
    assert any(t.startswith(f"#### {EVIL_ESCAPED} · 1 personne") for t in (m.value for m in at.main.markdown))
    no_live_link(at)


def test_stakeholders_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    serve_english_demo(monkeypatch)
    at = run(PAGE)
    found = french_on(at)
    assert not found, sorted(set(found))
    assert "#### No department · 3 person(s), 4 role(s)" in texts(at)
