"""The burn-up of the roadmap: needs delivered and needs planned, lot by lot, snapshot after snapshot.

Each weekly snapshot (:mod:`crmcanvas.reports.snapshots`) keeps the needs as
they were (``besoins.csv``: status, priority and lot codes), so the needs
delivered per lot in any past week are counted again here, by the very rule of
today's roadmap (:func:`crmcanvas.analysis.roadmap.lot_totals`). Only three
columns of each file are read: 52 weekly snapshots of a 10,000-need backlog
load in about a second (``benchmarks/bench_vendors.py``). A week known only
from the ``historique`` tab (a hosted dashboard keeps no folders) gives the
totals (metrics ``besoins_livres`` and ``besoins_actifs``) without the lots.
The live canvas is the last point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from crmcanvas.analysis.roadmap import Roadmap, lot_order, lot_totals
from crmcanvas.reports.csv_export import ENCODING, neutralise, restore
from crmcanvas.reports.history import History, HistoryPoint
from crmcanvas.reports.snapshot_read import SnapshotError, read_manifest

LotCounts = dict[str, tuple[str, int, int]]  # lot key -> (label, delivered, needs)
_COLUMNS = ("statut", "priorite", "lot")


@dataclass(frozen=True)
class BurnPoint:
    taken_at: datetime
    week: str
    delivered: int | None  # needs delivered (None: not known for this point)
    scope: int | None  # needs that count
    lots: LotCounts | None = None  # None when only the totals are known (a point of the historique tab)
    live: bool = False  # the canvas now, not a snapshot


@dataclass(frozen=True)
class BurnUp:
    points: tuple[BurnPoint, ...]  # oldest first, the live canvas last
    labels: dict[str, str]  # lot key -> its label as last written
    order: tuple[str, ...]  # lot keys, natural order, the needs with no lot last

    @property
    def snapshots(self) -> int:
        return sum(not p.live for p in self.points)


def lots_in_snapshot(folder: Path | str) -> LotCounts:
    """Needs delivered and needs that count per lot, read from a snapshot folder's ``besoins.csv``.

    Raises :class:`SnapshotError` (no manifest), ``OSError``, ``KeyError`` or ``ValueError`` (a file missing or
    not as its manifest says): :func:`burn_up` then falls back on the point's totals.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    info = (manifest.get("tabs") or {}).get("besoins") or {}
    if info.get("missing"):
        return {}
    headers = info.get("columns") or {}
    csv = manifest.get("csv") or {}
    wanted = {key: str(neutralise(headers[key])) for key in _COLUMNS if key in headers}
    table = pd.read_csv(folder / str(info["file"]), sep=str(csv.get("separator", ";")),
                        encoding=ENCODING if csv.get("bom", True) else "utf-8", dtype=str, keep_default_na=False,
                        usecols=list(wanted.values()))
    n = len(table)

    def column(key: str) -> list[str]:
        return [str(restore(v)) for v in table[wanted[key]].tolist()] if key in wanted else [""] * n

    return lot_totals(column("statut"), column("priorite"), column("lot"))


def _point(point: HistoryPoint) -> BurnPoint:
    if point.folder is not None:
        try:
            lots = lots_in_snapshot(point.folder)
        except (SnapshotError, OSError, KeyError, ValueError, UnicodeDecodeError):
            lots = None  # a snapshot edited or cut short: its totals still count
        if lots is not None:
            return BurnPoint(point.taken_at, point.week, sum(d for _, d, _ in lots.values()),
                             sum(n for _, _, n in lots.values()), lots)
    delivered, scope = point.metrics.get("besoins_livres"), point.metrics.get("besoins_actifs")
    return BurnPoint(point.taken_at, point.week, int(delivered) if isinstance(delivered, int | float) else None,
                     int(scope) if isinstance(scope, int | float) else None)


def burn_up(history: History, now: Roadmap | None = None, at: datetime | None = None, week: str = "") -> BurnUp:
    """The burn-up of every snapshot of ``history`` (oldest first) and, when given, the roadmap ``now`` at ``at``."""
    points = [_point(p) for p in history.points]
    if now is not None and at is not None:
        lots = {lot.key: (lot.label, lot.delivered, lot.total) for lot in now.lots}
        points.append(BurnPoint(at, week, now.delivered, now.total, lots, live=True))
    labels: dict[str, str] = {}
    for point in points:  # the latest label of each lot wins
        for key, (label, _, _) in (point.lots or {}).items():
            labels[key] = label
    return BurnUp(tuple(points), labels, tuple(lot_order(labels)))


__all__ = ["BurnPoint", "BurnUp", "burn_up", "lots_in_snapshot"]
