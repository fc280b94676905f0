"""`crmcanvas diff`: what changed between two snapshots, or a snapshot and the live canvas, by ID — the same
answer as comparing the canvases themselves."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from crmcanvas.analysis.changes import canvas_changes
from crmcanvas.cli import main
from crmcanvas.cli.text import format_diff_text
from crmcanvas.reports.diff import Side, diff
from crmcanvas.reports.snapshot_read import read_snapshot
from tests.fixtures_snapshots import PARIS, build, take, tricky_grids
from tests.fixtures_workbook import demo_workbook
from tests.grids import clean_grids

pytestmark = pytest.mark.usefixtures("work")  # each test in an empty folder with an empty home

MONDAY = datetime(2025, 1, 13, 7, 0, tzinfo=PARIS)



def snapshot_pair(before_grids, after_grids, tmp_path):
    """Both canvases, snapshotted a week apart and read back as the diff reads them."""
    a, b = build(before_grids), build(after_grids)
    first = read_snapshot(take(a, tmp_path / "snapshots", MONDAY))
    second = read_snapshot(take(b, tmp_path / "snapshots", MONDAY + timedelta(days=7)))
    sides = [Side(name=s.week, kind="snapshot", canvas=s.canvas, metrics=s.metrics, taken_at=s.taken_at, week=s.week,
                  location=s.location) for s in (first, second)]
    return (a, b), sides


# ---------------------------------------------------------------------- hand-built pairs


def test_added_removed_changed_renamed_moved_and_missing_tab(tmp_path):
    before, after = tricky_grids(), tricky_grids()
    after["besoins"].append(["B011", "En tant que comptable, je souhaite un export", "R01", "E01", "Don", "A01", "Must", "Nouveau",
                             "", ""])  # added
    del after["besoins"][3]  # B003 removed
    after["besoins"][1][6] = "Should"  # B001: Must -> Should
    after["besoins"][1][8] = "b;c"  # an unknown column edited too
    after["besoins"][2][0] = "B012"  # B002's ID changed, nothing else: a rename
    after["enjeux"] = [after["enjeux"][0], after["enjeux"][2], after["enjeux"][1]]  # rows moved: no change
    del after["applications"]  # a tab gone
    (a, b), (first, second) = snapshot_pair(before, after, tmp_path)
    changes = diff(first, second)
    needs = changes.tabs["besoins"]
    assert needs.added == ["B011"] and needs.removed == ["B003"] and needs.renamed == [("B002", "B012")]
    assert [(c.id, c.fields) for c in needs.changed] == [("B001", {"Priorité": ("must", "should"), "Remarque": ("a;b", "b;c")})]
    assert changes.tabs["enjeux"].empty
    assert changes.tabs["applications"].missing_after and changes.tabs["applications"].removed == ["A01", "A02"]
    # the snapshots read back tell exactly what the canvases themselves tell
    live = canvas_changes(a, b)
    assert {k: v.to_dict() for k, v in changes.tabs.items()} == {k: v.to_dict() for k, v in live.tabs.items()}


def test_a_tab_without_id_is_compared_by_name(tmp_path):
    before, after = tricky_grids(), tricky_grids()
    after["roles"][1][2] = "Persona revue"  # « Chargé de collecte »: another persona
    after["roles"][2][0] = "Bénévole actif"  # a new name is another row
    (_, _), (first, second) = snapshot_pair(before, after, tmp_path)
    roles = diff(first, second).tabs["roles"]
    assert [(c.id, c.fields) for c in roles.changed] == [("Chargé de collecte", {"Persona": ('il a dit "oui"', "Persona revue")})]
    assert roles.added == ["Bénévole actif"] and roles.removed == ["Bénévole"]


def test_a_tab_that_appears_is_not_every_row_added_silently(tmp_path):
    before = clean_grids()
    del before["personnes"]
    (_, _), (first, second) = snapshot_pair(before, clean_grids(), tmp_path)
    people = diff(first, second).tabs["personnes"]
    assert people.missing_before and people.added == ["P01", "P02"]


def test_metrics_before_and_after(tmp_path):
    after = clean_grids()
    after["besoins"][3][6] = "Won't"  # B003 set aside: one active need less
    (_, _), (first, second) = snapshot_pair(clean_grids(), after, tmp_path)
    changes = diff(first, second)
    assert changes.metrics == {"besoins_actifs": (3, 2), "besoins_exclus": (0, 1),  # tables (coverage) are not listed
                               "besoins_sans_lot": (3, 2)}  # the clean canvas has no Lot column
    text = format_diff_text(changes, first, second, "fr")
    assert text.endswith("INDICATEURS (avant → après)\n"
                         "  Besoins pris en compte (hors rejetés / won't)                     3 → 2\n"
                         "  Besoins rejetés ou won't                                          0 → 1\n"
                         "  Besoins sans lot                                                  3 → 2")


def test_identical_snapshots_have_no_difference(tmp_path):
    (_, _), (first, second) = snapshot_pair(tricky_grids(), tricky_grids(), tmp_path)
    changes = diff(first, second)
    assert changes.empty
    assert "Aucune différence" in format_diff_text(changes, first, second, "fr")


def test_text_layout_shows_fields_old_to_new_and_never_runs_sheet_text(tmp_path):
    before, after = clean_grids(), clean_grids()
    after["enjeux"][1][1] = "Fidéliser\x1b[2J les donateurs"  # an escape sequence typed into a Google Sheet cell
    after["besoins"][1][6] = "Should"
    (_, _), (first, second) = snapshot_pair(before, after, tmp_path)
    text = format_diff_text(diff(first, second), first, second, "fr")
    assert "\x1b" not in text and "Fidéliser\\x1b[2J les donateurs" in text
    assert "      Priorité : must → should" in text
    assert text.splitlines()[0].startswith("Avant : relevé 2025-W03 du 13/01/2025 à 07:00")
    english = format_diff_text(diff(first, second), first, second, "en")
    assert "      Priorité: must → should" in english and english.startswith("Before: snapshot 2025-W03")


# ---------------------------------------------------------------------- the command, on the demo


@pytest.fixture
def demo_xlsx(work) -> Path:
    return demo_workbook(work / "canevas.xlsx")


def edit_demo(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    needs = wb["besoins"]
    header = [c.value for c in needs[1]]
    needs.cell(row=4, column=header.index("Priorité") + 1, value="Must")  # B003: Should -> Must
    needs.cell(row=5, column=1, value="B099")  # B004 renamed
    needs.delete_rows(10)  # B009 removed
    needs.append(["B061", "En tant que bénévole, je souhaite badger à l'arrivée", "R02", "E02"])
    wb["enjeux"]["B2"] = "Fidéliser et remercier les donateurs"
    wb.save(path)


def test_two_snapshots_of_the_demo_with_edits(demo_xlsx, work, capsys):
    assert main(["snapshot", str(demo_xlsx), "--keep"]) == 0
    edit_demo(demo_xlsx)
    assert main(["snapshot", str(demo_xlsx), "--keep"]) == 0
    first, second = sorted(str(p) for p in (work / "snapshots").iterdir() if p.is_dir())
    capsys.readouterr()
    assert main(["diff", first, second, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    needs = payload["tabs"]["besoins"]
    assert needs["added"] == ["B061"] and needs["removed"] == ["B009"] and needs["renamed"] == [{"from": "B004", "to": "B099"}]
    assert {"id": "B003", "fields": {"Priorité": {"before": "should", "after": "must"}}} in needs["changed"]
    assert payload["tabs"]["enjeux"]["changed"][0]["fields"]["Enjeu"]["after"] == "Fidéliser et remercier les donateurs"
    assert payload["before"]["kind"] == "snapshot" and payload["after"]["counts"]["besoins"] == 60
    assert payload["empty"] is False and "besoins_actifs" not in payload["metrics"]  # 60 active needs on both sides

    # the second snapshot against the live workbook: nothing changed since
    assert main(["diff", second, str(demo_xlsx), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["empty"] is True
    # the first snapshot against the live workbook: the same answer as against the second snapshot
    assert main(["diff", first, str(demo_xlsx), "--format", "json"]) == 0
    against_live = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in against_live.items() if k not in ("before", "after")} == \
        {k: v for k, v in payload.items() if k not in ("before", "after")}


def test_diff_against_live_reads_the_configured_source(demo_xlsx, work, capsys, monkeypatch):
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(demo_xlsx))
    assert main(["snapshot"]) == 0
    (week,) = [p.name for p in (work / "snapshots").iterdir() if p.is_dir()]
    edit_demo(demo_xlsx)
    capsys.readouterr()
    assert main(["diff", week, "live"]) == 0  # a snapshot named by its week, found in snapshot_dir
    out = capsys.readouterr().out
    assert out.startswith(f"Avant : relevé {week} du ") and "Après : canevas en direct, Classeur local « canevas.xlsx »" in out
    assert "  + B061  En tant que bénévole, je souhaite badger à l'arrivée" in out
    assert "  ↻ B004 → B099" in out and "  − B009" in out
    assert "      Enjeu : Fidéliser les donateurs → Fidéliser et remercier les donateurs" in out


def test_the_dashboard_zip_can_be_diffed(demo_xlsx, work, capsys):
    from crmcanvas.analysis import analyze
    from crmcanvas.build.pipeline import build_canvas
    from crmcanvas.core.config import resolve
    from crmcanvas.reports.snapshots import download_zip
    from crmcanvas.sources import open_source

    where = resolve(source=str(demo_xlsx))
    canvas = build_canvas(open_source(where), where.settings)
    (work / "export.zip").write_bytes(download_zip(canvas, analyze(canvas, where.settings), where))
    edit_demo(demo_xlsx)
    assert main(["diff", "export.zip", str(demo_xlsx), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["tabs"]["besoins"]["added"] == ["B061"]


@pytest.mark.parametrize(("name", "words"), [
    ("2020-W01", ["« 2020-W01 » n'est ni un relevé", "Exemple : crmcanvas diff 2025-W02 live"]),
    ("dossier-vide", ["pas de manifest.json"]),
    ("absent.xlsx", ["« absent.xlsx » n'est ni un relevé"]),
])
def test_a_side_that_cannot_be_read_exits_2_and_says_why(work, capsys, name, words):
    (work / "dossier-vide").mkdir()
    assert main(["diff", name, "live"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    for word in words:
        assert word in captured.err, captured.err


def test_a_live_side_that_cannot_be_read_names_where_the_source_came_from(work, capsys, monkeypatch, demo_xlsx):
    assert main(["snapshot", str(demo_xlsx)]) == 0
    (week,) = [p.name for p in (work / "snapshots").iterdir() if p.is_dir()]
    (work / "abime.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("CRMCANVAS_SOURCE", "abime.xlsx")
    capsys.readouterr()
    assert main(["diff", week, "live"]) == 2
    assert "(source « abime.xlsx », donnée par la variable d'environnement CRMCANVAS_SOURCE)" in capsys.readouterr().err
