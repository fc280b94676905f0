"""Load + resolve speed: raw grids -> Canvas (headers, IDs, enums, references, findings).

Targets (issue 2): 10,000 needs (50 stakes, 200 objects, 100 apps, 500 people,
50 roles) under 1 s on one core; the demo canvas under 50 ms.
Run: python benchmarks/bench_load.py
"""

from __future__ import annotations

import statistics
import time

from crmcanvas.build.load import load_grids
from crmcanvas.core.config import Settings
from crmcanvas.demo.synthetic import synthetic_grids


def best_of(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    settings = Settings()
    try:
        from crmcanvas.demo import demo_grids

        demo = demo_grids()
        best, med = best_of(lambda: load_grids(demo, settings=settings), 20)
        print(f"demo canvas          : best {best * 1000:7.1f} ms  median {med * 1000:7.1f} ms  (target < 50 ms)")
    except ImportError:
        print("demo canvas          : not available")
    for needs in (1_000, 10_000, 50_000):
        grids = synthetic_grids(needs=needs)
        repeat = 5 if needs <= 10_000 else 2
        best, med = best_of(lambda g=grids: load_grids(g, settings=settings), repeat)
        canvas = load_grids(grids, settings=settings)
        target = "  (target < 1 s)" if needs == 10_000 else ""
        print(f"{needs:>6} needs         : best {best * 1000:7.1f} ms  median {med * 1000:7.1f} ms  "
              f"edges {len(canvas.edges):>6}  findings {len(canvas.findings):>5}{target}")


if __name__ == "__main__":
    main()
