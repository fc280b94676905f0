"""The exchanges between applications as a network: nodes, edges and a deterministic layout. No Plotly here.

Nodes sit on a circle, grouped by status (en place, à conserver, à intégrer, à
remplacer, candidate…) and in sheet order within a status, starting at the top
and going clockwise: the same canvas always draws the same picture, and a new
application moves its neighbours by one step instead of reshuffling the wall.
An exchange is one edge, whichever of the two applications lists the other
(:func:`crmcanvas.analysis.inventory.exchange_pairs`); an application named
in « Échanges » but absent from the inventory is drawn too, apart, as the gap
it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.inventory import exchange_pairs, status_order
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.text import name_key

MISSING = "?"  # prefix of the node of an application named but not inventoried
NODE_COLUMNS = ["node", "label", "status", "kind", "x", "y", "degree"]


@dataclass(frozen=True)
class Network:
    nodes: pd.DataFrame  # node (ID, or "?" + name key), label, status, kind ("app" | "missing"), x, y, degree
    edges: pd.DataFrame  # source, target: node IDs, one row per exchange


def circle(n: int) -> list[tuple[float, float]]:
    """``n`` points on the unit circle, the first at the top, clockwise."""
    return [(math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n)) for i in range(n)]


def exchange_network(canvas: Canvas) -> Network:
    """Every application (and every one named but not inventoried) and one edge per exchange."""
    f = facts_of(canvas)
    status = dict(zip(f.ids["applications"], (s.strip() for s in f.column("applications", "statut")), strict=True))
    rows: list[dict[str, Any]] = [{"node": rid, "label": f.labels["applications"].get(rid, rid), "status": status[rid], "kind": "app"}
            for rid in f.ids["applications"]]
    pairs = list(exchange_pairs(canvas))
    missing: dict[str, str] = {}
    seen = {frozenset(p) for p in pairs}
    for ref in f.unresolved(relation="echange", sources=("applications",)):
        node = MISSING + (name_key(ref["ref"]) or ref["ref"])
        missing.setdefault(node, ref["ref"])
        pair = frozenset((ref["source_id"], node))
        if pair not in seen:
            seen.add(pair)
            pairs.append((ref["source_id"], node))
    rank = {s: i for i, s in enumerate(status_order(set(status.values())))}
    rows.sort(key=lambda r: rank[r["status"]])  # stable: sheet order within a status
    rows += [{"node": node, "label": label, "status": "", "kind": "missing"} for node, label in missing.items()]
    degree: dict[str, int] = {}
    for a, b in pairs:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    for row, (x, y) in zip(rows, circle(len(rows)), strict=True):
        row.update(x=round(x, 6), y=round(y, 6), degree=degree.get(row["node"], 0))
    return Network(nodes=pd.DataFrame(rows, columns=NODE_COLUMNS),
                   edges=pd.DataFrame(pairs, columns=["source", "target"]))
