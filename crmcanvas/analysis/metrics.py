"""Metrics: a few numbers that say how far the canvas is from being usable.

Each metric is documented (formula, why it matters) in ``docs/metrics.md``.
Percentages are rounded to one decimal and are ``None`` when there is nothing
to measure (no stake at all is not "0 % covered"). Rejected needs (statut
« Rejeté » or priorité « Won't ») are left out, as in the gaps.
"""

from __future__ import annotations

import pandas as pd

from crmcanvas.analysis.facts import Facts, facts_of
from crmcanvas.analysis.gaps import Item
from crmcanvas.core.canvas import Canvas

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


def stake_coverage(canvas: Canvas, facts: Facts | None = None) -> pd.DataFrame:
    """One row per stake, in sheet order: its active needs by priority and its weighted score.

    Columns: id, label, must, should, could, sans_priorite, besoins, score
    (sum of MoSCoW weights) and part_pct (the stake's share of all scores).
    """
    f = facts or facts_of(canvas)
    priority = dict(zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True))
    rows = {rid: {"id": rid, "label": f.labels["enjeux"].get(rid, rid), **dict.fromkeys(PRIORITY_COLUMNS, 0), "besoins": 0, "score": 0}
            for rid in f.ids["enjeux"]}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        row = rows.get(stake)
        if row is None:
            continue
        p = priority.get(need, "")
        row[p if p in ("must", "should", "could") else "sans_priorite"] += 1
        row["besoins"] += 1
        row["score"] += weight(p)
    total = sum(r["score"] for r in rows.values())
    for row in rows.values():
        row["part_pct"] = pct(row["score"], total) or 0.0
    columns = ["id", "label", *PRIORITY_COLUMNS, "besoins", "score", "part_pct"]
    return pd.DataFrame(list(rows.values()), columns=columns).astype({c: "int64" for c in (*PRIORITY_COLUMNS, "besoins", "score")})


def compute_metrics(canvas: Canvas, gaps: dict[str, list[Item]], facts: Facts | None = None,
                    coverage: pd.DataFrame | None = None) -> dict[str, object]:
    """The headline numbers, from the canvas and its gaps (see ``docs/metrics.md``)."""
    f = facts or facts_of(canvas)
    n_needs, n_stakes, n_data, n_roles = len(f.active), len(f.ids["enjeux"]), len(f.ids["donnees"]), len(f.ids["roles"])
    has_role = {s for s, _ in f.pairs("besoins", "role", active_only=True)}
    has_data = {s for s, _ in f.pairs("besoins", "donnee", active_only=True)}
    has_priority = {rid for rid, p in zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True)
                    if p in ("must", "should", "could") and rid in f.active_set}
    coverage = stake_coverage(canvas, f) if coverage is None else coverage
    return {
        "enjeux_couverts_pct": pct(n_stakes - len(gaps["enjeux_sans_besoin"]), n_stakes),
        "besoins_traces_pct": pct(n_needs - len(gaps["besoins_sans_enjeu"]), n_needs),
        "besoins_qualifies_pct": pct(len(has_role & has_data & has_priority), n_needs),
        "lexique_complet_pct": pct(n_data - len(gaps["objets_incomplets"]), n_data),
        "roles_actifs_pct": pct(n_roles - len(gaps["roles_sans_besoin"]), n_roles),
        "roles_pourvus_pct": pct(n_roles - len(gaps["roles_sans_personne"]), n_roles),
        "references_non_resolues": len(f.dangling),
        "besoins_actifs": n_needs,
        "besoins_exclus": len(f.ids["besoins"]) - n_needs,
        "couverture_par_enjeu": coverage.to_dict(orient="records"),
    }
