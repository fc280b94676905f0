"""crmcanvas: keep a CRM project's Canevas Systémique honest.

What a notebook or a script needs, in one import::

    import crmcanvas

    canvas = crmcanvas.load_canvas("canevas.xlsx")        # or a Google Sheet URL; None: the configured source
    result = crmcanvas.analyze(canvas)
    result.metrics["enjeux_couverts_pct"], result.gaps["enjeux_sans_besoin"]
    [f.message for f in canvas.findings]

Everything else is reachable through the subpackages (``core``, ``sources``,
``build``, ``analysis``, ``reports``); names not listed in ``__all__`` may
change between versions. Imports are lazy so that ``crmcanvas --help`` stays
quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from crmcanvas.analysis import Analysis, analyze
    from crmcanvas.analysis.changes import Changes, canvas_changes
    from crmcanvas.core.canvas import Canvas
    from crmcanvas.core.config import ConfigError, Settings, resolve
    from crmcanvas.core.findings import Finding
    from crmcanvas.sources.base import SourceError

_LAZY = {
    "Analysis": "crmcanvas.analysis",
    "analyze": "crmcanvas.analysis",
    "Changes": "crmcanvas.analysis.changes",
    "canvas_changes": "crmcanvas.analysis.changes",
    "Canvas": "crmcanvas.core.canvas",
    "ConfigError": "crmcanvas.core.config",
    "Settings": "crmcanvas.core.config",
    "resolve": "crmcanvas.core.config",
    "Finding": "crmcanvas.core.findings",
    "SourceError": "crmcanvas.sources.base",
}


def load_canvas(source: str | None = None, settings: Settings | None = None) -> Canvas:
    """Read a whole canvas once: a Google Sheet URL or key, an ``.xlsx`` path, or ``None`` for the
    configured source (``config/canvas.toml``, secrets, ``CRMCANVAS_*``), else the bundled demo.

    Bad cells never raise: they are in ``canvas.findings``. A source that cannot
    be read raises :class:`SourceError` (its ``message`` says why, in French).
    """
    import dataclasses

    from crmcanvas.build.pipeline import build_canvas
    from crmcanvas.core.config import resolve
    from crmcanvas.sources import open_source

    resolved = resolve(source=source)
    if settings is not None:
        resolved = dataclasses.replace(resolved, settings=settings)
    return build_canvas(open_source(resolved), resolved.settings)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crmcanvas' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "Analysis", "Canvas", "Changes", "ConfigError", "Finding", "Settings", "SourceError",
    "analyze", "canvas_changes", "load_canvas", "resolve", "__version__",
]
