"""The sponsor's one-click report: a download button whose PDF is made when it is clicked.

Making the PDF starts a Chromium (Kaleido) and takes a few seconds, so it is
not made on every page view: Streamlit calls the function given as ``data``
only on a click, in a thread of its own. The function holds the canvas and
settings of the page that drew the button — the report shows what the
sponsor was looking at. PDFs are kept per (canvas version, settings), so a
second click, or a second sponsor, gets the same file at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import streamlit as st

from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.ui import state
from crmcanvas.ui.messages import t

_CACHE: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 4


def report_pdf(canvas: Canvas, cfg: Settings, source: str) -> bytes:
    """The sponsor PDF of this canvas under these settings (made once, then kept)."""
    from crmcanvas.analysis import analyze
    from crmcanvas.reports.pdf import sponsor_report

    key = (canvas.version, state.settings_key(cfg))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    pdf = sponsor_report(canvas, analyze(canvas, cfg), cfg, source=source)
    with _LOCK:
        _CACHE[key] = pdf
        while len(_CACHE) > _KEEP:
            _CACHE.popitem(last=False)
    return pdf


def _maker(canvas: Canvas, cfg: Settings, source: str) -> Callable[[], bytes]:
    return lambda: report_pdf(canvas, cfg, source)


def sponsor_report_button(lang: str, canvas: Canvas, cfg: Settings, source: str) -> None:
    """« Rapport PDF » (A4 landscape) of the canvas this page shows."""
    st.download_button(t("report.button", lang), data=_maker(canvas, cfg, source),
                       file_name=t("report.filename", lang), mime="application/pdf", icon=":material/picture_as_pdf:",
                       on_click="ignore", help=t("report.help", lang), key="crmcanvas_sponsor_report")
