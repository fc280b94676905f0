"""Metrics on canvases where the right number is obvious, on the demo, and in the CLI report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crmcanvas.analysis import analyze, report
from crmcanvas.analysis.metrics import MOSCOW_WEIGHTS, UNKNOWN_WEIGHT, stake_coverage
from crmcanvas.analysis.registry import metrics as metric_entries
from crmcanvas.cli.text import format_report_text
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from tests.fixtures_analysis import canvas_of, clean_grids, tiny_grids

SETTINGS = Settings(departments=["direction", "service client", "ventes"])
DOC = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text(encoding="utf-8")


def metrics_of(grids: dict) -> dict:
    return analyze(canvas_of(grids, SETTINGS), SETTINGS).metrics


def test_tiny_canvas_metrics() -> None:
    m = metrics_of(tiny_grids())
    # 6 active needs (B7 rejected, B8 won't); 3 stakes; 3 objects; 4 roles.
    assert m["besoins_actifs"] == 6 and m["besoins_exclus"] == 2
    assert m["enjeux_couverts_pct"] == 66.7  # E1, E2 of 3
    assert m["besoins_traces_pct"] == 83.3  # all but B5
    assert m["besoins_qualifies_pct"] == 33.3  # B1, B2: role + priority + a defined data object
    assert m["lexique_complet_pct"] == 33.3  # D1 only
    assert m["roles_actifs_pct"] == 50.0  # R1, R2 of 4
    assert m["roles_pourvus_pct"] == 50.0
    assert m["references_non_resolues"] == 3  # trésorier, Legs, Mailchimp


def test_metrics_come_in_registry_order() -> None:
    assert list(metrics_of(tiny_grids())) == [m.code for m in metric_entries()]


def test_a_clean_canvas_scores_full_marks() -> None:
    m = metrics_of(clean_grids())
    assert {k: m[k] for k in m if k.endswith("_pct")} == {
        "enjeux_couverts_pct": 100.0, "besoins_traces_pct": 100.0, "besoins_qualifies_pct": 100.0,
        "lexique_complet_pct": 100.0, "roles_actifs_pct": 100.0, "roles_pourvus_pct": 100.0,
        "part_specifique_pct": None,  # no Type column: no share of custom development to tell
    }
    assert m["references_non_resolues"] == 0


def test_nothing_to_measure_is_not_zero_percent() -> None:
    m = metrics_of({})
    assert m["enjeux_couverts_pct"] is None and m["besoins_qualifies_pct"] is None
    assert m["references_non_resolues"] == 0 and m["couverture_par_enjeu"] == []


def test_per_stake_coverage_is_weighted_by_moscow() -> None:
    assert MOSCOW_WEIGHTS == {"must": 4, "should": 2, "could": 1, "wont": 0} and UNKNOWN_WEIGHT == 1
    coverage = stake_coverage(canvas_of(tiny_grids()))
    rows = {r["id"]: r for r in coverage.to_dict(orient="records")}
    # E1: B1 must (4) + B3 could (1) + B4 no priority (1); E2: B2 + B6 should (2 + 2); E3: only rejected/won't.
    assert (rows["E1"]["must"], rows["E1"]["could"], rows["E1"]["sans_priorite"], rows["E1"]["score"]) == (1, 1, 1, 6)
    assert (rows["E2"]["should"], rows["E2"]["besoins"], rows["E2"]["score"]) == (2, 2, 4)
    assert (rows["E3"]["besoins"], rows["E3"]["score"]) == (0, 0)
    assert [rows[e]["part_pct"] for e in ("E1", "E2", "E3")] == [60.0, 40.0, 0.0]
    assert list(coverage["id"]) == ["E1", "E2", "E3"]  # sheet order


def test_the_documented_weights_are_the_weights_used() -> None:
    w = MOSCOW_WEIGHTS
    documented = (f"**Must = {w['must']}, Should = {w['should']}, Could = {w['could']}, Won't = {w['wont']}, "
                  f"priorité absente ou non reconnue = {UNKNOWN_WEIGHT}**")
    assert documented in " ".join(DOC.split())


def test_a_need_serving_two_stakes_counts_for_each() -> None:
    grids = tiny_grids()
    grids["besoins"][1][3] = "E1, E2"  # B1 (must) serves both
    rows = {r["id"]: r for r in stake_coverage(canvas_of(grids)).to_dict(orient="records")}
    assert (rows["E1"]["score"], rows["E2"]["score"], rows["E2"]["must"]) == (6, 8, 1)


def test_demo_metrics() -> None:
    m = metrics_of(demo_grids())
    assert m["besoins_actifs"] == 58 and m["besoins_exclus"] == 2  # B045 rejected, B014 won't
    assert m["enjeux_couverts_pct"] == 87.5  # 7 of 8 (E07 has no need)
    assert m["besoins_traces_pct"] == round(100 * 54 / 58, 1)  # B017, B048, B049, B050 are not traced
    assert m["roles_actifs_pct"] == round(100 * 10 / 12, 1)  # R07, R12 spoke for no need
    assert m["roles_pourvus_pct"] == round(100 * 11 / 12, 1)  # R06 is vacant
    assert m["lexique_complet_pct"] == round(100 * 14 / 15, 1)  # D14 has no attributes
    assert m["references_non_resolues"] == 5
    e07 = next(r for r in m["couverture_par_enjeu"] if r["id"] == "E07")
    assert e07["besoins"] == 0 and e07["score"] == 0


def test_every_metric_is_documented_with_a_formula() -> None:
    sections = dict(re.findall(r"^## `(\w+)`\n(.*?)(?=^## |\Z)", DOC, flags=re.M | re.S))
    for entry in metric_entries():
        assert entry.code in sections, f"{entry.code} is not documented in docs/metrics.md"
        assert "Formule" in sections[entry.code] and "Pourquoi" in sections[entry.code], entry.code


def test_report_is_the_json_ready_view_of_the_analysis() -> None:
    canvas = canvas_of(tiny_grids(), SETTINGS)
    payload = report(canvas, SETTINGS)
    assert payload == analyze(canvas, SETTINGS).report()
    assert set(payload) == {"metrics", "gaps", "health", "health_summary", "checklist"}
    again = json.loads(json.dumps(payload, ensure_ascii=False))
    assert again["gaps"]["besoins_sans_role"] == [{"id": "B3", "label": "Export des dons pour la comptabilité"}]
    assert again["metrics"]["enjeux_couverts_pct"] == 66.7


def test_facts_are_built_once_per_canvas() -> None:
    from crmcanvas.analysis.facts import facts_of
    from crmcanvas.analysis.traceability import sankey_table, stake_drilldown

    canvas = canvas_of(tiny_grids(), SETTINGS)
    facts = facts_of(canvas)
    analyze(canvas, SETTINGS)
    sankey_table(canvas, group_by="lot")
    stake_drilldown(canvas, "E1")
    assert facts_of(canvas) is facts
    assert facts_of(canvas_of(tiny_grids(), SETTINGS)) is not facts  # another canvas, other facts


@pytest.fixture(scope="module")
def text() -> str:
    canvas = canvas_of(tiny_grids(), SETTINGS)
    return format_report_text(report(canvas, SETTINGS))


def test_text_report_prints_metrics_coverage_and_gaps_as_tables(text: str) -> None:
    assert "INDICATEURS" in text and "COUVERTURE PAR ENJEU" in text and "TROUS DU CANEVAS" in text
    assert re.search(r"Enjeux couverts par au moins un besoin\s+66,7 %", text)
    assert re.search(r"^E1\s+Fidéliser les donateurs\s+1\s+0\s+1\s+1\s+3\s+6\s+60,0 %$", text, flags=re.M)
    assert re.search(r"^Besoins sans rôle\s+1  B3$", text, flags=re.M)
    assert "  Legs  Legs — cité par B5" in text
    assert "  → Renseignez la colonne Rôle" in text  # the gap's advice, from the registry


def test_text_report_in_english() -> None:
    settings = Settings(departments=[], language="en")
    text = format_report_text(report(canvas_of(tiny_grids(), settings), settings), "en")
    assert "METRICS" in text and "COVERAGE BY STAKE" in text and "CANVAS GAPS (19 item(s))" in text
    assert re.search(r"Stakes covered by at least one need\s+66.7%", text)
    assert re.search(r"^Needs with no role\s+1  B3$", text, flags=re.M)
    assert "INDICATEURS" not in text


def test_text_report_of_an_empty_report_is_empty() -> None:
    assert format_report_text({"metrics": {}, "gaps": {}}) == ""


def test_check_json_on_the_demo_has_metrics_and_gaps(capsys) -> None:
    from crmcanvas.cli import main

    main(["check", "--format", "json"])  # no source configured: the demo canvas
    payload = json.loads(capsys.readouterr().out)
    assert payload["metrics"]["enjeux_couverts_pct"] == 87.5
    assert payload["gaps"]["enjeux_sans_besoin"] == [{"id": "E07", "label": "Mesurer l'impact auprès des bénéficiaires"}]
    assert [f["value"] for f in payload["findings"] if f["code"] == "near_duplicate"] == ["B012 / B047"]


def test_check_text_on_the_demo_prints_the_tables(capsys) -> None:
    from crmcanvas.cli import main

    main(["check"])
    out = capsys.readouterr().out
    assert "INDICATEURS" in out and "COUVERTURE PAR ENJEU" in out
    assert re.search(r"^Applications qu'aucun besoin n'utilise\s+1  A15$", out, flags=re.M)
