"""The dashboard as a person sees it: `streamlit run app.py` in headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, metric_value, streamlit_server

pytestmark = pytest.mark.browser


def test_demo_dashboard_in_chromium(tmp_path):
    with streamlit_server(tmp_path) as server, chromium_page() as page:
        page.goto(server.url)
        page.get_by_text("Vue d'ensemble").first.wait_for(timeout=60_000)
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
        assert metric_value(page, "Besoins") == "60", server.log()
        assert metric_value(page, "Erreurs") == "0"
        page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)

        page.get_by_role("link", name="Couverture et traçabilité").click()
        page.get_by_text("Enjeux servis par aucun besoin (1)").first.wait_for(timeout=60_000)
        page.locator(".js-plotly-plot .main-svg").nth(3).wait_for(timeout=30_000)  # bars, Sankey, gaps, matrix
        assert metric_value(page, "Enjeux couverts") == "88 %"
        page.screenshot(path=str(tmp_path / "coverage.png"), full_page=True)

        page.get_by_role("link", name="Qualité des données").click()
        page.get_by_text("Vouliez-vous dire « Donateur »").first.wait_for(timeout=30_000)
        assert page.get_by_text("Traceback").count() == 0
        page.screenshot(path=str(tmp_path / "quality.png"), full_page=True)


def test_direct_link_to_a_page_works(tmp_path):
    """A link pasted in the workshop chat opens the page itself, not an error dialog."""
    with streamlit_server(tmp_path) as server, chromium_page() as page:
        page.goto(server.url + "/quality")
        page.get_by_text("Vouliez-vous dire « Donateur »").first.wait_for(timeout=60_000)
        assert page.get_by_text("Page not found").count() == 0


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

            sheets.fail(500, times=None)
            page.get_by_text("Données figées depuis").first.wait_for(timeout=30_000)
            assert metric_value(page, "Besoins") == "61"  # the last good canvas is still shown
            page.screenshot(path=str(tmp_path / "stale.png"), full_page=True)

            sheets.clear_faults()
            page.get_by_text("Données figées depuis").first.wait_for(state="detached", timeout=30_000)
            assert "private_key" not in server.log()
