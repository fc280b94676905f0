"""Week-over-week diff: two sides (a snapshot, or the live canvas of a source) compared by ID.

A side is named the way a person would on the command line:

* ``live``: the configured source, read now (the same resolution as the dashboard);
* a snapshot folder or the zip the dashboard downloads (``snapshots/2025-W02``,
  ``crmcanvas-2025-W02.zip``), or just a snapshot's name inside ``snapshot_dir``
  (``2025-W02``);
* any other source: a ``.xlsx`` path or a Google Sheet URL, read now.

Both sides are :class:`~crmcanvas.core.canvas.Canvas` objects, so the diff is
:func:`~crmcanvas.analysis.changes.canvas_changes`, the same computation as the
wall's "what changed" toast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from crmcanvas.analysis.changes import Changes, canvas_changes
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Resolved, resolve
from crmcanvas.i18n import Text, msg
from crmcanvas.reports.snapshots import MANIFEST, scalar_metrics
from crmcanvas.sources.base import SourceError

LIVE = "live"


@dataclass
class Side:
    """One side of a diff: what was named, and the canvas and metrics it stands for."""

    name: str  # as given
    kind: Literal["snapshot", "live"]
    canvas: Canvas
    metrics: dict[str, object]
    taken_at: datetime | None = None  # snapshots: when it was taken (with its time zone)
    week: str | None = None
    location: Path | None = None
    warnings: list[Text] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "source": self.canvas.source, "version": self.canvas.version,
                "taken_at": self.taken_at.isoformat() if self.taken_at else None, "week": self.week,
                "path": str(self.location) if self.location else None, "counts": self.canvas.counts}


def _snapshot_side(name: str, path: Path) -> Side:
    from crmcanvas.reports.snapshot_read import read_snapshot

    snap = read_snapshot(path)
    return Side(name=name, kind="snapshot", canvas=snap.canvas, metrics=snap.metrics, taken_at=snap.taken_at, week=snap.week,
                location=path, warnings=snap.warnings)


def _live_side(name: str, resolved: Resolved) -> Side:
    from crmcanvas.analysis import analyze
    from crmcanvas.build.pipeline import build_canvas
    from crmcanvas.sources import open_source

    canvas = build_canvas(open_source(resolved), resolved.settings)
    return Side(name=name, kind="live", canvas=canvas, metrics=analyze(canvas, resolved.settings).metrics)


def _is_snapshot_path(path: Path) -> bool:
    return (path.is_dir() and (path / MANIFEST).is_file()) or (path.is_file() and path.suffix.lower() == ".zip")


def open_side(name: str, resolved: Resolved, *, config: str | Path | None = None) -> Side:
    """The side ``name`` stands for (see the module docstring). Raises SourceError (a SnapshotError for a
    snapshot that cannot be read) or ConfigError."""
    from crmcanvas.reports.snapshot_read import SnapshotError
    from crmcanvas.sources import is_google_sheet

    if name == LIVE:
        return _live_side(name, resolved)
    path = Path(name).expanduser()
    in_dir = Path(resolved.settings.snapshot_dir) / name
    for candidate in (path, in_dir):
        if _is_snapshot_path(candidate):
            return _snapshot_side(name, candidate)
    if path.is_dir():
        return _snapshot_side(name, path)  # not a snapshot: read_snapshot says so
    if is_google_sheet(name) or path.is_file() or "://" in name:
        return _live_side(name, resolve(config, source=name))
    raise SnapshotError(msg("snapshots.read.no_side", name=name, dir=resolved.settings.snapshot_dir),
                        suggestion=msg("snapshots.read.no_side_hint", dir=resolved.settings.snapshot_dir,
                                       available=", ".join(available(resolved.settings.snapshot_dir)[-5:]) or "—"))


def available(snapshot_dir: str | Path) -> list[str]:
    """The names of the snapshots in ``snapshot_dir``, oldest name first."""
    folder = Path(snapshot_dir)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and (p / MANIFEST).is_file())


def diff(before: Side, after: Side) -> Changes:
    """Rows added, removed, renamed and edited per tab, by ID, and the metrics that moved."""
    return canvas_changes(before.canvas, after.canvas, metrics_before=scalar_metrics(before.metrics),
                          metrics_after=scalar_metrics(after.metrics))


def diff_payload(before: Side, after: Side, changes: Changes) -> dict[str, Any]:
    """The JSON of ``crmcanvas diff --format json``."""
    return {"before": before.to_dict(), "after": after.to_dict(), "empty": changes.empty, **changes.to_dict()}


__all__ = ["LIVE", "Side", "SourceError", "available", "diff", "diff_payload", "open_side"]
