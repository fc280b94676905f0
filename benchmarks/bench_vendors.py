"""Speed and memory of the vendor fit and the roadmap on a large canvas.

A synthetic canvas (``crmcanvas.demo.synthetic``, exact mode: priorities, statuses, lots and types on every
need) of ``--needs`` needs gets an « éditeurs » tab with ``--solutions`` solutions answering every need
(answers, aliases and blanks mixed), in the long layout (one row per solution and need: 50,000 rows for
10,000 needs and 5 solutions) and in the wide one (one column per solution). Printed, each the median of
``--repeat`` runs:

* building the canvas from the grids (the answers tab included), per layout;
* ``fit`` (every solution's score, Must needs not covered, stakes), ``roadmap`` and standard vs specific,
  on a canvas whose answers were not read yet (the dashboard's first view after an edit);
* the burn-up over ``--weeks`` weekly snapshots of that backlog (one snapshot written, then copied with
  its date moved: what ``crmcanvas snapshot`` leaves in a year).

Peak memory: the Python allocations of each step (``tracemalloc``), and the process's max RSS at the end.

    python benchmarks/bench_vendors.py [--needs 10000] [--solutions 5] [--weeks 52] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmcanvas.analysis import standard_specific  # noqa: E402
from crmcanvas.analysis.engine import analyze  # noqa: E402
from crmcanvas.analysis.facts import facts_of  # noqa: E402
from crmcanvas.analysis.roadmap import roadmap_of  # noqa: E402
from crmcanvas.analysis.vendors import fit  # noqa: E402
from crmcanvas.build.pipeline import build_canvas  # noqa: E402
from crmcanvas.core.config import Resolved, Settings  # noqa: E402
from crmcanvas.demo.synthetic import synthetic_grids  # noqa: E402
from crmcanvas.reports.burnup import burn_up  # noqa: E402
from crmcanvas.reports.history import load_history  # noqa: E402
from crmcanvas.reports.snapshots import MANIFEST, folder_name, snapshot_files, week_of, write_snapshot  # noqa: E402
from crmcanvas.sources.base import RawCanvas  # noqa: E402

ANSWERS = ("Standard", "natif", "Paramétrage", "config", "Spécifique", "dev", "Non couvert", "non", "", "?")
PARIS = ZoneInfo("Europe/Paris")


class Grids:
    def __init__(self, grids):
        self.grids = grids

    def read(self, wanted):
        grids = {k: g for k, g in self.grids.items() if k in wanted}
        return RawCanvas(grids=grids, titles={k: wanted[k] for k in grids}, version="bench", source="bench",
                         missing={k: t for k, t in wanted.items() if k not in grids})


def answers_grids(needs: list[str], solutions: int, seed: int = 7) -> tuple[list[list[str]], list[list[str]]]:
    """The same answers in the long and the wide layout."""
    rnd = random.Random(seed)
    names = [f"Solution {chr(65 + i)}" for i in range(solutions)]
    given = {(s, n): rnd.choice(ANSWERS) for s in names for n in needs}
    long = [["Solution", "Besoin", "Réponse", "Commentaire"]] + [[s, n, given[s, n], ""] for s in names for n in needs]
    wide = [["Besoin", *names]] + [[n, *(given[s, n] for s in names)] for n in needs]
    return long, wide


def timed(fn, repeat: int):
    """(median ms, peak MB of Python allocations during one run, last result)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20, result


def line(label: str, ms: float, mb: float, extra: str = "") -> None:
    print(f"  {label:<46} {ms:9.1f} ms   peak {mb:6.1f} MB  {extra}")


def snapshots(canvas, weeks: int, out: Path) -> float:
    """``weeks`` weekly snapshots of ``canvas`` in ``out``; returns the seconds it took to write the first."""
    settings = Settings(snapshot_dir=str(out))
    first = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)
    start = time.perf_counter()
    files = snapshot_files(canvas, analyze(canvas, settings), settings, source="demo", taken_at=first)
    folder = write_snapshot(files, out, folder_name(first, keep=False)).path
    took = time.perf_counter() - start
    for week in range(1, weeks):
        at = first + timedelta(weeks=week)
        copy = out / folder_name(at, keep=False)
        shutil.copytree(folder, copy)
        manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
        manifest["taken_at"], manifest["week"] = at.isoformat(), week_of(at)
        (copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--solutions", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    grids = synthetic_grids(args.needs, "exact")
    needs = [row[0] for row in grids["besoins"][1:]]
    long, wide = answers_grids(needs, args.solutions)
    print(f"{args.needs} needs, {args.solutions} solutions ({len(long) - 1} answer rows in the long layout), "
          f"{args.weeks} weekly snapshots; median of {args.repeat}")

    for layout, grid in (("long", long), ("wide", wide)):
        print(f"layout {layout}:")
        ms, mb, canvas = timed(lambda grid=grid: build_canvas(Grids({**grids, "editeurs": grid}), Settings()), args.repeat)
        line("build the canvas (answers tab included)", ms, mb)

        def fresh_fit(canvas=canvas):
            canvas.__dict__.pop("_answers", None)  # the answers read again, as after an edit
            return fit(canvas, "editeurs")

        ms, mb, result = timed(fresh_fit, args.repeat)
        best = result.ranking()[0]
        line("fit: scores, Must not covered, stakes", ms, mb,
             f"best {best.solution} {best.score}, {len(best.musts_not_covered)} Must not covered")

    f = facts_of(canvas)
    ms, mb, plan = timed(lambda: roadmap_of(f), args.repeat)
    line("roadmap by lot", ms, mb, f"{len(plan.planned)} lots, {plan.delivered}/{plan.total} delivered")
    ms, mb, _ = timed(lambda: (standard_specific.by_stake(f), standard_specific.by_lot(f, plan)), args.repeat)
    line("standard vs specific per stake and per lot", ms, mb)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        first = snapshots(canvas, args.weeks, out)
        print(f"burn-up ({args.weeks} snapshots; writing the first took {first:.1f} s):")
        where = Resolved(settings=Settings(snapshot_dir=str(out)), spec="demo", origin="demo")
        ms, mb, burn = timed(lambda: burn_up(load_history(where), plan), args.repeat)
        line("burn-up from the snapshot folders", ms, mb, f"{burn.snapshots} points")
    print(f"max RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
