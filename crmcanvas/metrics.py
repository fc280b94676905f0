"""Metrics: a few numbers that say how far the canvas is from being usable.

Each metric is documented (formula, why it matters) in ``docs/metrics.md``.
Percentages are rounded to one decimal and are ``None`` when there is nothing
to measure (no stake at all is not "0 % covered"). Rejected needs (statut
« Rejeté » or priorité « Won't ») are left out, as in the gaps.
"""

from __future__ import annotations

import pandas as pd

from crmcanvas.canvas import Canvas
from crmcanvas.gaps import Item, active_needs, linked

# MoSCoW weight of a need in a stake's coverage. An unset or unrecognised priority counts
# like a "could": the need exists, but nobody said it matters.
MOSCOW_WEIGHTS: dict[str, int] = {"must": 4, "should": 2, "could": 1, "wont": 0}
UNKNOWN_WEIGHT = 1
PRIORITY_COLUMNS = ("must", "should", "could", "sans_priorite")

METRIC_LABELS: dict[str, str] = {
    "enjeux_couverts_pct": "Enjeux couverts par au moins un besoin",
    "besoins_traces_pct": "Besoins rattachés à un enjeu",
    "besoins_qualifies_pct": "Besoins qualifiés (rôle, priorité, données)",
    "lexique_complet_pct": "Objets de données complets (définition et attributs)",
    "roles_actifs_pct": "Rôles ayant exprimé au moins un besoin",
    "roles_pourvus_pct": "Rôles tenus par au moins une personne",
    "references_non_resolues": "Références non résolues",
    "besoins_actifs": "Besoins pris en compte (hors rejetés / won't)",
    "besoins_exclus": "Besoins rejetés ou won't",
}


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def weight(priority: str) -> int:
    return MOSCOW_WEIGHTS.get(priority, UNKNOWN_WEIGHT)


def stake_coverage(canvas: Canvas) -> pd.DataFrame:
    """One row per stake, in sheet order: its active needs by priority and its weighted score.

    Columns: id, label, must, should, could, sans_priorite, besoins, score
    (sum of MoSCoW weights) and part_pct (the stake's share of all scores).
    """
    stakes = canvas.frames["enjeux"]
    labels = canvas.labels("enjeux")
    needs = active_needs(canvas)
    edges = linked(canvas, "besoins", "enjeu")
    priority = dict(zip(needs["id"], needs["priorite"], strict=True))
    edges = edges.loc[edges["source_id"].isin(priority)]
    bucket = edges["source_id"].map(priority).where(lambda p: p.isin(("must", "should", "could")), "sans_priorite")
    counts = pd.crosstab(edges["target_id"], bucket) if len(edges) else pd.DataFrame()
    score = edges.assign(w=edges["source_id"].map(lambda rid: weight(priority[rid]))).groupby("target_id")["w"].sum()
    rows = []
    for rid in stakes["id"].tolist():
        row: dict[str, object] = {"id": rid, "label": labels.get(rid, rid)}
        for col in PRIORITY_COLUMNS:
            row[col] = int(counts.at[rid, col]) if rid in counts.index and col in counts.columns else 0
        row["besoins"] = sum(int(row[c]) for c in PRIORITY_COLUMNS)  # type: ignore[arg-type]
        row["score"] = int(score.get(rid, 0))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["id", "label", *PRIORITY_COLUMNS, "besoins", "score"])
    total = int(frame["score"].sum()) if len(frame) else 0
    frame["part_pct"] = [pct(int(s), total) or 0.0 for s in frame["score"]]
    return frame


def compute_metrics(canvas: Canvas, gaps: dict[str, list[Item]]) -> dict[str, object]:
    """The headline numbers, from the canvas and its gaps (see ``docs/metrics.md``)."""
    f = canvas.frames
    needs = active_needs(canvas)
    n_needs, n_stakes, n_data, n_roles = len(needs), len(f["enjeux"]), len(f["donnees"]), len(f["roles"])
    active = set(needs["id"])
    has_role = set(linked(canvas, "besoins", "role")["source_id"]) & active
    has_data = set(linked(canvas, "besoins", "donnee")["source_id"]) & active
    has_priority = set(needs.loc[needs["priorite"].isin(("must", "should", "could")), "id"])
    coverage = stake_coverage(canvas)
    return {
        "enjeux_couverts_pct": pct(n_stakes - len(gaps["enjeux_sans_besoin"]), n_stakes),
        "besoins_traces_pct": pct(n_needs - len(gaps["besoins_sans_enjeu"]), n_needs),
        "besoins_qualifies_pct": pct(len(has_role & has_data & has_priority), n_needs),
        "lexique_complet_pct": pct(n_data - len(gaps["objets_incomplets"]), n_data),
        "roles_actifs_pct": pct(n_roles - len(gaps["roles_sans_besoin"]), n_roles),
        "roles_pourvus_pct": pct(n_roles - len(gaps["roles_sans_personne"]), n_roles),
        "references_non_resolues": 0 if canvas.dangling is None else int(len(canvas.dangling)),
        "besoins_actifs": n_needs,
        "besoins_exclus": len(f["besoins"]) - n_needs,
        "couverture_par_enjeu": coverage.to_dict(orient="records"),
    }
