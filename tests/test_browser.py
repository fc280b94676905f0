"""The dashboard as a person sees it: `streamlit run app.py` in headless Chromium, on a local workbook whose file
name and cells are written as links (one server for the module, edited live by the last test), and on a Google
Sheet that does not answer a first visit (a server of its own). The pages, modes, navigation, the live path and
an outage on a Google Sheet are in test_dashboard_browser.py (one shared server)."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page, metric_value, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("workbook")]  # the workbook server: one worker
EVIL = "[se connecter](https://evil.example/login)"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """The demo workbook under a file name written as a Markdown link, with a stake label and a reference cell
    written as links too."""
    import openpyxl

    from crmcanvas.demo import write_demo_workbook

    path = write_demo_workbook(tmp_path_factory.mktemp("links") / "[ici](javascript:alert(1)).xlsx")
    wb = openpyxl.load_workbook(path)
    wb["enjeux"]["B8"] = EVIL  # E07, the stake no need serves: listed among the gaps
    wb["besoins"]["E2"] = EVIL  # an unresolved reference: a finding quoting it
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def server(workbook, tmp_path_factory):
    env = {"CRMCANVAS_SOURCE": str(workbook), "CRMCANVAS_REFRESH_SECONDS": "2"}
    with streamlit_server(tmp_path_factory.mktemp("workbook-server"), env) as running:
        yield running


def _wait_for_text(page, text: str, timeout: int = 60_000) -> None:
    """Wait until ``text`` shows on the page as a reader sees it (the invisible word joiner left out)."""
    page.wait_for_function("t => document.body.innerText.replaceAll('\\u2060', '').includes(t)", arg=text, timeout=timeout)


def _no_live_link(page) -> None:
    links = page.locator("a[href*='evil.example'], a[href^='javascript']")
    assert links.count() == 0, [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_sheet_text_written_as_links_stays_text(server):
    """A cell or a file name written as a Markdown link is shown as typed, and nothing on screen links away."""
    with chromium_page() as page:
        page.goto(server.url)
        _wait_for_text(page, "Source : Classeur local « [ici](javascript:alert(1)).xlsx »")
        _no_live_link(page)

        page.get_by_role("link", name="Qualité des données").click()
        _wait_for_text(page, f"« {EVIL} » (colonne « Données », ligne 2)")
        _no_live_link(page)
        page.screenshot(path=str(server.log_path.parent / "quality-links.png"), full_page=True)

        page.get_by_role("link", name="Couverture et traçabilité").click()
        page.get_by_text("Enjeux servis par aucun besoin (1)").first.click(timeout=60_000)
        _wait_for_text(page, f"E07 {EVIL}", timeout=30_000)
        _no_live_link(page)
        assert "Traceback" not in page.content(), server.log()


def test_stakeholder_edit_appears_on_the_wall_without_reload(server, workbook):
    """The live path of a workbook: someone adds a need and types a duplicate ID; the projected page shows
    both by itself."""
    import openpyxl

    with chromium_page() as page:
        page.goto(server.url + "/?mode=projection")
        page.locator("[data-testid=stMetric]").first.wait_for(timeout=60_000)
        assert metric_value(page, "Besoins") == "60", server.log()
        assert metric_value(page, "Erreurs") == "0"

        wb = openpyxl.load_workbook(workbook)
        wb["besoins"].append(["B061", "En tant que bénévole, je souhaite badger à l'arrivée afin de comptabiliser mes heures"])
        wb["besoins"]["A3"] = "B001"  # a duplicate ID typed by mistake
        wb.save(workbook)

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
        page.screenshot(path=str(server.log_path.parent / "live.png"))


@pytest.mark.xdist_group("first-visit")  # a server of its own
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
