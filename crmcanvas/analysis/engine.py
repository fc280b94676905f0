"""The analysis entry point: everything the dashboard, the CLI and snapshots show, in one pass.

:func:`analyze` runs every gap, metric and health signal of the registry
(:mod:`.registry`), the per-stake coverage, the matrices, the Sankey table,
the checklist's progress, the vendors' fit and the roadmap by lot of a canvas, in the language of the settings;
:meth:`Analysis.report` is its JSON-ready view (what ``crmcanvas check --format
json`` adds, and what a snapshot keeps). The facts every part reads are built
once per canvas (:func:`.facts.facts_of`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from crmcanvas.analysis.checklist import ChecklistProgress, progress
from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.registry import Context, Item, Reading, gaps, metrics, signals
from crmcanvas.analysis.roadmap import Roadmap, roadmap_of
from crmcanvas.analysis.traceability import SankeyTable, all_matrices, sankey_table
from crmcanvas.analysis.vendors import REPORT_KEYS, Fit, fits
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
    health: dict[str, Reading] = field(default_factory=dict)  # signal code -> reading, in registry order
    checklist: ChecklistProgress | None = None
    fits: dict[str, Fit] = field(default_factory=dict)  # answers tab (editeurs, integrateurs) -> fit, the tabs present
    roadmap: Roadmap | None = None

    def report(self) -> dict:
        """The JSON-ready view (``crmcanvas check --format json``, snapshots): metrics, gaps, health, checklist,
        and ``vendors`` / ``integrators`` when the canvas has those tabs."""
        from crmcanvas.analysis.health import summary

        out: dict = {"metrics": self.metrics, "gaps": self.gaps,
                     "health": {code: reading.to_dict() for code, reading in self.health.items()},
                     "health_summary": summary(self.health)}
        if self.checklist is not None:
            out["checklist"] = self.checklist.to_dict()
        for tab, fit in self.fits.items():
            out[REPORT_KEYS[tab]] = fit.to_list()
        return out


def analyze(canvas: Canvas, settings: Settings | None = None, *, group_by: str = "priorite", top_n: int = 15,
            today: date | None = None) -> Analysis:
    """Gaps, metrics, health, coverage, matrices, Sankey table and checklist of a loaded canvas, in ``settings.language``.

    ``today`` dates the checklist's overdue items (default: the system's date).
    """
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
        health={entry.code: entry.read(ctx) for entry in signals()},
        checklist=progress(canvas, today),
        fits=fits(canvas, ctx.lang),
        roadmap=roadmap_of(ctx.facts),
    )


def report(canvas: Canvas, settings: Settings) -> dict:
    """Shorthand for ``analyze(canvas, settings).report()``."""
    return analyze(canvas, settings).report()
