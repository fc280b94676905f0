"""How long the local workbook source takes on a big canvas (10,000 needs), and what hostile files cost.

Run: ``python benchmarks/bench_workbook.py [--needs 500 10000] [--repeat 3] [--no-limits]``.
Prints figures; asserts nothing. Reads are what the live dashboard pays every
refresh; a write (append, update) is what a facilitator waits for after
clicking "Ajouter". The last part runs ``crmcanvas check`` on pathological
files (the issue's 1 GiB cell in a 1 MB file, and others) in a process under a
memory limit and prints its exit code, time and peak memory.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not whichever crmcanvas is installed

from crmcanvas.core.config import Settings  # noqa: E402
from crmcanvas.sources.base import CellChange  # noqa: E402
from crmcanvas.sources.workbook import WorkbookSource  # noqa: E402

WANTED: dict[str, str] = dict(Settings().tabs)  # canonical key -> default sheet title


def build(path: Path, needs: int) -> None:
    """A realistic canvas: ``needs`` needs, a few dozen/hundred rows in the other tabs."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("enjeux")
    ws.append(["ID", "Enjeu", "Indicateur", "Échéance", "Porteur", "Priorité"])
    for i in range(1, 41):
        ws.append([f"E{i:02d}", f"Enjeu stratégique numéro {i}", "Taux de rétention", "12 mois", f"P{i % 200 + 1:03d}", "haute"])
    ws = wb.create_sheet("besoins")
    ws.append(["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut", "Lot", "Exprimé par", "Type"])
    for i in range(1, needs + 1):
        ws.append([
            f"B{i:05d}",
            f"En tant que chargé de relation, je souhaite consulter l'historique n°{i} de sorte que je réponde vite",
            f"R{i % 40 + 1:02d}",
            f"E{i % 40 + 1:02d}; E{(i * 7) % 40 + 1:02d}",
            f"D{i % 300 + 1:03d}",
            f"A{i % 80 + 1:02d}",
            ("Must", "Should", "Could", "Won't")[i % 4],
            ("À faire", "En cours", "Validé")[i % 3],
            f"Lot {i % 5 + 1}",
            f"P{i % 200 + 1:03d}",
            ("standard", "paramétrage", "spécifique")[i % 3],
        ])
    ws = wb.create_sheet("données")
    ws.append(["ID", "Objet", "Définition", "Attributs", "Propriétaire", "Application maître"])
    for i in range(1, 301):
        ws.append([f"D{i:03d}", f"Objet {i}", "Une définition partagée", "nom, prénom, email", f"R{i % 40 + 1:02d}", f"A{i % 80 + 1:02d}"])
    ws = wb.create_sheet("applications")
    ws.append(["ID", "Application", "Catégorie", "Statut", "Propriétaire", "Données", "Échanges", "Interne/Externe"])
    for i in range(1, 81):
        ws.append([f"A{i:02d}", f"Application {i}", "Finance", "en place", f"P{i:03d}", f"D{i:03d}", f"A{i % 80 + 1:02d}", "interne"])
    ws = wb.create_sheet("personnes")
    ws.append(["ID", "Prénom", "Nom", "Email", "Fonction", "Département", "Rôles", "Implication"])
    for i in range(1, 201):
        ws.append([f"P{i:03d}", f"Prénom{i}", f"Nom{i}", f"p{i}@example.org", "Chargé", "Marketing", f"R{i % 40 + 1:02d}", "contributeur"])
    ws = wb.create_sheet("rôles")
    ws.append(["ID", "Rôle", "Type", "Département", "Description"])
    for i in range(1, 41):
        ws.append([f"R{i:02d}", f"Rôle {i}", "interne", "Marketing", "Un rôle"])
    wb.save(path)


def timed(label: str, repeat: int, action: Callable[[], object]) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    print(f"{label:<44} median {statistics.median(times) * 1000:8.0f} ms   min {min(times) * 1000:8.0f} ms  (n={repeat})")


def bench(needs: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "canevas.xlsx"
        start = time.perf_counter()
        build(path, needs)
        size = path.stat().st_size / 1e6
        print(f"\n== {needs} needs + other tabs: {size:.1f} MB, built in {time.perf_counter() - start:.1f} s")
        source = WorkbookSource(path)
        raw = source.read(WANTED)
        print(f"rows read: {sum(len(g) for g in raw.grids.values())} in {len(raw.grids)} tabs")
        timed("read (all six tabs, one pass)", repeat, lambda: source.read(WANTED))
        timed("version() on an unchanged file", repeat, source.version)
        timed(
            "append_row with ID assignment",
            repeat,
            lambda: source.append_row("besoins", {"Besoin": "Un nouveau besoin", "Priorité": "Must"}, id_column="ID", id_prefix="B"),
        )
        row_id = f"B{needs // 2:05d}"
        state = {"value": ("Must", "Should", "Could", "Won't")[(needs // 2) % 4]}

        def update() -> None:
            new = "Should" if state["value"] != "Should" else "Must"
            source.update_cells("besoins", id_column="ID", row_id=row_id, changes=[CellChange("Priorité", state["value"], new)])
            state["value"] = new

        timed("update_cells (one cell, conflict-checked)", repeat, update)
        timed("version() after a write", 1, source.version)


def bench_limits(limit_mb: int = 1024) -> None:
    """``crmcanvas check`` on hostile files, each in a process whose address space is capped at ``limit_mb``."""
    from tests.fixtures_workbook import CLI, huge_cell_workbook, run_limited

    cases = [
        ("1 GiB shared-string cell", 1 << 30, False),
        ("128 MiB inline cell", 128 << 20, True),
        ("90 MB inline cell (within caps: cut)", 90_000_000, True),
        ("90 MB shared-string cell (within caps: cut)", 90_000_000, False),
    ]
    print(f"\n== crmcanvas check on pathological files (address space capped at {limit_mb} MiB)")
    with tempfile.TemporaryDirectory() as tmp:
        for label, size, inline in cases:
            path = huge_cell_workbook(Path(tmp) / "hostile.xlsx", size, inline=inline)
            start = time.perf_counter()
            done = run_limited(CLI, "check", str(path), "--format", "json", limit_mb=limit_mb)
            elapsed = time.perf_counter() - start
            print(f"{label:<44} file {path.stat().st_size / 1024:7.0f} KiB   exit {done.returncode}"
                  f"   {elapsed:5.1f} s   peak RSS {done.peak_mb:4d} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, nargs="+", default=[500, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-limits", action="store_true", help="skip the pathological files")
    args = parser.parse_args()
    for needs in args.needs:
        bench(needs, args.repeat)
    if not args.no_limits:
        bench_limits()


if __name__ == "__main__":
    main()
