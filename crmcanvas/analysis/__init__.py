"""Cross-reference analysis of a Canvas: gaps, metrics, coverage, traceability. Pure functions, no I/O.

Importing the package fills the registry: :mod:`.gaps`, :mod:`.metrics` and
:mod:`.health` declare their entries when imported, in screen order; :mod:`.roadmap` and
:mod:`.standard_specific` declare the metrics of choosing and building.
"""

from crmcanvas.analysis import gaps as _gaps  # noqa: F401  (declares the gaps)
from crmcanvas.analysis import health as _health  # noqa: F401  (declares the health signals)
from crmcanvas.analysis import metrics as _metrics  # noqa: F401  (declares the metrics)
from crmcanvas.analysis import standard_specific as _standard_specific  # noqa: F401  (declares its metric, and the roadmap's)
from crmcanvas.analysis.engine import Analysis, analyze, report
from crmcanvas.analysis.registry import REGISTRY, Gap, Metric, Reading, Signal, Source

__all__ = ["REGISTRY", "Analysis", "Gap", "Metric", "Reading", "Signal", "Source", "analyze", "report"]
