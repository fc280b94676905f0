"""The dashboard as a person sees it: `streamlit run app.py` in headless Chromium, each test with a server of its own
(a workbook, a failing Google, a file name written as a link). The pages, modes, navigation and the live path on
one shared server are in test_dashboard_browser.py."""

from __future__ import annotations

import re

import pytest

from tests.browser import chromium_page, metric_value, streamlit_server

pytestmark = pytest.mark.browser


def test_stakeholder_edit_appears_on_the_wall_without_reload(tmp_path):
    """The live path: someone adds a need to the workbook; the projected page shows it by itself."""
    import openpyxl

    from crmcanvas.demo import write_demo_workbook

    path = write_demo_workbook(tmp_path / "canevas.xlsx")
    env = {"CRMCANVAS_SOURCE": str(path), "CRMCANVAS_REFRESH_SECONDS": "2"}
    with streamlit_server(tmp_path, env) as server, chromium_page() as page:
        page.goto(server.url)
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
        assert metric_value(page, "Besoins") == "60", server.log()

        wb = openpyxl.load_workbook(path)
        wb["besoins"].append(["B061", "En tant que bénévole, je souhaite badger à l'arrivée afin de comptabiliser mes heures"])
        wb["besoins"]["A3"] = "B001"  # a duplicate ID typed by mistake
        wb.save(path)

        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid=stMetric]')]
                   .some(m => m.innerText.includes('Besoins') && m.innerText.includes('61'))""",
            timeout=30_000,
        )
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid=stMetric]')]
                   .some(m => m.innerText.includes('Erreurs') && !m.innerText.includes('\\n0'))""",
            timeout=30_000,
        )
        page.screenshot(path=str(tmp_path / "live.png"), full_page=True)


def test_google_sheet_live_path_through_the_stand_in(tmp_path):
    """The real gspread client behind `streamlit run`, against the local Sheets API stand-in:
    a stakeholder's edit shows up, an outage freezes the screen on the last good canvas, recovery clears it."""
    from crmcanvas.demo import DEMO_TITLES, demo_grids
    from crmcanvas.standin import StandIn

    with StandIn() as sheets:
        grids = demo_grids()
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in grids.items()})
        env = {"CRMCANVAS_SOURCE": sheets.url(), "CRMCANVAS_SHEETS_ENDPOINT": sheets.endpoint,
               "CRMCANVAS_REFRESH_SECONDS": "2", "CRMCANVAS_MAX_RETRIES": "0"}
        with streamlit_server(tmp_path, env) as server, chromium_page() as page:
            page.goto(server.url)
            page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
            assert metric_value(page, "Besoins") == "60", server.log()
            assert sheets.count("values.batchGet") >= 1

            sheets.append_row("besoins", ["B061", "En tant que donateur, je souhaite un reçu annuel afin de simplifier ma déclaration"])
            page.wait_for_function(
                """() => [...document.querySelectorAll('[data-testid=stMetric]')]
                       .some(m => m.innerText.includes('Besoins') && m.innerText.includes('61'))""",
                timeout=30_000,
            )
            page.get_by_text(re.compile(r"synchronisé il y a \d+ s · modifié à \d\d:\d\d:\d\d")).first.wait_for(timeout=10_000)

            sheets.fail(500, times=None)
            page.get_by_text("Données figées depuis").first.wait_for(timeout=30_000)
            assert metric_value(page, "Besoins") == "61"  # the last good canvas is still shown
            page.screenshot(path=str(tmp_path / "stale.png"), full_page=True)

            sheets.clear_faults()
            page.get_by_text("Données figées depuis").first.wait_for(state="detached", timeout=30_000)
            assert "private_key" not in server.log()


def _wait_for_text(page, text: str, timeout: int = 60_000) -> None:
    """Wait until ``text`` shows on the page as a reader sees it (the invisible word joiner left out)."""
    page.wait_for_function("t => document.body.innerText.replaceAll('\\u2060', '').includes(t)", arg=text, timeout=timeout)


def _no_live_link(page) -> None:
    links = page.locator("a[href*='evil.example'], a[href^='javascript']")
    assert links.count() == 0, [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_sheet_text_written_as_links_stays_text(tmp_path):
    """A cell or a file name written as a Markdown link is shown as typed, and nothing on screen links away."""
    import openpyxl

    from crmcanvas.demo import write_demo_workbook

    evil = "[se connecter](https://evil.example/login)"
    path = write_demo_workbook(tmp_path / "[ici](javascript:alert(1)).xlsx")
    wb = openpyxl.load_workbook(path)
    wb["enjeux"]["B8"] = evil  # E07, the stake no need serves: listed among the gaps
    wb["besoins"]["E2"] = evil  # an unresolved reference: a finding quoting it
    wb.save(path)
    with streamlit_server(tmp_path, {"CRMCANVAS_SOURCE": str(path)}) as server, chromium_page() as page:
        page.goto(server.url)
        _wait_for_text(page, "Source : Classeur local « [ici](javascript:alert(1)).xlsx »")
        _no_live_link(page)

        page.goto(server.url + "/quality")
        _wait_for_text(page, f"« {evil} » (colonne « Données », ligne 2)")
        _no_live_link(page)
        page.screenshot(path=str(tmp_path / "quality-links.png"), full_page=True)

        page.goto(server.url + "/coverage")
        page.get_by_text("Enjeux servis par aucun besoin (1)").first.click(timeout=60_000)
        _wait_for_text(page, f"E07 {evil}", timeout=30_000)
        _no_live_link(page)
        assert "Traceback" not in page.content(), server.log()


def test_first_visit_to_a_google_sheet_that_does_not_answer(tmp_path):
    """The page shows at once, says which source it is reading, then the error and what to do — and
    shows the canvas by itself once Google answers again."""
    from crmcanvas.demo import DEMO_TITLES, demo_grids
    from crmcanvas.standin import StandIn

    with StandIn() as sheets:
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in demo_grids().items()})
        sheets.delay(15, times=None)  # every request hangs longer than the request timeout
        env = {"CRMCANVAS_SOURCE": sheets.url(), "CRMCANVAS_SHEETS_ENDPOINT": sheets.endpoint,
               "CRMCANVAS_REFRESH_SECONDS": "2", "CRMCANVAS_MAX_RETRIES": "0", "CRMCANVAS_REQUEST_TIMEOUT": "4"}
        with streamlit_server(tmp_path, env) as server, chromium_page() as page:
            page.goto(server.url)
            page.get_by_role("heading", name="Vue d'ensemble").wait_for(timeout=60_000)
            page.get_by_text("Lecture de « Google Sheet").first.wait_for(timeout=30_000)
            page.get_by_text("Impossible de lire le canevas").first.wait_for(timeout=60_000)
            page.get_by_text("Prochain essai de lecture").first.wait_for(timeout=10_000)
            assert page.get_by_text("dernière version").count() == 0, server.log()
            page.screenshot(path=str(tmp_path / "first-visit-error.png"), full_page=True)

            sheets.clear_faults()
            page.locator("[data-testid=stMetric]").first.wait_for(timeout=90_000)
            assert metric_value(page, "Besoins") == "60", server.log()
            assert page.get_by_text("Impossible de lire le canevas").count() == 0
