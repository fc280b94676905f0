"""The registry: one declared entry per gap and metric, each with its words and its source, in both languages."""

from __future__ import annotations

import re

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.registry import DOCUMENTS, REGISTRY, Gap, Registry, Source, gap, gaps, metric, metrics
from crmcanvas.cli.text import format_report_text
from crmcanvas.core.config import Settings
from crmcanvas.i18n import LANGUAGES, MissingMessage, catalogue
from crmcanvas.reports.charts import gap_counts_bar
from tests.fixtures_analysis import canvas_of, tiny_grids


def test_the_registry_holds_the_gaps_and_metrics_in_screen_order() -> None:
    assert [g.code for g in gaps()][:3] == ["enjeux_sans_besoin", "enjeux_sans_indicateur", "besoins_sans_enjeu"]
    assert len(gaps()) == 17 and len(metrics()) == 13
    assert gap("roles_sans_personne").tab == "roles" and metric("besoins_actifs").unit == "count"
    with pytest.raises(KeyError):
        gap("besoins_actifs")  # a metric, not a gap


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_has_its_words_and_a_quoted_source(lang: str) -> None:
    for entry in gaps():
        assert entry.title(lang) and entry.advice(lang), entry.code
    for entry in metrics():
        assert entry.label(lang) and entry.definition(lang), entry.code
    for entry in REGISTRY:
        assert entry.source.document in DOCUMENTS and entry.source.title(lang)
        assert entry.source.text(lang).endswith("."), entry.code  # one whole sentence


def test_french_quotes_are_the_documents_words_and_english_ones_translate_them() -> None:
    source = gap("besoins_sans_role").source
    assert source.document == "004_22e7ae33688fb707.txt"
    assert "en tant que [rôle], je souhaite [ceci] de sorte que [cela]" in source.text("fr")
    assert "as a [role], I want [this] so that [that]" in source.text("en")


def test_no_word_of_the_analysis_is_orphaned() -> None:
    """Every gap, metric, quote and document text of i18n/analysis.toml belongs to a declared entry."""
    used = {key for entry in REGISTRY for key in entry.keys() if key.startswith("analysis.")}
    used |= {f"analysis.documents.{code}" for code in DOCUMENTS.values()}
    declared = {key for key in catalogue() if re.match(r"analysis\.(gaps|metrics|quotes|documents)\.", key)}
    assert declared == used


def test_an_entry_whose_words_are_missing_is_refused_where_it_is_declared() -> None:
    registry = Registry()
    with pytest.raises(MissingMessage):
        registry.add(Gap(code="no_such_gap", source=Source("004_22e7ae33688fb707.txt", "listen")))
    with pytest.raises(ValueError):
        registry.add(Gap(code="enjeux_sans_besoin", source=Source("999_unknown.txt", "listen")))
    registry.add(gap("enjeux_sans_besoin"))
    with pytest.raises(ValueError):
        registry.add(gap("enjeux_sans_besoin"))


def test_adding_a_gap_is_one_entry(monkeypatch) -> None:
    """Declared once (with its words in the catalogue), a gap shows in the analysis, the report and the chart."""
    words = {"analysis.gaps.enjeux_sans_porteur.title": {"fr": "Enjeux sans porteur", "en": "Stakes with no owner"},
             "analysis.gaps.enjeux_sans_porteur.advice": {"fr": "Nommez qui porte l'enjeu.", "en": "Name who owns the stake."}}
    for key, value in words.items():
        monkeypatch.setitem(catalogue(), key, value)
    monkeypatch.setattr(REGISTRY, "_entries", dict(REGISTRY._entries))
    REGISTRY.add(Gap(code="enjeux_sans_porteur", source=Source("003_cef9d88a7a6891fe.txt", "team"), tab="enjeux",
                     find=lambda ctx: [{"id": rid, "label": rid} for rid in ctx.facts.ids["enjeux"]]))
    result = analyze(canvas_of(tiny_grids()), Settings(departments=[]))
    assert list(result.gaps)[-1] == "enjeux_sans_porteur" and len(result.gaps["enjeux_sans_porteur"]) == 3
    assert "Enjeux sans porteur (3)" in format_report_text(result.report())
    assert "Nommez qui porte l'enjeu." in format_report_text(result.report())
    assert gap_counts_bar(result.gaps).data[0].customdata[-1][0] == "Enjeux sans porteur"


def test_the_pipeline_does_not_import_the_analytics() -> None:
    """Building a canvas (load, links, whole-canvas findings) never needs gaps, metrics or charts."""
    import subprocess
    import sys

    code = ("import sys, crmcanvas.build.pipeline; "
            "print(sorted(m for m in sys.modules if m.startswith(('crmcanvas.analysis', 'crmcanvas.reports'))))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
