"""The local .xlsx source: faithful reads, and writes that never lose anyone's change."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import stat
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from filelock import FileLock
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import Table

from crmcanvas.core.ids import next_id, next_ids
from crmcanvas.sources import workbook_write
from crmcanvas.sources.base import CellChange, RowNotFound, Source, SourceError, WriteConflict
from crmcanvas.sources.workbook import TEMP_SUFFIX, WorkbookSource, cell_text
from tests.fixtures_workbook import (
    BESOINS_HEADER,
    CANVAS,
    WANTED,
    build_workbook,
    edit_cells,
    ole_file,
    run_python,
    sheet_values,
    start_python,
    with_cached_values,
    zip_file,
)


@pytest.fixture
def canvas(tmp_path: Path) -> Path:
    return build_workbook(tmp_path / "canevas.xlsx", styled=True)


def besoins(source: WorkbookSource) -> list[list[str]]:
    return source.read({"besoins": "besoins"}).grids["besoins"]


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


# --------------------------------------------------------------------------- reading


def test_is_a_source_and_describes_itself_without_the_full_path(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    assert isinstance(source, Source)
    assert source.description == "Classeur local « canevas.xlsx »"


def test_read_returns_every_tab_as_the_strings_that_were_written(canvas: Path) -> None:
    raw = WorkbookSource(canvas).read(WANTED)
    assert raw.grids["besoins"] == [
        BESOINS_HEADER,
        list(CANVAS["besoins"][1]),
        ["B002", CANVAS["besoins"][2][1], "Donateur", "E01", "Should"],  # trailing blanks trimmed, like Google
        list(CANVAS["besoins"][3]),
    ]
    assert raw.grids["roles"] == [list(r) for r in CANVAS["rôles"]]
    assert raw.titles == WANTED
    assert raw.missing == {}
    assert raw.source == "Classeur local « canevas.xlsx »"


def test_read_converts_cells_like_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    long_text = "Une très longue user story. " * 1100  # ~30,000 characters
    rows = [
        ["Texte", "Nombre", "Date", "Booléen"],
        ["Élodie Ñoël — « œuvre »", 42, dt.date(2026, 3, 1), True],
        ["🎉 fête des donateurs", 3.0, dt.datetime(2026, 3, 1, 0, 0), False],
        [],
        ["ligne 1\nligne 2", 2.5, dt.datetime(2026, 3, 1, 14, 30), None],
        [long_text, 0.1 + 0.2],
        [None, "seule au milieu", None, None],
        [None, None],
    ]
    path = build_workbook(tmp_path / "types.xlsx", {"besoins": rows})
    grid = besoins(WorkbookSource(path))
    assert grid == [
        ["Texte", "Nombre", "Date", "Booléen"],
        ["Élodie Ñoël — « œuvre »", "42", "2026-03-01", "TRUE"],
        ["🎉 fête des donateurs", "3", "2026-03-01", "FALSE"],
        [],  # the empty middle row is kept, so row numbers stay right
        ["ligne 1\nligne 2", "2.5", "2026-03-01 14:30:00"],
        [long_text, "0.3"],
        ["", "seule au milieu"],
    ]


def test_cell_text_rules() -> None:
    assert [cell_text(v) for v in (None, "x", 7, 7.0, 1e20, True, dt.time(9, 5))] == [
        "", "x", "7", "7", "1e+20", "TRUE", "09:05:00"
    ]
    assert cell_text(dt.timedelta(hours=26, minutes=3)) == "26:03:00"


def test_formula_cells_read_as_their_cached_value_and_errors_stay_text(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "formules.xlsx", {"besoins": [["ID", "Besoin", "Lien"], ['="B"&"001"', "Voir", "=1/0"]]}
    )
    with_cached_values(path, "besoins", {"A2": "B001", "C2": "#DIV/0!"})
    assert besoins(WorkbookSource(path)) == [["ID", "Besoin", "Lien"], ["B001", "Voir", "#DIV/0!"]]


def test_read_pairs_titles_forgivingly_and_reports_missing_tabs(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "titres.xlsx",
        {"Besoins": [["ID"], ["B1"]], "DONNEES": [["ID"], ["D1"]], "Notes": [["libre"]]},
    )
    raw = WorkbookSource(path).read(WANTED)
    assert raw.titles == {"besoins": "Besoins", "donnees": "DONNEES"}
    assert raw.grids["besoins"] == [["ID"], ["B1"]]
    assert set(raw.missing) == {"enjeux", "applications", "personnes", "roles"}
    assert raw.available == ["Besoins", "DONNEES", "Notes"]


# --------------------------------------------------------------------------- version token


def test_version_is_stable_for_an_unchanged_file(canvas: Path) -> None:
    first = WorkbookSource(canvas).read(WANTED).version
    assert WorkbookSource(canvas).read(WANTED).version == first
    assert WorkbookSource(canvas).version() == first


def test_version_changes_after_every_kind_of_write(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    seen = [source.read(WANTED).version]
    source.append_row("besoins", {"Besoin": "Nouveau"}, id_column="ID", id_prefix="B")
    seen.append(source.version())
    source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Statut", "Validé", "Livré")])
    seen.append(source.version())
    edit_cells(canvas, "besoins", {"A3": None})
    seen.append(source.version())
    source.assign_missing_ids("besoins", id_column="ID", id_prefix="B")
    seen.append(source.read(WANTED).version)
    assert len(set(seen)) == len(seen)


def test_a_write_that_changes_nothing_keeps_the_file_and_its_version(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    before = source.read(WANTED).version
    result = source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Statut", "Validé", "Validé")])
    assert result.updated == []
    assert source.assign_missing_ids("besoins", id_column="ID", id_prefix="B") == []
    assert source.read(WANTED).version == before


# --------------------------------------------------------------------------- update_cells


def test_update_writes_the_changed_cells_of_the_row_found_by_id(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    result = source.update_cells(
        "besoins",
        id_column="ID",
        row_id="b-2",  # same ID as "B002"
        changes=[CellChange("priorité", "Should", "Must"), CellChange("Statut", "", "En cours")],
    )
    assert (result.row, result.updated) == (3, ["Priorité", "Statut"])
    grid = besoins(source)
    assert grid[2] == ["B002", CANVAS["besoins"][2][1], "Donateur", "E01", "Must", "En cours"]
    assert grid[1] == list(CANVAS["besoins"][1]) and grid[3] == list(CANVAS["besoins"][3])


def test_a_cell_changed_by_someone_else_is_not_overwritten(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    seen = source.read(WANTED)
    edit_cells(canvas, "besoins", {"E2": "Won't", "F2": "Rejeté"})  # a colleague, after our read
    after_colleague = source.version()
    with pytest.raises(WriteConflict) as caught:
        source.update_cells(
            "besoins",
            id_column="ID",
            row_id="B001",
            changes=[
                CellChange("Priorité", seen.grids["besoins"][1][4], "Should"),
                CellChange("Statut", seen.grids["besoins"][1][5], "En cours"),
                CellChange("Rôle", "Chargé de relation", "Direction"),
            ],
        )
    conflict = caught.value
    assert [(c.column, c.expected, c.actual, c.new) for c in conflict.conflicts] == [
        ("Priorité", "Must", "Won't", "Should"),
        ("Statut", "Validé", "Rejeté", "En cours"),
    ]
    assert "vous aviez vu « Must »" in conflict.message and "« Won't »" in conflict.message
    assert "Rien n'a été écrit" in conflict.message
    english, hint = conflict.render("en")
    assert "you had seen “Must”" in english and "“Won't”" in english and "Nothing was written" in english
    assert hint == "Refresh, check the current value, then make your change again."
    assert source.version() == after_colleague  # nothing written, not even the non-conflicting cell
    assert besoins(source)[1][2:6] == ["Chargé de relation", "E01", "Won't", "Rejeté"]


def test_rows_are_found_by_id_after_a_row_was_inserted_above(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    source.read(WANTED)
    wb = openpyxl.load_workbook(canvas)  # someone inserts a row at the top of the list
    wb["besoins"].insert_rows(2)
    wb["besoins"]["A2"], wb["besoins"]["B2"], wb["besoins"]["E2"] = "B000", "Inséré au-dessus", "Should"
    wb.save(canvas)
    result = source.update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Priorité", "Should", "Must")])
    assert result.row == 4
    grid = besoins(source)
    assert grid[1][:5] == ["B000", "Inséré au-dessus", "", "", "Should"]
    assert grid[3][0] == "B002" and grid[3][4] == "Must"


def test_missing_or_duplicated_row_ids_write_nothing(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    with pytest.raises(RowNotFound, match="« B999 » est introuvable"):
        source.update_cells("besoins", id_column="ID", row_id="B999", changes=[CellChange("Statut", "", "x")])
    edit_cells(canvas, "besoins", {"A4": "B002"})
    before = source.version()
    with pytest.raises(SourceError, match=r"Plusieurs lignes .*\(lignes 3, 4\)"):
        source.update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Statut", "", "x")])
    assert source.version() == before


def test_unknown_tab_or_column_is_named_in_the_error(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    with pytest.raises(SourceError, match="colonne « Budget » n'existe pas .*Commentaire interne"):
        source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Budget", "", "10")])
    with pytest.raises(SourceError, match="onglet « Risques » est introuvable"):
        source.append_row("Risques", {"ID": "X"})


# --------------------------------------------------------------------------- append_row


def test_append_matches_headers_loosely_and_assigns_the_next_id(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    result = source.append_row(
        "Besoins",  # the tab title is matched loosely too
        {"besoin": "En tant que bénévole, je souhaite m'inscrire", "PRIORITE": "Could", "role": "Bénévole"},
        id_column="id",
        id_prefix="B",
    )
    assert (result.row, result.row_id) == (5, "B004")
    assert besoins(source)[4] == ["B004", "En tant que bénévole, je souhaite m'inscrire", "Bénévole", "", "Could"]


def test_append_goes_after_the_last_filled_row_even_after_an_empty_one(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "trous.xlsx", {"besoins": [["ID", "Besoin"], ["B01", "a"], [], ["B02", "b"]]})
    result = WorkbookSource(path).append_row("besoins", {"Besoin": "c"}, id_column="ID", id_prefix="B")
    assert (result.row, result.row_id) == (5, "B03")
    assert besoins(WorkbookSource(path)) == [["ID", "Besoin"], ["B01", "a"], [], ["B02", "b"], ["B03", "c"]]


def test_append_while_another_process_changed_the_file_keeps_both_changes(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    source.read(WANTED)  # what our screen shows: B001..B003
    run_python(
        """
        import sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        ws = wb["besoins"]
        ws["F3"] = "Validé par le comité"
        ws.append(["B004", "Ajouté par un collègue"])
        wb.save(sys.argv[1])
        """,
        str(canvas),
    )
    result = source.append_row("besoins", {"Besoin": "Ajouté depuis le tableau de bord"}, id_column="ID", id_prefix="B")
    assert result.row_id == "B005"  # computed at write time, not from our stale read
    grid = besoins(source)
    assert grid[2][5] == "Validé par le comité"
    assert [row[:2] for row in grid[4:]] == [
        ["B004", "Ajouté par un collègue"],
        ["B005", "Ajouté depuis le tableau de bord"],
    ]


def test_concurrent_processes_appending_at_once_lose_nothing(canvas: Path, tmp_path: Path) -> None:
    processes, rows_each = 4, 5
    go = tmp_path / "go"
    writers = [
        start_python(
            """
            import pathlib, sys, time
            from crmcanvas.sources.workbook import WorkbookSource
            path, go, count, tag = sys.argv[1:5]
            while not pathlib.Path(go).exists():
                time.sleep(0.005)
            source = WorkbookSource(path, lock_timeout=120)
            for i in range(int(count)):
                source.append_row("besoins", {"Besoin": f"{tag}-{i}"}, id_column="ID", id_prefix="B")
            """,
            str(canvas), str(go), str(rows_each), f"p{n}",
        )
        for n in range(processes)
    ]
    time.sleep(0.5)
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err
    grid = besoins(WorkbookSource(canvas))
    added = grid[4:]
    assert sorted(row[1] for row in added) == sorted(f"p{n}-{i}" for n in range(processes) for i in range(rows_each))
    assert [row[0] for row in added] == [f"B{n:03d}" for n in range(4, 4 + processes * rows_each)]
    assert grid[:4] == besoins(WorkbookSource(build_workbook(tmp_path / "ref.xlsx")))
    assert temp_files(canvas.parent) == []


def test_concurrent_threads_of_one_server_lose_nothing(canvas: Path) -> None:
    def add(tag: str) -> None:
        source = WorkbookSource(canvas)
        for i in range(3):
            source.append_row("besoins", {"Besoin": f"{tag}-{i}"}, id_column="ID", id_prefix="B")

    threads = [threading.Thread(target=add, args=(f"t{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    added = besoins(WorkbookSource(canvas))[4:]
    assert sorted(r[1] for r in added) == sorted(f"t{n}-{i}" for n in range(3) for i in range(3))
    assert len({r[0] for r in added}) == 9


def test_the_source_assigns_the_id_even_if_the_caller_guessed_one(canvas: Path) -> None:
    result = WorkbookSource(canvas).append_row("besoins", {"ID": "B002", "Besoin": "x"}, id_column="ID", id_prefix="B")
    assert result.row_id == "B004"


def test_append_without_id_assignment_reports_the_given_id(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    assert source.append_row("besoins", {"ID": " B100 ", "Besoin": "x"}, id_column="ID").row_id == "B100"
    assert source.append_row("besoins", {"Besoin": "y"}).row_id is None


def test_append_refuses_an_empty_row_and_a_text_too_long_for_excel(canvas: Path) -> None:
    source = WorkbookSource(canvas)
    before = source.version()
    with pytest.raises(SourceError, match="toutes les valeurs sont vides"):
        source.append_row("besoins", {"Besoin": "  ", "Statut": ""}, id_column="ID", id_prefix="B")
    with pytest.raises(SourceError, match="32767"):
        source.append_row("besoins", {"Besoin": "x" * 40_000})
    assert source.version() == before


def test_writes_find_the_header_row_below_a_title_row(tmp_path: Path) -> None:
    rows = [["Backlog du projet CRM"], [], ["ID", "Besoin", "Statut"], ["B01", "a", "à faire"], [None, "b"]]
    path = build_workbook(tmp_path / "titre.xlsx", {"besoins": rows})
    source = WorkbookSource(path)
    assert source.append_row("besoins", {"Besoin": "c"}, id_column="ID", id_prefix="B").row_id == "B02"
    assert source.update_cells("besoins", id_column="ID", row_id="B01", changes=[CellChange("Statut", "à faire", "fait")]).row == 4
    assert source.assign_missing_ids("besoins", id_column="ID", id_prefix="B") == [(5, "B03")]
    assert besoins(source) == [
        ["Backlog du projet CRM"], [], ["ID", "Besoin", "Statut"], ["B01", "a", "fait"], ["B03", "b"], ["B02", "c"]
    ]


def test_a_merged_cell_is_not_written(canvas: Path) -> None:
    wb = openpyxl.load_workbook(canvas)
    wb["besoins"].merge_cells("F2:G2")
    wb.save(canvas)
    source = WorkbookSource(canvas)
    before = source.version()
    with pytest.raises(SourceError, match="G2 .* fusionnées"):
        source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Commentaire interne", "", "x")])
    assert source.version() == before


def test_a_wrong_stored_dimension_does_not_hide_rows(canvas: Path) -> None:
    with zipfile.ZipFile(canvas) as zf:
        members = {info: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(canvas, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, blob in members.items():
            zf.writestr(info, re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', blob))
    assert besoins(WorkbookSource(canvas))[3][:2] == ["B003", CANVAS["besoins"][3][1]]


# --------------------------------------------------------------------------- text stays text


@pytest.mark.parametrize("text", ["=1+1", "+33 6 12 34 56 78", "-moins", "@alice", '=HYPERLINK("http://x")'])
def test_formula_looking_text_is_stored_as_text(canvas: Path, text: str) -> None:
    source = WorkbookSource(canvas)
    row = source.append_row("besoins", {"Besoin": text, "Statut": "  espaces gardés  "}).row
    source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Commentaire interne", "à revoir", text)])
    grid = besoins(source)
    assert grid[row - 1][1] == text and grid[row - 1][5] == "  espaces gardés  "
    assert grid[1][6] == text
    ws = openpyxl.load_workbook(canvas)["besoins"]
    assert (ws.cell(row=row, column=2).data_type, ws.cell(row=row, column=2).value) == ("s", text)
    assert (ws["G2"].data_type, ws["G2"].value) == ("s", text)


# --------------------------------------------------------------------------- assign_missing_ids


def test_assign_missing_ids_fills_only_empty_id_cells(tmp_path: Path) -> None:
    rows = [
        ["ID", "Besoin", "Statut"],
        ["B007", "a", "x"],
        [None, "sans identifiant", None],
        [],
        [None, None, "juste un statut"],
        ["B-2", "b"],
        [" ", "un espace pour tout identifiant"],
    ]
    path = build_workbook(tmp_path / "ids.xlsx", {"besoins": rows})
    source = WorkbookSource(path)
    assert source.assign_missing_ids("besoins", id_column="ID", id_prefix="B") == [(3, "B008"), (5, "B009"), (7, "B010")]
    assert besoins(source) == [
        ["ID", "Besoin", "Statut"],
        ["B007", "a", "x"],
        ["B008", "sans identifiant"],
        [],
        ["B009", "", "juste un statut"],
        ["B-2", "b"],
        ["B010", "un espace pour tout identifiant"],
    ]


# --------------------------------------------------------------------------- what a write must keep


def test_a_write_keeps_styles_widths_other_tabs_and_unknown_columns(canvas: Path) -> None:
    others_before = {t: sheet_values(canvas, t) for t in CANVAS if t != "besoins"}
    source = WorkbookSource(canvas)
    source.append_row("besoins", {"Besoin": "Nouveau"}, id_column="ID", id_prefix="B")
    source.update_cells("besoins", id_column="ID", row_id="B003", changes=[CellChange("Statut", "", "En cours")])
    wb = openpyxl.load_workbook(canvas)
    ws = wb["besoins"]
    assert ws["A1"].font.bold and ws["G1"].fill.fgColor.rgb == "00FFFF00"
    assert ws.column_dimensions["B"].width == 42
    assert [ws[f"G{r}"].value for r in range(2, 5)] == ["à revoir", None, "prioriser ?"]
    assert {t: sheet_values(canvas, t) for t in CANVAS if t != "besoins"} == others_before


def test_a_new_row_looks_like_the_row_above_and_extends_the_excel_table(tmp_path: Path) -> None:
    path = build_workbook(tmp_path / "table.xlsx", {"besoins": CANVAS["besoins"]})
    wb = openpyxl.load_workbook(path)
    ws = wb["besoins"]
    for cell in ws[4]:
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.add_table(Table(displayName="Backlog", ref="A1:G4"))
    wb.save(path)
    WorkbookSource(path).append_row("besoins", {"Besoin": "Nouveau"}, id_column="ID", id_prefix="B")
    ws = openpyxl.load_workbook(path)["besoins"]
    assert ws["B5"].fill.fgColor.rgb == "00DDEBF7" and ws["G5"].fill.fgColor.rgb == "00DDEBF7"
    assert ws.tables["Backlog"].ref == "A1:G5"


def test_formulas_and_their_values_survive_a_write(tmp_path: Path) -> None:
    path = build_workbook(
        tmp_path / "formules.xlsx",
        {
            "besoins": [["ID", "Besoin", "Statut"], ['="B"&"001"', "Voir", None], ["B002", "Suivre", None]],
            "Synthèse": [["Total"], ["=COUNTA(besoins!B:B)-1"]],
        },
    )
    with_cached_values(path, "besoins", {"A2": "B001"})
    with_cached_values(path, "Synthèse", {"A2": 2})
    source = WorkbookSource(path)
    source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Statut", "", "Fait")])
    source.append_row("besoins", {"Besoin": "Nouveau"}, id_column="ID", id_prefix="B")
    raw = source.read({"besoins": "besoins", "enjeux": "Synthèse"})
    assert raw.grids["besoins"] == [["ID", "Besoin", "Statut"], ["B001", "Voir", "Fait"], ["B002", "Suivre"], ["B003", "Nouveau"]]
    assert raw.grids["enjeux"] == [["Total"], ["2"]]  # the old cached value, until Excel recalculates
    wb = openpyxl.load_workbook(path)
    assert wb["besoins"]["A2"].value == '="B"&"001"' and wb["Synthèse"]["A2"].value == "=COUNTA(besoins!B:B)-1"


def test_a_write_keeps_the_file_permissions(canvas: Path) -> None:
    os.chmod(canvas, 0o640)
    WorkbookSource(canvas).append_row("besoins", {"Besoin": "x"})
    assert stat.S_IMODE(os.stat(canvas).st_mode) == 0o640


# --------------------------------------------------------------------------- crashes and locks


def test_a_crash_mid_save_leaves_the_old_file_intact(canvas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = WorkbookSource(canvas)
    before = source.read(WANTED)

    def disk_full(fh, data: bytes) -> None:
        fh.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(workbook_write, "_write_bytes", disk_full)
    with pytest.raises(SourceError) as caught:
        source.append_row("besoins", {"Besoin": "perdu"}, id_column="ID", id_prefix="B")
    assert "Impossible d'enregistrer « canevas.xlsx » : le disque est plein" in caught.value.message
    assert "n'a pas été modifié" in caught.value.message and caught.value.retryable
    after = WorkbookSource(canvas).read(WANTED)
    assert (after.grids, after.version) == (before.grids, before.version)
    assert temp_files(canvas.parent) == []


def test_a_writer_killed_mid_save_leaves_the_old_file_intact(canvas: Path, tmp_path: Path) -> None:
    before = WorkbookSource(canvas).read(WANTED)
    ready = tmp_path / "ready"
    writer = start_python(
        """
        import pathlib, sys, time
        from crmcanvas.sources import workbook, workbook_write

        def hang(fh, data):
            fh.write(data[: len(data) // 2])
            fh.flush()
            pathlib.Path(sys.argv[2]).touch()
            time.sleep(600)

        workbook_write._write_bytes = hang
        workbook.WorkbookSource(sys.argv[1]).append_row("besoins", {"Besoin": "jamais"})
        """,
        str(canvas), str(ready),
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert writer.poll() is None, writer.communicate()[1]
            assert time.monotonic() < deadline, "the writer never reached the save"
            time.sleep(0.02)
    finally:
        writer.kill()
        writer.communicate()
    assert len(temp_files(canvas.parent)) == 1  # the half-written temp file, never renamed
    after = WorkbookSource(canvas).read(WANTED)
    assert (after.grids, after.version) == (before.grids, before.version)
    WorkbookSource(canvas).append_row("besoins", {"Besoin": "après le crash"})  # the lock died with the writer
    assert temp_files(canvas.parent) == []  # and the next write cleaned up


def test_a_write_waits_for_the_lock_then_says_so(canvas: Path) -> None:
    source = WorkbookSource(canvas, lock_timeout=0.2)
    with FileLock(f"{canvas}.lock"):
        with pytest.raises(SourceError) as caught:
            source.append_row("besoins", {"Besoin": "x"})
    assert "en cours de modification" in caught.value.message and caught.value.retryable
    assert source.append_row("besoins", {"Besoin": "x"}).row == 5


@pytest.mark.parametrize(("marker", "editor"), [("~$canevas.xlsx", "Excel"), (".~lock.canevas.xlsx#", "LibreOffice")])
def test_no_write_while_the_file_is_open_in_a_spreadsheet_program(canvas: Path, marker: str, editor: str) -> None:
    (canvas.parent / marker).write_bytes(b"owner")
    source = WorkbookSource(canvas)
    before = source.read(WANTED).version
    with pytest.raises(SourceError) as caught:
        source.append_row("besoins", {"Besoin": "x"})
    assert f"ouvert dans {editor}" in caught.value.message and marker in (caught.value.suggestion or "")
    assert source.read(WANTED).version == before


# --------------------------------------------------------------------------- files we cannot read


def _valid(path: Path) -> Path:
    return build_workbook(path, {"besoins": [["ID"], ["B1"]]})


def _truncated(path: Path) -> Path:
    data = _valid(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _garbled_member(path: Path) -> Path:
    with zipfile.ZipFile(_valid(path.with_suffix(".ok.xlsx"))) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    data = bytearray(path.read_bytes())
    offset = data.index(b"xl/worksheets/sheet1.xml") + 40
    data[offset : offset + 30] = b"\x00" * 30
    path.write_bytes(bytes(data))
    return path


BAD_FILES = {
    "missing": (lambda p: p, "introuvable"),
    "directory": (lambda p: (p.mkdir(), p)[1], "est un dossier"),
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "est vide"),
    "csv renamed": (lambda p: (p.write_text("ID;Besoin\nB1;Voir\n", encoding="utf-8"), p)[1], "contient du texte"),
    "html export": (lambda p: (p.write_text("<html><table><tr><td>ID</td></tr></table></html>"), p)[1], "page web"),
    "truncated zip": (_truncated, "endommagé"),
    "garbled member": (_garbled_member, "endommagé"),
    "password": (lambda p: ole_file(p, encrypted=True), "protégé par mot de passe"),
    "old xls": (lambda p: ole_file(p, encrypted=False), "Excel 97-2003 (.xls)"),
    "ods": (lambda p: zip_file(p, {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}), "OpenDocument (.ods)"),
    "docx": (lambda p: zip_file(p, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "pas un classeur Excel"),
    "broken xlsx": (
        lambda p: zip_file(p, {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<pas du xml", "_rels/.rels": "<"}),
        "n'a pas pu être lu",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_unreadable_files_give_a_french_error_with_a_suggestion(tmp_path: Path, kind: str) -> None:
    make, problem = BAD_FILES[kind]
    path = make(tmp_path / "canevas.xlsx")
    source = WorkbookSource(path)
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert problem in caught.value.message
    assert caught.value.suggestion
    english, english_hint = caught.value.render("en")
    assert english != caught.value.message and english_hint and english_hint != caught.value.suggestion
    with pytest.raises(SourceError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        source.append_row("besoins", {"ID": "B2"})
    with pytest.raises(SourceError):
        source.update_cells("besoins", id_column="ID", row_id="B1", changes=[CellChange("ID", "B1", "B2")])


def test_a_missing_file_hint_does_not_guess_where_the_path_came_from(tmp_path: Path) -> None:
    path = tmp_path / "absent.xlsx"
    with pytest.raises(SourceError) as caught:
        WorkbookSource(path).read(WANTED)
    assert caught.value.render("fr") == (
        f"Le fichier « absent.xlsx » est introuvable ({path}).",
        "Vérifiez le chemin du classeur et que le fichier n'a pas été déplacé ou renommé.",
    )
    assert caught.value.render("en") == (
        f"The file “absent.xlsx” cannot be found ({path}).",
        "Check the workbook's path and that the file has not been moved or renamed.",
    )


def test_old_formats_point_to_saving_as_xlsx(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        WorkbookSource(ole_file(tmp_path / "ancien.xls", encrypted=False)).read(WANTED)
    assert "Enregistrez le fichier au format .xlsx (Excel 2007+)" in (caught.value.suggestion or "")


# --------------------------------------------------------------------------- next_id


def test_next_id_follows_the_sheet_style() -> None:
    assert next_id(["B058", "B060", "B059"], "B") == "B061"
    assert next_id([], "B") == "B001"
    assert next_id(["E1", "E2", "E10"], "E") == "E11"
    assert next_id(["E01", "E02", "E3"], "E") == "E04"  # most IDs are two digits wide
    assert next_id(["B-07", "B-08", "X-99", "", "n/a"], "B") == "B-09"
    assert next_id(["b999"], "B") == "B1000"
    assert next_ids(["P01"], "P", 3) == ["P02", "P03", "P04"]
