"""The frame around every page: the wall (?mode=projection), the sponsor view (?vue=sponsor), the live redraw
(choices kept, the change told), the rotation, and the Connexion page — through AppTest on the demo canvas."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from crmcanvas.demo import demo_grids
from crmcanvas.sources.base import RawCanvas
from crmcanvas.ui import modes
from crmcanvas.ui.pages import PAGES, Page
from tests.pages import SPONSOR, WALL, clear_caches, css, markdown_texts, page_links, run, run_until, shown


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


# ---------------------------------------------------------------- every page in every mode


@pytest.mark.parametrize("params", [{}, WALL, SPONSOR, {**WALL, **SPONSOR}], ids=["normal", "wall", "sponsor", "sponsor-wall"])
@pytest.mark.parametrize("page", [p for p in PAGES if p.path in ("app.py", "pages/coverage.py", "pages/connection.py",
                                                                  "pages/tabs.py", "pages/quality.py")], ids=lambda p: p.key)
def test_every_page_renders_in_every_mode(page: Page, params):
    at = run(page.path, params=params)
    mode = modes.Mode(wall="mode" in params, sponsor="vue" in params)
    if modes.visible(page, mode):
        assert not at.error, [e.value for e in at.error]
        assert not [i for i in at.info if "ne fait pas partie de cette vue" in i.value]
    else:  # the page says it is not part of the view, and draws nothing of the canvas
        assert any("ne fait pas partie de cette vue" in i.value for i in at.info)
        assert not at.metric and not at.table and not at.dataframe and not at.get("plotly_chart")


# ---------------------------------------------------------------- the sponsor view


def test_sponsor_view_lists_only_the_sponsor_pages_and_keeps_the_mode_in_every_link():
    at = run("app.py", params=SPONSOR)
    sponsor_pages = ["overview", "stakes", "coverage", "health", "checklist", "vendors", "roadmap"]  # the trend only once there are snapshots
    assert page_links(at) == ["?vue=sponsor"] + [f"{key}?vue=sponsor" for key in sponsor_pages[1:]]
    assert [p.key for p in modes.visible_pages(modes.Mode(sponsor=True))] == sponsor_pages
    assert any("lecture seule" in c.value for c in at.sidebar.caption)


def test_sponsor_view_has_no_findings_and_no_write_widget():
    at = run("app.py", params=SPONSOR)
    labels = {m.label for m in at.metric}
    assert "Enjeux couverts par au moins un besoin" in labels and "Besoins" in labels
    assert not {"Erreurs", "Avertissements", "Infos"} & labels  # no data-quality noise
    assert not at.table  # no list of findings
    for kind in ("text_input", "text_area", "form", "button", "checkbox", "number_input", "data_editor"):
        assert not at.get(kind), kind
    assert [b.label for b in at.sidebar.get("download_button")] == ["Rapport PDF"]  # the one thing a sponsor clicks


def test_the_normal_view_lists_every_page_and_the_findings():
    at = run("app.py")
    assert page_links(at) == [p.url_path for p in PAGES]
    assert {"Erreurs", "Avertissements"} <= {m.label for m in at.metric}
    assert not at.sidebar.get("download_button")


def test_writes_allowed_is_false_in_the_sponsor_view_only():
    def script():
        import streamlit as st

        from crmcanvas.ui.modes import writes_allowed

        st.write(f"writes={writes_allowed()}")

    for params, expected in (({}, True), (WALL, True), (SPONSOR, False), ({**WALL, **SPONSOR}, False)):
        at = AppTest.from_function(script)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert at.markdown[0].value == f"writes={expected}", params


def test_a_page_outside_the_sponsor_view_is_refused_with_a_link_back(monkeypatch):
    at = run("pages/quality.py", params=SPONSOR)
    assert any("ne fait pas partie de cette vue" in i.value for i in at.info)
    link = at.main.get("page_link")[0].proto
    assert link.page == "" and link.query_string == "vue=sponsor"
    assert not [t for t in markdown_texts(at) if "Vouliez-vous dire" in shown(t)]


# ---------------------------------------------------------------- the wall


def test_wall_hides_the_sidebar_and_streamlit_chrome_and_enlarges_the_type():
    at = run("app.py", params=WALL)
    assert not at.sidebar.get("page_link")
    style = css(at)
    assert '[data-testid="stSidebar"]' in style and 'header[data-testid="stHeader"]' in style
    assert "display: none" in style and "font-size: clamp(" in style
    normal = css(run("app.py"))
    assert "font-size: clamp(" not in normal and "@media print" in normal  # printing works in every mode


def test_wall_shows_no_qr_code_for_a_source_that_is_not_a_google_sheet():
    at = run("app.py", params=WALL)
    assert not at.get("image")


def test_wall_shows_the_qr_code_of_the_google_sheet(monkeypatch):
    from crmcanvas.standin import StandIn

    with StandIn() as sheets:
        from crmcanvas.demo import DEMO_TITLES

        key = sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in demo_grids().items()})
        monkeypatch.setenv("CRMCANVAS_SOURCE", sheets.url())
        monkeypatch.setenv("CRMCANVAS_SHEETS_ENDPOINT", sheets.endpoint)
        calls = []
        from crmcanvas.ui import wall

        real = wall.qr_png.__wrapped__
        monkeypatch.setattr(wall, "qr_png", lambda url, scale=6: calls.append(url) or real(url, scale))
        at = run("app.py", params=WALL)
        assert calls == [f"https://docs.google.com/spreadsheets/d/{key}/edit"]
        images = at.get("image")
        assert len(images) == 1 and "téléphone" in str(images[0].proto)


def test_qr_code_is_a_png_that_encodes_the_url():
    import segno

    from crmcanvas.ui.wall import qr_png

    png = qr_png("https://docs.google.com/spreadsheets/d/abc/edit")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert segno.make("https://docs.google.com/spreadsheets/d/abc/edit", error="m").designator  # same encoder, no error


def test_rotation_order_follows_wall_pages_and_skips_unknown_or_hidden_pages():
    from crmcanvas.core.config import Settings
    from crmcanvas.ui.wall import next_page, rotation_pages

    wall = modes.Mode(wall=True)
    order = rotation_pages(Settings(wall_pages=["coverage", "nope", "connection", "overview"]), wall)
    assert [p.key for p in order] == ["coverage", "overview"]  # the Connexion page is not for the wall
    assert next_page(order, "coverage").key == "overview" and next_page(order, "overview").key == "coverage"
    assert next_page(order, "tabs").key == "coverage"  # a page outside the rotation goes to its start
    assert [p.key for p in rotation_pages(Settings(), wall)] == [p.key for p in PAGES if p.wall]
    sponsor_wall = rotation_pages(Settings(), modes.Mode(wall=True, sponsor=True))
    assert [p.key for p in sponsor_wall] == ["overview", "stakes", "coverage", "health", "checklist", "vendors", "roadmap"]
    assert next_page(rotation_pages(Settings(wall_pages=["overview"]), wall), "overview") is None


def test_wall_rotates_to_the_next_page_and_keeps_the_mode(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_WALL_ROTATE_SECONDS", "5")
    monkeypatch.setenv("CRMCANVAS_WALL_PAGES", '["overview", "coverage"]')
    at = run("app.py", params=WALL)
    assert _titles(at) == ["Vue d'ensemble"]
    at.run()
    assert _titles(at) == ["Vue d'ensemble"]  # not yet: the page has been shown for less than 5 s
    page, since = at.session_state["_crmcanvas_rotation"]
    at.session_state["_crmcanvas_rotation"] = (page, since - 10)  # 10 s later
    at.run()
    assert _titles(at) == ["Couverture et traçabilité"]
    assert at.query_params["mode"] in ("projection", ["projection"])
    assert "font-size: clamp(" in css(at) and not at.sidebar.get("page_link")  # still the wall


def test_no_rotation_outside_the_wall(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_WALL_ROTATE_SECONDS", "5")
    at = run("app.py")
    assert "_crmcanvas_rotation" not in at.session_state


# ---------------------------------------------------------------- live: a new version, the choices kept, the change told


class EditableSource:
    """The demo canvas, edited by the test as a stakeholder would edit the sheet."""

    description = "Canevas de test"

    def __init__(self):
        self.grids = demo_grids()
        self.version = 1

    def read(self, wanted):
        return RawCanvas(grids=self.grids, titles={}, version=f"v{self.version}", source=self.description)

    def add_stake(self, row: list[str]) -> None:
        self.grids["enjeux"].append(row)
        self.version += 1


def test_a_new_version_keeps_every_choice_and_says_what_changed(monkeypatch):
    source = EditableSource()
    monkeypatch.setattr("crmcanvas.ui.state.open_source", lambda *args, **kwargs: source)
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "2")
    at = run("pages/coverage.py")
    at.selectbox(key="coverage_stake").set_value("E03")
    at.selectbox(key="coverage_matrix").set_value(at.selectbox(key="coverage_matrix").options[-1])
    at.segmented_control(key="coverage_group_by").set_value("lot")
    at.run()
    chosen = at.selectbox(key="coverage_matrix").value
    assert not at.toast

    source.add_stake(["E09", "Réduire les doublons de contacts"])
    time.sleep(2.2)  # older than refresh_seconds: the next look at the feed reads the source again
    # a page never waits for a read when it has a canvas to show: the read runs beside it, a later run shows it
    run_until(at, lambda at: "E09 · Réduire les doublons de contacts" in at.selectbox(key="coverage_stake").options)
    assert "E09 · Réduire les doublons de contacts" in at.selectbox(key="coverage_stake").options  # the new stake is there…
    assert at.selectbox(key="coverage_stake").value == "E03"  # …and the stake chosen is still chosen
    assert at.selectbox(key="coverage_matrix").value == chosen
    assert at.segmented_control(key="coverage_group_by").value == "lot"
    assert [shown(t.value) for t in at.toast] == ["Canevas mis à jour : +1 enjeu"]
    assert any(shown(c.value).startswith("Dernière modification à ") and shown(c.value).endswith(" : +1 enjeu")
               for c in at.caption)
    at.run()
    assert not at.toast  # told once


def test_a_workbook_another_program_edits_shows_on_the_wall_at_the_next_read(monkeypatch, tmp_path):
    """The live path of a local workbook: someone adds a need in Excel and types a duplicate ID; the wall shows
    both at its next look (in a browser, its live banner looks every second: test_dashboard_browser.py)."""
    import openpyxl

    from tests.fixtures_workbook import demo_workbook

    path = demo_workbook(tmp_path / "canevas.xlsx")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(path))
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "2")
    at = run("app.py", params=WALL)
    assert {m.label: m.value for m in at.metric}["Besoins"] == "60"

    wb = openpyxl.load_workbook(path)
    wb["besoins"].append(["B061", "En tant que bénévole, je souhaite badger à l'arrivée afin de comptabiliser mes heures"])
    wb["besoins"]["A3"] = "B001"  # a duplicate ID typed by mistake
    wb.save(path)
    time.sleep(2.2)  # older than refresh_seconds: the next look reads the file again
    run_until(at, lambda at: {m.label: m.value for m in at.metric}["Besoins"] != "60")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Besoins"] == "61" and metrics["Erreurs"] != "0"
    assert any(shown(t.value).startswith("Canevas mis à jour : +1 besoin") for t in at.toast)


def test_the_change_line_is_on_every_page(monkeypatch):
    source = EditableSource()
    monkeypatch.setattr("crmcanvas.ui.state.open_source", lambda *args, **kwargs: source)
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "2")
    at = run("app.py")
    source.add_stake(["E09", "Réduire les doublons de contacts"])
    time.sleep(2.2)
    run_until(at, lambda at: any(shown(c.value).endswith(" : +1 enjeu") for c in at.caption))
    for page in PAGES:
        at = run(page.path)
        assert any(shown(c.value).endswith(" : +1 enjeu") for c in at.caption), page.key


# ---------------------------------------------------------------- the Connexion page


def test_connection_page_on_the_demo():
    at = run("pages/connection.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Intervalle de relecture"] == "15 s" and metrics["Requêtes par lecture"] == "—"
    assert any("La dernière lecture a réussi" in s.value for s in at.success)


def test_connection_page_on_a_google_sheet_shows_the_account_and_the_requests_never_the_key(monkeypatch):
    from crmcanvas.demo import DEMO_TITLES
    from crmcanvas.standin import StandIn
    from tests.fixtures_sheets import key_body, service_account_info

    info = service_account_info()
    with StandIn() as sheets:
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in demo_grids().items()})
        monkeypatch.setenv("CRMCANVAS_SOURCE", sheets.url())
        monkeypatch.setenv("CRMCANVAS_SHEETS_ENDPOINT", sheets.endpoint)
        monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "2")
        at = run("pages/connection.py", secrets={"connections": {"gsheets": info}})
        api = [r for r in sheets.requests() if r.kind != "token"]
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Requêtes par lecture"] == str(len(api)) == "2"  # first read: the tabs' metadata, then one batchGet
        assert [c.value for c in at.code] == [info["client_email"]]
        texts = " ".join(markdown_texts(at)) + " ".join(c.value for c in at.code)
        assert key_body(info)[:40] not in texts and info["private_key_id"] not in texts

        sheets.clear_log()
        time.sleep(2.2)
        run_until(at, lambda at: {m.label: m.value for m in at.metric}["Requêtes par lecture"] == "1")
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Requêtes par lecture"] == "1" == str(sheets.count("values.batchGet"))
        assert [r.kind for r in sheets.requests() if r.kind != "token"] == ["values.batchGet"]
