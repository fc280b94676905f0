"""Speed and memory of the full analysis from a loaded canvas: demo, realistic backlogs, adversarial ones.

"Full analysis" = story parsing (unparsed-story findings), near-duplicate
groups, self-exchanges, gaps, metrics, per-stake coverage, the three matrices
and the Sankey table — everything `crmcanvas check` and the dashboard compute
after loading. The load time is printed too, for context.

Canvases come from ``crmcanvas.demo.synthetic``: ``realistic`` (French stories
whose vocabulary grows with the backlog, ~3 % re-captured needs), the same with
a fixed vocabulary (``fixed-voc``: genuine near-duplicate pairs grow with n²),
and ``templated`` (every need « …exporter la liste 17 afin de suivre le lot
3 »: the adversarial case that used to take 3 GB at 6,000 needs).

Each case runs in its own process, pinned to one CPU core, so that its peak
memory (max RSS, interpreter and imports included; "base" is the peak before
the analysis, after building and loading the canvas) is its own. "cold" clears
the story-parser cache first (a first read); "warm" is a refresh where the
stories have not changed (the live dashboard's usual case).
Targets: demo < 100 ms, 10,000 needs < 2 s.

    python benchmarks/bench_analysis.py [--sizes 1000 10000 50000] [--adversarial 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmcanvas.analysis import analyze  # noqa: E402
from crmcanvas.build.load import load_grids  # noqa: E402
from crmcanvas.build.stories import parse_story  # noqa: E402
from crmcanvas.build.whole_canvas import near_duplicate_search, whole_canvas_findings  # noqa: E402
from crmcanvas.core.config import Settings  # noqa: E402
from crmcanvas.demo import demo_grids  # noqa: E402
from crmcanvas.demo.synthetic import synthetic_grids  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(fn, repeat: int, cold: bool) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        if cold:
            parse_story.cache_clear()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _grids(kind: str, size: int) -> dict:
    if kind == "demo":
        return demo_grids()
    if kind == "fixed-voc":
        return synthetic_grids(size, "realistic", specific_per_need=0)
    return synthetic_grids(size, kind)


def run_case(kind: str, size: int, repeat: int) -> dict:
    """One case, in this process: times in ms, memory in MB."""
    settings = Settings()
    grids = _grids(kind, size)
    load_s, canvas = _time(lambda: load_grids(grids, settings=settings), 1, cold=True)
    base = _peak_mb()

    def full():
        return whole_canvas_findings(canvas, settings), analyze(canvas, settings)

    cold, (findings, result) = _time(full, repeat, cold=True)
    warm, _ = _time(full, repeat, cold=False)
    dups, search = _time(lambda: near_duplicate_search(canvas, settings), repeat, cold=False)
    rest, _ = _time(lambda: analyze(canvas, settings), repeat, cold=False)
    return {
        "kind": kind, "needs": len(canvas.frames["besoins"]), "load": load_s * 1000, "cold": cold * 1000, "warm": warm * 1000,
        "near_dups": dups * 1000, "analyze": rest * 1000, "groups": len(search.groups),
        "largest": max((len(g.members) for g in search.groups), default=0), "compared": search.compared, "capped": search.capped,
        "unparsed": sum(1 for f in findings if f.code == "story_unparsed"), "gap_items": sum(len(v) for v in result.gaps.values()),
        "base_mb": base, "peak_mb": _peak_mb(),
    }


def _in_child(kind: str, size: int, repeat: int) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, __file__, "--case", kind, str(size), str(repeat)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def _print(r: dict) -> None:
    capped = " capped" if r["capped"] else ""
    print(f"{r['kind']:<10} {r['needs']:>6} | load {r['load']:6.0f} | cold {r['cold']:6.0f} warm {r['warm']:6.0f} "
          f"(near-dups {r['near_dups']:5.0f}, analyze {r['analyze']:5.0f}) | {r['groups']:>5} groups (largest {r['largest']:>5}), "
          f"{r['compared']:>7} compared{capped} | {r['unparsed']:>5} unparsed, {r['gap_items']:>5} gap items "
          f"| peak {r['peak_mb']:5.0f} MB (base {r['base_mb']:4.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 50_000])
    parser.add_argument("--adversarial", type=int, nargs="*", default=[10_000], help="sizes of the templated backlog")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--case", nargs=3, metavar=("KIND", "SIZE", "REPEAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if args.case:
        kind, size, repeat = args.case[0], int(args.case[1]), int(args.case[2])
        print(json.dumps(run_case(kind, size, repeat)))
        return
    print(f"Python {sys.version.split()[0]}, one core, median of {args.repeat}; times in ms, one process per line")
    _print(_in_child("demo", 0, max(args.repeat, 5)))
    for size in args.sizes:
        _print(_in_child("realistic", size, args.repeat if size <= 10_000 else 1))
    print("Fixed vocabulary (~220 words): genuine near-duplicate pairs grow with n²")
    for size in args.sizes:
        _print(_in_child("fixed-voc", size, args.repeat if size <= 10_000 else 1))
    print("Templated (« …exporter la liste 17 afin de suivre le lot 3 »): the adversarial case")
    for size in args.adversarial:
        _print(_in_child("templated", size, args.repeat if size <= 10_000 else 1))


if __name__ == "__main__":
    main()
