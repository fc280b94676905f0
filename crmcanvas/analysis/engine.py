"""The analysis entry point: everything the dashboard, the CLI and snapshots show, in one pass.

:func:`analyze` runs every gap and metric of the registry (:mod:`.registry`),
the per-stake coverage, the matrices and the Sankey table of a canvas, in the
language of the settings; :meth:`Analysis.report` is its JSON-ready view (what
``crmcanvas check --format json`` adds). The facts every part reads are built
once per canvas (:func:`.facts.facts_of`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.registry import Context, Item, gaps, metrics
from crmcanvas.analysis.traceability import SankeyTable, all_matrices, sankey_table
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings


@dataclass(frozen=True)
class Analysis:
    gaps: dict[str, list[Item]]  # gap code -> items, in registry order
    metrics: dict[str, object]  # metric code -> value, in registry order
    coverage: pd.DataFrame  # per stake, see metrics.stake_coverage
    matrices: dict[str, pd.DataFrame]
    sankey: SankeyTable
    lang: str

    def report(self) -> dict:
        """The JSON-ready view: metrics and gaps (``crmcanvas check --format json``)."""
        return {"metrics": self.metrics, "gaps": self.gaps}


def analyze(canvas: Canvas, settings: Settings | None = None, *, group_by: str = "priorite", top_n: int = 15) -> Analysis:
    """Gaps, metrics, coverage, matrices and the Sankey table of a loaded canvas, in ``settings.language``."""
    settings = settings or Settings()
    ctx = Context(canvas=canvas, settings=settings, lang=settings.language, facts=facts_of(canvas))
    found = {entry.code: ctx.gap(entry.code) for entry in gaps()}
    return Analysis(
        gaps=found,
        metrics={entry.code: entry.compute(ctx) for entry in metrics()},
        coverage=ctx.coverage,
        matrices=all_matrices(canvas),
        sankey=sankey_table(canvas, group_by=group_by, top_n=top_n, lang=ctx.lang),
        lang=ctx.lang,
    )


def report(canvas: Canvas, settings: Settings) -> dict:
    """Shorthand for ``analyze(canvas, settings).report()``."""
    return analyze(canvas, settings).report()
