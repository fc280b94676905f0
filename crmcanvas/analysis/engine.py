"""The analysis entry point: everything the dashboard, the CLI and snapshots show, in one pass.

:func:`analyze` computes gaps, metrics, per-stake coverage, matrices and the
Sankey table of a canvas; :func:`report` is its JSON-ready view (what
``crmcanvas check --format json`` adds). The work lives in small modules
(:mod:`.facts`, :mod:`.gaps`, :mod:`.metrics`, :mod:`.traceability`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.gaps import Item, find_gaps
from crmcanvas.analysis.metrics import compute_metrics, stake_coverage
from crmcanvas.analysis.traceability import SankeyTable, all_matrices, sankey_table
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings


@dataclass(frozen=True)
class Analysis:
    gaps: dict[str, list[Item]]
    metrics: dict[str, object]
    coverage: pd.DataFrame  # per stake, see metrics.stake_coverage
    matrices: dict[str, pd.DataFrame]
    sankey: SankeyTable


def analyze(canvas: Canvas, settings: Settings | None = None, *, group_by: str = "priorite", top_n: int = 15) -> Analysis:
    """Gaps, metrics, coverage, matrices and the Sankey table of a loaded canvas."""
    settings = settings or Settings()
    facts = facts_of(canvas)
    gaps = find_gaps(canvas, settings, facts)
    coverage = stake_coverage(canvas, facts)
    return Analysis(
        gaps=gaps,
        metrics=compute_metrics(canvas, gaps, facts, coverage),
        coverage=coverage,
        matrices=all_matrices(canvas, facts),
        sankey=sankey_table(canvas, group_by=group_by, top_n=top_n, facts=facts),
    )


def report(canvas: Canvas, settings: Settings) -> dict:
    """What `crmcanvas check --format json` adds: metrics and gaps."""
    facts = facts_of(canvas)
    gaps = find_gaps(canvas, settings, facts)
    return {"metrics": compute_metrics(canvas, gaps, facts), "gaps": gaps}
