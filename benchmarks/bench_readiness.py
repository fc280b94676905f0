"""Speed of the readiness part of the analysis: the nine health signals and the checklist's progress.

Both run inside ``analyze`` (the dashboard's cached analysis, ``crmcanvas check``, snapshots), the
checklist again on its page at every rerun (it depends on today's date). Printed: median of
``--repeat`` runs on the demo and on synthetic canvases of N needs (``crmcanvas.demo.synthetic``,
realistic mode) with a checklist tab of the template's 66 rows, then a checklist of ``--rows`` rows
(the template repeated, statuses, owners and dates varied). Targets: demo under 20 ms; 10,000 needs
under 200 ms for the signals; 5,000 checklist rows under 500 ms.

    python benchmarks/bench_readiness.py [--sizes 1000 10000] [--rows 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmcanvas.analysis.checklist import progress  # noqa: E402
from crmcanvas.analysis.engine import analyze  # noqa: E402
from crmcanvas.analysis.facts import facts_of  # noqa: E402
from crmcanvas.analysis.registry import Context, signals  # noqa: E402
from crmcanvas.build.load import load_grids  # noqa: E402
from crmcanvas.core.config import Settings  # noqa: E402
from crmcanvas.demo import demo_grids  # noqa: E402
from crmcanvas.demo.synthetic import synthetic_grids  # noqa: E402
from crmcanvas.reports.checklist_tab import headers, template_frame  # noqa: E402

TODAY = date(2026, 12, 3)
STATUSES = ("Fait", "En cours", "À faire", "Non applicable", "")


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def checklist_grid(rows: int, people: list[str]) -> list[list[str]]:
    base = template_frame().values.tolist()
    grid = [headers()]
    for i in range(rows):
        row = list(base[i % len(base)])
        row[0] = f"C{i + 1:05d}"
        row[4] = STATUSES[i % len(STATUSES)]
        row[5] = people[i % len(people)] if i % 7 else ""
        row[6] = f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2026 + i % 3}"
        grid.append(row)
    return grid


def signals_ms(canvas, settings: Settings, repeat: int) -> float:
    def run():
        ctx = Context(canvas=canvas, settings=settings, lang=settings.language, facts=facts_of(canvas))
        for entry in signals():
            entry.read(ctx)
    return median_ms(run, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()

    demo = load_grids(demo_grids(), settings=settings)
    print(f"demo: signals {signals_ms(demo, settings, args.repeat):.1f} ms, "
          f"checklist {median_ms(lambda: progress(demo, TODAY), args.repeat):.1f} ms, "
          f"whole analyze {median_ms(lambda: analyze(demo, settings, today=TODAY), args.repeat):.0f} ms")
    for n in args.sizes:
        grids = synthetic_grids(n, "realistic")
        people = [row[1] + " " + row[2] for row in grids["personnes"][1:]] or ["?"]
        grids["checklist"] = checklist_grid(66, people)
        canvas = load_grids(grids, settings=settings)
        print(f"{n:>6} needs: signals {signals_ms(canvas, settings, args.repeat):.1f} ms, "
              f"checklist (66 rows) {median_ms(lambda c=canvas: progress(c, TODAY), args.repeat):.1f} ms")
    grids = demo_grids()
    people = [row[1] + " " + row[2] for row in grids["personnes"][1:]]
    grids["checklist"] = checklist_grid(args.rows, people)
    start = time.perf_counter()
    canvas = load_grids(grids, settings=settings)
    load = (time.perf_counter() - start) * 1000
    print(f"checklist of {args.rows} rows: load {load:.0f} ms, progress {median_ms(lambda: progress(canvas, TODAY), args.repeat):.0f} ms")


if __name__ == "__main__":
    main()
