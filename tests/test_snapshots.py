"""`crmcanvas snapshot`: the canvas in CSV files French Excel opens, read back unchanged, written all at once,
and never the demo in place of the sheet the folder's secrets name."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from crmcanvas.analysis import analyze
from crmcanvas.cli import main
from crmcanvas.core.config import ConfigError, Settings, load_settings
from crmcanvas.reports import snapshots
from crmcanvas.reports.snapshot_read import SnapshotError, read_snapshot
from crmcanvas.reports.snapshots import MANIFEST, download_zip, snapshot_files, week_of, write_snapshot
from crmcanvas.standin import StandIn
from tests.fixtures_cli import run_cli
from tests.fixtures_sheets import CANVAS, key_body, service_account_info
from tests.fixtures_snapshots import PARIS, build, resolved, take, tricky_grids
from tests.fixtures_workbook import demo_workbook

pytestmark = pytest.mark.usefixtures("work")  # each test in an empty folder with an empty home

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
MONDAY = datetime(2025, 1, 13, 7, 0, 3, tzinfo=PARIS)



def cells_of(data: bytes, separator: str = ";") -> list[list[str]]:
    """The cells as a spreadsheet program splits them."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=separator))



def week_folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir()) if out.exists() else []


# ---------------------------------------------------------------------- round trip


def test_a_snapshot_reads_back_as_the_same_canvas(tmp_path):
    canvas = build(tricky_grids())
    result = analyze(canvas)
    snap = read_snapshot(take(canvas, tmp_path / "snapshots", MONDAY))
    back = snap.canvas
    for tab, frame in canvas.frames.items():
        pd.testing.assert_frame_equal(back.frames[tab], frame, obj=tab)
    pd.testing.assert_frame_equal(back.edges, canvas.edges)
    pd.testing.assert_frame_equal(back.dangling, canvas.dangling)
    assert back.headers == canvas.headers and back.extra_columns == canvas.extra_columns and back.tab_titles == canvas.tab_titles
    assert snap.metrics == result.metrics and snap.gaps == result.gaps
    assert analyze(back).metrics == result.metrics  # the canvas read back gives the same analysis
    def as_sorted(findings):
        return sorted((f.to_dict() for f in findings), key=lambda d: json.dumps(d, sort_keys=True))

    assert as_sorted(back.findings) == as_sorted(canvas.findings)
    assert back.version == canvas.version and back.source == canvas.source and back.loaded_at == MONDAY


def test_the_hard_cells_survive_exactly(tmp_path):
    canvas = build(tricky_grids())
    back = read_snapshot(take(canvas, tmp_path, MONDAY)).canvas
    needs = back.frames["besoins"]
    cells = set(needs["Remarque"]) | set(needs["Note; interne"]) | set(needs["besoin"])
    assert {"a;b", 'il a dit "oui"', "ligne 1\nligne 2", '=HYPERLINK("https://evil.example";"ici")', "+33 6 12 34 56 78",
            "-2+3", "@SUM(A1)", "'déjà une apostrophe"} <= cells
    assert back.frames["besoins"]["_provisional_id"].tolist() == [False, False, False, True, False]
    assert back.frames["roles"]["id"].tolist() == ["Chargé de collecte", "Bénévole"]  # a tab without ID keeps its name-IDs
    assert back.extra_columns["donnees"] == ["=Origine"] and back.frames["donnees"]["=Origine"].tolist() == ["CRM; ancien", ""]


def test_every_file_is_written_and_listed_with_its_sha256(tmp_path):
    import hashlib

    folder = take(build(tricky_grids()), tmp_path, MONDAY)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    expected = {"enjeux.csv", "besoins.csv", "donnees.csv", "applications.csv", "personnes.csv", "roles.csv", "liens.csv",
                "indicateurs.csv", "couverture.csv", "lacunes.csv", "constats.csv"}
    assert set(manifest["files"]) == expected
    assert {p.name for p in folder.iterdir()} == expected | {MANIFEST}
    for name, info in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    assert manifest["taken_at"] == "2025-01-13T07:00:03+01:00" and manifest["time_zone"] == "Europe/Paris"
    assert manifest["week"] == "2025-W03" and folder.name == "2025-W03"
    assert manifest["counts"] == {"enjeux": 2, "besoins": 5, "donnees": 2, "applications": 2, "personnes": 2, "roles": 2}
    assert manifest["crmcanvas_version"] and manifest["canvas_version"] == "v1" and manifest["source"]["key"] == "test"


def test_links_file_lists_resolved_and_unresolved_references(tmp_path):
    canvas = build(tricky_grids())
    rows = cells_of((take(canvas, tmp_path, MONDAY) / "liens.csv").read_bytes())
    header, body = rows[0], rows[1:]
    assert header == ["onglet_source", "id_source", "relation", "onglet_cible", "id_cible", "resolu", "reference", "suggestion",
                      "ligne", "colonne"]
    resolved_rows = [r for r in body if r[5] == "1"]
    unresolved = [r for r in body if r[5] == "0"]
    assert len(resolved_rows) == len(canvas.edges) and len(unresolved) == len(canvas.dangling) > 0
    assert ["besoins", "B001", "enjeu", "enjeux", "E01"] in [r[:5] for r in resolved_rows]
    assert any(r[0] == "besoins" and r[6] == "R01" and r[8] == "2" for r in unresolved)  # role IDs point at a tab without IDs


def test_week_follows_the_configured_time_zone():
    """Sunday 23:30 UTC is already Monday in Paris: the new ISO week there."""
    from datetime import UTC

    sunday_night = datetime(2025, 1, 12, 23, 30, tzinfo=UTC)
    assert week_of(sunday_night) == "2025-W02"
    assert week_of(sunday_night.astimezone(PARIS)) == "2025-W03"
    assert snapshots.now_in(Settings(time_zone="Europe/Paris")).tzinfo.key == "Europe/Paris"
    assert week_of(datetime(2026, 12, 31, 12, tzinfo=PARIS)) == "2026-W53"  # the ISO year, not the calendar year


# ---------------------------------------------------------------------- bytes, on a golden file


def test_bytes_match_the_golden_file(tmp_path):
    """BOM, separator, CRLF, quoting and neutralisation, byte for byte (tests/golden/besoins.csv)."""
    data = (take(build(tricky_grids()), tmp_path, MONDAY) / "besoins.csv").read_bytes()
    golden = (GOLDEN / "besoins.csv").read_bytes()
    assert data == golden
    # ... and what that file is, said out loud rather than trusted:
    assert golden.startswith(b"\xef\xbb\xbf\"ID\";Besoin;R\xc3\xb4le;")  # BOM, and "ID" quoted (Excel's SYLK trap)
    assert b";Remarque;\"Note; interne\";_row;_provisional_id\r\n" in golden
    assert b"\"il a dit \"\"oui\"\"\"" in golden and b"\"ligne 1\nligne 2\"" in golden
    assert b"\"'=HYPERLINK(\"\"https://evil.example\"\";\"\"ici\"\")\"" in golden
    assert b";'+33 6 12 34 56 78;" in golden and b";'@SUM(A1);" in golden and b";'-2+3;" in golden
    assert ";''déjà une apostrophe;".encode() in golden  # one more apostrophe: reading back removes exactly one
    cells = [cell for row in cells_of(golden) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_numbers_take_a_decimal_comma_next_to_semicolons(tmp_path):
    rows = cells_of((take(build(tricky_grids()), tmp_path, MONDAY) / "indicateurs.csv").read_bytes())
    values = {row[0]: row[3] for row in rows[1:]}
    assert values["besoins_qualifies_pct"] == "20,0" and values["besoins_actifs"] == "5"


def test_separator_and_bom_follow_the_settings(tmp_path):
    settings = Settings(csv_separator=",", csv_bom=False)
    canvas = build(tricky_grids(), settings)
    folder = take(canvas, tmp_path, MONDAY, settings)
    data = (folder / "besoins.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and data.startswith(b'"ID",Besoin,')
    assert '"a;b"' not in data.decode() and "a;b" in data.decode()  # no need to quote a ; any more
    assert cells_of((folder / "indicateurs.csv").read_bytes(), ",")[3][3] == "20.0"  # decimal point next to commas
    snap = read_snapshot(folder)
    pd.testing.assert_frame_equal(snap.canvas.frames["besoins"], canvas.frames["besoins"])
    tabbed = take(canvas, tmp_path / "tab", MONDAY, Settings(csv_separator="tab"))
    assert (tabbed / "besoins.csv").read_bytes().startswith(b'\xef\xbb\xbf"ID"\tBesoin\t')
    pd.testing.assert_frame_equal(read_snapshot(tabbed).canvas.frames["besoins"], canvas.frames["besoins"])


@pytest.mark.parametrize(("env", "value", "words"), [
    ("CRMCANVAS_CSV_SEPARATOR", "|", ("csv_separator",)),
    ("CRMCANVAS_CSV_BOM", "peut-être", ("csv_bom", "ni oui ni non")),
    ("CRMCANVAS_TIME_ZONE", "Europe/Paaris", ("time_zone", "Europe/Paaris", "IANA")),
])
def test_a_wrong_csv_or_time_setting_names_the_key(monkeypatch, env, value, words):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    for word in words:
        assert word in caught.value.render("fr")[0]


def test_yes_and_no_in_french_are_understood(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_CSV_BOM", "non")
    monkeypatch.setenv("CRMCANVAS_HISTORY_WRITE", "oui")
    settings = load_settings()
    assert settings.csv_bom is False and settings.history_write is True


# ---------------------------------------------------------------------- the command: exit codes, atomic writes


@pytest.fixture
def demo_xlsx(work) -> Path:
    return demo_workbook(work / "canevas.xlsx")


def test_snapshot_writes_the_week_folder_and_exits_0(demo_xlsx, work, capsys):
    assert main(["snapshot", str(demo_xlsx)]) == 0
    out = capsys.readouterr().out
    (name,) = week_folders(work / "snapshots")
    manifest = json.loads((work / "snapshots" / name / MANIFEST).read_text(encoding="utf-8"))
    assert name == manifest["week"] and f"Relevé {name} écrit dans snapshots/{name}" in out
    assert manifest["counts"]["besoins"] == 60 and manifest["source"]["key"] == f"file:{demo_xlsx.resolve()}"
    assert datetime.fromisoformat(manifest["taken_at"]).utcoffset() is not None


def test_a_second_snapshot_in_the_week_replaces_the_first_and_keep_keeps_both(demo_xlsx, work, capsys):
    out = work / "releves"
    assert main(["snapshot", str(demo_xlsx), "--out", str(out)]) == 0
    (week,) = week_folders(out)
    first = json.loads((out / week / MANIFEST).read_text(encoding="utf-8"))["taken_at"]
    wb = openpyxl.load_workbook(demo_xlsx)
    wb["besoins"]["B2"] = "En tant que chargé de collecte, je souhaite une nouvelle version"
    wb.save(demo_xlsx)
    assert main(["snapshot", str(demo_xlsx), "--out", str(out)]) == 0
    assert "remplace le relevé précédent" in capsys.readouterr().out
    assert week_folders(out) == [week]
    assert "une nouvelle version" in (out / week / "besoins.csv").read_text(encoding="utf-8-sig")
    assert main(["snapshot", str(demo_xlsx), "--out", str(out), "--keep"]) == 0
    assert main(["snapshot", str(demo_xlsx), "--out", str(out), "--keep"]) == 0
    folders = week_folders(out)
    assert len(folders) == 3 and folders[0] == week and all(f.startswith(week + "-") for f in folders[1:])
    assert json.loads((out / week / MANIFEST).read_text(encoding="utf-8"))["taken_at"] >= first
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.is_dir()]  # nothing left aside


def test_an_interrupted_write_leaves_the_previous_snapshot_intact(tmp_path, monkeypatch):
    out = tmp_path / "snapshots"
    folder = take(build(tricky_grids()), out, MONDAY)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    grids = tricky_grids()
    grids["besoins"][1][1] = "Une autre histoire"
    canvas = build(grids)
    files = snapshot_files(canvas, analyze(canvas), Settings(), source="test", taken_at=MONDAY)
    real = snapshots._write_files

    def crash_half_way(target, files):
        real(target, dict(list(files.items())[:4]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(snapshots, "_write_files", crash_half_way)
    with pytest.raises(OSError):
        write_snapshot(files, out, "2025-W03")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in out.iterdir() if p.is_dir()] == ["2025-W03"]  # the half-written copy is gone too


CRASH = textwrap.dedent("""
    import os, sys
    from datetime import datetime
    from zoneinfo import ZoneInfo
    from crmcanvas.reports import snapshots
    from tests.fixtures_snapshots import build, tricky_grids
    from crmcanvas.analysis import analyze
    from crmcanvas.core.config import Settings

    grids = tricky_grids()
    grids["besoins"][1][1] = "Une autre histoire"
    canvas = build(grids)
    moment = datetime(2025, 1, 13, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    files = snapshots.snapshot_files(canvas, analyze(canvas), Settings(), source="test", taken_at=moment)
    real_write, real_rename = snapshots._write_files, os.rename
    if sys.argv[2] == "writing":
        def crash(target, files):
            real_write(target, dict(list(files.items())[:3]))
            os._exit(9)  # the power goes: no clean-up code runs
        snapshots._write_files = crash
    else:
        renames = []
        def crash(src, dst):
            real_rename(src, dst)
            renames.append(dst)
            if len(renames) == 1:
                os._exit(9)  # between moving the old snapshot aside and moving the new one in
        snapshots.os.rename = crash
    snapshots.write_snapshot(files, sys.argv[1], "2025-W03")
""")


@pytest.mark.parametrize("moment", ["writing", "swapping"])
def test_a_crash_leaves_the_previous_snapshot_whole_and_the_next_run_tidies_up(tmp_path, moment):
    from crmcanvas.reports.history import folder_points

    out = tmp_path / "snapshots"
    folder = take(build(tricky_grids()), out, MONDAY)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    done = subprocess.run([sys.executable, "-c", CRASH, str(out), moment], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 9, done.stderr
    leftovers = sorted(p.name.split(".")[2].split("-")[0] for p in out.iterdir() if p.name.startswith(".") and p.is_dir())
    assert leftovers == (["writing"] if moment == "writing" else ["replaced", "writing"])
    if moment == "writing":  # the old snapshot never moved; the history does not see the half-written one
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
        assert [p.taken_at for p in folder_points(out, "test")] == [MONDAY]
    snapshots.recover(out)  # what the next run does first, holding the lock
    assert [p.name for p in out.iterdir() if p.is_dir()] == ["2025-W03"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    later = take(build(tricky_grids()), out, MONDAY.replace(hour=10))
    assert json.loads((later / MANIFEST).read_text(encoding="utf-8"))["taken_at"].startswith("2025-01-13T10:00")


@pytest.mark.parametrize("content", [None, b"not a workbook"])
def test_a_failed_read_writes_nothing_and_exits_2(work, capsys, content):
    path = work / "canevas.xlsx"
    if content is not None:
        path.write_bytes(content)
    assert main(["snapshot", str(path), "--out", str(work / "releves")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("crmcanvas : ") and "Traceback" not in captured.err
    assert not (work / "releves").exists()


def test_a_partial_canvas_is_written_with_its_findings_and_exits_1(demo_xlsx, work, capsys):
    wb = openpyxl.load_workbook(demo_xlsx)
    del wb["personnes"]
    wb.save(demo_xlsx)
    assert main(["snapshot", str(demo_xlsx)]) == 1
    assert "Onglets absents de la source" in capsys.readouterr().out
    (name,) = week_folders(work / "snapshots")
    folder = work / "snapshots" / name
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["complete"] is False and manifest["tabs"]["personnes"] == {"title": "personnes", "missing": True}
    assert not (folder / "personnes.csv").exists() and "personnes" not in manifest["counts"]
    findings = cells_of((folder / "constats.csv").read_bytes())
    assert any(row[0] == "error" and row[1] == "missing_tab" for row in findings[1:])
    assert read_snapshot(folder).canvas.frames["personnes"].empty


def test_an_unwritable_folder_exits_2_and_says_so(demo_xlsx, work, capsys):
    blocker = work / "fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    assert main(["snapshot", str(demo_xlsx), "--out", str(blocker / "releves")]) == 2
    err = capsys.readouterr().err
    assert "impossible d'écrire le relevé" in err and "--out" in err


def test_the_snapshot_of_a_sheet_named_only_in_the_secrets_reads_that_sheet(work):
    """The dashboard's folder: .streamlit/secrets.toml names the sheet and holds the key. `crmcanvas snapshot`
    run there by cron must snapshot that sheet (through the stand-in), not the demo."""
    info = service_account_info("cron@atelier-crm.iam.gserviceaccount.com")
    with StandIn(auth="required") as sheets:
        key = sheets.add_spreadsheet(CANVAS)
        sheets.share(info["client_email"])
        secrets = work / ".streamlit" / "secrets.toml"
        secrets.parent.mkdir()
        secrets.write_text("\n".join(["[connections.gsheets]", f"spreadsheet = {json.dumps(sheets.url())}",
                                      *(f"{name} = {json.dumps(value)}" for name, value in info.items())]) + "\n", encoding="utf-8")
        done = run_cli("snapshot", cwd=work, env={"CRMCANVAS_SHEETS_ENDPOINT": sheets.endpoint})
        reads = sheets.count("values.batchGet")
    assert done.returncode in (0, 1), done.stderr
    (name,) = week_folders(work / "snapshots")
    folder = work / "snapshots" / name
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["source"]["key"] == f"google:{key}" and "Google Sheet" in manifest["source"]["description"]
    assert manifest["counts"] == {"enjeux": 2, "besoins": 3, "donnees": 2, "applications": 1, "personnes": 2, "roles": 2}
    assert "Simplifier les reçus fiscaux" in (folder / "enjeux.csv").read_text(encoding="utf-8-sig")
    assert reads == 1
    secret = key_body(info)[:40]
    assert secret not in done.stdout + done.stderr
    assert not any(secret.encode() in p.read_bytes() for p in folder.iterdir())


# ---------------------------------------------------------------------- the dashboard's zip


def test_the_dashboard_zip_holds_the_same_snapshot(tmp_path):
    canvas = build(tricky_grids())
    data = download_zip(canvas, analyze(canvas), resolved())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    week = names[0].split("/")[0]
    assert all(name.startswith(week + "/") for name in names) and week == week_of(snapshots.now_in(Settings()))
    assert {name.split("/")[1] for name in names} == set(os.listdir(take(canvas, tmp_path, MONDAY)))
    path = tmp_path / "crmcanvas.zip"
    path.write_bytes(data)
    snap = read_snapshot(path)
    pd.testing.assert_frame_equal(snap.canvas.frames["besoins"], canvas.frames["besoins"])
    assert snap.source_key == "demo"


def test_reading_something_that_is_not_a_snapshot_says_what_it_is(tmp_path):
    (tmp_path / "vide").mkdir()
    (tmp_path / "archive.zip").write_bytes(b"PK not really")
    for path, words in [(tmp_path / "absent", "introuvable"), (tmp_path / "vide", "pas de manifest.json"),
                        (tmp_path / "archive.zip", "n'est pas un relevé")]:
        with pytest.raises(SnapshotError) as caught:
            read_snapshot(path)
        assert words in caught.value.render("fr")[0]


def test_a_file_changed_after_the_snapshot_is_read_with_a_warning(tmp_path):
    folder = take(build(tricky_grids()), tmp_path, MONDAY)
    data = (folder / "enjeux.csv").read_bytes()
    (folder / "enjeux.csv").write_bytes(data.replace("Fidéliser".encode(), b"Garder"))
    snap = read_snapshot(folder)
    assert snap.canvas.frames["enjeux"]["enjeu"].iloc[0] == "Garder les donateurs"
    assert [w.render("fr") for w in snap.warnings] == [
        "enjeux.csv a été modifié depuis le relevé (son empreinte sha256 ne correspond plus au manifeste) : il est lu tel qu'il est."]



def test_a_tab_with_headers_and_no_rows_reads_back_as_empty_not_missing(tmp_path):
    from tests.grids import clean_grids

    grids = clean_grids()
    grids["applications"] = [["ID", "Application", "Notes"]]
    canvas = build(grids)
    back = read_snapshot(take(canvas, tmp_path, MONDAY)).canvas
    pd.testing.assert_frame_equal(back.frames["applications"], canvas.frames["applications"])
    assert back.extra_columns["applications"] == ["Notes"] and back.headers["applications"]


# ---------------------------------------------------------------------- the weekly workflow


WORKFLOW = ROOT / ".github" / "workflows" / "weekly-snapshot.yml"


def workflow_script(step: str) -> str:
    """The ``run: |`` block of a step of the workflow, as the runner's bash gets it."""
    lines = WORKFLOW.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"- name: {step}")
    run = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("run:"))
    if lines[run].strip() != "run: |":
        return lines[run].strip().removeprefix("run:").strip()
    indent = len(lines[run + 1]) - len(lines[run + 1].lstrip())
    block = []
    for line in lines[run + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        block.append(line[indent:])
    return "\n".join(block)


def test_the_weekly_workflow_the_readme_names_keeps_secrets_out_of_sight():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".github/workflows/weekly-snapshot.yml" in readme and WORKFLOW.is_file()
    text = WORKFLOW.read_text(encoding="utf-8")
    assert 'cron: "0 6 * * 1"' in text and "CRMCANVAS_TIME_ZONE: Europe/Paris" in text
    assert "actions/upload-artifact@" in text and "secrets.STREAMLIT_SECRETS" in text
    secrets_step = workflow_script("Écrire les secrets Streamlit (jamais commités ni affichés)")
    assert 'printf \'%s\\n\' "$STREAMLIT_SECRETS" > .streamlit/secrets.toml' in secrets_step and "umask 077" in secrets_step
    assert "echo \"$STREAMLIT_SECRETS" not in text and "set -x" not in text
    assert workflow_script("Effacer les secrets") == "rm -f .streamlit/secrets.toml"
    assert "git add --force -- snapshots/[0-9]*/" in workflow_script("Committer le relevé (dépôt privé, si SNAPSHOTS_IN_REPOSITORY vaut true)")


@pytest.mark.parametrize(("setup", "code"), [("ok", 0), ("partial", 0), ("broken", 2)])
def test_the_workflow_step_fails_only_when_nothing_was_written(work, setup, code):
    """The workflow's snapshot step, run by bash as the runner does: a canvas with errors is still a snapshot
    (the run stays green, constats.csv says what is wrong); an unreadable sheet fails the run."""
    path = demo_workbook(work / "canevas.xlsx")
    if setup == "partial":
        wb = openpyxl.load_workbook(path)
        del wb["rôles"]
        wb.save(path)
    elif setup == "broken":
        path.write_bytes(b"not a workbook")
    bin_dir = work / "bin"
    bin_dir.mkdir()
    (bin_dir / "crmcanvas").write_text(f"#!/bin/sh\nexec {sys.executable} -m crmcanvas.cli \"$@\"\n", encoding="utf-8")
    (bin_dir / "crmcanvas").chmod(0o755)
    done = subprocess.run(["bash", "-e", "-c", workflow_script("Relevé de la semaine")], capture_output=True, text=True,
                          timeout=120, cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{bin_dir}:{os.environ['PATH']}",
                                                      "CRMCANVAS_SOURCE": str(path), "CRMCANVAS_TIME_ZONE": "Europe/Paris"})
    assert done.returncode == code, done.stderr
    assert bool(week_folders(work / "snapshots")) == (code == 0)
