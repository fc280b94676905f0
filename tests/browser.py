"""Run the real app with `streamlit run` and drive it in Debian's headless Chromium.

When the server dies, the error carries its log, so a failing browser test
says why (the datasette habit).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]  # every open page keeps its live timer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        clean_env = {k: v for k, v in os.environ.items() if not k.startswith("CRMCANVAS_")}
        self.env = {**clean_env, **env}
        self.proc: subprocess.Popen | None = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def start(self, timeout: float = 60) -> None:
        self._log_file = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log_file.close()


@contextlib.contextmanager
def streamlit_server(tmp_path: Path, env: dict[str, str] | None = None) -> Iterator[StreamlitServer]:
    server = StreamlitServer(env or {}, tmp_path / "streamlit.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium_page(viewport=(1400, 900)):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            yield page
        finally:
            browser.close()


def metric_value(page, label: str) -> str:
    """The value of the st.metric whose label is exactly `label`, as shown on screen."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    metric = page.locator("[data-testid=stMetric]").filter(has=page.locator("[data-testid=stMetricLabel]", has_text=exact))
    return metric.locator("[data-testid=stMetricValue]").first.inner_text().strip()


# Every Plotly text that lies (even partly) outside its chart's box, every two Sankey node labels that overlap,
# and every metric label that is cut (its content wider than its box). Empty lists: nothing is cut.
LABEL_CHECK_JS = """
() => {
  const out = {outside: [], overlapping: [], metrics: [], charts: 0};
  const slack = 1.5;
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg) continue;
    out.charts += 1;
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    for (const layer of plot.querySelectorAll('svg.main-svg')) {
      for (const text of layer.querySelectorAll('text')) {
        const content = (text.textContent || '').trim();
        if (!content) continue;
        const style = getComputedStyle(text);
        if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
        const r = text.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack || r.bottom > box.bottom + slack) {
          out.outside.push(`${content} [${Math.round(r.left - box.left)}, ${Math.round(r.right - box.left)}] of ${Math.round(box.width)} x [${Math.round(r.top - box.top)}, ${Math.round(r.bottom - box.top)}] of ${Math.round(box.height)}`);
        }
      }
    }
    const labels = [...plot.querySelectorAll('.node-label')].filter(e => (e.textContent || '').trim())
      .map(e => [e.textContent.trim(), e.getBoundingClientRect()]);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const [a, ra] = labels[i], [b, rb] = labels[j];
        const dx = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const dy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (dx > 1 && dy > 2) out.overlapping.push(`${a} / ${b}`);
      }
    }
  }
  for (const label of document.querySelectorAll('[data-testid=stMetricLabel]')) {
    for (const el of [label, ...label.querySelectorAll('*')]) {
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
        out.metrics.push(label.innerText.trim());
        break;
      }
      if (getComputedStyle(el).textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1) {
        out.metrics.push(label.innerText.trim());
        break;
      }
    }
  }
  return out;
}
"""


def cut_labels(page) -> dict:
    """What is cut on the page as drawn now (see LABEL_CHECK_JS): {"outside", "overlapping", "metrics", "charts"}."""
    return page.evaluate(LABEL_CHECK_JS)


# ---------------------------------------------------------------- page checks in one tab
# The page passes move from page to page in one tab (Playwright's async API), as a person does. One tab, not several
# at once: every open tab keeps its live banner ticking (~70 ms of Chromium a second), and on a 2-core machine four
# tabs cost 93 CPU-s where one cost 55 for the same pages.

CANVAS_SHOWN = ("[data-testid=stMetric], .js-plotly-plot, [data-testid=stTable], [data-testid=stDataFrame], "
                "[data-testid=stAlert]")
DRAWN_JS = """() => [document.querySelectorAll('[data-testid=stElementContainer]').length,
    document.querySelectorAll('[data-testid=stPlotlyChart]').length,
    document.querySelectorAll('.js-plotly-plot .main-svg').length > 0 ?
      document.querySelectorAll('.js-plotly-plot').length : 0]"""
# The content pages (URL path) and a text each shows once its canvas is drawn, in French and in English.
CONTENT_PAGES = {
    "stakes": ("Aucun besoin ne sert cet enjeu", "No need serves this stake"),
    "needs": ("60 besoin(s) sur 60", "60 of 60 need(s)"),
    "data": ("15 objet(s) sur 15", "15 of 15 object(s)"),
    "applications": ("Non inventoriée (1)", "Not inventoried (1)"),
    "stakeholders": ("Sans département · 3 personne(s), 4 rôle(s)", "No department · 3 person(s), 4 role(s)"),
    "vendors": ("Part de spécifique par lot", "Share of custom development per release"),  # its last section
    "roadmap": ("Besoins sans lot (1)", "Needs with no release (1)"),
}
# Tables cut at the right (a data frame wider than its box) and chart texts past their chart's left or right edge.
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


async def settle_async(page, timeout: float = 45) -> None:
    """Wait until the page shows its canvas (a metric, a chart, a table or a notice) and stops changing,
    every Plotly chart drawn: the same element counts three times in a row, 200 ms apart."""
    import asyncio

    await page.locator(CANVAS_SHOWN).first.wait_for(timeout=timeout * 1000)
    deadline, last, steady = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        now = await page.evaluate(DRAWN_JS)
        steady = steady + 1 if now == last and now[1] == now[2] else 0
        if steady >= 3:
            return
        last = now
        await asyncio.sleep(0.2)


async def open_in_app_async(page, url: str, title: str) -> None:
    """Open ``url`` in a tab, as a person does once the app is loaded: a click on the page's link in the sidebar
    menu (Streamlit then runs the new page in the same document, so its scripts and Plotly are not loaded again:
    a full load costs a second of CPU more). Where the menu is hidden (the wall), the browser's history moves as
    the menu would (a ``popstate``). A fresh tab, or another mode (other query parameters), loads the URL (a deep
    link). Returns once the URL is ``url`` and the page's title (``h1``) reads ``title``."""
    here, there = page.url.split("?", 1)[1:], url.split("?", 1)[1:]
    if page.url == url:
        return
    if page.url.startswith("http") and here == there:  # the same mode: the app moves by itself
        named = re.compile(rf"(^|\s){re.escape(title)}\s*$")  # the link's name may start with its icon's ligature
        link = page.locator("[data-testid=stSidebar]").get_by_role("link", name=named)
        if await link.count() and await link.first.is_visible():
            await link.first.click()
        else:
            path = "/" + url.split("/", 3)[3]
            await page.evaluate("p => { history.pushState({}, '', p); dispatchEvent(new PopStateEvent('popstate')); }", path)
        await page.wait_for_url(url, timeout=30_000)  # a link keeps the mode's query (?vue=sponsor…)
    else:
        await page.goto(url)
    exact = re.compile(rf"^\s*{re.escape(title)}\s*$")
    await page.locator("h1").filter(has_text=exact).first.wait_for(timeout=60_000)


async def metric_value_async(page, label: str) -> str:
    """:func:`metric_value` for Playwright's async API."""
    exact = re.compile(rf"^\s*{re.escape(label)}\s*$")
    metric = page.locator("[data-testid=stMetric]").filter(has=page.locator("[data-testid=stMetricLabel]", has_text=exact))
    return (await metric.locator("[data-testid=stMetricValue]").first.inner_text()).strip()


# Streamlit's frontend throws its page away when a fragment's update lands on a page that has changed meanwhile
# ("Bad delta path index": an upstream race between the live banner's timer and a page run). The tab goes blank.
# Seen about once in 130 page loads on a saturated 2-core machine; the browser passes load that page again once,
# and write each occurrence to FRONTEND_CRASHES so it stays visible.
FRONTEND_CRASH = "Bad delta path index"
FRONTEND_CRASHES = ROOT / "test-artifacts" / "streamlit-frontend-crashes.txt"


async def once_more_if_the_frontend_crashes(page, name: str, attempt):
    """``await attempt()`` (a page check); if Streamlit's frontend crashes meanwhile (see FRONTEND_CRASH), note it
    and run the check once more in a freshly loaded tab. A second crash of the same page fails."""
    import asyncio

    for tries in (1, 2):
        crashed = asyncio.Event()

        def on_error(error, crashed=crashed) -> None:
            if FRONTEND_CRASH in str(error):
                crashed.set()

        page.on("pageerror", on_error)
        work, watch = asyncio.ensure_future(attempt()), asyncio.ensure_future(crashed.wait())
        try:
            done, _ = await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            page.remove_listener("pageerror", on_error)
            watch.cancel()
        if work in done:
            return work.result()
        work.cancel()
        with contextlib.suppress(BaseException):
            await work
        FRONTEND_CRASHES.parent.mkdir(parents=True, exist_ok=True)
        with FRONTEND_CRASHES.open("a", encoding="utf-8") as log:
            log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {name} ({page.url}): Streamlit's frontend crashed, try {tries}\n")
        if tries == 2:
            raise AssertionError(f"{name}: Streamlit's frontend crashed twice ({FRONTEND_CRASH})")
        await page.goto("about:blank")  # the next try loads the page afresh


def run_in_one_tab(check, items, viewport=(1280, 720)) -> list:
    """Run ``await check(page, item)`` for every item in order, in one tab of a fresh headless Chromium; the results
    in the items' order. The first failing check's error is raised."""
    import asyncio
    import concurrent.futures

    from playwright.async_api import async_playwright

    async def main() -> list:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
                return [await check(page, item) for item in items]
            finally:
                await browser.close()

    # A thread of its own: a sync Playwright (a module's shared browser) marks this thread's event loop as running.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result()
