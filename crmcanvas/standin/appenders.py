"""A drill: several processes append needs to one stand-in sheet at once, through GoogleSheetSource.

Used by the test that guards "N concurrent appends give N rows with N distinct
IDs" and by ``benchmarks/bench_sheets.py``, which prints the same figures.
Each appender is a separate process (its own source, its own write lock:
nothing serialises them but the sheet), forked from the caller so it starts at
once with everything imported, and released together with the others.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crmcanvas.core.shape import id_match_key
from crmcanvas.standin.server import StandIn

TITLE = "besoins"
STORY = "En tant que participant {tag}, je souhaite le besoin n°{k}"


@dataclass
class DrillResult:
    rows: int  # rows holding a drill story
    distinct_ids: int  # distinct IDs among them
    reported: int  # appends the processes reported as done
    truthful: int  # reported appends whose story sits under the ID the process was told
    failures: list[str] = field(default_factory=list)  # messages of appends reported as failed
    seconds: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)


def _appender(endpoint: str, url: str, count: int, tag: str, request_timeout: float, go: Any, out: Any) -> None:
    from crmcanvas.core.config import Settings
    from crmcanvas.sources.base import SourceError
    from crmcanvas.sources.gsheets import GoogleSheetSource

    records: list[dict[str, str]] = []
    try:
        source = GoogleSheetSource.from_settings(url, Settings(sheets_endpoint=endpoint, request_timeout=request_timeout), {},
                                                 environ={})
        source.tabs()
        out.send("ready")
        go.wait()
        for k in range(count):
            story = STORY.format(tag=tag, k=k)
            try:
                result = source.append_row(TITLE, {"Besoin": story, "Statut": "Nouveau"}, id_column="ID", id_prefix="B")
                records.append({"story": story, "row_id": result.row_id or ""})
            except SourceError as exc:
                records.append({"story": story, "error": exc.message})
    finally:
        out.send(records)
        out.close()


def run_drill(server: StandIn, *, processes: int = 4, appends: int = 10, request_timeout: float = 0.5,
              spreadsheet_id: str | None = None) -> DrillResult:
    """Fork ``processes`` appenders against ``server`` (running), ``appends`` each, released together; count what landed."""
    context = multiprocessing.get_context("fork")
    go = context.Event()
    url = server.url(spreadsheet_id)
    pipes = []
    workers = []
    for i in range(processes):
        mine, theirs = context.Pipe(duplex=False)
        worker = context.Process(target=_appender, args=(server.endpoint, url, appends, f"p{i}", request_timeout, go, theirs),
                                 daemon=True)
        worker.start()
        theirs.close()
        pipes.append(mine)
        workers.append(worker)
    try:
        for pipe in pipes:
            first = pipe.recv()
            if first != "ready":
                raise RuntimeError(f"an appender could not start: {first!r}")
        server.clear_log()
        start = time.perf_counter()
        go.set()
        outputs = [pipe.recv() for pipe in pipes]
        seconds = time.perf_counter() - start
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    told: dict[str, str] = {}
    failures: list[str] = []
    for records in outputs:
        for record in records:
            if "error" in record:
                failures.append(record["error"])
            else:
                told[record["story"]] = record["row_id"]
    ours = [row for row in server.grid(TITLE, spreadsheet_id)[1:] if len(row) > 1 and row[1].startswith("En tant que participant p")]
    by_story = {row[1]: row[0] for row in ours}
    return DrillResult(
        rows=len(ours),
        distinct_ids=len({id_match_key(row[0]) for row in ours}),
        reported=len(told),
        truthful=sum(1 for story, row_id in told.items() if by_story.get(story) == row_id),
        failures=failures,
        seconds=seconds,
        requests=Counter(r.kind for r in server.requests()),
    )


__all__ = ["DrillResult", "run_drill"]
