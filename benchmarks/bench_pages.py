"""The dashboard in a browser: first meaningful paint of each page, page switch, and the shared feed under twenty
open sessions of a 10,000-need canvas (reads per interval, server memory).

Run: ``PYTHONPATH=. python3 benchmarks/bench_pages.py [--sessions 20] [--needs 10000] [--window 30]``
Prints figures; asserts nothing. The server is the real ``streamlit run app.py``, reading a Google Sheet through
the local Sheets API stand-in (the real gspread client); the browser is Debian's headless Chromium at 1280×720.

- *first meaningful paint*: from ``goto`` to the first piece of the canvas on screen (a metric, a chart, a table);
  *complete*: every Plotly chart of the page drawn and the page still for one second. "cold" is the first visit
  of the server (the analysis is computed), "warm" a second visit.
- *page switch*: a click in the sidebar, from the overview to the coverage page, to its first chart.
- *reads per interval*: ``values:batchGet`` requests in the stand-in's log while ``--sessions`` browsers watch
  the wall, divided by the number of intervals in the window.
- *server RSS*: resident memory of the Streamlit process, before and with the sessions open.
"""

from __future__ import annotations

import argparse
import statistics
import time

from crmcanvas.demo import DEMO_TITLES, demo_grids
from crmcanvas.standin import StandIn
from crmcanvas.ui.pages import PAGES
from tests.browser import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

# The first piece of the canvas: a metric, a chart, a table, a card's title (h3), an expander, a form or a message.
CONTENT = ("[data-testid=stMetric], .js-plotly-plot .main-svg, [data-testid=stTable], [data-testid=stDataFrame], "
           "[data-testid=stMain] h3, [data-testid=stExpander], "
           "[data-testid=stForm], [data-testid=stMain] [data-testid=stAlert]")


def rss_mb(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def settle(page, timeout: float = 120) -> None:
    deadline, last, steady = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        now = page.evaluate("""() => [document.querySelectorAll('[data-testid=stElementContainer]').length,
            document.querySelectorAll('[data-testid=stPlotlyChart]').length,
            document.querySelectorAll('.js-plotly-plot .main-svg').length > 0 ? document.querySelectorAll('.js-plotly-plot').length : 0]""")
        steady = steady + 1 if now == last and now[1] == now[2] else 0
        if steady >= 4:
            return
        last = now
        page.wait_for_timeout(250)


def paint(page, url: str) -> tuple[float, float]:
    """(first meaningful paint, complete) in seconds."""
    start = time.monotonic()
    page.goto(url, wait_until="commit")
    page.locator(CONTENT).first.wait_for(timeout=60_000)
    first = time.monotonic() - start
    settle(page)
    return first, time.monotonic() - start - 1.0  # settle waits one still second


def serve(sheets: StandIn, tmp: str, refresh: int) -> StreamlitServer:
    from pathlib import Path

    env = {"CRMCANVAS_SOURCE": sheets.url(), "CRMCANVAS_SHEETS_ENDPOINT": sheets.endpoint,
           "CRMCANVAS_REFRESH_SECONDS": str(refresh), "CRMCANVAS_MAX_RETRIES": "0"}
    server = StreamlitServer(env, Path(tmp) / "streamlit.log")
    server.start(timeout=120)
    return server


def pages_benchmark(browser, tmp: str) -> None:
    print("== Demo canvas (8 stakes, 60 needs): first meaningful paint / complete, 1280×720")
    with StandIn() as sheets:
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in demo_grids().items()})
        server = serve(sheets, tmp, refresh=15)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for visit in ("cold", "warm"):
                for entry in PAGES:
                    try:
                        first, complete = paint(page, f"{server.url}/{entry.url_path}")
                    except Exception as exc:  # noqa: BLE001 - a figure missing is printed, the others still measured
                        print(f"  {visit:4} {entry.key:12} no content within 60 s ({type(exc).__name__})")
                        continue
                    print(f"  {visit:4} {entry.key:12} first paint {first:5.2f} s   complete {complete:5.2f} s")
            switches = []
            for _ in range(3):
                paint(page, server.url)
                start = time.monotonic()
                page.locator("[data-testid=stSidebar] a", has_text="Couverture").first.click()
                page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
                switches.append(time.monotonic() - start)
            print(f"  page switch overview → coverage (first chart): median {statistics.median(switches):.2f} s "
                  f"({', '.join(f'{s:.2f}' for s in switches)})")
            page.close()
        finally:
            server.stop()


def sessions_benchmark(browser, tmp: str, sessions: int, needs: int, window: float, refresh: int) -> None:
    from crmcanvas.demo.synthetic import synthetic_grids

    print(f"== Synthetic canvas of {needs} needs, {sessions} sessions on the wall, refresh_seconds = {refresh}")
    grids = synthetic_grids(needs, "exact")
    with StandIn() as sheets:
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in grids.items()})
        server = serve(sheets, tmp, refresh=refresh)
        try:
            idle = rss_mb(server.proc.pid)
            probe = browser.new_page(viewport={"width": 1280, "height": 720})
            for entry in PAGES:
                try:
                    first, complete = paint(probe, f"{server.url}/{entry.url_path}")
                except Exception as exc:  # noqa: BLE001 - a figure missing is printed, the others still measured
                    print(f"  {entry.key:12} no content within 60 s ({type(exc).__name__})")
                    continue
                print(f"  {entry.key:12} first paint {first:6.2f} s   complete {complete:6.2f} s")
            probe.close()
            loaded = rss_mb(server.proc.pid)
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            started = time.monotonic()
            pages = [context.new_page() for _ in range(sessions)]
            for page in pages:
                page.goto(f"{server.url}/?mode=projection", wait_until="commit")
            for page in pages:
                page.locator("[data-testid=stMetric]").first.wait_for(timeout=600_000)
            print(f"  {sessions} sessions open in {time.monotonic() - started:.1f} s")
            sheets.clear_log()
            time.sleep(window)
            reads = sheets.count("values.batchGet")
            others = sheets.count() - reads - sheets.count("token")
            print(f"  reads in {window:.0f} s: {reads} values:batchGet ({reads / (window / refresh):.2f} per interval), "
                  f"{others} other request(s)")
            print(f"  server RSS: {idle:.0f} MB at start, {loaded:.0f} MB with the canvas loaded (every page visited once), "
                  f"{rss_mb(server.proc.pid):.0f} MB with {sessions} sessions open")
            context.close()
        finally:
            server.stop()


def main() -> None:
    import tempfile

    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--refresh", type=int, default=5)
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if not args.skip_pages:
                pages_benchmark(browser, tmp)
            sessions_benchmark(browser, tmp, args.sessions, args.needs, args.window, args.refresh)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
