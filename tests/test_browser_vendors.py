"""The « Adéquation des solutions » and « Feuille de route » pages in headless Chromium at 1280×720 (a projector):
each opens by its link, shows its last section, has no table cut at the right and no chart label outside its chart
(a long solution or stake name, a legend, a « Must non couverts » note at the end of a bar). Screenshots in tmp_path."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, streamlit_server
from tests.test_browser_pages import CUT_TABLES, LABELS_OUTSIDE

pytestmark = pytest.mark.browser

PAGES = {  # URL path -> a text of the page's last section, in French and in English
    "vendors": ("Part de spécifique par lot", "Share of custom development per release"),
    "roadmap": ("Besoins sans lot (1)", "Needs with no release (1)"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_vendor_and_roadmap_pages_at_1280x720(tmp_path, lang):
    with streamlit_server(tmp_path, {"CRMCANVAS_LANGUAGE": lang}) as server, chromium_page(viewport=(1280, 720)) as page:
        for path, key_texts in PAGES.items():
            page.goto(f"{server.url}/{path}")
            page.get_by_text(key_texts[lang == "en"]).first.wait_for(timeout=60_000)
            page.wait_for_timeout(2500)  # let the tables and charts lay out
            assert page.get_by_text("Traceback").count() == 0, server.log()
            page.screenshot(path=str(tmp_path / f"{path}-{lang}.png"), full_page=True)
            assert page.locator(".js-plotly-plot").count() >= 2, f"{path}: charts not drawn"
            assert page.evaluate(CUT_TABLES) == 0, f"{path}: a table is cut at the right"
            assert page.evaluate(LABELS_OUTSIDE) == [], f"{path}: chart labels outside their chart"
