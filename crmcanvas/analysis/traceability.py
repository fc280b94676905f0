"""Traceability: which stakes are served by which needs, touching which data, in which applications.

Three matrices (enjeux × besoins, besoins × données, données × applications),
the node/link table of a Sankey enjeux → besoins (grouped) → données →
applications, and a per-stake drill-down. Only active needs appear (rejected
and « won't » needs serve nothing on purpose). Rows and columns with no link
are kept: an empty row is exactly the gap a sponsor must see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.i18n import DEFAULT_LANG, t

MASTER, STORED = 2, 1  # données × applications: application maître / the application holds the object


def _matrix(rows: list[str], cols: list[str], pairs: list[tuple[str, str]], value: int = 1,
            base: np.ndarray | None = None) -> pd.DataFrame:
    """rows × cols of 0/value from (row, col) pairs, in the given orders (the higher value wins)."""
    z = np.zeros((len(rows), len(cols)), dtype="int64") if base is None else base
    ri, ci = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(cols)}
    hits = [(ri[r], ci[c]) for r, c in pairs if r in ri and c in ci]
    if hits:
        i, j = np.asarray(hits, dtype=np.int64).T
        z[i, j] = np.maximum(z[i, j], value)
    return pd.DataFrame(z, index=pd.Index(rows, dtype="str", name="id"), columns=pd.Index(cols, dtype="str"))


def matrix_enjeux_besoins(canvas: Canvas) -> pd.DataFrame:
    """Stakes (rows) × active needs (columns): 1 when the need serves the stake."""
    f = facts_of(canvas)
    return _matrix(f.ids["enjeux"], f.active, [(stake, need) for need, stake in f.pairs("besoins", "enjeu", "enjeux")])


def matrix_besoins_donnees(canvas: Canvas) -> pd.DataFrame:
    """Active needs (rows) × data objects (columns): 1 when the need uses the object."""
    f = facts_of(canvas)
    return _matrix(f.active, f.ids["donnees"], f.pairs("besoins", "donnee", "donnees"))


def matrix_donnees_applications(canvas: Canvas) -> pd.DataFrame:
    """Data objects (rows) × applications (columns): 2 = application maître, 1 = the application holds it."""
    f = facts_of(canvas)
    rows, cols = f.ids["donnees"], f.ids["applications"]
    stored = _matrix(rows, cols, [(obj, app) for app, obj in f.pairs("applications", "donnee", "donnees")], STORED)
    return _matrix(rows, cols, f.pairs("donnees", "application_maitre", "applications"), MASTER, base=stored.to_numpy().copy())


@dataclass(frozen=True)
class Matrix:
    """One traceability matrix: its rows' tab, its columns' tab, how it is built; its title is in the catalogue."""

    code: str
    rows: str
    cols: str
    build: Callable[[Canvas], pd.DataFrame]

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return t(f"analysis.matrices.{self.code}", lang)


MATRICES: dict[str, Matrix] = {m.code: m for m in (
    Matrix("enjeux_besoins", "enjeux", "besoins", matrix_enjeux_besoins),
    Matrix("besoins_donnees", "besoins", "donnees", matrix_besoins_donnees),
    Matrix("donnees_applications", "donnees", "applications", matrix_donnees_applications),
)}


def all_matrices(canvas: Canvas) -> dict[str, pd.DataFrame]:
    return {code: m.build(canvas) for code, m in MATRICES.items()}


# ---------------------------------------------------------------- Sankey

GROUPINGS: tuple[str, ...] = ("priorite", "lot", "statut", "type")  # columns of besoins the needs can be grouped by
LAYERS = ("enjeux", "groupes", "donnees", "applications")
NO_DATA_APP = "applications:∅∅"  # end of the path of needs that cite no data object
_VALUE_ORDER = ("must", "should", "could", "wont", "nouveau", "qualifie", "valide", "en_cours", "livre", "rejete",
                "standard", "parametrage", "specifique")


def grouping_label(group_by: str, lang: str = DEFAULT_LANG) -> str:
    """How a grouping reads on screen: the header of its column (« Priorité », « Lot »…)."""
    return TABS["besoins"].column(group_by).label_in(lang)


@dataclass(frozen=True)
class SankeyTable:
    """Nodes (node, label, layer, kind) and links (source, target, value) of the Sankey.

    ``node`` is language-free (``enjeux:E1``, ``groupes:must``, ``donnees:∅``);
    ``label`` is what a person reads. ``kind`` is "item" for a row of the canvas
    or a group, "other" for the top-N overflow, "none" for « Sans enjeu » /
    « Sans donnée » / « Sans application maître » / « Sans donnée ni
    application » (gaps, shown on purpose). Link values count need-level links,
    so a need serving two stakes counts in both.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    group_by: str


def _top(flows: Counter[str], order: list[str], top_n: int) -> set[str]:
    """The top_n IDs by flow, ties broken by sheet order."""
    rank = {rid: i for i, rid in enumerate(order)}
    return set(sorted(flows, key=lambda rid: (-flows[rid], rank.get(rid, len(rank))))[:top_n])


def sankey_table(canvas: Canvas, group_by: str = "priorite", top_n: int = 15, lang: str = DEFAULT_LANG) -> SankeyTable:
    """Enjeux → groups of needs → données → applications, at most ``top_n`` nodes per layer (+ « Autres »)."""
    f = facts_of(canvas)
    group = {rid: v for rid, v in zip(f.ids["besoins"], f.column("besoins", group_by), strict=True) if rid in f.active_set}
    stakes_of: dict[str, list[str]] = {rid: [] for rid in f.active}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        stakes_of[need].append(stake)
    data_of: dict[str, list[str]] = {rid: [] for rid in f.active}
    for need, obj in f.pairs("besoins", "donnee", "donnees", active_only=True):
        data_of[need].append(obj)
    masters: dict[str, list[str]] = {}
    for obj, app in f.pairs("donnees", "application_maitre", "applications"):
        masters.setdefault(obj, []).append(app)

    # need-level flows; "" stands for none (IDs are never empty)
    s = [(stake, need) for need in f.active for stake in (stakes_of[need] or [""])]
    d = [(need, obj) for need in f.active for obj in (data_of[need] or [""])]
    a = [(obj, app) for _, obj in d if obj for app in (masters.get(obj) or [""])]
    keep = {
        "enjeux": _top(Counter(stake for stake, _ in s if stake), f.ids["enjeux"], top_n),
        "donnees": _top(Counter(o for _, o in d if o), f.ids["donnees"], top_n),
        "applications": _top(Counter(x for _, x in a if x), f.ids["applications"], top_n),
    }

    def node(tab: str, rid: str) -> str:
        if not rid:
            return f"{tab}:∅"
        return f"{tab}:{rid}" if rid in keep[tab] else f"{tab}:…"

    flows: Counter[tuple[str, str]] = Counter()
    flows.update((node("enjeux", stake), "groupes:" + group[need]) for stake, need in s)
    flows.update(("groupes:" + group[need], node("donnees", obj)) for need, obj in d)
    flows.update((node("donnees", obj), node("applications", app)) for obj, app in a)
    # Needs with no data flow on to the last column, so that every path reads left to right
    # (Plotly would otherwise draw the « Sans donnée » sink in the applications column).
    flows.update(("donnees:∅", NO_DATA_APP) for _, obj in d if not obj)
    links = pd.DataFrame([(src, tgt, n) for (src, tgt), n in flows.items()], columns=["source", "target", "value"])
    links["value"] = links["value"].astype("int64")

    rows = []
    used = set(links["source"]) | set(links["target"])
    for layer, tab in enumerate(LAYERS):
        if tab == "groupes":
            rank = {code: i for i, code in enumerate(_VALUE_ORDER)}
            values = sorted(set(group.values()), key=lambda v: (not v, rank.get(v, len(rank)), v))
            rows += [{"node": f"groupes:{v}", "label": _group_label(group_by, v, lang), "layer": layer, "kind": "item"} for v in values]
            continue
        rows += [{"node": f"{tab}:{rid}", "label": f.labels[tab].get(rid, rid), "layer": layer, "kind": "item"} for rid in f.ids[tab]]
        rows.append({"node": f"{tab}:…", "label": t(f"analysis.sankey.other.{tab}", lang), "layer": layer, "kind": "other"})
        rows.append({"node": f"{tab}:∅", "label": t(f"analysis.sankey.none.{tab}", lang), "layer": layer, "kind": "none"})
    rows.append({"node": NO_DATA_APP, "label": t("analysis.sankey.none.end", lang), "layer": len(LAYERS) - 1, "kind": "none"})
    nodes = pd.DataFrame([r for r in rows if r["node"] in used], columns=["node", "label", "layer", "kind"])
    return SankeyTable(nodes=nodes.reset_index(drop=True), links=links, group_by=group_by)


def _group_label(group_by: str, value: str, lang: str) -> str:
    if not value:
        return t("analysis.sankey.group_none", lang, grouping=grouping_label(group_by, lang))
    return value_label(value, lang) if group_by in ("priorite", "statut", "type") else value


# ---------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class StakeDrilldown:
    """Everything behind one stake: its needs, their data, applications and roles."""

    stake: dict[str, str]
    needs: pd.DataFrame  # id, besoin, priorite, statut, roles, donnees, applications
    data: pd.DataFrame  # id, objet, application_maitre, besoins (count)
    applications: pd.DataFrame  # id, application, via (« besoin », « donnée » or both), besoins (count)
    roles: pd.DataFrame  # id, role, type, besoins (count)
    excluded: list[str]  # rejected / won't needs that name the stake


def _names(pairs: list[tuple[str, str]], labels: dict[str, str]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for src, tgt in pairs:
        out.setdefault(src, []).append(labels.get(tgt, tgt))
    return {k: ", ".join(v) for k, v in out.items()}


def stake_drilldown(canvas: Canvas, stake_id: str, lang: str = DEFAULT_LANG) -> StakeDrilldown:
    """The needs serving ``stake_id`` and what they touch. Raises KeyError for an unknown stake."""
    f = facts_of(canvas)
    stakes = canvas.frames["enjeux"]
    match = stakes.loc[stakes["id"] == stake_id]
    if match.empty:
        raise KeyError(stake_id)
    stake = {str(k): str(v) for k, v in match.iloc[0].items() if not str(k).startswith("_")}
    naming = {need for need, target in f.pairs("besoins", "enjeu", "enjeux") if target == stake_id}
    needs = [rid for rid in f.active if rid in naming]
    ids = set(needs)
    excluded = [rid for rid in f.ids["besoins"] if rid in naming and rid not in ids]

    def of_needs(relation: str) -> list[tuple[str, str]]:
        return [(need, target) for need, target in f.pairs("besoins", relation) if need in ids]

    role_e, data_e, app_e = of_needs("role"), of_needs("donnee"), of_needs("application")
    master = f.pairs("donnees", "application_maitre", "applications")
    role_names, data_names, app_names = _names(role_e, f.labels["roles"]), _names(data_e, f.labels["donnees"]), _names(app_e, f.labels["applications"])
    fields = {c: dict(zip(f.ids["besoins"], f.column("besoins", c), strict=True)) for c in ("besoin", "priorite", "statut")}
    need_rows = pd.DataFrame({
        "id": needs, "besoin": [fields["besoin"][r] for r in needs],
        "priorite": [value_label(fields["priorite"][r], lang) for r in needs],
        "statut": [value_label(fields["statut"][r], lang) for r in needs],
        "roles": [role_names.get(r, "") for r in needs], "donnees": [data_names.get(r, "") for r in needs],
        "applications": [app_names.get(r, "") for r in needs],
    }, columns=["id", "besoin", "priorite", "statut", "roles", "donnees", "applications"])

    data_counts = Counter(obj for _, obj in data_e)
    masters = _names(master, f.labels["applications"])
    data_rows = pd.DataFrame([
        {"id": rid, "objet": f.labels["donnees"].get(rid, rid), "application_maitre": masters.get(rid, ""), "besoins": data_counts[rid]}
        for rid in f.ids["donnees"] if rid in data_counts
    ], columns=["id", "objet", "application_maitre", "besoins"])

    via: dict[str, list[str]] = {}
    for _, app in app_e:
        via.setdefault(app, ["need"])
    for obj, app in master:
        if obj in data_counts and "data" not in via.setdefault(app, []):
            via[app].append("data")
    app_counts = Counter(app for _, app in app_e)
    app_rows = pd.DataFrame([
        {"id": rid, "application": f.labels["applications"].get(rid, rid), "via": " + ".join(t(f"analysis.drilldown.via_{w}", lang) for w in via[rid]),
         "besoins": app_counts[rid]}
        for rid in f.ids["applications"] if rid in via
    ], columns=["id", "application", "via", "besoins"])

    role_counts = Counter(role for _, role in role_e)
    role_rows = pd.DataFrame([
        {"id": rid, "role": f.labels["roles"].get(rid, rid), "type": value_label(kind, lang), "besoins": role_counts[rid]}
        for rid, kind in zip(f.ids["roles"], f.column("roles", "type"), strict=True) if rid in role_counts
    ], columns=["id", "role", "type", "besoins"])
    return StakeDrilldown(stake=stake, needs=need_rows, data=data_rows, applications=app_rows, roles=role_rows, excluded=excluded)
