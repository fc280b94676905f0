"""Writing from the dashboard, without Streamlit: a captured need as the sheet's own row, findings' suggestions
written into their very cells (conflict-safe, per row), missing IDs, and who may write."""

from __future__ import annotations

import hmac

import pytest

from crmcanvas.build.capture import NewNeed, append_need, choices, need_row
from crmcanvas.build.fixes import (
    apply_fixes,
    assign_missing_ids,
    describe,
    find_fixes,
    merge_cell,
    summary,
    tabs_missing_ids,
)
from crmcanvas.build.load import load_grids
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.ui import auth
from crmcanvas.ui.writes import sheet_url
from tests.fixtures_sheets import CANVAS, make_source, standin_fixture  # noqa: F401  (provides `standin`)
from tests.fixtures_workbook import build_workbook, demo_workbook, edit_cells, sheet_values

STORY = "En tant que trésorier, je souhaite voir les dons du jour de sorte que je rapproche la banque."


@pytest.fixture
def demo(tmp_path) -> WorkbookSource:
    return WorkbookSource(demo_workbook(tmp_path / "canevas.xlsx"))


def canvas_of(source, **settings):
    return build_canvas(source, Settings(**settings))


def cell(path, title: str, row: int, header: str) -> object:
    values = sheet_values(path, title)
    return values[row - 1][values[0].index(header)]


# ---------------------------------------------------------------- a captured need, as the sheet writes rows


def test_new_need_row_uses_the_sheets_headers_and_its_way_of_writing_references(demo):
    canvas = canvas_of(demo)
    need = NewNeed(STORY, role="R01", stakes=("E01", "E03"), data=("D01", "D02"), applications=("A01",), priority="must",
                   lot="Lot 2")
    row = need_row(canvas, need, "fr")
    data, apps = canvas.labels("donnees"), canvas.labels("applications")
    # the demo writes stakes as IDs (« E01; E06 »), data objects and applications mostly by name (« Donateur; Don »)
    assert row == {"Besoin": STORY, "Rôle": canvas.labels("roles")["R01"], "Enjeux": "E01; E03",
                   "Données": f"{data['D01']}; {data['D02']}", "Applications": apps["A01"], "Priorité": "Must",
                   "Lot": "Lot 2"}
    assert "ID" not in row  # the source gives the next free ID at write time


def test_a_sheet_with_english_headers_and_comma_separated_ids_gets_the_same():
    grids = {
        "enjeux": [["ID", "Stake"], ["E1", "Keep donors"], ["E2", "Receipts"]],
        "besoins": [["Ref", "User story", "Stakes", "MoSCoW"], ["N1", "As a clerk, I want x so that y", "E1, E2", "Should"]],
    }
    canvas = load_grids(grids, settings=Settings())
    row = need_row(canvas, NewNeed("As a clerk, I want z so that w", stakes=("E1", "E2"), priority="could"), "en")
    assert row == {"User story": "As a clerk, I want z so that w", "Stakes": "E1, E2", "MoSCoW": "Could"}


def test_a_row_without_id_is_referenced_by_its_name_never_by_its_provisional_id():
    grids = {"roles": [["ID", "Rôle"], ["R01", "Comptable"], ["", "Trésorier"]],
             "besoins": [["ID", "Besoin", "Rôle"], ["B001", "En tant que comptable, je souhaite x", "R01"]]}
    canvas = load_grids(grids, settings=Settings())
    provisional = next(rid for rid in choices(canvas, "roles") if rid != "R01")
    assert choices(canvas, "roles")[provisional] == "Trésorier"
    assert need_row(canvas, NewNeed(STORY, role=provisional), "fr")["Rôle"] == "Trésorier"


def test_an_empty_story_is_refused_before_anything_is_written(demo):
    with pytest.raises(SourceError) as caught:
        append_need(demo, canvas_of(demo), NewNeed("   ", stakes=("E01",)), "fr")
    assert caught.value.render("fr")[0] == "Le besoin est vide."
    assert len(sheet_values(demo.path, "besoins")) == 61


def test_a_captured_need_lands_in_the_workbook_with_the_next_id_and_every_reference_resolves(demo):
    canvas = canvas_of(demo)
    before = {(f.code, f.row) for f in canvas.findings}
    result = append_need(demo, canvas, NewNeed(STORY, role="R03", stakes=("E01",), data=("D01",), applications=("A01",),
                                               priority="should", lot="Lot 1"), "fr")
    assert (result.row_id, result.row) == ("B061", 62)
    after = canvas_of(demo)
    need = after.frames["besoins"].set_index("id").loc["B061"]
    assert (need["besoin"], need["priorite"], need["lot"]) == (STORY, "should", "Lot 1")
    assert {(e.relation, e.target_id) for e in after.edges_of(source_tab="besoins").itertuples() if e.source_id == "B061"} == {
        ("role", "R03"), ("enjeu", "E01"), ("donnee", "D01"), ("application", "A01")}
    assert {(f.code, f.row) for f in after.findings} == before  # nothing new to fix


def test_a_captured_need_lands_in_the_google_sheet_through_the_stand_in(standin):
    source = make_source(standin)
    canvas = build_canvas(source, Settings(sheets_endpoint=standin.endpoint))
    result = append_need(source, canvas, NewNeed(STORY, role="R02", stakes=("E02",), priority="must"), "fr")
    assert result.row_id == "B004"
    row = standin.grid("besoins")[result.row - 1]
    assert row[:4] == ["B004", STORY, "R02", "E02"] and row[6] == "Must"


# ---------------------------------------------------------------- « Appliquer »: findings' fixes into their cells


def _donnateur(canvas):
    return next(f for f in find_fixes(canvas) if f.finding.value == "Donnateur")


def test_the_demo_misspelt_reference_is_located_by_row_id_with_the_cell_as_read(demo):
    fix = _donnateur(canvas_of(demo))
    assert (fix.title, fix.row, fix.column, fix.id_column) == ("besoins", 14, "Données", "ID")
    assert (fix.row_id, fix.expected, fix.new, fix.blocked) == ("B013", "Don; Donnateur", "Don; Donateur", None)


def test_applying_writes_the_suggestion_into_that_very_cell_and_the_finding_is_gone(demo):
    canvas = canvas_of(demo)
    outcomes = apply_fixes(demo, [_donnateur(canvas)])
    assert [o.status for o in outcomes] == ["written"]
    assert cell(demo.path, "besoins", 14, "Données") == "Don; Donateur"
    assert not any(f.value == "Donnateur" for f in canvas_of(demo).findings)
    assert describe(outcomes[0], "fr") == "« besoins », ligne 14, colonne « Données » : « Don; Donnateur » remplacé par « Don; Donateur »."
    assert summary(outcomes, "en") == "Written to the sheet: 1 fix(es)."


def test_a_stakeholder_who_changed_the_cell_after_our_read_wins(demo):
    canvas = canvas_of(demo)
    edit_cells(demo.path, "besoins", {"E14": "Don; Donateur; Legs"})  # typed in Excel meanwhile
    [outcome] = apply_fixes(demo, [_donnateur(canvas)])
    assert (outcome.status, outcome.actual) == ("conflict", "Don; Donateur; Legs")
    assert cell(demo.path, "besoins", 14, "Données") == "Don; Donateur; Legs"
    assert "elle contient maintenant « Don; Donateur; Legs »" in describe(outcome, "fr")
    assert summary([outcome], "fr") == "Corrections écrites : 0 ; non écrites : 1."


def test_a_row_whose_id_changed_meanwhile_is_reported_gone_and_nothing_is_written(demo):
    canvas = canvas_of(demo)
    edit_cells(demo.path, "besoins", {"A14": "B913"})
    [outcome] = apply_fixes(demo, [_donnateur(canvas)])
    assert outcome.status == "row_gone" and "B013" in describe(outcome, "fr")
    assert cell(demo.path, "besoins", 14, "Données") == "Don; Donnateur"


MESSY = {
    "enjeux": [["ID", "Enjeu"], ["E01", "Fidéliser"]],
    "besoins": [["ID", "Besoin", "Données", "Priorité"],
                ["B001", "En tant que comptable, je souhaite x", "Donnateur; Recu fiscl", "Indispensabl"],
                ["B002", "En tant que comptable, je souhaite y", "Donnateur", "Must"],
                ["", "En tant que comptable, je souhaite z", "Donnateur", "Should"]],
    "données": [["ID", "Objet"], ["D01", "Donateur"], ["D02", "Reçu fiscal"]],
}


class Counting:
    """A source that counts the updates it is asked for, so a test can see one write per row."""

    def __init__(self, inner):
        self.inner, self.updates = inner, []

    def update_cells(self, title, **kw):
        self.updates.append(kw["row_id"])
        return self.inner.update_cells(title, **kw)


def test_several_fixes_are_one_update_per_row_and_two_fixes_of_one_cell_are_merged(tmp_path):
    source = WorkbookSource(build_workbook(tmp_path / "c.xlsx", MESSY))
    fixes = find_fixes(canvas_of(source))
    assert {(f.row, f.column) for f in fixes} == {(2, "Données"), (2, "Priorité"), (3, "Données"), (4, "Données")}
    counting = Counting(source)
    outcomes = apply_fixes(counting, fixes)
    assert sorted(counting.updates) == ["B001", "B002"]  # row 4 has no ID: not targeted
    assert {(o.fix.row, o.fix.column): o.status for o in outcomes} == {
        (2, "Données"): "written", (2, "Priorité"): "written", (3, "Données"): "written", (4, "Données"): "blocked"}
    assert sheet_values(source.path, "besoins")[1][2:] == ["Donateur; Reçu fiscal", "Must (indispensable)"]
    remaining = canvas_of(source).findings
    assert [(f.code, f.row) for f in remaining if f.column in ("Données", "Priorité")] == [
        ("unresolved_reference", 4)]  # and the suggested label « Must (indispensable) » loads back: no new finding


def test_a_row_without_id_asks_for_ids_first_then_can_be_fixed(tmp_path):
    source = WorkbookSource(build_workbook(tmp_path / "c.xlsx", MESSY))
    canvas = canvas_of(source)
    blocked = next(f for f in find_fixes(canvas) if f.row == 4)
    assert blocked.blocked.render("fr") == "La ligne 4 de « besoins » n'a pas d'ID : attribuez d'abord les ID manquants."
    assert tabs_missing_ids(canvas) == {"besoins": 1}
    assert assign_missing_ids(source, canvas, "besoins") == [(4, "B003")]
    canvas = canvas_of(source)
    assert tabs_missing_ids(canvas) == {}
    fix = next(f for f in find_fixes(canvas) if f.row == 4)
    assert fix.row_id == "B003" and [o.status for o in apply_fixes(source, [fix])] == ["written"]


def test_a_conflict_on_one_cell_still_writes_the_other_cells_of_the_row(tmp_path):
    source = WorkbookSource(build_workbook(tmp_path / "c.xlsx", MESSY))
    fixes = [f for f in find_fixes(canvas_of(source)) if f.row == 2]
    edit_cells(source.path, "besoins", {"D2": "Could"})  # someone settled the priority meanwhile
    outcomes = {o.fix.column: o for o in apply_fixes(source, fixes)}
    assert outcomes["Priorité"].status == "conflict" and outcomes["Priorité"].actual == "Could"
    assert outcomes["Données"].status == "written"
    assert sheet_values(source.path, "besoins")[1][2:] == ["Donateur; Reçu fiscal", "Could"]


def test_a_failure_that_is_not_about_one_row_stops_the_batch_with_its_reason(tmp_path):
    source = WorkbookSource(build_workbook(tmp_path / "c.xlsx", MESSY))
    fixes = [f for f in find_fixes(canvas_of(source)) if f.blocked is None]
    (tmp_path / "~$c.xlsx").write_text("owner")  # Excel has the file open
    outcomes = apply_fixes(source, fixes)
    assert {o.status for o in outcomes} == {"failed"}
    assert all("Excel" in describe(o, "fr") for o in outcomes)
    assert sheet_values(source.path, "besoins")[1][2] == "Donnateur; Recu fiscl"


def test_the_stand_in_sheet_gets_the_fix_and_a_stakeholders_edit_wins(standin):
    grids = {**CANVAS, "besoins": [*CANVAS["besoins"][:2], ["B002", "En tant que comptable, je souhaite x", "R02", "E02",
                                                             "Recu fiscl"]]}
    sid = standin.add_spreadsheet(grids)
    source = make_source(standin, spreadsheet_id=sid)
    canvas = build_canvas(source, Settings(sheets_endpoint=standin.endpoint))
    fix = next(f for f in find_fixes(canvas) if f.column == "Données")
    assert (fix.row_id, fix.new) == ("B002", "Reçu fiscal")
    assert [o.status for o in apply_fixes(source, [fix])] == ["written"]
    assert standin.cell("besoins", 3, "Données", spreadsheet_id=sid) == "Reçu fiscal"
    standin.set_cell("besoins", 3, "Données", "Recu fiscl", spreadsheet_id=sid)  # back as it was read...
    canvas = build_canvas(source, Settings(sheets_endpoint=standin.endpoint))
    fix = next(f for f in find_fixes(canvas) if f.column == "Données")
    standin.set_cell("besoins", 3, "Données", "D02", spreadsheet_id=sid)  # ...then a stakeholder fixes it their way
    [outcome] = apply_fixes(source, [fix])
    assert (outcome.status, outcome.actual) == ("conflict", "D02")
    assert standin.cell("besoins", 3, "Données", spreadsheet_id=sid) == "D02"


def test_merging_fixes_of_one_cell_keeps_both_when_they_do_not_touch():
    merged, kept = merge_cell("Donnateur; Recu fiscl", ["Donateur; Recu fiscl", "Donnateur; Reçu fiscal"])
    assert (merged, kept) == ("Donateur; Reçu fiscal", [True, True])
    merged, kept = merge_cell("Mst", ["Must", "Most"])  # the same stretch twice: the second waits
    assert (merged, kept) == ("Must", [True, False])


# ---------------------------------------------------------------- who may write


def test_five_wrong_passcodes_lock_for_a_minute_then_one_more_try():
    now = [0.0]
    throttle = auth.Throttle(limit=5, window=300, lockout=60, clock=lambda: now[0])
    for _ in range(4):
        throttle.failed()
        now[0] += 1
    assert throttle.wait() == 0
    throttle.failed()
    assert throttle.wait() == 60
    now[0] += 59.5
    assert throttle.wait() == pytest.approx(0.5)
    now[0] += 1
    assert throttle.wait() == 0
    throttle.failed()  # still five failures in the window: locked again at once
    assert throttle.wait() == 60
    now[0] += 400
    assert throttle.wait() == 0


def test_passcodes_are_compared_as_digests_in_constant_time(monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append((len(a), len(b))) or real(a, b))
    assert auth.passcode_matches("sésame ouvre-toi", "sésame ouvre-toi")
    assert not auth.passcode_matches("s", "sésame ouvre-toi")
    assert not auth.passcode_matches("", "")  # no passcode configured: nothing matches
    assert calls == [(32, 32), (32, 32)]  # equal-length digests: the passcode's length does not leak


def test_oidc_provider_and_writers_from_the_secrets():
    assert auth.oidc_provider({}) == (False, None)
    assert auth.oidc_provider({"auth": {"redirect_uri": "x", "cookie_secret": "y"}}) == (False, None)
    default = {"auth": {"client_id": "a", "client_secret": "b", "server_metadata_url": "https://idp/.well-known"}}
    assert auth.oidc_provider(default) == (True, None)
    named = {"auth": {"redirect_uri": "x", "microsoft": {"client_id": "a"}, "google": {"client_id": "b"}},
             "crmcanvas_auth": {"provider": "google"}}
    assert auth.oidc_provider(named) == (True, "google")
    writers = ["camille@asso.org", "@atelier.fr"]
    assert auth.is_writer("Camille@Asso.org", writers) and auth.is_writer("paul@atelier.fr", writers)
    assert not auth.is_writer("paul@asso.org", writers) and not auth.is_writer("x@atelier.fr.evil", writers)
    assert not auth.is_writer("camille@asso.org", None)  # no list: a login alone writes nothing


def test_sheet_link_opens_the_tab_at_the_row():
    assert sheet_url("1AbC-d_e", 123456, 14) == "https://docs.google.com/spreadsheets/d/1AbC-d_e/edit#gid=123456&range=A14"
    assert sheet_url("1AbC", 0) == "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=0"
