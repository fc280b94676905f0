"""One card per stake: what the Enjeux page projects, as plain data.

A card says what the canvas method asks of a stake (« en les nommant et en les
décrivant (situation actuelle, situation désirée), nous les quantifions et nous
imaginons les critères… »): its situations, its indicator with the current
value, the target and the deadline, who carries it, and the needs that serve
it by MoSCoW priority. « No need » and « no indicator » are read from the
registry's gaps (``enjeux_sans_besoin``, ``enjeux_sans_indicateur``), so the
card and the coverage page can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmcanvas.analysis.engine import Analysis
from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.metrics import PRIORITY_COLUMNS
from crmcanvas.analysis.views import named
from crmcanvas.core.canvas import Canvas

FIELDS = ("situation_actuelle", "situation_desiree", "indicateur", "valeur_actuelle", "valeur_cible", "echeance", "priorite")


@dataclass(frozen=True)
class StakeCard:
    id: str
    title: str
    current: str  # situation actuelle
    desired: str  # situation désirée
    indicator: str
    current_value: str
    target_value: str
    deadline: str  # « 12 mois » or a date, as written
    importance: str  # value-set code (haute / moyenne / basse) or the text as written
    owners: list[str] = field(default_factory=list)  # porteur(s) as people read them
    needs: dict[str, int] = field(default_factory=dict)  # active needs per priority: must, should, could, sans_priorite
    total: int = 0  # active needs serving the stake
    excluded: int = 0  # rejected or « won't » needs that name it
    no_need: bool = False
    no_indicator: bool = False


def stake_cards(canvas: Canvas, analysis: Analysis) -> list[StakeCard]:
    """The cards of every stake, in sheet order, from the canvas and its analysis (coverage and gaps)."""
    f = facts_of(canvas)
    columns = {c: f.column("enjeux", c) for c in FIELDS}
    owners = named(f, "enjeux", "porteur")
    coverage = {row["id"]: row for row in analysis.coverage.to_dict(orient="records")}
    no_need = {item["id"] for item in analysis.gaps.get("enjeux_sans_besoin", [])}
    no_indicator = {item["id"] for item in analysis.gaps.get("enjeux_sans_indicateur", [])}
    excluded: dict[str, set[str]] = {}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux"):
        if need not in f.active_set:
            excluded.setdefault(stake, set()).add(need)
    cards = []
    for i, rid in enumerate(f.ids["enjeux"]):
        row = coverage.get(rid, {})
        value = {c: columns[c][i].strip() for c in FIELDS}
        cards.append(StakeCard(
            id=rid, title=f.labels["enjeux"].get(rid, rid), current=value["situation_actuelle"], desired=value["situation_desiree"],
            indicator=value["indicateur"], current_value=value["valeur_actuelle"], target_value=value["valeur_cible"],
            deadline=value["echeance"], importance=value["priorite"], owners=owners.get(rid, []),
            needs={key: int(row.get(key, 0)) for key in PRIORITY_COLUMNS}, total=int(row.get("besoins", 0)),
            excluded=len(excluded.get(rid, ())), no_need=rid in no_need, no_indicator=rid in no_indicator,
        ))
    return cards
