"""How long the local workbook source takes on a big canvas (10,000 needs).

Run: ``python benchmarks/bench_workbook.py [--needs 500 10000] [--repeat 3]``.
Prints figures; asserts nothing. Reads are what the live dashboard pays every
refresh; a write (append, update) is what a facilitator waits for after
clicking "Ajouter".
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

from crmcanvas.core.config import Settings
from crmcanvas.sources.base import CellChange
from crmcanvas.sources.workbook import WorkbookSource

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--needs", type=int, nargs="+", default=[500, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for needs in args.needs:
        bench(needs, args.repeat)


if __name__ == "__main__":
    main()
