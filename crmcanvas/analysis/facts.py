"""Facts: the plain-Python view of a canvas that every analysis reads.

Gaps, metrics, matrices and the Sankey all ask the same questions ("which
needs are active?", "which stakes does B12 serve?"). Asking pandas each time
costs a millisecond per question, which adds up to a slow dashboard on a small
canvas; so the edges are read once into lists and sets here, and the analysis
modules work on those. :func:`facts_of` builds them on first use and keeps
them on the canvas, so gaps, metrics, coverage, matrices, the Sankey and the
drill-down of one canvas share one set of facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from crmcanvas.core.canvas import Canvas
from crmcanvas.core.schema import TAB_KEYS
from crmcanvas.core.text import shorten

Pair = tuple[str, str]


@dataclass
class Facts:
    canvas: Canvas
    ids: dict[str, list[str]]  # tab -> IDs in sheet order
    labels: dict[str, dict[str, str]]  # tab -> id -> human label
    columns: dict[tuple[str, str], list[str]]  # (tab, column) -> values in sheet order (filled on demand)
    active: list[str]  # needs that count: not rejected, not "wont"
    edges: dict[tuple[str, str], list[tuple[str, str, str]]]  # (source_tab, relation) -> (source, target_tab, target)
    dangling: list[dict[str, str]]  # unresolved references (source_tab, source_id, relation, target_tab, ref)
    active_set: set[str] = field(default_factory=set)
    _pairs: dict[tuple, list[Pair]] = field(default_factory=dict, repr=False)
    _need_labels: dict[str, str] | None = field(default=None, repr=False)

    @property
    def need_labels(self) -> dict[str, str]:
        """Active need -> its text, cut to 90 characters (a gap item's label)."""
        if self._need_labels is None:
            self._need_labels = {rid: shorten(self.labels["besoins"].get(rid, rid), 90) for rid in self.active}
        return self._need_labels

    def column(self, tab: str, column: str) -> list[str]:
        key = (tab, column)
        if key not in self.columns:
            self.columns[key] = self.canvas.frames[tab][column].tolist()
        return self.columns[key]

    def pairs(self, source_tab: str, relation: str, target_tab: str | None = None, *, active_only: bool = False) -> list[Pair]:
        """(source_id, target_id) of one relation, optionally only from active needs. Cached: do not mutate."""
        key = (source_tab, relation, target_tab, active_only)
        if key not in self._pairs:
            out = [(s, t) for s, tt, t in self.edges.get((source_tab, relation), ()) if target_tab is None or tt == target_tab]
            if active_only:
                out = [(s, t) for s, t in out if s in self.active_set]
            self._pairs[key] = out
        return self._pairs[key]

    def unresolved(self, *, relation: str | None = None, target_tab: str | None = None,
                   sources: tuple[str, ...] | None = None) -> list[dict[str, str]]:
        return [d for d in self.dangling
                if (relation is None or d["relation"] == relation) and (target_tab is None or d["target_tab"] == target_tab)
                and (sources is None or d["source_tab"] in sources)]


_MEMO = "_analysis_facts"  # attribute of the Canvas that keeps its facts


def facts_of(canvas: Canvas) -> Facts:
    """The facts of ``canvas``, built once and kept on it.

    A canvas does not change once built; should its frames, edges or dangling
    references be replaced, the facts are rebuilt.
    """
    stamp = (canvas.edges, canvas.dangling, *canvas.frames.values())
    kept = canvas.__dict__.get(_MEMO)
    if kept is not None and len(kept[0]) == len(stamp) and all(a is b for a, b in zip(kept[0], stamp, strict=True)):
        return kept[1]
    facts = _build(canvas)
    canvas.__dict__[_MEMO] = (stamp, facts)
    return facts


def _build(canvas: Canvas) -> Facts:
    frames = canvas.frames
    ids = {tab: frames[tab]["id"].tolist() for tab in TAB_KEYS}
    needs = frames["besoins"]
    active = canvas.active_need_ids()
    labels = {tab: canvas.labels(tab) for tab in TAB_KEYS if tab != "besoins"}
    labels["besoins"] = dict(zip(ids["besoins"], needs["besoin"].tolist(), strict=True))
    edges: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    e = canvas.edges
    if e is not None and len(e):
        for st, sid, rel, tt, tid in zip(e["source_tab"].tolist(), e["source_id"].tolist(), e["relation"].tolist(),
                                         e["target_tab"].tolist(), e["target_id"].tolist(), strict=True):
            edges[(st, rel)].append((sid, tt, tid))
    d = canvas.dangling
    dangling: list[dict[str, str]] = []
    if d is not None and len(d):
        keys = ["source_tab", "source_id", "relation", "target_tab", "ref"]
        dangling = [dict(zip(keys, row, strict=True)) for row in zip(*(d[k].astype(str).tolist() for k in keys), strict=True)]
    return Facts(canvas=canvas, ids=ids, labels=labels, columns={}, active=active, edges=dict(edges), dangling=dangling,
                 active_set=set(active))
