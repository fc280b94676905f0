"""Live feed under a failing or hanging Google: requests per minute and the longest wait of a viewer.

Run: ``PYTHONPATH=. python benchmarks/bench_feed.py [--viewers 4] [--seconds 60] [--every 1]``
(``PYTHONPATH=.`` so the checkout is measured, not an installed copy).
Prints figures; asserts nothing. Each viewer is a thread that asks the shared
feed for the canvas every ``--every`` seconds (a page fragment does it every
``refresh_seconds``; 1 s is a harsh case). The source is the real
GoogleSheetSource (gspread, default retries) against the local stand-in, which
answers 500 to everything, or holds every request longer than the request
timeout. Google's default quota is 60 read requests per minute.
"""

from __future__ import annotations

import argparse
import threading
import time

from crmcanvas.build.live import CanvasFeed
from crmcanvas.core.config import Settings
from crmcanvas.demo import DEMO_TITLES, demo_grids
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.standin import StandIn


def viewers(feed: CanvasFeed, count: int, seconds: float, every: float) -> list[float]:
    """Run ``count`` viewers for ``seconds``; returns how long each get() took."""
    waits: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def viewer() -> None:
        while time.monotonic() < stop:
            start = time.monotonic()
            try:
                feed.get()
            except SourceError:  # the feed before this one raised to viewers when it had no canvas
                pass
            with lock:
                waits.append(time.monotonic() - start)
            time.sleep(every)

    threads = [threading.Thread(target=viewer) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return waits


def scenario(label: str, *, fault: str, with_canvas: bool, count: int, seconds: float, every: float) -> None:
    with StandIn() as sheets:
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in demo_grids().items()})
        settings = Settings(sheets_endpoint=sheets.endpoint, refresh_seconds=15, request_timeout=5)
        source = GoogleSheetSource.from_settings(sheets.url(), settings, {}, environ={})
        feed = CanvasFeed(source, settings)
        if with_canvas:
            feed.refresh()
            feed.get()
        sheets.clear_log()
        if fault == "500":
            sheets.fail(500, times=None)
        else:
            sheets.delay(3 * settings.request_timeout, times=None)
        start = time.monotonic()
        waits = viewers(feed, count, seconds, every)
        elapsed = time.monotonic() - start
        per_minute = sheets.count() * 60 / elapsed
        print(f"{label:<44} {count} viewers, {elapsed:5.1f} s: {sheets.count():3d} requests "
              f"({per_minute:5.1f}/min), {feed.reads} reads started, longest get() {max(waits):5.2f} s "
              f"(deadline {getattr(feed, 'deadline', settings.request_timeout):.0f} s)")
        sheets.clear_faults()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--viewers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--every", type=float, default=1.0)
    args = parser.parse_args()
    run = {"count": args.viewers, "seconds": args.seconds, "every": args.every}
    scenario("500 from the start (no canvas yet)", fault="500", with_canvas=False, **run)
    scenario("500 after a good read (stale canvas)", fault="500", with_canvas=True, **run)
    scenario("every request hangs (no canvas yet)", fault="hang", with_canvas=False, **run)


if __name__ == "__main__":
    main()
