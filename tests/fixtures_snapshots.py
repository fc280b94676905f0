"""Shared helpers for the snapshot, diff and history tests: canvases people would recognise, taken at chosen moments."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from crmcanvas.analysis import analyze
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Resolved, Settings
from crmcanvas.reports.snapshots import folder_name, snapshot_files, write_snapshot
from crmcanvas.sources.base import RawCanvas
from tests.grids import clean_grids

PARIS = ZoneInfo("Europe/Paris")
TRAPS = ["a;b", 'il a dit "oui"', "ligne 1\nligne 2", '=HYPERLINK("https://evil.example";"ici")', "+33 6 12 34 56 78",
         "-2+3", "@SUM(A1)", "'déjà une apostrophe", "\t=1+1"]


class GridSource:
    """A source serving fixed grids under the default tab keys."""

    def __init__(self, grids, description="Canevas de test", version="v1"):
        self.grids, self.description, self.version = grids, description, version

    def read(self, wanted):
        grids = {key: grid for key, grid in self.grids.items() if key in wanted}
        return RawCanvas(grids=grids, titles={k: wanted[k] for k in grids}, version=self.version, source=self.description,
                         missing={k: t for k, t in wanted.items() if k not in grids})


def build(grids, settings: Settings | None = None, version: str = "v1"):
    return build_canvas(GridSource(grids, version=version), settings or Settings())


def tricky_grids() -> dict[str, list[list[str]]]:
    """The small clean canvas, plus what makes a CSV hard: unknown columns (one with ``;`` in its header),
    cells with separators, quotes, line breaks and formula starts, a row without ID, a tab without ID column."""
    grids = clean_grids()
    needs = grids["besoins"]
    needs[0] += ["Remarque", "Note; interne"]
    for i, row in enumerate(needs[1:], start=1):
        row += ["", ""] + [""] * (8 - len(row))
        row[-2], row[-1] = TRAPS[(i - 1) % len(TRAPS)], TRAPS[(i + 3) % len(TRAPS)]
    needs.append(["", "En tant que trésorier, je souhaite un export mensuel", "R01", "E01", "Don", "A01", "Could", "Nouveau",
                  TRAPS[4], TRAPS[7]])
    needs.append(["B010", TRAPS[3], "R02", "E02", "", "", "Should", "Nouveau", TRAPS[6], TRAPS[2]])
    grids["roles"] = [["Rôle", "Type", "Persona"], ["Chargé de collecte", "Interne", TRAPS[1]], ["Bénévole", "Externe", TRAPS[0]]]
    grids["donnees"][0].append("=Origine")  # a header that looks like a formula
    grids["donnees"][1].append("CRM; ancien")
    return grids


def resolved(settings: Settings | None = None) -> Resolved:
    return Resolved(settings=settings or Settings(), spec="demo", origin="demo")


def take(canvas, out_dir: Path, taken_at: datetime, settings: Settings | None = None, *, source: str = "test",
         keep: bool = False) -> Path:
    """Write a snapshot of ``canvas`` as if taken at ``taken_at``; returns its folder."""
    settings = settings or Settings()
    files = snapshot_files(canvas, analyze(canvas, settings), settings, source=source, taken_at=taken_at)
    return write_snapshot(files, out_dir, folder_name(taken_at, keep=keep)).path
