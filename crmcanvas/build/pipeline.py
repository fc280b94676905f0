"""The one way a Canvas is made: source -> raw grids -> load + links -> whole-canvas findings."""

from __future__ import annotations

from crmcanvas.build.load import load_grids
from crmcanvas.build.whole_canvas import whole_canvas_findings
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.sources.base import RawCanvas, Source


def canvas_from_raw(raw: RawCanvas, settings: Settings) -> Canvas:
    canvas = load_grids(raw.grids, settings=settings, version=raw.version, source=raw.source,
                        titles=raw.titles, missing=raw.missing)
    canvas.findings.extend(whole_canvas_findings(canvas, settings))
    return canvas


def build_canvas(source: Source, settings: Settings) -> Canvas:
    """Read the source once (all tabs together) and build the Canvas."""
    return canvas_from_raw(source.read(settings.tabs), settings)
