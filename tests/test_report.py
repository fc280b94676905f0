"""The sponsor's PDF: A4 landscape, a cover with the headline metrics, then every chart whole on its page.

Rendered with Kaleido through Debian's Chromium (hence the ``browser`` mark), read back with pypdfium2:
page count, page size, no blank page, and each chart inside the page with its margins (a chart drawn past
the page would run to its edge). The charts themselves are checked in Chromium at the report's width: no
text outside its figure, no two Sankey labels on top of each other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.build.pipeline import canvas_from_raw
from crmcanvas.core.config import Settings
from crmcanvas.reports import charts
from crmcanvas.reports.pdf import MARGIN, PAGE_H, PAGE_W, fit, sponsor_report
from crmcanvas.sources.demo import DemoSource
from tests.browser import ROOT, chromium_page, cut_labels

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "report"
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture(scope="module")
def demo():
    cfg = Settings()
    canvas = canvas_from_raw(DemoSource().read(cfg.tabs), cfg)
    return canvas, analyze(canvas, cfg), cfg


def _ink_box(image, threshold: int = 245):
    """The box around every pixel that is not (almost) white, in pixels; None for a blank page."""
    gray = image.convert("L").point(lambda v: 255 if v < threshold else 0)
    return gray.getbbox()


def test_fit_keeps_proportions_and_stays_inside_the_box():
    assert fit(1400, 700, 277, 180) == pytest.approx((277, 138.5))
    w, h = fit(1400, 3000, 277, 180)  # a very tall Sankey: smaller, never cut
    assert h == pytest.approx(180) and w < 277 and w / h == pytest.approx(1400 / 3000)


def test_sponsor_report_is_a4_landscape_with_every_chart_whole(demo):
    import pypdfium2 as pdfium

    canvas, analysis, cfg = demo
    pdf = sponsor_report(canvas, analysis, cfg, source="Canevas de démonstration")
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "rapport-sponsor.pdf").write_bytes(pdf)
    doc = pdfium.PdfDocument(pdf)
    try:
        assert len(doc) == 4  # the cover, then the coverage bars, the Sankey and the gaps
        for number in range(len(doc)):
            page = doc[number]
            width, height = page.get_size()
            assert (width, height) == pytest.approx((PAGE_W * MM, PAGE_H * MM), abs=1)  # A4 landscape
            image = page.render(scale=1).to_pil()
            image.save(ARTIFACTS / f"page-{number + 1}.png")
            box = _ink_box(image)
            assert box is not None, f"page {number + 1} is blank"
            left, top, right, bottom = box
            inked = sum(image.convert("L").histogram()[:200]) / (image.width * image.height)
            assert inked > 0.01, f"page {number + 1} is almost blank ({inked:.1%})"
            margin = (MARGIN - 1) * MM  # a chart drawn past the page would reach its edge
            assert left >= margin and top >= margin and right <= width - margin and bottom <= height - margin, (number, box)
        cover = doc[0].get_textpage().get_text_range()
        assert "Enjeux couverts par au moins un besoin" in cover and "88 %" in cover and "Canevas de démonstration" in cover
    finally:
        doc.close()


def test_report_charts_have_no_text_outside_their_figure(demo, tmp_path):
    """The figures the PDF draws, at its width (1400 px), checked in Chromium like the pages are."""
    import plotly

    canvas, analysis, _ = demo
    figures = {
        "couverture": charts.coverage_bar(analysis.coverage, size=charts.PRINT),
        "sankey": charts.sankey_figure(analysis.sankey, size=charts.PRINT, counts=charts.sankey_counts(canvas, analysis.metrics)),
        "trous": charts.gap_counts_bar(analysis.gaps, size=charts.PRINT),
    }
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with chromium_page(viewport=(1400, 900)) as page:
        for name, fig in figures.items():
            html = tmp_path / f"{name}.html"
            fig.write_html(html, include_plotlyjs=plotly_js.as_uri(), full_html=True, default_width="1400px")
            page.goto(html.as_uri())
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=20_000)
            page.wait_for_timeout(300)
            found = cut_labels(page)
            assert found["charts"] == 1 and not found["outside"] and not found["overlapping"], (name, found)


def test_kaleidos_start_up_race_is_tried_once_more_and_any_other_failure_is_not(monkeypatch):
    """Kaleido may draw its first figure in the wrong page (« kaleido_scopes is not defined »): a fresh browser
    draws the report. Another failure is said at once, not tried again."""
    import plotly.graph_objects as go

    from crmcanvas.reports import images

    calls: list[int] = []

    def render(errors: list[Exception]):
        async def fake(figures, width, scale, timeout):
            calls.append(len(figures))
            if errors:
                raise errors.pop(0)
            return [images.Image(png=b"png", width=width, height=450)]
        return fake

    monkeypatch.setattr(images, "chromium_path", lambda: "/usr/bin/chromium")
    race = RuntimeError("ReferenceError: kaleido_scopes is not defined")
    monkeypatch.setattr(images, "_render", render([race]))
    assert [i.png for i in images.to_png([go.Figure()])] == [b"png"] and calls == [1, 1]

    calls.clear()
    monkeypatch.setattr(images, "_render", render([race, race]))
    with pytest.raises(images.ExportError, match="kaleido_scopes"):
        images.to_png([go.Figure()])
    assert calls == [1, 1]  # twice, not more

    calls.clear()
    monkeypatch.setattr(images, "_render", render([TimeoutError("no answer")]))
    with pytest.raises(images.ExportError, match="no answer"):
        images.to_png([go.Figure()])
    assert calls == [1]
