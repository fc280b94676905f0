"""Messy .xlsx files, as stakeholders really leave them, load end to end with the expected findings."""

from __future__ import annotations

from crmcanvas.build.pipeline import build_canvas
from crmcanvas.demo.synthetic import synthetic_grids
from crmcanvas.sources.workbook import WorkbookSource
from tests.fixtures_workbook import build_workbook, with_cached_values


def findings_by_code(canvas):
    out: dict[str, list] = {}
    for f in canvas.findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_messy_workbook_loads_with_expected_findings(tmp_path, settings):
    path = build_workbook(tmp_path / "canevas.xlsx", {
        "Enjeux ": [["Canevas systémique — enjeux"], [None], ["Identifiant", "ENJEU", "Critère de succès", "Porteur"],
                    ["E1", "Fidéliser les donateurs", "Taux de réabonnement", "Léa Roux"],
                    [None, None, None, None],
                    ["E2", "Recruter des bénévoles 🌱", None, "P9"]],
        "Backlog": [["N°", "User story", "Enjeu(x) liés", "Objets", "MoSCoW", "Remarque atelier"],
                    ["B1", "En tant que donateur, je souhaite un reçu fiscal afin de déduire mon don", "E01; E 2", "Donateurs|Dons", "Indispensable", "ok"],
                    ["B1", "En tant que bénévole, je veux voir mes missions", "e-02\nE1", "Missions", "Souhaitable", None],
                    [None, "Export comptable mensuel", "E3", "Don", "Peut-être", None],
                    ["B4", "x" * 5000, "=A1", "Don", "Must", None]],
        "Données": [["Objet", "Définition", "Attributs"], ["Donateur", "Personne qui donne", "nom, e-mail"], ["Don", None, None]],
        "Personnes": [["Prénom", "Nom", "Rôles"], ["Léa", "Roux", "Donateur"]],
        "RÔLES ": [["ID", "Rôle", "Type"], ["R1", "Donateur", "Externe"], ["R2", "Bénévole", "Interne"]],
    })
    with_cached_values(path, "Backlog", {"C5": "#REF!"})
    canvas = build_canvas(WorkbookSource(path), settings)
    found = findings_by_code(canvas)

    assert canvas.counts == {"enjeux": 2, "besoins": 4, "donnees": 2, "applications": 0, "personnes": 1, "roles": 2, "checklist": 0, "editeurs": 0, "integrateurs": 0}
    assert [f.tab for f in found["missing_tab"]] == ["applications"]
    assert [f.row for f in found["duplicate_id"]] == [3]
    assert [f.row for f in found["missing_id"]] == [4]
    assert [(f.row, f.value) for f in found["formula_error"]] == [(5, "#REF!")]
    assert {f.value for f in found["invalid_value"]} == {"Peut-être"}
    unresolved = {f.value: f for f in found["unresolved_reference"]}
    assert set(unresolved) == {"P9", "E3", "Missions"}
    assert canvas.frames["enjeux"]["_row"].tolist() == [4, 6]  # sheet rows, title and blank rows skipped
    assert canvas.extra_columns["besoins"] == ["Remarque atelier"]
    # references in every spelling landed on the right stakes
    stakes = canvas.edges_of("enjeu", "besoins").groupby("source_id")["target_id"].apply(sorted).to_dict()
    assert stakes["B1"] == ["E1", "E2"]
    assert canvas.tab_titles["besoins"] == "Backlog" and canvas.tab_titles["roles"] == "RÔLES "


def test_ten_thousand_needs_from_a_workbook(tmp_path, settings):
    grids = synthetic_grids(needs=10_000)
    titles = {"enjeux": "enjeux", "besoins": "besoins", "donnees": "données", "applications": "applications",
              "personnes": "personnes", "roles": "rôles"}
    path = build_workbook(tmp_path / "grand.xlsx", {titles[k]: v for k, v in grids.items()})
    canvas = build_canvas(WorkbookSource(path), settings)
    assert canvas.counts["besoins"] == 10_000
    assert not canvas.has_errors
