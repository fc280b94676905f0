"""Vendor fit: scores on hand-built answer sets where the ranking is obvious, in both layouts, with aliases and
missing answers; unrecognised answers as findings; the ``vendors`` entry of ``crmcanvas check --format json``.

The canvas is tests/grids.py's small clean one: three needs that count,
B001 Must serving E01 (haute) → weight 4 × 3 = 12, B002 Should serving E02
(moyenne) → 2 × 2 = 4, B003 Could serving E01 → 1 × 3 = 3; Σ = 19.
"""

from __future__ import annotations

import json
import pathlib
import re

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.vendors import fit
from crmcanvas.cli import main
from crmcanvas.core.config import Settings
from tests.fixtures_snapshots import build
from tests.grids import clean_grids

NEEDS = ("B001", "B002", "B003")
WEIGHTS = {"B001": 12, "B002": 4, "B003": 3}


def long_grid(answers: dict[str, dict[str, str]]) -> list[list[str]]:
    """One row per (solution, need); a need a solution has no entry for gets no row at all."""
    rows = [["Solution", "Besoin", "Réponse", "Commentaire"]]
    for solution, given in answers.items():
        rows += [[solution, need, text, ""] for need, text in given.items()]
    return rows


def wide_grid(answers: dict[str, dict[str, str]]) -> list[list[str]]:
    """One row per need, one column per solution (an empty cell where it gave no answer)."""
    solutions = list(answers)
    return [["Besoin", *solutions]] + [[need, *(answers[s].get(need, "") for s in solutions)] for need in NEEDS]


def canvas_with(answers: dict[str, dict[str, str]] | None, layout: str = "long", tab: str = "editeurs"):
    grids = clean_grids()
    if answers is not None:
        grids[tab] = long_grid(answers) if layout == "long" else wide_grid(answers)
    return build(grids)


def scores(canvas, tab: str = "editeurs") -> dict[str, float | None]:
    return {s.solution: s.score for s in fit(canvas, tab).solutions}


ALL = {
    "Alpha": dict.fromkeys(NEEDS, "Standard"),
    "Beta": dict.fromkeys(NEEDS, "Non couvert"),
    "Gamma": dict.fromkeys(NEEDS, "Paramétrage"),
    "Delta": {"B001": "Standard", "B002": "Non couvert", "B003": "Spécifique"},
}


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_standard_on_every_must_beats_not_covered_and_the_weights_decide_the_rest(layout):
    result = fit(canvas_with(ALL, layout))
    assert result.layout == layout
    assert [s.solution for s in result.ranking()] == ["Alpha", "Delta", "Gamma", "Beta"]
    got = scores(canvas_with(ALL, layout))
    assert got["Alpha"] == 100.0 and got["Beta"] == 0.0
    assert got["Gamma"] == pytest.approx(100 * 2 / 3, abs=0.05)
    # Delta: B001 standard 12×3 + B002 non couvert 4×0 + B003 spécifique 3×1 = 39, out of 3 × 19
    assert got["Delta"] == pytest.approx(100 * 39 / 57, abs=0.05)


def test_the_must_need_weighs_more_than_the_could_need():
    """Two solutions miss one need each: missing the Must costs far more than missing the Could."""
    misses_must = {"B001": "Non couvert", "B002": "Standard", "B003": "Standard"}
    misses_could = {"B001": "Standard", "B002": "Standard", "B003": "Non couvert"}
    result = fit(canvas_with({"MissesMust": misses_must, "MissesCould": misses_could}))
    by_name = {s.solution: s for s in result.solutions}
    assert by_name["MissesCould"].score > 80 > 40 > by_name["MissesMust"].score
    assert by_name["MissesMust"].musts_not_covered == ["B001"]
    assert by_name["MissesCould"].musts_not_covered == []


def test_both_layouts_give_the_same_scores_counts_and_stakes():
    long_fit, wide_fit = fit(canvas_with(ALL, "long")), fit(canvas_with(ALL, "wide"))
    assert long_fit.layout == "long" and wide_fit.layout == "wide"
    as_long = [(s.solution, s.score, s.counts, s.musts_not_covered, s.stakes) for s in long_fit.solutions]
    as_wide = [(s.solution, s.score, s.counts, s.musts_not_covered, s.stakes) for s in wide_fit.solutions]
    assert as_long == as_wide


def test_stake_coverage_per_solution():
    answers = {"Alpha": {"B001": "Standard", "B002": "Non couvert", "B003": "Standard"}}
    alpha = fit(canvas_with(answers)).solutions[0]
    assert alpha.stakes == {"E01": 100.0, "E02": 0.0}


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_aliases_score_like_the_canonical_answers(layout):
    canonical = {"B001": "Standard", "B002": "Paramétrage", "B003": "Spécifique"}
    aliases = {"B001": "natif", "B002": "CONFIG", "B003": "dev"}
    result = fit(canvas_with({"Canonical": canonical, "Aliases": aliases, "Non": dict.fromkeys(NEEDS, "non")}, layout))
    by_name = {s.solution: s for s in result.solutions}
    assert by_name["Aliases"].score == by_name["Canonical"].score
    assert by_name["Aliases"].answers == {"B001": "standard", "B002": "parametrage", "B003": "specifique"}
    assert by_name["Non"].score == 0.0 and by_name["Non"].counts["non_couvert"] == 3


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_missing_answers_are_not_evaluated_and_left_out_of_the_score(layout):
    """B002 « ? », B003 no answer at all: the score rests on B001 only (100, not 63), with the count shown."""
    answers = {"Partial": {"B001": "Standard", "B002": "?"}, "Full": dict.fromkeys(NEEDS, "Standard")}
    partial = next(s for s in fit(canvas_with(answers, layout)).solutions if s.solution == "Partial")
    assert partial.score == 100.0
    assert partial.not_evaluated == 2 and partial.counts["non_couvert"] == 0
    assert partial.evaluated_pct == pytest.approx(100 * 12 / 19, abs=0.05)
    assert partial.to_dict() == {"solution": "Partial", "score": 100.0, "musts_non_couverts": [], "non_evalues": 2}


def test_a_solution_evaluated_on_nothing_has_no_score_and_ranks_last():
    answers = {"Nothing": {"B001": "à évaluer", "B002": "", "B003": "?"}, "Beta": dict.fromkeys(NEEDS, "non")}
    result = fit(canvas_with(answers))
    nothing = next(s for s in result.solutions if s.solution == "Nothing")
    assert nothing.score is None and nothing.evaluated_pct == 0.0 and nothing.not_evaluated == 3
    assert [s.solution for s in result.ranking()] == ["Beta", "Nothing"]


def test_unrecognised_answer_in_the_long_layout_is_a_french_finding_with_a_suggestion():
    canvas = canvas_with({"Alpha": {"B001": "Standart", "B002": "Standard", "B003": "Standard"}})
    found = [f for f in canvas.findings if f.code == "invalid_value" and "Standart" in f.message]
    assert len(found) == 1, [f.message for f in canvas.findings]
    assert found[0].message.startswith("Valeur « Standart » inattendue")
    assert "Standard" in found[0].suggestion  # did you mean « Standard » ?
    alpha = fit(canvas).solutions[0]
    assert alpha.answers["B001"] == "non_evalue" and alpha.not_evaluated == 1  # not scored as « non couvert »


def test_unrecognised_answer_in_the_wide_layout_is_a_french_finding_with_a_suggestion():
    answers = {"Alpha": {"B001": "Paramétrag", "B002": "Standard", "B003": "Standard"}}
    canvas = canvas_with(answers, "wide")
    found = [f for f in canvas.findings if f.code == "invalid_value" and "Paramétrag" in f.message]
    assert len(found) == 1, [f.message for f in canvas.findings]
    assert found[0].message.startswith("Valeur « Paramétrag » inattendue") and found[0].column == "Alpha"
    assert "Paramétrage" in found[0].suggestion
    assert fit(canvas).solutions[0].not_evaluated == 1


def test_a_wide_column_that_is_not_a_solution_is_left_aside_with_a_finding():
    grids = clean_grids()
    grids["editeurs"] = [["Besoin", "Alpha", "Licence"], ["B001", "Standard", "40 € / mois"], ["B002", "natif", "inclus ?"],
                         ["B003", "dev", "sur devis"]]
    canvas = build(grids)
    result = fit(canvas)
    assert [s.solution for s in result.solutions] == ["Alpha"] and result.ignored == ("Licence",)
    note = next(f for f in canvas.findings if f.code == "column_not_a_solution")
    assert "« Licence »" in note.message and note.suggestion


def test_integrators_are_scored_from_their_own_tab():
    canvas = canvas_with({"Cabinet A": dict.fromkeys(NEEDS, "Standard")}, tab="integrateurs")
    assert scores(canvas, "integrateurs") == {"Cabinet A": 100.0}
    assert not fit(canvas, "editeurs").present


# ---------------------------------------------------------------- report() and crmcanvas check --format json


def test_report_has_vendors_only_when_the_tab_exists():
    with_tab = analyze(canvas_with(ALL), Settings()).report()
    assert with_tab["vendors"] == [
        {"solution": "Alpha", "score": 100.0, "musts_non_couverts": [], "non_evalues": 0},
        {"solution": "Beta", "score": 0.0, "musts_non_couverts": ["B001"], "non_evalues": 0},
        {"solution": "Gamma", "score": 66.7, "musts_non_couverts": [], "non_evalues": 0},
        {"solution": "Delta", "score": 68.4, "musts_non_couverts": [], "non_evalues": 0},
    ]
    assert "integrators" not in with_tab
    assert "vendors" not in analyze(canvas_with(None), Settings()).report()


def test_check_json_on_the_demo_lists_each_vendor_with_its_score(capsys):
    assert main(["check", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    vendors, integrators = report["vendors"], report["integrators"]
    assert [v["solution"] for v in vendors] == ["Canopée CRM", "Racines 360", "Sillon Asso"]
    assert [i["solution"] for i in integrators] == ["Atelier Numérique Solidaire", "Cap Intégration"]
    for entry in vendors + integrators:
        assert set(entry) == {"solution", "score", "musts_non_couverts", "non_evalues"}
        assert 0 <= entry["score"] <= 100 and isinstance(entry["non_evalues"], int)
    by_name = {v["solution"]: v for v in vendors}
    assert by_name["Racines 360"]["musts_non_couverts"] == ["B002"]
    assert by_name["Canopée CRM"]["score"] > by_name["Racines 360"]["score"] > by_name["Sillon Asso"]["score"]


def test_a_nothing_evaluated_solution_is_null_in_json(tmp_path, capsys):
    from crmcanvas.core.schema import TABS
    from tests.fixtures_workbook import build_workbook

    grids = clean_grids()
    grids["editeurs"] = long_grid({"Alpha": dict.fromkeys(NEEDS, "Standard"), "Vide": dict.fromkeys(NEEDS, "?")})
    path = build_workbook(tmp_path / "canvas.xlsx", {TABS[key].title: grid for key, grid in grids.items()})
    assert main(["check", str(path), "--format", "json"]) == 0
    vendors = json.loads(capsys.readouterr().out)["vendors"]
    assert vendors[1] == {"solution": "Vide", "score": None, "musts_non_couverts": [], "non_evalues": 3}


# ---------------------------------------------------------------- the catalogue


def test_every_page_and_chart_message_of_vendors_is_spelled_in_its_module():
    """The helpers prefix their keys (t("absent") reads vendors.page.absent), so the catalogue test cannot see them:
    each message of those families must be written whole somewhere in the module that uses it."""
    from crmcanvas.i18n import catalogue

    root = pathlib.Path(__file__).resolve().parents[1] / "crmcanvas"
    modules = {"vendors.page.": ["ui/vendors.py"], "vendors.roadmap.": ["ui/roadmap.py"],
               "vendors.charts.": ["reports/vendor_charts.py", "reports/roadmap_charts.py"]}
    unused = []
    for family, files in modules.items():
        code = "\n".join((root / f).read_text(encoding="utf-8") for f in files)
        for key in catalogue():
            if key.startswith(family):
                leaf = key[len(family):]
                if not re.search(rf"""["'{{]{re.escape(leaf)}["'}}.]""", code):
                    unused.append(key)
    assert not unused, unused
