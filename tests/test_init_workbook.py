"""`crmcanvas init` on a local workbook: what is added, what is never touched, and a file that reads as well after."""

from __future__ import annotations

import os

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from crmcanvas.analysis.checklist import template_grid
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import REQUIRED_TAB_KEYS
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.sources.workbook_setup import init_workbook
from tests.fixtures_setup import EXTRA, OWN_CHECKLIST, TWO_MISSING, new_findings
from tests.fixtures_workbook import build_workbook, demo_workbook, sheet_values, with_cached_values

NEW_TITLES = ["Enjeux", "Besoins", "Données", "Applications", "Personnes", "Rôles", "Checklist"]
CHECKLIST_HEADERS = ["ID", "Chapitre", "Item", "Sous-item", "Statut", "Responsable", "Échéance", "Commentaire"]


def read(path):
    return build_canvas(WorkbookSource(path), Settings())


def lists(ws) -> dict[str, DataValidation]:
    """Header of each validated column -> its DataValidation (header row 1)."""
    headers = [c.value for c in ws[1]]
    return {headers[next(iter(dv.sqref.ranges)).min_col - 1]: dv for dv in ws.data_validations.dataValidation}


def init_twice(path, **kw):
    first = init_workbook(path, **kw)
    second = init_workbook(path, **kw)
    return first, second


def test_an_empty_workbook_gets_the_six_tabs_and_the_checklist(tmp_path):
    path = build_workbook(tmp_path / "vide.xlsx", {"Feuil1": []})
    first, second = init_twice(path)
    assert first.applied and first.complete and len(first.plan.steps) == 28  # 7 tabs, 14 lists, 7 frozen headers
    assert second.plan.empty and not second.applied
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Feuil1", *NEW_TITLES]  # the blank tab stays where it was
    needs = wb["Besoins"]
    assert [c.value for c in needs[1]][:4] == ["ID", "Besoin", "Rôle", "Enjeux"]
    assert needs.freeze_panes == "A2"
    assert lists(needs)["Statut"].formula1 == '"Nouveau,Qualifié,Validé,En cours,Livré,Rejeté"'
    canvas = read(path)
    assert canvas.findings == [] and canvas.counts == {**dict.fromkeys(REQUIRED_TAB_KEYS, 0), "checklist": 66, "editeurs": 0, "integrateurs": 0}


def test_the_demo_gets_lists_and_reads_with_no_new_finding(tmp_path):
    path = demo_workbook(tmp_path / "demo.xlsx")
    before = read(path)
    values = {title: sheet_values(path, title) for title in openpyxl.load_workbook(path).sheetnames}
    first, second = init_twice(path)
    assert first.applied and first.complete and second.plan.empty
    assert {type(s).__name__ for s in first.plan.steps} == {"SetRule"}  # the demo has its columns and frozen rows
    assert {title: sheet_values(path, title) for title in values} == values  # not one cell changed
    needs = lists(openpyxl.load_workbook(path)["besoins"])
    assert set(needs) == {"Rôle", "Priorité", "Statut", "Exprimé par", "Type"}
    assert new_findings(before, read(path)) == []


def test_two_missing_tabs_and_a_renamed_column(tmp_path):
    path = build_workbook(tmp_path / "incomplet.xlsx", TWO_MISSING)
    before = read(path)
    first, second = init_twice(path)
    assert first.complete and second.plan.empty
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["enjeux", "besoins", "données", "applications", "Personnes", "Rôles", "Checklist"]
    assert [c.value for c in wb["besoins"][1]][4] == "Objets de données"  # kept, and not added a second time
    assert len([c for c in wb["besoins"][1] if c.value]) == 11
    assert [c.value for c in wb["enjeux"][1]] == ["ID", "Enjeu", "Indicateur", "Porteur", "Priorité", "Situation actuelle",
                                                  "Situation désirée", "Valeur actuelle", "Valeur cible", "Échéance"]
    assert "OFFSET('Rôles'!$A$2" in lists(wb["besoins"])["Rôle"].formula1
    after = read(path)
    assert not [f for f in after.findings if f.code in ("missing_tab", "missing_column")]
    assert new_findings(before, after) == []


def test_extra_tabs_and_columns_are_left_alone(tmp_path):
    path = build_workbook(tmp_path / "notes.xlsx", EXTRA)
    notes = sheet_values(path, "Notes d'atelier")
    needs = sheet_values(path, "besoins")
    before = read(path)
    init_workbook(path)
    assert sheet_values(path, "Notes d'atelier") == notes
    assert openpyxl.load_workbook(path)["Notes d'atelier"].data_validations.dataValidation == []
    assert [row[:12] for row in sheet_values(path, "besoins")] == [row[:12] for row in needs]
    stakes = sheet_values(path, "enjeux")
    assert stakes[0][5:8] == [None, None, None] and stakes[2][7] == "note sans en-tête"  # nothing written above the note
    assert stakes[0][8] == "Situation actuelle"
    assert new_findings(before, read(path)) == []


def test_a_canvas_without_a_checklist_gets_it_filled_from_the_template_in_the_same_save(tmp_path):
    path = build_workbook(tmp_path / "canevas.xlsx", EXTRA)
    first, second = init_twice(path)
    assert first.complete and second.plan.empty
    assert [type(s).__name__ for s in first.plan.steps if s.key == "checklist"] == ["AddTab", "SetRule", "SetRule", "Freeze"]
    assert sheet_values(path, "Checklist") == [CHECKLIST_HEADERS, *([v or None for v in row] for row in template_grid("fr"))]
    ws = openpyxl.load_workbook(path)["Checklist"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["G"].number_format == "dd/mm/yyyy"
    assert lists(ws)["Statut"].formula1 == '"À faire,En cours,Fait,Non applicable"'
    assert "OFFSET('personnes'!$A$2" in lists(ws)["Responsable"].formula1 and lists(ws)["Responsable"].errorStyle == "warning"
    checklist = read(path).frames["checklist"]
    assert len(checklist) == 66 and set(checklist["statut"]) == {"a_faire"}


def test_an_existing_checklist_keeps_its_rows_and_gets_only_what_it_lacks(tmp_path):
    path = build_workbook(tmp_path / "canevas.xlsx", OWN_CHECKLIST)
    before = read(path)
    mine = sheet_values(path, "Checklist projet")
    first, second = init_twice(path)
    assert first.complete and second.plan.empty
    assert not [s for s in first.plan.steps if type(s).__name__ == "AddTab"]
    assert openpyxl.load_workbook(path).sheetnames == list(OWN_CHECKLIST)  # no second checklist tab
    after = sheet_values(path, "Checklist projet")
    assert len(after) == 3  # its two rows: not one template row added
    assert [row[:7] for row in after] == [row[:7] for row in mine]  # not one of its cells changed
    assert after[0][7:] == ["Sous-item", "Échéance"] and [row[7:] for row in after[1:]] == [[None, None]] * 2
    ws = openpyxl.load_workbook(path)["Checklist projet"]
    assert set(lists(ws)) == {"Statut", "Responsable"} and ws.freeze_panes == "A2"
    checklist = read(path).frames["checklist"]
    assert checklist["id"].tolist() == ["C01", "C02"] and checklist["statut"].tolist() == ["fait", ""]
    assert new_findings(before, read(path)) == []


def test_a_tab_with_rows_and_no_id_column_gets_ids_and_reads_as_well(tmp_path):
    tabs = dict(TWO_MISSING)
    tabs["rôles"] = [["Rôle", "Type"], ["Chargé de collecte", "Interne"], ["Comptable", "Interne"]]
    path = build_workbook(tmp_path / "roles.xlsx", tabs)
    before = read(path)
    init_workbook(path)
    assert sheet_values(path, "rôles")[:3] == [["Rôle", "Type", "ID", "Département", "Description", "Persona"],
                                               ["Chargé de collecte", "Interne", "R001", None, None, None],
                                               ["Comptable", "Interne", "R002", None, None, None]]
    after = read(path)
    assert after.frames["roles"]["id"].tolist() == ["R001", "R002"]
    assert new_findings(before, after) == []  # needs citing « R01 » were unresolved before and stay so; nothing new


def test_dry_run_writes_nothing(tmp_path):
    path = build_workbook(tmp_path / "incomplet.xlsx", TWO_MISSING)
    before, stat = path.read_bytes(), os.stat(path)
    result = init_workbook(path, dry_run=True)
    assert not result.applied and len(result.plan.steps) > 10
    assert any("Checklist" in line and "66 lignes du modèle" in line for line in result.plan.lines("fr"))
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == stat.st_mtime_ns
    assert not (tmp_path / "incomplet.xlsx.lock").exists()  # not even the lock


def test_a_list_someone_made_is_kept(tmp_path):
    path = demo_workbook(tmp_path / "demo.xlsx")
    wb = openpyxl.load_workbook(path)
    mine = DataValidation(type="list", formula1='"P1,P2,P3"', showErrorMessage=True)
    mine.add("G2:G500")
    wb["besoins"].add_data_validation(mine)
    wb.save(path)
    result = init_workbook(path)
    assert any("« Priorité » a déjà une autre règle de validation (liste : P1, P2, P3) : conservée" in n
               for n in result.plan.note_lines("fr"))
    assert lists(openpyxl.load_workbook(path)["besoins"])["Priorité"].formula1 == '"P1,P2,P3"'
    assert init_workbook(path).plan.empty  # kept, and not "to do" again


def test_formulas_keep_their_cached_values(tmp_path):
    tabs = dict(TWO_MISSING)
    tabs["enjeux"] = [["ID", "Enjeu", "Valeur actuelle"], ["E01", "Fidéliser", "=1+1"]]
    path = build_workbook(tmp_path / "formules.xlsx", tabs)
    with_cached_values(path, "enjeux", {"C2": 2})
    init_workbook(path)
    assert read(path).frames["enjeux"]["valeur_actuelle"].tolist() == ["2"]


def test_lists_survive_the_dashboard_writes(tmp_path):
    path = build_workbook(tmp_path / "vide.xlsx", {"Feuil1": []})
    init_workbook(path)
    source = WorkbookSource(path)
    source.append_row("Besoins", {"Besoin": "En tant que bénévole, je souhaite …", "Priorité": "Must (indispensable)"},
                      id_column="ID", id_prefix="B")
    wb = openpyxl.load_workbook(path)
    assert set(lists(wb["Besoins"])) == {"Rôle", "Priorité", "Statut", "Exprimé par", "Type"}
    assert wb["Besoins"].freeze_panes == "A2"
    assert read(path).frames["besoins"]["priorite"].tolist() == ["must"]


def test_init_waits_for_excel_to_close_the_file(tmp_path):
    path = build_workbook(tmp_path / "canevas.xlsx", TWO_MISSING)
    (tmp_path / "~$canevas.xlsx").write_bytes(b"owner")
    before = path.read_bytes()
    with pytest.raises(SourceError, match="ouvert dans Excel"):
        init_workbook(path)
    assert path.read_bytes() == before
    assert init_workbook(path, dry_run=True).plan.steps  # a dry run only reads: it still answers


def test_a_step_openpyxl_refuses_saves_nothing(tmp_path):
    path = build_workbook(tmp_path / "vide.xlsx", {"Feuil1": []})
    before = path.read_bytes()
    with pytest.raises(SourceError, match=r"n'a pas pu être préparé \(ValueError: Invalid character / found in sheet title\)"):
        init_workbook(path, Settings(tabs={"besoins": "Besoins/atelier"}))
    assert path.read_bytes() == before
