"""Canvases that ``crmcanvas init`` meets, and the comparisons its tests make.

Import explicitly::

    from tests.fixtures_setup import EXTRA, OWN_CHECKLIST, TWO_MISSING, finding_keys
"""

from __future__ import annotations

import copy

from crmcanvas.core.canvas import Canvas
from crmcanvas.core.findings import Finding
from tests.fixtures_sheets import CANVAS

Grid = list[list[str]]


def canvas_copy() -> dict[str, Grid]:
    return copy.deepcopy(CANVAS)


def _two_missing_renamed() -> dict[str, Grid]:
    """The fixture canvas without its people and roles tabs, and « Données » of the needs renamed
    « Objets de données » (the loader reads it by its words)."""
    tabs = canvas_copy()
    del tabs["personnes"], tabs["rôles"]
    tabs["besoins"][0][4] = "Objets de données"
    return tabs


def _extra() -> dict[str, Grid]:
    """The fixture canvas plus a notes tab, an unknown column in the needs, and a note typed right of the stakes'
    table under no header (a new column must not land above it)."""
    tabs = canvas_copy()
    tabs["Notes d'atelier"] = [["Date", "Note"], ["12/03", "Penser aux bénévoles"]]
    needs = tabs["besoins"]
    needs[0].append("Commentaire")
    needs[1] += [""] * (len(needs[0]) - 1 - len(needs[1])) + ["à revoir avec Claire"]
    stakes = tabs["enjeux"]
    stakes[2] += ["", "", "note sans en-tête"]  # column H, under no header
    return tabs


def _own_checklist() -> dict[str, Grid]:
    """The fixture canvas with the project's own checklist tab (« Checklist projet »): two rows in its own words, a
    « Lien » column of its own, no « Sous-item » nor « Échéance » column, a status typed in English."""
    tabs = canvas_copy()
    tabs["Checklist projet"] = [["ID", "Chapitre", "Item", "Statut", "Responsable", "Lien", "Commentaire"],
                                ["C01", "1. Contenu", "Définir le périmètre fonctionnel", "Done", "P01", "https://x.example"],
                                ["C02", "", "Former les bénévoles", "", "", "", "à caler avec Claire"]]
    return tabs


TWO_MISSING = _two_missing_renamed()
EXTRA = _extra()
OWN_CHECKLIST = _own_checklist()


def finding_keys(canvas: Canvas) -> set[tuple]:
    """Findings compared across two reads: what, where (not the wording)."""
    return {_key(f) for f in canvas.findings}


def _key(f: Finding) -> tuple:
    return (f.code, f.tab, f.row, f.column, f.value)


def new_findings(before: Canvas, after: Canvas) -> list[Finding]:
    """Findings of ``after`` that ``before`` did not have (tabs compared by their canonical key)."""
    def canonical(canvas: Canvas) -> dict[str, str]:
        return {title.casefold(): key for key, title in canvas.tab_titles.items()}

    seen = {(f.code, canonical(before).get((f.tab or "").casefold(), f.tab), f.row, f.column, f.value) for f in before.findings}
    names = canonical(after)
    return [f for f in after.findings if (f.code, names.get((f.tab or "").casefold(), f.tab), f.row, f.column, f.value) not in seen]
