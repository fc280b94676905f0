"""Standard vs specific: how much of the backlog needs custom development, per stake and per lot.

Document 000 asks to « arbitrer spécifique vs standard »: specific development
is the cost driver the sponsor must arbitrate. The needs' « Type » column
(value set ``type_besoin``: standard, paramétrage, spécifique) says which; the
share of specific development is counted on the needs that count and have a
type (a need with no type is shown, not guessed): 100 × spécifique / (standard
+ paramétrage + spécifique), ``None`` when no need has a type.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmcanvas.analysis.facts import Facts
from crmcanvas.analysis.metrics import pct
from crmcanvas.analysis.registry import PROJECT_TODO, ChooseBuildMetric, Context, Source, declare_metric
from crmcanvas.analysis.roadmap import Roadmap

TYPES: tuple[str, ...] = ("standard", "parametrage", "specifique", "")  # "": no type (or one the value set does not know)
SPECIFIC = "specifique"


@dataclass(frozen=True)
class TypeMix:
    key: str  # a stake ID or a lot's key
    label: str
    counts: dict[str, int]  # type (TYPES) -> needs

    @property
    def typed(self) -> int:
        return sum(n for t, n in self.counts.items() if t)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def specific_pct(self) -> float | None:
        return pct(self.counts[SPECIFIC], self.typed)

    def to_dict(self) -> dict:
        return {"id": self.key, "label": self.label, **{t or "sans_type": n for t, n in self.counts.items()},
                "part_specifique_pct": self.specific_pct}


def _types(f: Facts) -> dict[str, str]:
    return dict(zip(f.ids["besoins"], f.column("besoins", "type"), strict=True))


def _mix(key: str, label: str, needs: list[str] | tuple[str, ...], types: dict[str, str]) -> TypeMix:
    counts = dict.fromkeys(TYPES, 0)
    for need in needs:
        t = types.get(need, "")
        counts[t if t in counts else ""] += 1
    return TypeMix(key, label, counts)


def by_stake(f: Facts) -> list[TypeMix]:
    """Per stake (sheet order), the types of the needs that count and serve it."""
    types = _types(f)
    needs: dict[str, list[str]] = {rid: [] for rid in f.ids["enjeux"]}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        if stake in needs:
            needs[stake].append(need)
    return [_mix(rid, f.labels["enjeux"].get(rid, rid), members, types) for rid, members in needs.items()]


def by_lot(f: Facts, plan: Roadmap) -> list[TypeMix]:
    """Per lot (roadmap order, the needs with no lot last), the types of its needs."""
    types = _types(f)
    return [_mix(lot.key, lot.label, lot.needs, types) for lot in plan.lots]


def overall(f: Facts) -> TypeMix:
    return _mix("", "", f.active, _types(f))


@declare_metric("part_specifique_pct", unit="pct", source=Source(PROJECT_TODO, "specific", area="vendors"),
                entry_class=ChooseBuildMetric)
def specific_share(ctx: Context) -> float | None:
    return overall(ctx.facts).specific_pct


__all__ = ["SPECIFIC", "TYPES", "TypeMix", "by_lot", "by_stake", "overall"]
