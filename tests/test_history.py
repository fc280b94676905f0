"""History: the snapshot folders and the source's `historique` tab tell the same weeks with the same numbers,
the tab is created when missing (workbook and Google), and "what changed since last week" reads either."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import openpyxl
import pytest

from crmcanvas.analysis import analyze
from crmcanvas.cli import main
from crmcanvas.core.config import Resolved, Settings, resolve
from crmcanvas.reports import history
from crmcanvas.reports.history import (
    folder_points,
    history_columns,
    load_history,
    previous_metrics,
    record_in_tab,
    tab_points,
)
from crmcanvas.reports.snapshots import manifest_of, snapshot_files, source_key
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import CANVAS, make_source
from tests.fixtures_snapshots import PARIS, build, take
from tests.fixtures_workbook import demo_workbook
from tests.grids import clean_grids

pytestmark = pytest.mark.usefixtures("work")  # each test in an empty folder with an empty home

MONDAY = datetime(2025, 1, 13, 7, 0, tzinfo=PARIS)



def weeks(count: int) -> list[datetime]:
    return [MONDAY + timedelta(days=7 * i, hours=i) for i in range(count)]


def growing_canvas(i: int):
    """The clean canvas with ``i`` more needs each week (and one of them without a role)."""
    grids = clean_grids()
    for n in range(i):
        grids["besoins"].append([f"B1{n:02d}", f"En tant que bénévole, je souhaite la tâche {n}", "" if n == 0 else "R02",
                                 "E02", "Don", "A02", "Could", "Nouveau"])
    return build(grids)


# ---------------------------------------------------------------------- folders


def test_folders_give_one_point_per_snapshot_of_this_source_oldest_first(work):
    out = work / "snapshots"
    for i, moment in reversed(list(enumerate(weeks(3)))):
        take(growing_canvas(i), out, moment, source="file:/srv/canevas.xlsx")
    take(growing_canvas(5), out, MONDAY + timedelta(days=1), source="demo", keep=True)  # another source's snapshot
    (out / ".2025-W09.writing-abcd").mkdir()  # a write in progress
    points = folder_points(out, "file:/srv/canevas.xlsx")
    assert [p.week for p in points] == ["2025-W03", "2025-W04", "2025-W05"]
    assert [p.counts["besoins"] for p in points] == [3, 4, 5]
    assert [p.metrics["besoins_actifs"] for p in points] == [3, 4, 5]
    assert points[1].findings == growing_canvas(1).severity_counts
    assert all(p.folder is not None and p.folder.name == p.week for p in points)


def test_previous_metrics_are_the_last_snapshot_of_the_current_source(work, tmp_path):
    workbook = demo_workbook(tmp_path / "canevas.xlsx")
    where = resolve(source=str(workbook))
    assert previous_metrics(where) is None
    canvas = build(clean_grids())
    take(canvas, work / "snapshots", MONDAY, source=source_key(where))
    take(growing_canvas(2), work / "snapshots", MONDAY + timedelta(days=8), source=source_key(where))
    take(growing_canvas(9), work / "snapshots", MONDAY + timedelta(days=9), source="demo", keep=True)  # not this source
    metrics = previous_metrics(where)
    assert metrics is not None and metrics["besoins_actifs"] == 5
    assert "couverture_par_enjeu" not in metrics  # numbers only: what a tile can show a change of
    assert previous_metrics(where.settings.model_copy(update={"source": str(workbook)})) == metrics  # settings alone work too


# ---------------------------------------------------------------------- the tab and the folders agree


def test_snapshots_with_history_write_keep_the_tab_and_the_folders_in_agreement(work, tmp_path, monkeypatch, capsys):
    from crmcanvas.reports import snapshots

    moments = iter(weeks(3))
    monkeypatch.setattr(snapshots, "now_in", lambda settings=None: next(moments))  # three Mondays in a row
    workbook = demo_workbook(tmp_path / "canevas.xlsx")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(workbook))
    monkeypatch.setenv("CRMCANVAS_HISTORY_WRITE", "true")
    assert main(["snapshot"]) == 0
    assert "Onglet « historique » créé dans la source" in capsys.readouterr().out
    wb = openpyxl.load_workbook(workbook)
    wb["besoins"].append(["B061", "En tant que bénévole, je souhaite badger à l'arrivée", "R02", "E02"])
    wb.save(workbook)
    for _ in range(2):
        assert main(["snapshot"]) == 0
        assert "Ligne de ce relevé ajoutée à l'onglet « historique »" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(workbook, read_only=True)["historique"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == history_columns() and len(rows) == 4

    where = resolve()
    folders = folder_points(where.settings.snapshot_dir, source_key(where))
    in_tab = tab_points(history.tab_grid(WorkbookSource(workbook), "historique"))
    assert len(folders) == len(in_tab) == 3
    assert [(p.taken_at, p.numbers()) for p in folders] == [(p.taken_at, p.numbers()) for p in in_tab]
    assert [p.counts["besoins"] for p in in_tab] == [60, 61, 61]
    merged = load_history(where)
    assert len(merged.points) == 3 and all(p.in_tab and p.folder is not None for p in merged.points)
    assert merged.disagreements == [] and merged.tab_error is None

    # hosted: no folder survives a restart; the tab alone gives the same history
    shutil.rmtree(where.settings.snapshot_dir)
    hosted = load_history(where)
    assert [(p.taken_at, p.numbers()) for p in hosted.points] == [(p.taken_at, p.numbers()) for p in folders]


def test_a_point_whose_numbers_differ_between_tab_and_folder_is_reported(work, tmp_path):
    workbook = demo_workbook(tmp_path / "canevas.xlsx")
    where = resolve(source=str(workbook))
    source = WorkbookSource(workbook)
    canvas = build(clean_grids())
    folder = take(canvas, work / "snapshots", MONDAY, source=source_key(where))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    record_in_tab(source, where.settings, {**manifest, "counts": {**manifest["counts"], "besoins": 99}})
    found = load_history(where)
    assert len(found.points) == 1 and found.disagreements == [MONDAY]


def test_a_tab_from_an_older_version_gets_the_columns_it_has(work, tmp_path):
    """A tab made before a metric existed has no column for it: the row is appended without that value."""
    workbook = demo_workbook(tmp_path / "canevas.xlsx")
    wb = openpyxl.load_workbook(workbook)
    old = wb.create_sheet("Historique")  # another case: still the history tab
    old.append(history_columns()[:12])
    wb.save(workbook)
    source = WorkbookSource(workbook)
    canvas = build(clean_grids())
    files = snapshot_files(canvas, analyze(canvas), Settings(), source="x", taken_at=MONDAY)
    assert record_in_tab(source, Settings(), manifest_of(files)) is False
    (point,) = tab_points(history.tab_grid(source, "historique"))
    assert point.taken_at == MONDAY and point.counts["besoins"] == 3 and point.metrics == {}
    assert openpyxl.load_workbook(workbook).sheetnames.count("Historique") == 1


def test_the_demo_is_read_only_so_history_write_only_says_so(work, monkeypatch, capsys):
    monkeypatch.setenv("CRMCANVAS_HISTORY_WRITE", "true")
    assert main(["snapshot"]) == 0
    captured = capsys.readouterr()
    assert "lecture seule" in captured.err and "Relevé " in captured.out


# ---------------------------------------------------------------------- ensure_tab on both sources


def test_workbook_ensure_tab_creates_once_with_headers(tmp_path):
    workbook = demo_workbook(tmp_path / "canevas.xlsx")
    source = WorkbookSource(workbook)
    assert source.ensure_tab("historique", ["semaine", "=formule?"]) is True
    assert source.ensure_tab("Historique", ["autre"]) is False
    wb = openpyxl.load_workbook(workbook)
    assert wb.sheetnames[-1] == "historique" and wb.sheetnames.count("historique") == 1
    cells = [c for c in wb["historique"][1]]
    assert [c.value for c in cells] == ["semaine", "=formule?"] and cells[1].data_type == "s"  # text, never a formula
    assert wb["besoins"].max_row == 61  # the canvas is untouched


def test_google_ensure_tab_adds_the_sheet_once_with_its_headers():
    with StandIn() as sheets:
        sheets.add_spreadsheet(CANVAS)
        source = make_source(sheets)
        assert source.ensure_tab("historique", ["semaine", "releve_le"]) is True
        assert sheets.grid("historique")[0] == ["semaine", "releve_le"]
        adds = sheets.count("batchUpdate")
        assert source.ensure_tab("Historique", ["semaine"]) is False
        assert sheets.count("batchUpdate") == adds  # nothing sent the second time
        other = make_source(sheets)  # another process whose tab list predates the tab
        assert other.ensure_tab("historique", ["semaine"]) is False


def test_google_history_tab_agrees_with_the_folders(work):
    with StandIn() as sheets:
        sheets.add_spreadsheet(CANVAS)
        source = make_source(sheets)
        settings = Settings(sheets_endpoint=sheets.endpoint, history_write=True)
        where = Resolved(settings=settings, spec=sheets.url(), origin="argument")
        for i, moment in enumerate(weeks(3)):
            canvas = growing_canvas(i)
            folder = take(canvas, work / "snapshots", moment, settings, source=source_key(where))
            record_in_tab(source, settings, json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
        found = load_history(where, source)
    assert len(found.points) == 3 and all(p.in_tab for p in found.points) and found.disagreements == []
    assert [p.metrics["besoins_actifs"] for p in found.points] == [3, 4, 5]


# ---------------------------------------------------------------------- since last week


def test_since_last_week_with_the_snapshot_folder(work):
    where = Resolved(settings=Settings(), spec="demo", origin="demo")
    take(growing_canvas(0), work / "snapshots", MONDAY, source="demo")
    now = growing_canvas(2)
    found = history.since_last_week(where, now, analyze(now).metrics, now=MONDAY + timedelta(days=7))
    assert found is not None and found.rows_compared and found.changes.tabs["besoins"].added == ["B100", "B101"]
    assert found.summary("fr") == ("Depuis le relevé du 13/01/2025 (2025-W03) : +2 besoins ; "
                                   "Besoins pris en compte (hors rejetés / won't) 3 → 5, Besoins sans lot 3 → 5")
    assert found.summary("en").startswith("Since the snapshot of 2025-01-13 (2025-W03): +2 needs; ")
    details = history.change_details(found, "fr")
    assert details == {"Besoins": ["+ B100", "+ B101"]}


def test_since_last_week_from_the_tab_alone_compares_the_numbers(work, tmp_path):
    workbook = demo_workbook(tmp_path / "canevas.xlsx")
    where = resolve(source=str(workbook))
    source = WorkbookSource(workbook)
    before = growing_canvas(0)
    files = snapshot_files(before, analyze(before), where.settings, source=source_key(where), taken_at=MONDAY)
    record_in_tab(source, where.settings, manifest_of(files))  # no folder: a hosted dashboard
    now = growing_canvas(1)
    found = history.since_last_week(where, now, analyze(now).metrics, source=source, now=MONDAY + timedelta(days=7))
    assert found is not None and not found.rows_compared
    assert found.summary("fr").startswith("Depuis le relevé du 13/01/2025 (2025-W03) : besoins 3 → 4 ; ")
    assert history.change_details(found, "fr") == {}


def test_no_summary_without_a_snapshot_from_an_earlier_week(work):
    where = Resolved(settings=Settings(), spec="demo", origin="demo")
    canvas = growing_canvas(0)
    assert history.weekly_summary(where, canvas, analyze(canvas).metrics) is None
    from crmcanvas.reports.snapshots import now_in

    take(canvas, work / "snapshots", now_in(Settings()), source="demo")  # this week's: not "last week"
    assert history.weekly_summary(where, canvas, analyze(canvas).metrics) is None
    take(canvas, work / "snapshots", now_in(Settings()) - timedelta(days=7), source="demo")
    assert history.weekly_summary(where, canvas, analyze(canvas).metrics, "fr").startswith("Rien n'a changé depuis le relevé du ")


def test_the_trend_draws_one_line_per_metric_over_the_snapshots(work):
    from crmcanvas.reports.trend import trend_figure

    for i, moment in enumerate(weeks(3)):
        take(growing_canvas(i), work / "snapshots", moment, source="demo")
    points = folder_points(work / "snapshots", "demo")
    fig = trend_figure(points, ["besoins_actifs", "besoins_exclus"], "fr")
    assert [trace.name for trace in fig.data] == ["Besoins pris en compte (hors rejetés / won't)", "Besoins rejetés ou won't"]
    assert list(fig.data[0].y) == [3, 4, 5]
    assert [str(x)[:16] for x in fig.data[0].x] == ["2025-01-13T07:00", "2025-01-20T08:00", "2025-01-27T09:00"]  # Paris time
    assert fig.data[0].hovertext[0] == "2025-W03 · 3"
    pct = trend_figure(points, ["besoins_traces_pct"], "fr")
    assert tuple(pct.layout.yaxis.range) == (0, 105) and pct.layout.yaxis.ticksuffix == " %"
    assert trend_figure(points, [], "fr").layout.annotations[0].text == "Choisissez au moins un indicateur"
