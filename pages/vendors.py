"""Solution fit: each vendor's (and integrator's) weighted score against the backlog, with its formula, the Must
needs it leaves uncovered, what it was not evaluated on and each stake's coverage; then standard vs specific per
stake and per lot. Without an « éditeurs » tab, what to add.
"""

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import layout, state, vendors

layout.page("vendors")
canvas, cfg = state.live_canvas()
if canvas is not None:
    vendors.vendors_view(canvas, state.analysis(canvas, cfg), cfg, cfg.language)
