"""« Créer l'onglet checklist » from the dashboard: on a Google Sheet or a workbook it is ``crmcanvas init`` for that
one tab — one batchUpdate, not one append per row (66 appends would spend a minute of Google's write quota) — in the
reader's language, and nothing else of the sheet is touched."""

from __future__ import annotations

from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.reports import checklist_tab
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.standin import StandIn
from tests.fixtures_setup import EXTRA
from tests.fixtures_sheets import make_source
from tests.fixtures_workbook import build_workbook, sheet_values

ENGLISH_HEADERS = ["ID", "Chapter", "Item", "Sub-item", "Status", "Owner", "Due date", "Comment"]


def test_on_a_google_sheet_the_tab_comes_in_one_write_in_the_readers_language():
    with StandIn() as sheets:
        sid = sheets.add_spreadsheet(EXTRA)
        source = make_source(sheets, spreadsheet_id=sid, language="en")
        sheets.clear_log()
        written = checklist_tab.create_checklist_tab(source, source.settings)
        assert written == 66
        assert [r.kind for r in sheets.requests()] == ["metadata", "batchUpdate", "metadata"]
        grid = sheets.grid("Checklist", sid)
        assert grid[0] == ENGLISH_HEADERS and len(grid) == 67 and grid[1][4] == "To do"
        assert sheets.validation("besoins", 2, 7, sid) is None  # the other tabs' lists are init's job, not this button's
        canvas = build_canvas(source, source.settings)
        assert canvas.counts["checklist"] == 66
        assert not [f for f in canvas.findings if f.tab == "checklist"]


def test_in_a_workbook_the_tab_is_added_and_the_rest_left_alone(tmp_path):
    path = build_workbook(tmp_path / "canevas.xlsx")
    needs_before = sheet_values(path, "besoins")
    source = WorkbookSource(path)
    written = checklist_tab.create_checklist_tab(source, Settings())
    assert written == 66
    rows = sheet_values(path, "Checklist")
    assert rows[0][:5] == ["ID", "Chapitre", "Item", "Sous-item", "Statut"] and len(rows) == 67
    assert sheet_values(path, "besoins") == needs_before
    assert checklist_tab.create_checklist_tab(source, Settings()) == 0  # there already: nothing written again
