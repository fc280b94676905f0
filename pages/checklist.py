"""Checklist: the CRM project checklist (document 001) as the canvas's optional « checklist » tab records it.

Progress per chapter, overdue and ownerless sub-items, the planning's milestones
on a timeline; without the tab, the template to download (or to create, where
writing is allowed).
"""

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, readiness, state

layout.page("checklist")
canvas, cfg = state.live_canvas()
if canvas is not None:
    readiness.checklist_view(canvas, cfg, cfg.language, source=state.feed().source)
