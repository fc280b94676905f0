"""The roadmap by lot: the needs of each release, how far each has got, which stakes each serves.

Document 000 asks to « anticiper et programmer les évolutions : lotissement,
road map interne »; document 004 makes the backlog « le fil conducteur durant
tout le déploiement ». The needs' « Lot » column is the release plan: here it
is read as such. Lots are compared case-, accent- and space-insensitively
(« Lot 1 » = « lot1 ») and ordered naturally (« Lot 2 » before « Lot 10 »);
the needs with no lot come last. Only the needs that count
(:func:`~crmcanvas.core.canvas.is_active_need`) are on the roadmap; a need is
delivered when its status is « Livré ». Progress of a lot = delivered / its
needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crmcanvas.analysis.facts import Facts, facts_of
from crmcanvas.analysis.metrics import pct
from crmcanvas.analysis.registry import CANVAS_METHOD, PROJECT_TODO, ChooseBuildMetric, Context, Source, declare_metric
from crmcanvas.core.canvas import Canvas, is_active_need
from crmcanvas.core.text import clean, fold

STATUSES: tuple[str, ...] = ("nouveau", "qualifie", "valide", "en_cours", "livre", "")  # "" : no or unknown status
DELIVERED = "livre"
NO_LOT = ""
_DIGITS = re.compile(r"(\d+)")


def lot_key(text: object) -> str:
    """How two lot cells are the same lot: « Lot 1 » = « lot1 » = « LOT 1 »."""
    return fold(text).replace(" ", "")


def _natural(label: str) -> tuple:
    """« Lot 2 » before « Lot 10 »: numbers compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(fold(label)) if part != "")


@dataclass(frozen=True)
class Lot:
    key: str  # lot_key of the cell, NO_LOT for the needs with none
    label: str  # as first written in the sheet ("" for no lot)
    needs: tuple[str, ...]  # the needs that count, in sheet order
    statuses: dict[str, int]  # status (STATUSES) -> needs
    stakes: dict[str, int]  # stake ID -> needs of the lot serving it (stakes in sheet order, only those served)

    @property
    def total(self) -> int:
        return len(self.needs)

    @property
    def delivered(self) -> int:
        return self.statuses[DELIVERED]

    @property
    def pct(self) -> float | None:
        return pct(self.delivered, self.total)

    def to_dict(self) -> dict:
        return {"lot": self.label, "besoins": self.total, "livres": self.delivered, "pct": self.pct,
                "statuts": {s or "sans_statut": n for s, n in self.statuses.items()}, "enjeux": dict(self.stakes)}


@dataclass(frozen=True)
class Roadmap:
    lots: tuple[Lot, ...]  # in natural order, the needs with no lot last (when there are some)

    @property
    def planned(self) -> tuple[Lot, ...]:
        """The lots proper (the needs with no lot left out)."""
        return tuple(lot for lot in self.lots if lot.key != NO_LOT)

    @property
    def without_lot(self) -> tuple[str, ...]:
        return next((lot.needs for lot in self.lots if lot.key == NO_LOT), ())

    @property
    def delivered(self) -> int:
        return sum(lot.delivered for lot in self.lots)

    @property
    def total(self) -> int:
        return sum(lot.total for lot in self.lots)

    def to_dict(self) -> dict:
        return {"lots": [lot.to_dict() for lot in self.planned], "sans_lot": list(self.without_lot)}


def roadmap_of(f: Facts) -> Roadmap:
    """The active needs grouped by lot, with their statuses and the stakes they serve."""
    status = dict(zip(f.ids["besoins"], f.column("besoins", "statut"), strict=True))
    lot_cell = dict(zip(f.ids["besoins"], f.column("besoins", "lot"), strict=True))
    stakes_of: dict[str, list[str]] = {}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        stakes_of.setdefault(need, []).append(stake)
    labels: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for need in f.active:
        cell = clean(lot_cell.get(need, ""))
        key = lot_key(cell) if cell else NO_LOT
        labels.setdefault(key, cell)
        members.setdefault(key, []).append(need)
    order = lot_order(labels)
    stake_order = {rid: i for i, rid in enumerate(f.ids["enjeux"])}
    lots = []
    for key in order:
        needs = members[key]
        statuses = dict.fromkeys(STATUSES, 0)
        served: dict[str, int] = {}
        for need in needs:
            s = status.get(need, "")
            statuses[s if s in statuses else ""] += 1
            for stake in stakes_of.get(need, ()):
                served[stake] = served.get(stake, 0) + 1
        stakes = dict(sorted(served.items(), key=lambda item: stake_order.get(item[0], len(stake_order))))
        lots.append(Lot(key, labels[key], tuple(needs), statuses, stakes))
    return Roadmap(tuple(lots))


def lot_totals(statuses: Iterable[str], priorities: Iterable[str], lots: Iterable[str]) -> dict[str, tuple[str, int, int]]:
    """Lot key -> (label, delivered, needs) of the needs that count, from three parallel columns of codes.

    What a snapshot's ``besoins.csv`` holds, so a burn-up counts past weeks by the same rule as today's roadmap.
    """
    out: dict[str, tuple[str, int, int]] = {}
    for status, priority, cell in zip(statuses, priorities, lots, strict=True):
        if not is_active_need(status, priority):
            continue
        text = clean(cell)
        key = lot_key(text) if text else NO_LOT
        label, delivered, total = out.get(key, (text, 0, 0))
        out[key] = (label, delivered + (status == DELIVERED), total + 1)
    return out


def lot_order(labels: dict[str, str]) -> list[str]:
    """Lot keys in natural order of their labels, the needs with no lot last."""
    order = sorted((k for k in labels if k != NO_LOT), key=lambda k: _natural(labels[k]))
    return [*order, NO_LOT] if NO_LOT in labels else order


def roadmap(canvas: Canvas) -> Roadmap:
    return roadmap_of(facts_of(canvas))


@declare_metric("besoins_livres", unit="count", source=Source(CANVAS_METHOD, "thread", area="vendors"), entry_class=ChooseBuildMetric)
def delivered_needs(ctx: Context) -> int:
    status = dict(zip(ctx.facts.ids["besoins"], ctx.facts.column("besoins", "statut"), strict=True))
    return sum(1 for need in ctx.facts.active if status.get(need) == DELIVERED)


@declare_metric("besoins_sans_lot", unit="count", source=Source(PROJECT_TODO, "releases", area="vendors"), entry_class=ChooseBuildMetric)
def needs_without_lot(ctx: Context) -> int:
    lot = dict(zip(ctx.facts.ids["besoins"], ctx.facts.column("besoins", "lot"), strict=True))
    return sum(1 for need in ctx.facts.active if not clean(lot.get(need, "")))


__all__ = ["DELIVERED", "NO_LOT", "STATUSES", "Lot", "Roadmap", "lot_key", "lot_order", "lot_totals", "roadmap", "roadmap_of"]
