"""The content pages (vendor fit and roadmap included) in English in headless Chromium at 1280×720 (a projector):
English words have other lengths, so a legend that fits in French may not. One tab opens the first page by its
link and the next ones from the menu (one tab: every open tab keeps its live banner ticking); each page shows its
key figure, has no table cut at the right and no chart label outside its chart. The French pages get the same
checks in the every-page pass of test_dashboard_browser.py (one shared server). Screenshots are kept in tmp_path."""

from __future__ import annotations

import pytest

from crmcanvas.ui.messages import t
from crmcanvas.ui.pages import PAGES
from tests.browser import (
    CONTENT_PAGES,
    CUT_TABLES,
    LABELS_OUTSIDE,
    once_more_if_the_frontend_crashes,
    open_in_app_async,
    run_in_one_tab,
    settle_async,
    streamlit_server,
)

pytestmark = pytest.mark.browser
KEYS = {entry.url_path: entry.key for entry in PAGES}


def test_content_pages_in_english_at_1280x720(tmp_path):
    with streamlit_server(tmp_path, {"CRMCANVAS_LANGUAGE": "en"}) as server:

        async def check(page, paths: list[str]) -> None:
            for path in paths:  # the first by its link, the next from the menu
                await once_more_if_the_frontend_crashes(page, path, lambda path=path: check_one(page, path))

        async def check_one(page, path: str) -> None:
            await open_in_app_async(page, f"{server.url}/{path}", t(f"pages.{KEYS[path]}", "en"))
            await page.get_by_text(CONTENT_PAGES[path][1]).first.wait_for(timeout=60_000)
            await settle_async(page)  # let the tables and charts lay out
            assert await page.get_by_text("Traceback").count() == 0, server.log()
            await page.screenshot(path=str(tmp_path / f"{path}-en.png"))
            assert await page.evaluate(CUT_TABLES) == 0, f"{path}: a table is cut at the right"
            assert await page.evaluate(LABELS_OUTSIDE) == [], f"{path}: chart labels outside their chart"

        run_in_one_tab(check, [list(CONTENT_PAGES)])


def test_a_streamlit_frontend_crash_is_tried_once_more_then_fails(tmp_path, monkeypatch):
    """The browser passes load a page again when Streamlit's frontend crashes once (logged), and fail on the second."""
    import tests.browser

    monkeypatch.setattr(tests.browser, "FRONTEND_CRASHES", tmp_path / "crashes.txt")  # not the real passes' log
    attempts: list[int] = []  # the crashes asked of each attempt
    crash = "<script>setTimeout(() => { throw new Error('Bad delta path index 2 (should be between [0, 1])') }, 50)</script>"

    async def attempt(page, crashes: int) -> str:
        attempts.append(crashes)
        await page.set_content(crash if attempts.count(crashes) <= crashes else "<p>page</p>")
        await page.get_by_text("page").wait_for(timeout=20_000)  # never there after a crash
        return "vue"

    async def check(page, crashes: int):
        results.append(await once_more_if_the_frontend_crashes(page, f"essai-{crashes}", lambda: attempt(page, crashes)))

    results: list[str] = []
    with pytest.raises(AssertionError, match="essai-2: .*crashed twice"):
        run_in_one_tab(check, [1, 2])  # one browser: a crash then a page, then two crashes
    assert results == ["vue"] and attempts == [1, 1, 2, 2]
    log = (tmp_path / "crashes.txt").read_text(encoding="utf-8")
    assert [line.split(" ", 2)[2].split(" (")[0] for line in log.splitlines()] == ["essai-1", "essai-2", "essai-2"]
