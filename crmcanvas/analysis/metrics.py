"""Metrics: a few numbers that say how far the canvas is from being usable.

Each metric is one function declared with :func:`declare_metric`; its label and
definition are in ``i18n/analysis.toml``, its formula and the reason it
matters in ``docs/metrics.md``. Percentages are rounded to one decimal and are
``None`` when there is nothing to measure (no stake at all is not "0 %
covered"). Rejected needs (statut « Rejeté » or priorité « Won't ») are left
out, as in the gaps.
"""

from __future__ import annotations

import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.registry import CANVAS_METHOD, SPONSOR, TEN_CONDITIONS, Context, Source, declare_metric
from crmcanvas.core.canvas import Canvas

# MoSCoW weight of a need in a stake's coverage. An unset or unrecognised priority counts
# like a "could": the need exists, but nobody said it matters.
MOSCOW_WEIGHTS: dict[str, int] = {"must": 4, "should": 2, "could": 1, "wont": 0}
UNKNOWN_WEIGHT = 1
PRIORITY_COLUMNS = ("must", "should", "could", "sans_priorite")


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def weight(priority: str) -> int:
    return MOSCOW_WEIGHTS.get(priority, UNKNOWN_WEIGHT)


def stake_coverage(canvas: Canvas) -> pd.DataFrame:
    """One row per stake, in sheet order: its active needs by priority and its weighted score.

    Columns: id, label, must, should, could, sans_priorite, besoins, score
    (sum of MoSCoW weights) and part_pct (the stake's share of all scores).
    """
    f = facts_of(canvas)
    priority = dict(zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True))
    counts: dict[str, dict[str, int]] = {rid: {**dict.fromkeys(PRIORITY_COLUMNS, 0), "besoins": 0, "score": 0} for rid in f.ids["enjeux"]}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        row = counts.get(stake)
        if row is None:
            continue
        p = priority.get(need, "")
        row[p if p in ("must", "should", "could") else "sans_priorite"] += 1
        row["besoins"] += 1
        row["score"] += weight(p)
    total = sum(r["score"] for r in counts.values())
    rows = [{"id": rid, "label": f.labels["enjeux"].get(rid, rid), **c, "part_pct": pct(c["score"], total) or 0.0}
            for rid, c in counts.items()]
    columns = ["id", "label", *PRIORITY_COLUMNS, "besoins", "score", "part_pct"]
    return pd.DataFrame(rows, columns=columns).astype({c: "int64" for c in (*PRIORITY_COLUMNS, "besoins", "score")})


def _share_without(ctx: Context, tab: str, gap: str) -> float | None:
    """Percentage of a tab's rows (active needs for besoins) that are not in a gap."""
    whole = len(ctx.facts.active) if tab == "besoins" else len(ctx.facts.ids[tab])
    return pct(whole - len(ctx.gap(gap)), whole)


@declare_metric("enjeux_couverts_pct", unit="pct", source=Source(CANVAS_METHOD, "echo_needs"))
def stakes_covered(ctx: Context) -> float | None:
    return _share_without(ctx, "enjeux", "enjeux_sans_besoin")


@declare_metric("besoins_traces_pct", unit="pct", source=Source(CANVAS_METHOD, "cross_checked"))
def needs_traced(ctx: Context) -> float | None:
    return _share_without(ctx, "besoins", "besoins_sans_enjeu")


@declare_metric("besoins_qualifies_pct", unit="pct", source=Source(TEN_CONDITIONS, "master_needs"))
def needs_qualified(ctx: Context) -> float | None:
    f = ctx.facts
    has_role = {s for s, _ in f.pairs("besoins", "role", active_only=True)}
    has_data = {s for s, _ in f.pairs("besoins", "donnee", active_only=True)}
    has_priority = {rid for rid, p in zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True)
                    if p in ("must", "should", "could") and rid in f.active_set}
    return pct(len(has_role & has_data & has_priority), len(f.active))


@declare_metric("lexique_complet_pct", unit="pct", source=Source(CANVAS_METHOD, "semantic_anchor"))
def glossary_complete(ctx: Context) -> float | None:
    return _share_without(ctx, "donnees", "objets_incomplets")


@declare_metric("roles_actifs_pct", unit="pct", source=Source(CANVAS_METHOD, "listen"))
def roles_heard(ctx: Context) -> float | None:
    return _share_without(ctx, "roles", "roles_sans_besoin")


@declare_metric("roles_pourvus_pct", unit="pct", source=Source(SPONSOR, "team"))
def roles_held(ctx: Context) -> float | None:
    return _share_without(ctx, "roles", "roles_sans_personne")


@declare_metric("references_non_resolues", unit="count", source=Source(CANVAS_METHOD, "echo_objects"))
def unresolved_references(ctx: Context) -> int:
    return len(ctx.facts.dangling)


@declare_metric("besoins_actifs", unit="count", source=Source(CANVAS_METHOD, "deliverable"))
def active_needs(ctx: Context) -> int:
    return len(ctx.facts.active)


@declare_metric("besoins_exclus", unit="count", source=Source(CANVAS_METHOD, "choices"))
def excluded_needs(ctx: Context) -> int:
    return len(ctx.facts.ids["besoins"]) - len(ctx.facts.active)


@declare_metric("couverture_par_enjeu", unit="table", source=Source(CANVAS_METHOD, "revisit"))
def coverage_per_stake(ctx: Context) -> list[dict]:
    return ctx.coverage.to_dict(orient="records")
