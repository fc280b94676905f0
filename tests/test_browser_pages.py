"""The content pages in headless Chromium at 1280×720 (a projector): each one opens by its link, shows its key
figure, has no table cut at the right and no chart label outside its chart. Screenshots are kept in tmp_path."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, streamlit_server

pytestmark = pytest.mark.browser

PAGES = {  # URL path -> a text the page shows once its canvas is drawn, in French and in English
    "stakes": ("Aucun besoin ne sert cet enjeu", "No need serves this stake"),
    "needs": ("60 besoin(s) sur 60", "60 of 60 need(s)"),
    "data": ("15 objet(s) sur 15", "15 of 15 object(s)"),
    "applications": ("Non inventoriée (1)", "Not inventoried (1)"),
    "stakeholders": ("Sans département · 3 personne(s), 4 rôle(s)", "No department · 3 person(s), 4 role(s)"),
}

CUT_TABLES = """() => [...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]
    .filter(s => s.scrollWidth > s.clientWidth + 1).length"""

LABELS_OUTSIDE = """() => {
    const out = [];
    for (const chart of document.querySelectorAll('.js-plotly-plot')) {
        const box = chart.getBoundingClientRect();
        for (const text of chart.querySelectorAll('text')) {
            const r = text.getBoundingClientRect();
            if (!text.textContent.trim() || r.width === 0) continue;
            if (r.left < box.left - 1 || r.right > box.right + 1) out.push(text.textContent);
        }
    }
    return out;
}"""


@pytest.mark.parametrize("lang", ["fr", "en"])  # English words have other lengths: a legend that fits in French may not
def test_content_pages_at_1280x720(tmp_path, lang):
    with streamlit_server(tmp_path, {"CRMCANVAS_LANGUAGE": lang}) as server, chromium_page(viewport=(1280, 720)) as page:
        for path, key_texts in PAGES.items():
            page.goto(f"{server.url}/{path}")
            page.get_by_text(key_texts[lang == "en"]).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # let the tables and charts lay out
            assert page.get_by_text("Traceback").count() == 0, server.log()
            page.screenshot(path=str(tmp_path / f"{path}-{lang}.png"))
            assert page.evaluate(CUT_TABLES) == 0, f"{path}: a table is cut at the right"
            assert page.evaluate(LABELS_OUTSIDE) == [], f"{path}: chart labels outside their chart"
