"""What a notebook user imports: ``import crmcanvas`` gives the canvas, the analysis and the errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import crmcanvas


def test_every_public_name_resolves():
    for name in crmcanvas.__all__:
        assert getattr(crmcanvas, name) is not None, name


def test_load_canvas_and_analyze_the_demo():
    canvas = crmcanvas.load_canvas()
    assert isinstance(canvas, crmcanvas.Canvas) and canvas.counts["besoins"] == 60
    result = crmcanvas.analyze(canvas)
    assert result.metrics["enjeux_couverts_pct"] == 87.5
    assert [item["id"] for item in result.gaps["enjeux_sans_besoin"]] == ["E07"]


def test_load_canvas_with_explicit_settings_speaks_their_language():
    canvas = crmcanvas.load_canvas(settings=crmcanvas.Settings(language="en"))
    suggestions = [f.suggestion or "" for f in canvas.findings]
    assert any(s.startswith("Did you mean “Donateur”") for s in suggestions), suggestions


def test_an_unreadable_source_raises_source_error(tmp_path):
    broken = tmp_path / "canevas.xlsx"
    broken.write_text("pas un classeur", encoding="utf-8")
    with pytest.raises(crmcanvas.SourceError) as caught:
        crmcanvas.load_canvas(str(broken))
    assert "canevas.xlsx" in caught.value.message


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        crmcanvas.no_such_thing  # noqa: B018


def test_import_is_light():
    """``import crmcanvas`` must not pull pandas or streamlit: the CLI's --help stays instant."""
    code = "import sys, crmcanvas; print(sorted(m for m in ('pandas', 'streamlit', 'plotly') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
