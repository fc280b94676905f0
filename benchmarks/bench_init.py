"""``crmcanvas init`` on Google: requests per run (from the stand-in's request log) and time, first and second run.

Run: ``PYTHONPATH=. python3 benchmarks/bench_init.py [--needs 10000] [--rtt 0.15]``.
Prints figures; asserts nothing. Everything runs against the local stand-in
through the real gspread client: requests are counted on the stand-in's log,
times are loopback times (the ``--rtt`` line adds a delay per request standing
for Google's round trip). The target is at most 3 requests for a run that
writes (metadata, one batchUpdate, one read-back) and 1 for a run with nothing
to do or a dry run. A canvas without a checklist tab gets it in that one batch,
with the 66 rows of the checklist template: the "batch" line gives its size.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter

from crmcanvas.core.config import Settings
from crmcanvas.demo import DEMO_TITLES, demo_grids
from crmcanvas.demo.synthetic import synthetic_grids
from crmcanvas.setup.plan import AddTab
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.sources.gsheets_setup import FIELDS, init_google
from crmcanvas.standin import StandIn

Grid = list[list[str]]


def _kinds(server: StandIn) -> str:
    counts = Counter(r.kind for r in server.requests())
    writes = len(server.writes())
    return f"{sum(counts.values())} ({', '.join(f'{k} {n}' for k, n in counts.items())}; writes {writes})"


def bench(label: str, tabs: dict[str, Grid], rtt: float) -> None:
    with StandIn() as server:
        rows = max((len(g) for g in tabs.values()), default=0)
        sid = server.add_spreadsheet(tabs or {"Feuille 1": []}, rows=max(1000, rows + 10))
        settings = Settings(sheets_endpoint=server.endpoint)
        source = GoogleSheetSource.from_settings(server.url(sid), settings, {}, environ={})
        print(f"\n{label}")

        server.clear_log()
        result = init_google(source, dry_run=True)
        print(f"  dry run       : {len(result.plan.steps):3d} steps planned   requests {_kinds(server)}")

        server.clear_log()
        start = time.perf_counter()
        result = init_google(source)
        first = time.perf_counter() - start
        print(f"  first run     : {len(result.plan.steps):3d} steps applied   requests {_kinds(server)}   "
              f"{first * 1000:7.1f} ms   read back complete: {result.complete}")
        batch = next((r.body for r in server.requests() if r.kind == "batchUpdate"), None)
        if batch is not None:
            rows = sum(len(s.rows) for s in result.plan.of(AddTab))
            print(f"  batch         : {len(batch['requests']):3d} requests in one batchUpdate, "
                  f"{len(json.dumps(batch, separators=(',', ':'))) / 1000:6.1f} kB, {rows} template rows written")

        server.clear_log()
        start = time.perf_counter()
        result = init_google(source)
        second = time.perf_counter() - start
        print(f"  second run    : {len(result.plan.steps):3d} steps           requests {_kinds(server)}   {second * 1000:7.1f} ms")

        answer = json.dumps(server.store.metadata(sid, {"includeGridData": ["true"], "fields": [FIELDS]}), separators=(",", ":"))
        packed = len(gzip.compress(answer.encode("utf-8")))
        print(f"  metadata read : {len(answer) / 1000:8.1f} kB of JSON, {packed / 1000:6.1f} kB gzipped "
              "(every tab's cells and validations, prettyPrint=false)")

        if rtt:
            sid2 = server.add_spreadsheet(tabs or {"Feuille 1": []}, rows=max(1000, rows + 10))
            fresh = GoogleSheetSource.from_settings(server.url(sid2), settings, {}, environ={})
            server.delay(rtt)
            start = time.perf_counter()
            init_google(fresh)
            print(f"  first run, +{rtt * 1000:.0f} ms/request: {(time.perf_counter() - start) * 1000:7.1f} ms")
            server.clear_faults()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, nargs="*", default=[10_000])
    parser.add_argument("--rtt", type=float, default=0.15, help="added delay per request for the round-trip line (0: skip)")
    args = parser.parse_args()
    bench("Empty spreadsheet (one blank tab)", {}, args.rtt)
    bench("Demo canvas (no drop-downs, no frozen rows; has its checklist)",
          {DEMO_TITLES[k]: g for k, g in demo_grids().items()}, args.rtt)
    bench("Demo canvas without its checklist tab", {DEMO_TITLES[k]: g for k, g in demo_grids().items() if k != "checklist"},
          args.rtt)
    for needs in args.needs:
        grids = synthetic_grids(needs=needs)
        bench(f"Synthetic canvas, {needs:,} needs".replace(",", " "), {DEMO_TITLES[k]: g for k, g in grids.items()}, args.rtt)


if __name__ == "__main__":
    main()
