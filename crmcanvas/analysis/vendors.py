"""Vendor fit: how well each solution (or integrator) answers the backlog, weighted by what matters.

Document 004 says the needs backlog « va d'abord servir à challenger les
éditeurs »: the optional tabs ``editeurs`` and ``integrateurs`` hold what each
candidate answered for each need (:mod:`crmcanvas.build.answers` reads both
layouts). Here those answers become a score per solution.

**Weight of a need** = MoSCoW weight of its priority (:data:`~crmcanvas.analysis.metrics.MOSCOW_WEIGHTS`:
Must 4, Should 2, Could 1, none 1) × the weight of its most important stake
(:data:`STAKE_WEIGHTS`: haute 3, moyenne 2, basse 1; no stake or no priority 1).

**Points of an answer** (:data:`ANSWER_POINTS`): standard 3, paramétrage 2,
spécifique 1, non couvert 0, out of 3.

**Score** = 100 × Σ weight × points / (3 × Σ weight), both sums over the needs
the solution was evaluated on: a need with no answer is *non évalué* and left
out of both sums (it does not count as « non couvert »), and ``None`` when
nothing is evaluated. ``evaluated_pct`` says how much of the (weighted)
backlog the score rests on. The coverage of a stake by a solution is the same
formula over the needs that serve the stake. Only the needs that count
(:func:`~crmcanvas.core.canvas.is_active_need`) are scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmcanvas.analysis.facts import Facts, facts_of
from crmcanvas.analysis.metrics import weight
from crmcanvas.build.answers import ANSWER_TABS, NOT_EVALUATED, SCORED, read_answers
from crmcanvas.core.canvas import Canvas
from crmcanvas.i18n import DEFAULT_LANG

ANSWER_POINTS: dict[str, int] = {"standard": 3, "parametrage": 2, "specifique": 1, "non_couvert": 0}
MAX_POINTS = 3
STAKE_WEIGHTS: dict[str, int] = {"haute": 3, "moyenne": 2, "basse": 1}
UNSET_STAKE_WEIGHT = 1  # a need serving no stake, or only stakes with no priority
ANSWERS: tuple[str, ...] = (*SCORED, NOT_EVALUATED)  # the order of every breakdown


def _score(pairs: list[tuple[int, int]]) -> float | None:
    """100 × Σ w·p / (3 × Σ w) over (weight, points) of evaluated needs; None when there is nothing to weigh."""
    total = sum(w for w, _ in pairs)
    if not total:
        return None
    return round(100.0 * sum(w * p for w, p in pairs) / (MAX_POINTS * total), 1)


@dataclass(frozen=True)
class SolutionFit:
    """One solution against the backlog."""

    solution: str
    score: float | None  # 0–100, None when no need that counts was evaluated
    evaluated_pct: float | None  # weighted share of the backlog it was evaluated on
    counts: dict[str, int]  # answer code (ANSWERS) -> needs that count
    musts_not_covered: list[str]  # Must needs answered « non couvert », in sheet order
    stakes: dict[str, float | None]  # stake ID -> the same score over the stake's needs (None: none evaluated)
    answers: dict[str, str] = field(default_factory=dict, repr=False)  # need ID -> answer code (needs that count)

    @property
    def not_evaluated(self) -> int:
        return self.counts[NOT_EVALUATED]

    def to_dict(self) -> dict:
        """The JSON entry of ``crmcanvas check --format json`` (``vendors`` / ``integrators``)."""
        return {"solution": self.solution, "score": self.score, "musts_non_couverts": list(self.musts_not_covered),
                "non_evalues": self.not_evaluated}


@dataclass(frozen=True)
class Fit:
    """Every solution of one tab (``editeurs`` or ``integrateurs``), in sheet order."""

    tab: str
    present: bool
    layout: str = ""
    solutions: tuple[SolutionFit, ...] = ()
    needs: int = 0  # needs that count, each scored against every solution
    ignored: tuple[str, ...] = ()  # wide layout: columns read as no solution

    def ranking(self) -> list[SolutionFit]:
        """Best score first; solutions with nothing evaluated last, in sheet order."""
        return sorted(self.solutions, key=lambda s: (s.score is None, -(s.score or 0.0)))

    def to_list(self) -> list[dict]:
        return [s.to_dict() for s in self.solutions]


def stake_weight(priorities: list[str]) -> int:
    """The weight of a need's stakes: its most important stake's (haute 3, moyenne 2, basse 1), else 1."""
    return max((STAKE_WEIGHTS.get(p, UNSET_STAKE_WEIGHT) for p in priorities), default=UNSET_STAKE_WEIGHT)


def need_weights(f: Facts) -> dict[str, int]:
    """Active need -> its weight: MoSCoW weight × its most important stake's weight."""
    stake_priority = dict(zip(f.ids["enjeux"], f.column("enjeux", "priorite"), strict=True))
    stakes_of: dict[str, list[str]] = {}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        stakes_of.setdefault(need, []).append(stake_priority.get(stake, ""))
    priority = dict(zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True))
    return {need: weight(priority.get(need, "")) * stake_weight(stakes_of.get(need, [])) for need in f.active}


def stake_needs(f: Facts) -> dict[str, list[str]]:
    """Stake ID -> active needs serving it, stakes in sheet order."""
    out: dict[str, list[str]] = {rid: [] for rid in f.ids["enjeux"]}
    for need, stake in f.pairs("besoins", "enjeu", "enjeux", active_only=True):
        if stake in out:
            out[stake].append(need)
    return out


def fit(canvas: Canvas, tab: str = "editeurs", lang: str = DEFAULT_LANG) -> Fit:
    """Score every solution of ``tab`` against the needs that count (see the module's formula)."""
    answers = read_answers(canvas, tab, lang)
    if not answers.present:
        return Fit(tab, present=False)
    f = facts_of(canvas)
    weights = need_weights(f)
    by_stake = stake_needs(f)
    priority = dict(zip(f.ids["besoins"], f.column("besoins", "priorite"), strict=True))
    out = []
    for solution in answers.solutions:
        given = answers.of(solution)
        codes = {need: (given[need].code if need in given else NOT_EVALUATED) for need in f.active}
        counts = dict.fromkeys(ANSWERS, 0)
        for code in codes.values():
            counts[code] += 1
        evaluated = [(weights[n], ANSWER_POINTS[c]) for n, c in codes.items() if c in ANSWER_POINTS]
        whole = sum(weights.values())
        evaluated_pct = round(100.0 * sum(w for w, _ in evaluated) / whole, 1) if whole else None
        musts = [n for n, c in codes.items() if c == "non_couvert" and priority.get(n) == "must"]
        stakes = {stake: _score([(weights[n], ANSWER_POINTS[codes[n]]) for n in needs if codes[n] in ANSWER_POINTS])
                  for stake, needs in by_stake.items()}
        out.append(SolutionFit(solution, _score(evaluated), evaluated_pct, counts, musts, stakes, codes))
    return Fit(tab, True, answers.layout, tuple(out), len(f.active), answers.ignored)


def fits(canvas: Canvas, lang: str = DEFAULT_LANG) -> dict[str, Fit]:
    """The fit of each answers tab the canvas has (``editeurs``, ``integrateurs``)."""
    found = {tab: fit(canvas, tab, lang) for tab in ANSWER_TABS}
    return {tab: result for tab, result in found.items() if result.present}


REPORT_KEYS = {"editeurs": "vendors", "integrateurs": "integrators"}  # report() key of each tab

__all__ = ["ANSWERS", "ANSWER_POINTS", "MAX_POINTS", "REPORT_KEYS", "STAKE_WEIGHTS", "UNSET_STAKE_WEIGHT", "Fit", "SolutionFit",
           "fit", "fits", "need_weights", "stake_needs", "stake_weight"]
