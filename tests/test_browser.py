"""The dashboard as a person sees it on a first visit: `streamlit run app.py` in headless Chromium, on a Google
Sheet that does not answer yet (a server of its own: no canvas was ever read). Every page in every mode, sheet text
written as links, the live path and an outage are in test_dashboard_browser.py (one shared server)."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, metric_value, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("first-visit")]  # a server of its own: one worker


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
