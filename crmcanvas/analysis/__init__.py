"""Cross-reference analysis of a Canvas: gaps, metrics, coverage, traceability. Pure functions, no I/O.

Importing the package fills the registry: :mod:`.gaps` and :mod:`.metrics`
declare their entries when imported, in screen order.
"""

from crmcanvas.analysis import gaps as _gaps  # noqa: F401  (declares the gaps)
from crmcanvas.analysis import metrics as _metrics  # noqa: F401  (declares the metrics)
from crmcanvas.analysis.engine import Analysis, analyze, report
from crmcanvas.analysis.registry import REGISTRY, Gap, Metric, Source

__all__ = ["REGISTRY", "Analysis", "Gap", "Metric", "Source", "analyze", "report"]
