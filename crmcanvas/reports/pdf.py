"""The sponsor's report: an A4 landscape PDF with the headline metrics and every chart whole.

:func:`compose` lays out what it is given (fpdf2, no Streamlit): a first page
with the title, the date, the source and the headline metrics (value and
definition), then one chart per page, scaled to fit the page's free area with
its proportions kept, so a tall Sankey is smaller but never cut.
:func:`sponsor_report` gathers those pieces from a canvas: the charts of the
coverage page, drawn as PNG through Kaleido (:mod:`.images`).

Text is drawn with a Unicode TrueType font found on the machine (DejaVu Sans
or Liberation Sans, which Debian's Chromium brings along); without one, the
PDF core font is used and characters outside Latin-1 are replaced, so a sheet
title in another script never breaks the report. Sheet text is plain text
here (no Markdown, no HTML).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.images import Image

PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 10.0  # millimetres, A4 landscape
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    definition: str


@dataclass(frozen=True)
class Chart:
    title: str
    image: Image


def _font(pdf) -> tuple[str, bool]:
    """(family, unicode?): a TrueType font when the machine has one, else the PDF core font."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdf.add_font("Report", "", regular)
            pdf.add_font("Report", "B", bold)
            return "Report", True
    return "helvetica", False


def _text(value: object, unicode: bool) -> str:
    text = str(value)
    if unicode:
        return text
    swaps = {"→": "->", "—": "-", "–": "-", "…": "...", "’": "'", "“": '"', "”": '"', "\u202f": " ", "\u2060": ""}
    return "".join(swaps.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")


def fit(width: float, height: float, box_w: float, box_h: float) -> tuple[float, float]:
    """The largest size with the proportions of ``width`` × ``height`` that fits the box."""
    scale = min(box_w / width, box_h / height)
    return width * scale, height * scale


def compose(*, title: str, lines: Sequence[str], headlines: Sequence[Headline], charts: Sequence[Chart],
            lang: str = DEFAULT_LANG) -> bytes:
    """The PDF: a cover page (title, ``lines``, metric boxes), then one page per chart."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    family, unicode = _font(pdf)
    pdf.set_title(_text(title, unicode))
    pdf.set_creator("crmcanvas")

    pdf.add_page()
    pdf.set_font(family, "B", 22)
    pdf.multi_cell(PAGE_W - 2 * MARGIN, 11, _text(title, unicode), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 11)
    for line in lines:
        pdf.multi_cell(PAGE_W - 2 * MARGIN, 6, _text(line, unicode), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    per_row = 3
    gap = 6.0
    box_w = (PAGE_W - 2 * MARGIN - gap * (per_row - 1)) / per_row
    box_h = 48.0
    top = pdf.get_y()
    for i, item in enumerate(headlines):
        x = MARGIN + (i % per_row) * (box_w + gap)
        y = top + (i // per_row) * (box_h + gap)
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x, y, box_w, box_h)
        pdf.set_xy(x + 4, y + 3)
        pdf.set_font(family, "", 11)
        pdf.multi_cell(box_w - 8, 5, _text(item.label, unicode), new_x="LEFT", new_y="NEXT")
        pdf.set_font(family, "B", 24)
        pdf.set_x(x + 4)
        pdf.cell(box_w - 8, 12, _text(item.value, unicode), new_x="LEFT", new_y="NEXT")
        pdf.set_font(family, "", 8)
        pdf.set_x(x + 4)
        pdf.multi_cell(box_w - 8, 3.8, _text(item.definition, unicode), new_x="LEFT", new_y="NEXT",
                       max_line_height=3.8)

    for number, chart in enumerate(charts, start=1):
        pdf.add_page()
        pdf.set_font(family, "", 9)
        pdf.set_text_color(110, 110, 110)
        pdf.cell(PAGE_W - 2 * MARGIN, 5, _text(t("ui.report.chart_header", lang, title=title, number=number,
                                                   total=len(charts)), unicode), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        area_top = MARGIN + 7
        w, h = fit(chart.image.width, chart.image.height, PAGE_W - 2 * MARGIN, PAGE_H - area_top - MARGIN)
        x = (PAGE_W - w) / 2
        pdf.image(io.BytesIO(chart.image.png), x=x, y=area_top, w=w, h=h, alt_text=_text(chart.title, unicode))
    return bytes(pdf.output())


def sponsor_report(canvas, analysis, settings, *, source: str, now: datetime | None = None,
                   headline_codes: Sequence[str] | None = None) -> bytes:
    """The sponsor's PDF for this canvas: headline metrics, then the coverage, traceability and gap charts."""
    from crmcanvas.analysis.registry import metric
    from crmcanvas.reports import charts as ch
    from crmcanvas.reports.images import to_png

    lang = settings.language
    now = now or datetime.now().astimezone()
    codes = headline_codes or REPORT_METRICS
    headlines = [Headline(metric(code).label(lang), format_metric(analysis.metrics.get(code), metric(code).unit, lang),
                          metric(code).definition(lang)) for code in codes]
    figures = [
        ch.coverage_bar(analysis.coverage, lang=lang, size=ch.PRINT),
        ch.sankey_figure(analysis.sankey, lang=lang, size=ch.PRINT, counts=ch.sankey_counts(canvas, analysis.metrics)),
        ch.gap_counts_bar(analysis.gaps, lang=lang, size=ch.PRINT),
    ]
    images = to_png(figures)
    titles = [str(fig.layout.title.text or "") for fig in figures]
    return compose(
        title=t("ui.report.title", lang),
        lines=[t("ui.report.date", lang, date=now.strftime("%d/%m/%Y %H:%M")), t("ui.report.source", lang, source=source)],
        headlines=headlines,
        charts=[Chart(title, image) for title, image in zip(titles, images, strict=True)],
        lang=lang,
    )


REPORT_METRICS = ("enjeux_couverts_pct", "besoins_traces_pct", "besoins_qualifies_pct", "roles_actifs_pct",
                  "lexique_complet_pct", "besoins_actifs")


def format_metric(value: object, unit: str, lang: str = DEFAULT_LANG) -> str:
    """A metric as people read it: « 88 % », « 52 », « — » when there is nothing to measure."""
    if value is None:
        return "—"
    if unit == "pct" and isinstance(value, int | float):
        return t("ui.percent", lang, value=f"{float(value):.0f}")
    return str(value)
