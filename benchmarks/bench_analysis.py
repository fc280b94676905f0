"""Speed of the full analysis from a loaded canvas: demo, then 1k / 10k / 50k synthetic needs.

"Full analysis" = story parsing (unparsed-story findings), near-duplicate
needs, gaps, metrics, per-stake coverage, the three matrices and the Sankey
table — everything `crmcanvas check` and the dashboard compute after loading.
Role resolution (story role -> rôles tab) happens while loading (links.py);
the load time is printed too, for context.

Synthetic needs come from ``benchmarks/synthetic.py`` (French stories whose
vocabulary grows with the backlog, ~3 % re-captured needs); the same sizes are
then run with a fixed vocabulary, the adversarial case for near-duplicates.

Pinned to one CPU core. "cold" clears the story-parser cache first (a first
read); "warm" is a refresh where the stories have not changed (the live
dashboard's usual case). Targets: demo < 100 ms, 10,000 needs < 2 s.

    python benchmarks/bench_analysis.py [--sizes 1000 10000 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_grids  # noqa: E402

from crmcanvas.analysis import analyze  # noqa: E402
from crmcanvas.build.load import load_grids  # noqa: E402
from crmcanvas.build.stories import parse_story  # noqa: E402
from crmcanvas.build.whole_canvas import whole_canvas_findings  # noqa: E402
from crmcanvas.core.config import Settings  # noqa: E402
from crmcanvas.demo import demo_grids  # noqa: E402


def _time(fn, repeat: int, cold: bool) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        if cold:
            parse_story.cache_clear()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _full(canvas, settings):
    findings = whole_canvas_findings(canvas, settings)
    return findings, analyze(canvas, settings)


def bench(name: str, grids: dict, settings: Settings, repeat: int) -> None:
    load_s, canvas = _time(lambda: load_grids(grids, settings=settings), 1, cold=True)
    steps = {
        "stories": lambda: [parse_story(t) for t in canvas.frames["besoins"]["besoin"]],
        "near-dups": lambda: whole_canvas_findings(canvas, settings),
        "gaps+metrics+matrices+sankey": lambda: analyze(canvas, settings),
    }
    cold, (findings, result) = _time(lambda: _full(canvas, settings), repeat, cold=True)
    warm, _ = _time(lambda: _full(canvas, settings), repeat, cold=False)
    parts = []
    for label, fn in steps.items():
        t, _ = _time(fn, repeat, cold=label == "stories")
        parts.append(f"{label} {t * 1000:.0f}")
    n = len(canvas.frames["besoins"])
    dups = sum(1 for f in findings if f.code == "near_duplicate")
    unparsed = sum(1 for f in findings if f.code == "story_unparsed")
    gaps = sum(len(v) for v in result.gaps.values())
    print(f"{name:<10} {n:>6} needs | load {load_s * 1000:7.0f} ms | analysis cold {cold * 1000:7.0f} ms, "
          f"warm {warm * 1000:7.0f} ms | {dups} near-dup pairs, {unparsed} unparsed, {gaps} gap items")
    print(f"{'':<10} {'':>6}       | parts (ms, warm except stories): {' · '.join(parts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    settings = Settings()
    print(f"Python {sys.version.split()[0]}, one core, median of {args.repeat}")
    bench("demo", demo_grids(), settings, max(args.repeat, 5))
    for size in args.sizes:
        bench("synthetic", synthetic_grids(size), settings, args.repeat if size <= 10_000 else 1)
    print("Adversarial: a fixed ~220-word vocabulary, so genuine near-duplicate pairs grow with n²:")
    for size in args.sizes:
        bench("fixed-voc", synthetic_grids(size, specific_per_need=0), settings, args.repeat if size <= 10_000 else 1)


if __name__ == "__main__":
    main()
