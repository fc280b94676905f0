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
