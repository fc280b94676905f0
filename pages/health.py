"""Project health: nine signals read from the canvas (sponsor, lead, referents, departments, external roles,
measurable stakes, prioritised backlog, data migration, replaced applications), each ok, à surveiller or
manquant, with its evidence and the sentence of the source document it rests on."""

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, readiness, state

layout.page("health")
canvas, cfg = state.live_canvas()
if canvas is not None:
    readiness.health_view(state.analysis(canvas, cfg), cfg.language)
