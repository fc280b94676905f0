"""Cross-reference analysis (placeholder until the analysis work lands)."""

from __future__ import annotations

from crmcanvas.canvas import Canvas
from crmcanvas.config import Settings
from crmcanvas.findings import Finding


def extra_findings(canvas: Canvas, settings: Settings) -> list[Finding]:
    """Findings that need the whole canvas (unparsed stories, near-duplicate needs)."""
    return []


def report(canvas: Canvas, settings: Settings) -> dict:
    """What `crmcanvas check --format json` adds: metrics and gaps."""
    return {"metrics": {}, "gaps": {}}
