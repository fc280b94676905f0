"""Saisir un besoin: the « Nouveau besoin » form for an authorised facilitator, then the last needs of the sheet."""

import crmcanvas.ui.boot  # noqa: F401  (first: every module imported once, see its docstring)
from crmcanvas.ui import auth, layout, state, writes

layout.page("capture")
canvas, cfg = state.live_canvas()
if canvas is not None:
    lang = cfg.language
    source = state.feed().source
    if auth.gate(cfg, lang, explain=True, source=source):
        writes.capture_form(canvas, source, lang)
    writes.recent_needs(canvas, lang)
