"""The content pages (vendor fit and roadmap included) in English in headless Chromium at 1280×720 (a projector):
English words have other lengths, so a legend that fits in French may not. Each page opens by its link, shows its key figure, has no table cut at the
right and no chart label outside its chart. The French pages get the same checks in the every-page pass of
test_dashboard_browser.py (one shared server). Screenshots are kept in tmp_path."""

from __future__ import annotations

import pytest

from tests.browser import (
    CONTENT_PAGES,
    CUT_TABLES,
    LABELS_OUTSIDE,
    run_pages_at_once,
    settle_async,
    streamlit_server,
)

pytestmark = pytest.mark.browser


def test_content_pages_in_english_at_1280x720(tmp_path):
    with streamlit_server(tmp_path, {"CRMCANVAS_LANGUAGE": "en"}) as server:

        async def check(page, path: str) -> None:
            await page.goto(f"{server.url}/{path}")
            await page.get_by_text(CONTENT_PAGES[path][1]).first.wait_for(timeout=60_000)
            await settle_async(page)  # let the tables and charts lay out
            assert await page.get_by_text("Traceback").count() == 0, server.log()
            await page.screenshot(path=str(tmp_path / f"{path}-en.png"))
            assert await page.evaluate(CUT_TABLES) == 0, f"{path}: a table is cut at the right"
            assert await page.evaluate(LABELS_OUTSIDE) == [], f"{path}: chart labels outside their chart"

        run_pages_at_once(check, list(CONTENT_PAGES))
