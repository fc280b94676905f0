"""`crmcanvas init` on a Google Sheet (the stand-in, through the real gspread client): at most three requests,
one write, nothing a person wrote touched, and a second run that changes nothing."""

from __future__ import annotations

import pytest

from crmcanvas.analysis.checklist import template_grid
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import REQUIRED_TAB_KEYS
from crmcanvas.demo import DEMO_TITLES, demo_grids
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.gsheets_setup import init_google
from crmcanvas.standin import StandIn
from tests.fixtures_setup import EXTRA, OWN_CHECKLIST, TWO_MISSING, new_findings
from tests.fixtures_sheets import make_source

NEW_TITLES = ["Enjeux", "Besoins", "Données", "Applications", "Personnes", "Rôles", "Checklist"]
CHECKLIST_HEADERS = ["ID", "Chapitre", "Item", "Sous-item", "Statut", "Responsable", "Échéance", "Commentaire"]


def template_as_read() -> list[list[str]]:
    """The checklist template's rows as a read shows them (trailing blank cells cut)."""
    rows = [list(row) for row in template_grid("fr")]
    for row in rows:
        while row and not row[-1]:
            row.pop()
    return rows


@pytest.fixture(name="sheets")
def sheets_fixture():
    with StandIn() as server:
        yield server


def kinds(server: StandIn) -> list[str]:
    return [r.kind for r in server.requests()]


def api_cell_writes(server: StandIn, sid: str) -> list:
    return [m for m in server.store.mutations if m.actor == "api" and m.spreadsheet_id == sid and m.kind == "cell"]


def setup(server: StandIn, tabs: dict, **kw):
    sid = server.add_spreadsheet(tabs, **kw)
    return sid, make_source(server, spreadsheet_id=sid)


def test_an_empty_spreadsheet_in_three_requests_then_one(sheets):
    sid, source = setup(sheets, {"Feuille 1": []})
    sheets.clear_log()
    result = init_google(source)
    assert kinds(sheets) == ["metadata", "batchUpdate", "metadata"]
    assert result.applied and result.complete and len(result.plan.steps) == 28  # 7 tabs, 14 lists, 7 frozen headers
    assert [s.title for s in sheets.store.spreadsheet(sid).sheets] == ["Feuille 1", *NEW_TITLES]
    assert sheets.grid("Besoins", sid) == [["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut",
                                             "Lot", "Exprimé par", "Type"]]
    assert all(sheets.frozen_row_count(title, sid) == 1 for title in NEW_TITLES)
    priority = sheets.validation("Besoins", 2, 7, sid)
    assert priority == {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in (
        "Must (indispensable)", "Should (important)", "Could (souhaitable)", "Won't (pas maintenant)")]},
        "strict": True, "showCustomUi": True}
    assert sheets.validation("Besoins", 1000, 7, sid) == priority  # every row of the tab
    role = sheets.validation("Besoins", 2, 3, sid)
    assert role == {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Rôles'!A2:A"}]}, "showCustomUi": True}
    assert sheets.grid("Checklist", sid) == [CHECKLIST_HEADERS, *template_as_read()]  # in the same batch
    canvas = build_canvas(source, source.settings)
    assert canvas.findings == [] and canvas.counts == {**dict.fromkeys(REQUIRED_TAB_KEYS, 0), "checklist": 66, "editeurs": 0, "integrateurs": 0}

    sheets.clear_log()
    again = init_google(source)
    assert again.plan.empty and not again.applied
    assert kinds(sheets) == ["metadata"] and sheets.writes() == []


def test_dry_run_reads_once_and_writes_nothing(sheets):
    sid, source = setup(sheets, TWO_MISSING)
    sheets.clear_log()
    result = init_google(source, dry_run=True)
    assert len(result.plan.steps) > 10 and not result.applied
    assert kinds(sheets) == ["metadata"] and sheets.writes() == []
    assert [s.title for s in sheets.store.spreadsheet(sid).sheets] == list(TWO_MISSING)


def test_the_demo_gets_lists_and_frozen_headers_without_a_cell_changed(sheets):
    sid, source = setup(sheets, {DEMO_TITLES[k]: g for k, g in demo_grids().items()})
    before = build_canvas(source, source.settings)
    grids = {title: sheets.grid(title, sid) for title in DEMO_TITLES.values()}
    sheets.clear_log()
    result = init_google(source)
    assert kinds(sheets) == ["metadata", "batchUpdate", "metadata"] and result.complete
    assert {type(s).__name__ for s in result.plan.steps} == {"SetRule", "Freeze"}
    assert {title: sheets.grid(title, sid) for title in grids} == grids and api_cell_writes(sheets, sid) == []
    assert new_findings(before, build_canvas(source, source.settings)) == []
    sheets.clear_log()
    assert init_google(source).plan.empty and sheets.writes() == []


def test_two_missing_tabs_and_a_renamed_column(sheets):
    sid, source = setup(sheets, TWO_MISSING)
    before = build_canvas(source, source.settings)
    result = init_google(source)
    assert result.complete
    assert [s.title for s in sheets.store.spreadsheet(sid).sheets] == [*TWO_MISSING, "Personnes", "Rôles", "Checklist"]
    header = sheets.grid("besoins", sid)[0]
    assert header[4] == "Objets de données" and "Données" not in header
    assert sheets.grid("enjeux", sid)[0][5:] == ["Situation actuelle", "Situation désirée", "Valeur actuelle", "Valeur cible",
                                                 "Échéance"]
    after = build_canvas(source, source.settings)
    assert not [f for f in after.findings if f.code in ("missing_tab", "missing_column")]
    assert new_findings(before, after) == []
    assert init_google(source).plan.empty


def test_extra_tabs_and_columns_are_left_alone(sheets):
    sid, source = setup(sheets, EXTRA, columns=8)  # the stakes tab is exactly as wide as its note: it must grow
    notes, needs = sheets.grid("Notes d'atelier", sid), sheets.grid("besoins", sid)
    before = build_canvas(source, source.settings)
    result = init_google(source)
    assert result.complete
    assert sheets.grid("Notes d'atelier", sid) == notes and sheets.grid("besoins", sid) == needs
    stakes = sheets.grid("enjeux", sid)
    assert stakes[0][5:9] == ["", "", "", "Situation actuelle"] and stakes[2][7] == "note sans en-tête"
    assert sheets.store.sheet("enjeux", sid).column_count == 13  # appendDimension, then the headers
    written = {(m.title, m.column) for m in api_cell_writes(sheets, sid)}
    assert {c for t, c in written if t == "enjeux"} == set(range(9, 14))  # five new headers, and not one other cell
    assert not {t for t, _ in written} & {"besoins", "Notes d'atelier"}
    assert new_findings(before, build_canvas(source, source.settings)) == []


def test_a_canvas_without_a_checklist_gets_it_from_the_template_in_the_one_batch(sheets):
    sid, source = setup(sheets, EXTRA)
    sheets.clear_log()
    result = init_google(source)
    assert kinds(sheets) == ["metadata", "batchUpdate", "metadata"] and result.complete
    assert sheets.grid("Checklist", sid) == [CHECKLIST_HEADERS, *template_as_read()]
    assert sheets.frozen_row_count("Checklist", sid) == 1
    status = sheets.validation("Checklist", 2, 5, sid)
    assert [v["userEnteredValue"] for v in status["condition"]["values"]] == ["À faire", "En cours", "Fait", "Non applicable"]
    assert sheets.validation("Checklist", 2, 6, sid)["condition"]["values"] == [{"userEnteredValue": "='personnes'!A2:A"}]
    batch = next(r.body["requests"] for r in sheets.requests() if r.kind == "batchUpdate")
    rows = next(r["updateCells"]["rows"] for r in batch if "updateCells" in r and len(r["updateCells"]["rows"]) == 67)
    due = {str(row["values"][6].get("userEnteredFormat")) for row in rows[1:]}
    assert due == {str({"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}})}  # a date typed later shows as one
    sheets.clear_log()
    assert init_google(source).plan.empty and kinds(sheets) == ["metadata"]


def test_an_existing_checklist_keeps_its_rows_and_gets_only_what_it_lacks(sheets):
    sid, source = setup(sheets, OWN_CHECKLIST)
    mine = sheets.grid("Checklist projet", sid)
    before = build_canvas(source, source.settings)
    result = init_google(source)
    assert result.complete
    assert "Checklist" not in [s.title for s in sheets.store.spreadsheet(sid).sheets]
    after = sheets.grid("Checklist projet", sid)
    assert len(after) == 3 and [row[:7] for row in after[1:]] == [row[:7] for row in mine[1:]]  # no template row
    assert after[0] == [*mine[0], "Sous-item", "Échéance"]
    written = [(m.column, m.after) for m in api_cell_writes(sheets, sid) if m.title == "Checklist projet"]
    assert written == [(8, "Sous-item"), (9, "Échéance")]  # the two new headers, and not one other cell
    assert sheets.validation("Checklist projet", 3, 4, sid)["strict"] is True  # « Statut », its own column D
    assert new_findings(before, build_canvas(source, source.settings)) == []
    assert init_google(source).plan.empty


def test_ids_are_given_to_a_tab_that_had_none(sheets):
    tabs = dict(TWO_MISSING)
    tabs["rôles"] = [["Rôle", "Type"], ["Chargé de collecte", "Interne"], [], ["Comptable", "Interne"]]
    sid, source = setup(sheets, tabs)
    init_google(source)
    assert [row[:3] for row in sheets.grid("rôles", sid)] == [["Rôle", "Type", "ID"], ["Chargé de collecte", "Interne", "R001"],
                                                              [], ["Comptable", "Interne", "R002"]]


def test_id_columns_protected_with_a_warning_only_when_asked(sheets):
    sid, source = setup(sheets, TWO_MISSING)
    init_google(source)
    assert all(sheets.protected_ranges(t, sid) == [] for t in ["enjeux", "besoins", "Personnes"])
    result = init_google(source, protect_ids=True)
    assert [type(s).__name__ for s in result.plan.steps] == ["ProtectIds"] * 7
    protected = sheets.protected_ranges("besoins", sid)
    assert len(protected) == 1 and protected[0]["warningOnly"] is True
    assert protected[0]["range"] == {"sheetId": sheets.store.sheet("besoins", sid).sheet_id, "startRowIndex": 1,
                                     "endColumnIndex": 1}
    assert init_google(source, protect_ids=True).plan.empty  # not a second protection
    assert Settings(protect_ids=True).protect_ids  # also a setting (CRMCANVAS_PROTECT_IDS)


def test_a_batch_google_did_not_confirm_but_applied_is_found_by_the_read_back(sheets):
    sid, source = setup(sheets, TWO_MISSING)

    def lands_then_fails(request):
        if request.kind == "batchUpdate":
            sheets.store.batch_update(request.spreadsheet_id, request.body)

    sheets.on_request = lands_then_fails
    sheets.fail(500, times=1, match="batchUpdate")
    result = init_google(source)
    assert kinds(sheets)[-3:] == ["metadata", "batchUpdate", "metadata"]  # never sent twice
    assert result.unconfirmed and result.applied and result.complete


def test_a_batch_that_did_not_land_is_not_sent_again(sheets):
    sid, source = setup(sheets, TWO_MISSING)
    sheets.drop(times=1, match="batchUpdate")
    result = init_google(source)
    assert kinds(sheets).count("batchUpdate") == 1
    assert result.unconfirmed and not result.applied and not result.complete
    assert len(result.remaining.steps) == len(result.plan.steps)
    assert init_google(source).complete  # run again: it adds what is missing


def test_a_tab_created_meanwhile_makes_google_refuse_the_whole_batch(sheets):
    sid, source = setup(sheets, TWO_MISSING)

    def someone_adds_the_tab(request):
        if request.kind == "batchUpdate":
            sheets.store.add_sheet("Personnes", [["Prénom", "Nom"]], spreadsheet_id=request.spreadsheet_id)

    sheets.on_request = someone_adds_the_tab
    with pytest.raises(SourceError) as caught:
        init_google(source)
    message, hint = caught.value.render("fr", context="cli")
    assert "Personnes" in message and "Relancez crmcanvas init" in hint
    assert "Rôles" not in [s.title for s in sheets.store.spreadsheet(sid).sheets]  # nothing of the batch landed
    sheets.on_request = None
    assert init_google(source).complete  # the person's « Personnes » is used as it is: its columns are added
    assert sheets.grid("Personnes", sid)[0][:3] == ["Prénom", "Nom", "ID"]


def test_every_list_google_gets_is_the_schema_value_set(sheets):
    """One source of truth on Google too: each enum column's ONE_OF_LIST is its value set's labels, in order."""
    from crmcanvas.core.schema import ENUMS, SETUP_TAB_KEYS, TABS, value_label

    sid, source = setup(sheets, {"Sheet1": []})
    init_google(source, Settings(sheets_endpoint=sheets.endpoint, language="en"))
    checked = 0
    for tab in (TABS[k] for k in SETUP_TAB_KEYS):
        title = tab.label_in("en")
        for index, col in enumerate(tab.columns, start=1):
            rule = sheets.validation(title, 2, index, sid)
            if col.kind == "enum":
                checked += 1
                assert rule["strict"] is True and rule["showCustomUi"] is True
                assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == [value_label(c, "en") for c in ENUMS[col.enum]]
    assert checked == 9  # the checklist's status too


def test_a_sheet_shared_for_reading_only_is_said_so(sheets):
    from tests.fixtures_sheets import service_account_info

    info = service_account_info()
    with StandIn(auth="required") as guarded:
        sid = guarded.add_spreadsheet({"Feuille 1": []})
        guarded.share(info["client_email"], sid)
        source = make_source(guarded, spreadsheet_id=sid, secrets={"gcp_service_account": info})
        guarded.fail(403, times=1, match="batchUpdate")
        with pytest.raises(SourceError) as caught:
            init_google(source)
    message, hint = caught.value.render("fr", context="cli")
    assert "peut la lire, pas l'écrire" in message and "Éditeur" in hint and info["client_email"] in hint
