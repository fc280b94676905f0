"""Cross-reference analysis of a Canvas: gaps, metrics, coverage, traceability. Pure functions, no I/O."""

from crmcanvas.analysis.engine import Analysis, analyze, report

__all__ = ["Analysis", "analyze", "report"]
