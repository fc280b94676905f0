"""Google Sheets source: requests per refresh and refresh time, ours vs the naive gspread pattern;
time to give up on a hanging sheet; concurrent appends from several processes.

Run: ``python benchmarks/bench_sheets.py [--needs 10000] [--repeat 5] [--rtt 0.15] [--deadline 20] [--processes 4]``.
Prints figures; asserts nothing. Everything runs against the local stand-in
through the real gspread client, so requests are counted on the stand-in's
request log and times are loopback times (plus, for the ``--rtt`` line, an
added delay per request that stands for Google's round trip).

The naive pattern is what most tutorials and st-gsheets-connection users do:
``open_by_url`` then ``worksheet(name).get_all_records()`` for each tab.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable

import gspread

from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.demo import DEMO_TITLES, demo_grids
from crmcanvas.demo.synthetic import synthetic_grids
from crmcanvas.sources.base import CellChange, SourceError
from crmcanvas.sources.google_auth import RoutedSession
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.standin import StandIn
from crmcanvas.standin.appenders import run_drill

TITLES = dict(DEMO_TITLES)  # canonical key -> tab title


def naive_refresh(client: gspread.Client, url: str, keys: list[str]) -> dict[str, list[dict]]:
    """The tutorial way: open the spreadsheet, then each worksheet by name, then its records (the tabs ``keys``)."""
    sh = client.open_by_url(url)
    return {key: sh.worksheet(TITLES[key]).get_all_records() for key in keys}


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def bench(label: str, grids: dict[str, list[list[str]]], repeat: int, rtt: float) -> None:
    tabs = {TITLES[key]: grid for key, grid in grids.items()}
    with StandIn() as server:
        server.add_spreadsheet(tabs, rows=max(1000, max(len(g) for g in tabs.values()) + 10))
        settings = Settings(sheets_endpoint=server.endpoint)
        source = GoogleSheetSource.from_settings(server.url(), settings, {}, environ={})
        client = gspread.Client(None, session=RoutedSession(server.endpoint, settings.request_timeout))  # type: ignore[arg-type]

        server.clear_log()
        source.read(settings.tabs)
        first = server.count()
        server.clear_log()
        source.read(settings.tabs)
        ours = server.count()
        server.clear_log()
        naive_refresh(client, server.url(), list(grids))
        naive = server.count()

        ours_s = timed(lambda: source.read(settings.tabs), repeat)
        pipeline_s = timed(lambda: build_canvas(source, settings), repeat)
        naive_s = timed(lambda: naive_refresh(client, server.url(), list(grids)), repeat)

        rows = sum(len(g) for g in grids.values())
        print(f"\n{label} ({rows} rows in 6 tabs, {len(grids['besoins']) - 1} needs)")
        print(f"  requests per refresh : ours {ours} (first open {first}: +1 metadata)   naive gspread {naive}")
        print(f"  refresh, loopback    : ours {ours_s * 1000:7.1f} ms   naive {naive_s * 1000:7.1f} ms   "
              f"(ours + load + links = whole canvas {pipeline_s * 1000:7.1f} ms)")

        if rtt:
            server.delay(rtt)
            ours_rtt = timed(lambda: source.read(settings.tabs), 1)
            naive_rtt = timed(lambda: naive_refresh(client, server.url(), list(grids)), 1)
            server.clear_faults()
            print(f"  refresh, +{rtt * 1000:.0f} ms/request: ours {ours_rtt * 1000:7.1f} ms   naive {naive_rtt * 1000:7.1f} ms")

        server.clear_log()
        start = time.perf_counter()
        result = source.append_row(TITLES["besoins"], {"Besoin": "En tant que bénévole, je souhaite …", "Priorité": "Must"},
                                   id_column="ID", id_prefix="B")
        append_s = time.perf_counter() - start
        append_n = server.count()
        server.clear_log()
        start = time.perf_counter()
        source.update_cells(TITLES["besoins"], id_column="ID", row_id=result.row_id or "",
                            changes=[CellChange("Priorité", "Must", "Should")])
        update_s = time.perf_counter() - start
        update_n = server.count()
        print(f"  writes, loopback     : append {append_n} requests {append_s * 1000:6.1f} ms   "
              f"update by ID {update_n} requests {update_s * 1000:6.1f} ms")


def bench_hanging(deadline: float) -> None:
    """How long a refresh takes to give up when Google holds its answer, or drops every connection."""
    with StandIn() as server:
        server.add_spreadsheet({TITLES[key]: grid for key, grid in demo_grids().items()})
        settings = Settings(sheets_endpoint=server.endpoint)
        source = GoogleSheetSource.from_settings(server.url(), settings, {}, environ={}, deadline=deadline)
        source.tabs()
        print(f"\nA sheet that stops answering (request_timeout {settings.request_timeout:g} s, max_retries {settings.max_retries}, "
              f"read deadline {deadline:g} s)")
        for label, fault in (("holds its answer", lambda: server.delay(deadline * 4, match="batchGet")),
                             ("drops connections", lambda: server.drop(times=None, match="batchGet")),
                             ("answers 503", lambda: server.fail(503, times=None, match="batchGet"))):
            server.clear_faults()
            server.clear_log()
            fault()
            start = time.perf_counter()
            try:
                source.read(settings.tabs)
                outcome = "read?!"
            except SourceError as exc:
                outcome = "stale" if exc.retryable else "error"
            elapsed = time.perf_counter() - start
            print(f"  {label:<18}: {outcome} after {elapsed:5.1f} s, {server.count('values.batchGet')} attempt(s)")
        server.clear_faults()


def bench_appends(processes: int, appends: int) -> None:
    """N processes appending at once, with and without lost / late answers: rows, distinct IDs, requests."""
    for label, faults in (("clean network", False), ("2 answers lost + 2 late (0.5 s timeout)", True)):
        with StandIn() as server:
            server.add_spreadsheet({TITLES["besoins"]: [["ID", "Besoin", "Statut"], ["B001", "Déjà là", "Validé"]]})
            if faults:
                server.delay(0.8, times=2, match="values.append")
                server.drop(times=2, match="values.append")
            server.delay(0.01, times=None)  # 10 ms per request, so the processes interleave
            result = run_drill(server, processes=processes, appends=appends, request_timeout=0.5)
        kinds = result.requests
        print(f"\n{processes} processes × {appends} appends at once, {label}")
        print(f"  rows {result.rows} / {processes * appends}   distinct IDs {result.distinct_ids}   "
              f"IDs reported truly {result.truthful}   failures {len(result.failures)}   {result.seconds:.1f} s")
        print(f"  requests: appends {kinds['values.append']}, renumbered rows {kinds['values.batchUpdateByDataFilter']}, "
              f"total {sum(kinds.values())} ({sum(kinds.values()) / max(result.reported, 1):.1f} per append)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, nargs="*", default=[10_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rtt", type=float, default=0.15, help="added delay per request for the round-trip line (0: skip)")
    parser.add_argument("--deadline", type=float, default=20.0, help="read deadline for the hanging-sheet lines (0: skip)")
    parser.add_argument("--processes", type=int, default=4, help="concurrent appenders (0: skip)")
    parser.add_argument("--appends", type=int, default=10, help="appends per process")
    args = parser.parse_args()
    logging.getLogger("crmcanvas").setLevel(logging.ERROR)  # the retries' warnings would interleave with the figures
    bench("Demo canvas", demo_grids(), args.repeat, args.rtt)
    for needs in args.needs:
        bench(f"Synthetic canvas, {needs:,} needs".replace(",", " "), synthetic_grids(needs=needs), args.repeat, args.rtt)
    if args.processes:
        bench_appends(args.processes, args.appends)
    if args.deadline:
        bench_hanging(args.deadline)


if __name__ == "__main__":
    main()
