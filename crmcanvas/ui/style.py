"""The dashboard's own CSS, injected once per page by :func:`apply`: one place for what Streamlit's theme
cannot say.

- Always: a metric's label wraps instead of ending in « … » (« Besoins rattachés
  à un e… » told nobody anything), and printing the page (Ctrl+P) gives whole
  charts on A4 landscape, without the sidebar or Streamlit's toolbar.
- Wall (``?mode=projection``): no sidebar, no header, no toolbar, no footer,
  type that grows with the screen (about 19 px at 1280 px wide, 26 px at
  1920 px), the page using the whole width.

The CSS is ours and constant (no sheet text), drawn with ``st.html``, which
puts a style-only block out of the page's flow.
"""

from __future__ import annotations

import streamlit as st

from crmcanvas.ui.modes import Mode

COMMON = """
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere; height: auto !important; max-height: none !important;
}
[data-testid="stMetricLabel"] { min-height: 1.5em; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stBottom"], footer, .crm-no-print { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; max-width: none !important; padding: 0 !important;
  }
  [data-testid="stPlotlyChart"], .js-plotly-plot, [data-testid="stMetric"], [data-testid="stTable"],
  [class*="st-key-crm-card-"] { break-inside: avoid !important; page-break-inside: avoid !important; }
  h1, h2, h3 { break-after: avoid !important; page-break-after: avoid !important; }
}
"""

WALL = """
html { font-size: clamp(17px, 1.45vw, 26px); }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2rem 1rem 2rem !important; max-width: none !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stMetricValue"] { font-size: 2.6rem !important; }
h1 { font-size: 2.1rem !important; padding-top: 0 !important; }
"""


def css(mode: Mode) -> str:
    """The stylesheet for this mode."""
    return COMMON + (WALL if mode.wall else "")


def apply(mode: Mode) -> None:
    st.html(f"<style>{css(mode)}</style>")
