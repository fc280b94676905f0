"""Speed of the content pages' views (what each page computes once per canvas version, then filters).

Per canvas (the demo, realistic backlogs of 1,000 and 10,000 needs): the stake
cards, the backlog (story parsing, links, search text), the near-duplicate
groups, the glossary, the inventory, the exchange network and its figure, the
departments; then one filter of the backlog (what every rerun of the Besoins
page does). "cold" clears the story-parser cache first. The dashboard caches
each view per (canvas version, settings), so a page costs its view once per
change of the sheet, and its filter on every rerun.

    python benchmarks/bench_views.py [--sizes 1000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmcanvas.analysis import analyze  # noqa: E402
from crmcanvas.analysis.backlog import NeedFilter, backlog, duplicate_views, filter_needs  # noqa: E402
from crmcanvas.analysis.inventory import inventory  # noqa: E402
from crmcanvas.analysis.stake_cards import stake_cards  # noqa: E402
from crmcanvas.analysis.stakeholders import departments  # noqa: E402
from crmcanvas.build.load import load_grids  # noqa: E402
from crmcanvas.build.stories import parse_story  # noqa: E402
from crmcanvas.build.whole_canvas import near_duplicate_search  # noqa: E402
from crmcanvas.core.config import Settings  # noqa: E402
from crmcanvas.demo import demo_grids  # noqa: E402
from crmcanvas.demo.synthetic import synthetic_grids  # noqa: E402
from crmcanvas.reports.glossary import glossary, glossary_csv, glossary_markdown  # noqa: E402
from crmcanvas.reports.network import exchange_network  # noqa: E402
from crmcanvas.reports.page_charts import departments_bar, network_figure  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def run(name: str, grids, repeat: int) -> None:
    settings = Settings()
    canvas = load_grids(grids, settings=settings)
    result = analyze(canvas, settings)
    parse_story.cache_clear()
    start = time.perf_counter()
    rows = backlog(canvas)
    cold = (time.perf_counter() - start) * 1000
    steps = {
        "stake cards": lambda: stake_cards(canvas, result),
        "backlog (warm)": lambda: backlog(canvas),
        "near-duplicates": lambda: duplicate_views(near_duplicate_search(canvas, settings), rows),
        "glossary + downloads": lambda: (glossary_markdown(glossary(canvas)), glossary_csv(glossary(canvas))),
        "inventory": lambda: inventory(canvas),
        "network + figure": lambda: network_figure(exchange_network(canvas)),
        "departments + chart": lambda: departments_bar(departments(canvas)),
        "filter (2 filters + text)": lambda: filter_needs(rows, NeedFilter(priorities=("must", "should"), lots=("Lot 1",), text="dons")),
    }
    print(f"\n{name}: {len(rows):,} needs".replace(",", " "))
    print(f"  {'backlog (cold)':<28} {cold:8.1f} ms")
    for label, fn in steps.items():
        ms, _ = timed(fn, repeat)
        print(f"  {label:<28} {ms:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    run("demo", demo_grids(), args.repeat)
    for size in args.sizes:
        run(f"realistic {size}", synthetic_grids(size, "realistic"), args.repeat)


if __name__ == "__main__":
    main()
