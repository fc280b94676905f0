"""Snapshot, diff and history speed on a 10,000-need canvas.

Targets (issue 9): a snapshot of a 10,000-need canvas under 3 s; the diff of two such snapshots under 2 s;
the history of 52 weekly snapshots read under 1 s.

What is timed:

* snapshot: what ``crmcanvas snapshot`` does once the canvas is read and loaded — the analysis, every CSV
  file, the manifest, the atomic write of the folder (reading and loading the sheet is ``bench_load.py``'s);
* diff: what ``crmcanvas diff A B`` does — both snapshots read back from disk into canvases, compared by ID;
* history: the 52 folders of a year of weekly 10,000-need snapshots (hard links to one week's CSV files,
  each with its own manifest), listed and read by :func:`crmcanvas.reports.history.load_history`; and the
  same 52 weeks from an ``historique`` tab (a workbook holding only that tab).

Run: PYTHONPATH=. python benchmarks/bench_snapshots.py
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from crmcanvas.analysis import analyze
from crmcanvas.build.load import load_grids
from crmcanvas.build.whole_canvas import whole_canvas_findings
from crmcanvas.core.config import Resolved, Settings
from crmcanvas.demo.synthetic import synthetic_grids
from crmcanvas.reports.diff import Side, diff
from crmcanvas.reports.history import history_columns, history_row, load_history
from crmcanvas.reports.snapshot_read import read_snapshot
from crmcanvas.reports.snapshots import MANIFEST, folder_name, snapshot_files, write_snapshot

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2025, 1, 6, 7, 0, tzinfo=PARIS)


def timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def build(grids, settings):
    canvas = load_grids(grids, settings=settings, version="bench", source="Canevas synthétique")
    canvas.findings.extend(whole_canvas_findings(canvas, settings))
    return canvas


def edited(grids):
    """A week of work on the backlog: 50 needs added, 50 removed, 200 cells edited, 20 IDs renamed."""
    grids = {key: [list(row) for row in grid] for key, grid in grids.items()}
    needs = grids["besoins"]
    header = needs[0]
    priority, story = header.index("Priorité"), header.index("Besoin")
    for row in needs[1:201]:
        row[priority] = "Must" if row[priority] != "Must" else "Could"
    for row in needs[201:221]:
        row[0] = row[0] + "R"
    del needs[500:550]
    for n in range(50):
        new = list(needs[1])
        new[0], new[story] = f"BN{n:04d}", f"En tant que bénévole, je souhaite la nouveauté {n}"
        needs.append(new)
    return grids


def main() -> None:
    settings = Settings()
    grids = synthetic_grids(needs=10_000)
    start = time.perf_counter()
    canvas = build(grids, settings)
    print(f"canvas built (read + load, not part of the targets): {time.perf_counter() - start:6.2f} s, "
          f"{canvas.counts['besoins']} needs, {len(canvas.edges)} links, {len(canvas.findings)} findings")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "snapshots"

        def snapshot(moment=START):
            files = snapshot_files(canvas, analyze(canvas, settings), settings, source="bench", taken_at=moment)
            return write_snapshot(files, out, folder_name(moment, keep=False)).path

        best, med, folder = timed(snapshot)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(f"snapshot, 10,000 needs          : best {best:6.2f} s  median {med:6.2f} s  ({size:.1f} MB)  (target < 3 s)")

        later = START + timedelta(days=7)
        other = build(edited(grids), settings)
        files = snapshot_files(other, analyze(other, settings), settings, source="bench", taken_at=later)
        second = write_snapshot(files, out, folder_name(later, keep=False)).path

        def compare():
            a, b = read_snapshot(folder), read_snapshot(second)
            sides = [Side(name=s.week, kind="snapshot", canvas=s.canvas, metrics=s.metrics) for s in (a, b)]
            return diff(*sides)

        best, med, changes = timed(compare)
        needs = changes.tabs["besoins"]
        print(f"diff of two such snapshots      : best {best:6.2f} s  median {med:6.2f} s  "
              f"(+{len(needs.added)} −{len(needs.removed)} ↻{len(needs.renamed)} ✎{len(needs.changed)})  (target < 2 s)")

        year = Path(tmp) / "year"
        year.mkdir()
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        for week in range(52):
            moment = START + timedelta(days=7 * week)
            target = year / folder_name(moment, keep=False)
            target.mkdir()
            for item in folder.iterdir():
                if item.name != MANIFEST:
                    os.link(item, target / item.name)
            entry = {**manifest, "taken_at": moment.isoformat(), "week": folder_name(moment, keep=False),
                     "source": {**manifest["source"], "key": "demo"}}  # what the resolution below names
            (target / MANIFEST).write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")
        where = Resolved(settings=Settings(snapshot_dir=str(year)), spec="demo", origin="demo")
        best, med, found = timed(lambda: load_history(where, read_tab=False), repeat=5)
        print(f"history, 52 weekly folders      : best {best * 1000:6.1f} ms median {med * 1000:6.1f} ms  "
              f"({len(found.points)} points)  (target < 1 s)")

        from openpyxl import Workbook

        from crmcanvas.sources.workbook import WorkbookSource

        book = Path(tmp) / "historique.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "historique"
        columns = history_columns()
        ws.append(columns)
        for week in range(52):
            moment = START + timedelta(days=7 * week)
            row = history_row({**manifest, "taken_at": moment.isoformat(), "week": folder_name(moment, keep=False)})
            ws.append([row.get(c, "") for c in columns])
        wb.save(book)
        source = WorkbookSource(book)
        where = Resolved(settings=Settings(snapshot_dir=str(Path(tmp) / "none")), spec=str(book), origin="argument")
        best, med, found = timed(lambda: load_history(where, source), repeat=5)
        print(f"history, 52 rows of the tab     : best {best * 1000:6.1f} ms median {med * 1000:6.1f} ms  "
              f"({len(found.points)} points; a workbook holding only that tab)")


if __name__ == "__main__":
    main()
