"""Traceability: which stakes are served by which needs, touching which data, in which applications.

Three matrices (enjeux × besoins, besoins × données, données × applications),
the node/link table of a Sankey enjeux → besoins (grouped) → données →
applications, and a per-stake drill-down. Only active needs appear (rejected
and « won't » needs serve nothing on purpose). Rows and columns with no link
are kept: an empty row is exactly the gap a sponsor must see.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmcanvas.canvas import Canvas
from crmcanvas.gaps import active_needs, linked
from crmcanvas.schema import ENUM_LABELS

MASTER, STORED = 2, 1  # données × applications: application maître / the application holds the object


def _matrix(rows: list[str], cols: list[str], pairs: pd.DataFrame, value: int = 1) -> pd.DataFrame:
    """rows × cols of 0/value from (row, col) pairs, in the given orders."""
    pairs = pairs.loc[pairs["row"].isin(rows) & pairs["col"].isin(cols)].drop_duplicates()
    out = pd.DataFrame(0, index=pd.Index(rows, dtype="str", name="id"), columns=pd.Index(cols, dtype="str"), dtype="int64")
    if len(pairs):
        hit = pd.crosstab(pairs["row"], pairs["col"]).clip(upper=1) * value
        out.loc[hit.index, hit.columns] = hit.to_numpy()
    return out


def _pairs(frame: pd.DataFrame, row: str, col: str) -> pd.DataFrame:
    return pd.DataFrame({"row": frame[row].to_numpy(), "col": frame[col].to_numpy()})


def matrix_enjeux_besoins(canvas: Canvas) -> pd.DataFrame:
    """Stakes (rows) × active needs (columns): 1 when the need serves the stake."""
    edges = linked(canvas, "besoins", "enjeu")
    return _matrix(canvas.frames["enjeux"]["id"].tolist(), active_needs(canvas)["id"].tolist(), _pairs(edges, "target_id", "source_id"))


def matrix_besoins_donnees(canvas: Canvas) -> pd.DataFrame:
    """Active needs (rows) × data objects (columns): 1 when the need uses the object."""
    edges = linked(canvas, "besoins", "donnee")
    return _matrix(active_needs(canvas)["id"].tolist(), canvas.frames["donnees"]["id"].tolist(), _pairs(edges, "source_id", "target_id"))


def matrix_donnees_applications(canvas: Canvas) -> pd.DataFrame:
    """Data objects (rows) × applications (columns): 2 = application maître, 1 = the application holds it."""
    rows, cols = canvas.frames["donnees"]["id"].tolist(), canvas.frames["applications"]["id"].tolist()
    stored = _matrix(rows, cols, _pairs(linked(canvas, "applications", "donnee"), "target_id", "source_id"), STORED)
    master = _matrix(rows, cols, _pairs(linked(canvas, "donnees", "application_maitre"), "source_id", "target_id"), MASTER)
    return stored.where(stored > master, master)


MATRICES = {
    "enjeux_besoins": ("Enjeux × besoins", "enjeux", "besoins", matrix_enjeux_besoins),
    "besoins_donnees": ("Besoins × données", "besoins", "donnees", matrix_besoins_donnees),
    "donnees_applications": ("Données × applications", "donnees", "applications", matrix_donnees_applications),
}


def all_matrices(canvas: Canvas) -> dict[str, pd.DataFrame]:
    return {name: build(canvas) for name, (_, _, _, build) in MATRICES.items()}


# ---------------------------------------------------------------- Sankey

GROUPINGS = {"priorite": "Priorité", "lot": "Lot", "statut": "Statut", "type": "Type"}
OTHER = {"enjeux": "Autres enjeux", "donnees": "Autres données", "applications": "Autres applications"}
NONE = {"enjeux": "Sans enjeu", "groupes": "Non renseigné", "donnees": "Sans donnée", "applications": "Sans application maître"}
LAYERS = ("enjeux", "groupes", "donnees", "applications")
NO_DATA_APP = "applications:∅∅"  # end of the path of needs that cite no data object


@dataclass(frozen=True)
class SankeyTable:
    """Nodes (node, label, layer, kind) and links (source, target, value) of the Sankey.

    ``kind`` is "item" for a row of the canvas, "other" for the top-N overflow,
    "none" for "Sans enjeu" / "Sans donnée" / "Sans application maître" / "Sans
    donnée ni application" (gaps, shown on purpose). Link values count need-level links, so a need serving two
    stakes counts in both.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    group_by: str


def _group_label(group_by: str, value: str) -> str:
    if not value:
        return f"{GROUPINGS.get(group_by, group_by)} : {NONE['groupes'].lower()}"
    return ENUM_LABELS.get(value, value) if group_by in ("priorite", "statut", "type") else value


def _top(flows: pd.Series, top_n: int) -> set[str]:
    """The top_n IDs by flow (ties broken by sheet order, which the series keeps)."""
    return set(flows.sort_values(ascending=False, kind="stable").index[:top_n])


def sankey_table(canvas: Canvas, group_by: str = "priorite", top_n: int = 15) -> SankeyTable:
    """Enjeux → groups of needs → données → applications, at most ``top_n`` nodes per layer (+ « Autres »)."""
    needs = active_needs(canvas)
    group = {rid: _group_label(group_by, v) for rid, v in zip(needs["id"], needs[group_by], strict=True)}
    active = set(group)
    stake_edges = linked(canvas, "besoins", "enjeu")
    stake_edges = stake_edges.loc[stake_edges["source_id"].isin(active)]
    data_edges = linked(canvas, "besoins", "donnee")
    data_edges = data_edges.loc[data_edges["source_id"].isin(active)]
    master = linked(canvas, "donnees", "application_maitre")

    # need -> stake, need -> data, data -> app; "" stands for none (IDs are never empty)
    s = pd.concat([stake_edges, _unlinked(active - set(stake_edges["source_id"]))], ignore_index=True)
    d = pd.concat([data_edges, _unlinked(active - set(data_edges["source_id"]))], ignore_index=True)
    a = d.loc[d["target_id"] != ""].merge(master.rename(columns={"source_id": "target_id", "target_id": "app"}), on="target_id", how="left")
    a["app"] = a["app"].fillna("")

    labels = {tab: canvas.labels(tab) for tab in ("enjeux", "donnees", "applications")}
    keep = {
        "enjeux": _top(s.loc[s["target_id"] != "", "target_id"].value_counts(sort=False), top_n),
        "donnees": _top(d.loc[d["target_id"] != "", "target_id"].value_counts(sort=False), top_n),
        "applications": _top(a.loc[a["app"] != "", "app"].value_counts(sort=False), top_n),
    }

    def node(tab: str, rid: str) -> str:
        if not rid:
            return f"{tab}:∅"
        return f"{tab}:{rid}" if rid in keep[tab] else f"{tab}:…"

    links = pd.concat([
        pd.DataFrame({"source": [node("enjeux", t) for t in s["target_id"]], "target": ["groupes:" + group[n] for n in s["source_id"]]}),
        pd.DataFrame({"source": ["groupes:" + group[n] for n in d["source_id"]], "target": [node("donnees", t) for t in d["target_id"]]}),
        pd.DataFrame({"source": [node("donnees", t) for t in a["target_id"]], "target": [node("applications", t) for t in a["app"]]}),
        # Needs with no data flow on to the last column, so that every path reads left to right
        # (Plotly would otherwise draw the « Sans donnée » sink in the applications column).
        pd.DataFrame({"source": "donnees:∅", "target": NO_DATA_APP, "_": d.loc[d["target_id"] == "", "source_id"]})[["source", "target"]],
    ], ignore_index=True)
    links = links.groupby(["source", "target"], sort=False).size().rename("value").reset_index()

    rows = []
    used = set(links["source"]) | set(links["target"])
    order = {"enjeux": canvas.frames["enjeux"]["id"].tolist(), "donnees": canvas.frames["donnees"]["id"].tolist(),
             "applications": canvas.frames["applications"]["id"].tolist()}
    for layer, tab in enumerate(LAYERS):
        if tab == "groupes":
            names = list(dict.fromkeys(group[n] for n in needs["id"]))
            rows += [{"node": f"groupes:{g}", "label": g, "layer": layer, "kind": "item"} for g in sorted(names, key=_group_order(group_by))]
            continue
        rows += [{"node": f"{tab}:{rid}", "label": labels[tab].get(rid, rid), "layer": layer, "kind": "item"} for rid in order[tab]]
        rows.append({"node": f"{tab}:…", "label": OTHER[tab], "layer": layer, "kind": "other"})
        rows.append({"node": f"{tab}:∅", "label": NONE[tab], "layer": layer, "kind": "none"})
    rows.append({"node": NO_DATA_APP, "label": "Sans donnée ni application", "layer": len(LAYERS) - 1, "kind": "none"})
    nodes = pd.DataFrame(rows, columns=["node", "label", "layer", "kind"])
    nodes = nodes.loc[nodes["node"].isin(used)].reset_index(drop=True)
    return SankeyTable(nodes=nodes, links=links, group_by=group_by)


def _unlinked(ids: set[str]) -> pd.DataFrame:
    return pd.DataFrame({"source_id": pd.Series(sorted(ids), dtype="str"), "target_id": pd.Series([""] * len(ids), dtype="str")})


def _group_order(group_by: str):
    rank = {ENUM_LABELS[c]: i for i, c in enumerate(("must", "should", "could", "wont", "nouveau", "qualifie", "valide",
                                                       "en_cours", "livre", "rejete", "standard", "parametrage", "specifique"))}
    return lambda label: (label.endswith(NONE["groupes"].lower()), rank.get(label, 99), label)


# ---------------------------------------------------------------- drill-down


@dataclass(frozen=True)
class StakeDrilldown:
    """Everything behind one stake: its needs, their data, applications and roles."""

    stake: dict[str, str]
    needs: pd.DataFrame  # id, besoin, priorite, statut, roles, donnees, applications
    data: pd.DataFrame  # id, objet, application_maitre, besoins (count)
    applications: pd.DataFrame  # id, application, via (besoin / donnée), besoins (count)
    roles: pd.DataFrame  # id, role, type, besoins (count)
    excluded: list[str]  # rejected / won't needs that name the stake


def _names(edges: pd.DataFrame, labels: dict[str, str]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for src, tgt in zip(edges["source_id"], edges["target_id"], strict=True):
        out.setdefault(src, []).append(labels.get(tgt, tgt))
    return {k: ", ".join(v) for k, v in out.items()}


def _from(edges: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
    return edges.loc[edges["source_id"].isin(ids)]


def stake_drilldown(canvas: Canvas, stake_id: str) -> StakeDrilldown:
    """The needs serving ``stake_id`` and what they touch. Raises KeyError for an unknown stake."""
    stakes = canvas.frames["enjeux"]
    match = stakes.loc[stakes["id"] == stake_id]
    if match.empty:
        raise KeyError(stake_id)
    stake = {k: str(v) for k, v in match.iloc[0].items() if not str(k).startswith("_")}
    all_needs = canvas.frames["besoins"]
    stake_edges = linked(canvas, "besoins", "enjeu")
    naming = set(stake_edges.loc[stake_edges["target_id"] == stake_id, "source_id"])
    needs = active_needs(canvas)
    needs = needs.loc[needs["id"].isin(naming)]
    ids = set(needs["id"])
    excluded = [rid for rid in all_needs["id"] if rid in naming and rid not in ids]

    labels = {tab: canvas.labels(tab) for tab in ("donnees", "applications", "roles")}
    role_e, data_e, app_e = (_from(linked(canvas, "besoins", rel), ids) for rel in ("role", "donnee", "application"))
    master = linked(canvas, "donnees", "application_maitre")

    role_names, data_names, app_names = _names(role_e, labels["roles"]), _names(data_e, labels["donnees"]), _names(app_e, labels["applications"])
    need_rows = pd.DataFrame({
        "id": needs["id"].to_numpy(), "besoin": needs["besoin"].to_numpy(),
        "priorite": [ENUM_LABELS.get(p, p) for p in needs["priorite"]], "statut": [ENUM_LABELS.get(s, s) for s in needs["statut"]],
        "roles": [role_names.get(r, "") for r in needs["id"]], "donnees": [data_names.get(r, "") for r in needs["id"]],
        "applications": [app_names.get(r, "") for r in needs["id"]],
    })

    data_counts = data_e["target_id"].value_counts()
    masters = _names(master, labels["applications"])
    data_frame = canvas.frames["donnees"]
    data_rows = pd.DataFrame([
        {"id": rid, "objet": labels["donnees"].get(rid, rid), "application_maitre": masters.get(rid, ""), "besoins": int(data_counts[rid])}
        for rid in data_frame["id"] if rid in data_counts.index
    ], columns=["id", "objet", "application_maitre", "besoins"])

    via: dict[str, set[str]] = {}
    for app in app_e["target_id"]:
        via.setdefault(app, set()).add("besoin")
    for app in master.loc[master["source_id"].isin(set(data_e["target_id"])), "target_id"]:
        via.setdefault(app, set()).add("donnée")
    app_counts = app_e["target_id"].value_counts()
    app_rows = pd.DataFrame([
        {"id": rid, "application": labels["applications"].get(rid, rid), "via": " + ".join(sorted(via[rid])),
         "besoins": int(app_counts.get(rid, 0))}
        for rid in canvas.frames["applications"]["id"] if rid in via
    ], columns=["id", "application", "via", "besoins"])

    role_counts = role_e["target_id"].value_counts()
    roles = canvas.frames["roles"]
    role_rows = pd.DataFrame([
        {"id": rid, "role": labels["roles"].get(rid, rid), "type": ENUM_LABELS.get(kind, kind), "besoins": int(role_counts[rid])}
        for rid, kind in zip(roles["id"], roles["type"], strict=True) if rid in role_counts.index
    ], columns=["id", "role", "type", "besoins"])
    return StakeDrilldown(stake=stake, needs=need_rows, data=data_rows, applications=app_rows, roles=role_rows, excluded=excluded)
