"""Roadmap: the needs by lot and status, each lot's progress, the burn-up across snapshots, the stakes each lot
serves and the needs with no lot yet.
"""

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, roadmap, state

layout.page("roadmap")
canvas, cfg = state.live_canvas()
if canvas is not None:
    roadmap.roadmap_view(canvas, state.analysis(canvas, cfg), cfg, cfg.language, past=state.history())
