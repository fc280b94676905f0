"""Appends that may have landed, and IDs that several writers computed at once: N appends, N rows, N distinct IDs."""

from __future__ import annotations

import time

import pytest

from crmcanvas.sources.base import SourceError
from crmcanvas.standin import StandIn
from crmcanvas.standin.appenders import run_drill
from tests.fixtures_sheets import CANVAS, Sleeps, make_source, standin_fixture  # noqa: F401  (provides `standin`)

STORY = "En tant que bénévole, je souhaite voir mes missions afin de m'organiser"


def rows_with(server: StandIn, story: str) -> list[list[str]]:
    return [row for row in server.grid("besoins") if len(row) > 1 and row[1] == story]


def test_an_append_that_times_out_but_lands_later_is_found_not_sent_again(standin):
    source = make_source(standin, sleep=time.sleep, request_timeout=0.3)
    standin.delay(0.7, times=1, match="values.append")  # Google applies it after we stopped waiting
    result = source.append_row("besoins", {"Besoin": STORY, "Priorité": "Could"}, id_column="ID", id_prefix="B")
    assert rows_with(standin, STORY) == [["B004", STORY, "", "", "", "", "Could"]]
    assert result.row_id == "B004" and standin.grid("besoins")[result.row - 1][1] == STORY
    assert standin.count("values.append") == 1  # re-read, found: never sent twice


def test_an_append_lost_on_the_way_is_sent_again_once_the_sheet_shows_it_did_not_land(standin):
    standin.drop(times=1, match="values.append")
    result = make_source(standin, sleep=time.sleep, request_timeout=2).append_row("besoins", {"Besoin": STORY}, id_column="ID", id_prefix="B")
    assert [row[0] for row in rows_with(standin, STORY)] == ["B004"] and result.row_id == "B004"
    assert standin.count("values.append") == 2


def test_a_502_on_append_is_checked_and_sent_again_rather_than_reported_as_a_bad_tab_name(standin):
    standin.fail(502, times=1, match="values.append")
    result = make_source(standin, sleep=time.sleep).append_row("besoins", {"Besoin": STORY}, id_column="ID", id_prefix="B")
    assert len(rows_with(standin, STORY)) == 1 and result.row_id == "B004"


def test_an_append_google_keeps_failing_says_it_may_have_landed_promises_nothing_and_shows_no_html(standin):
    before = standin.grid("besoins")
    with pytest.raises(SourceError) as caught:
        standin.fail(502, times=None, match="values.append")
        make_source(standin, sleep=time.sleep).append_row("besoins", {"Besoin": STORY}, id_column="ID", id_prefix="B")
    err = caught.value
    assert err.retryable and "erreur 502 côté Google" in err.message and "peut-être été enregistrée" in err.message
    assert "rien ne la refera automatiquement" in err.suggestion and "réessaiera" not in err.suggestion
    for text in (*err.render("fr"), *err.render("en")):
        assert "<" not in text and "That's an error" not in text and "onglets" not in text
    assert standin.count("values.append") == 3 and standin.grid("besoins") == before


def test_an_id_typed_by_someone_between_our_read_and_our_append_makes_us_renumber_our_row(standin):
    typed = []

    def participant(request):
        if request.kind == "values.append" and not typed:  # B004 is ours to take... and someone types it first
            typed.append(standin.append_row("besoins", ["B004", "Saisi à la main pendant l'atelier"]))

    standin.on_request = participant
    result = make_source(standin).append_row("besoins", {"Besoin": STORY}, id_column="ID", id_prefix="B")
    standin.on_request = None
    ids = [row[0] for row in standin.grid("besoins")[1:] if row]
    assert result.row_id == "B005" and rows_with(standin, STORY)[0][0] == "B005"
    assert standin.grid("besoins")[typed[0] - 1] == ["B004", "Saisi à la main pendant l'atelier"]  # theirs untouched
    assert sorted(ids) == ["B001", "B002", "B003", "B004", "B005"]


def test_a_renumbered_row_that_keeps_losing_its_new_id_to_other_appends_steps_aside_and_ends_unique(standin):
    """Writers appending back to back compute the very ID our renumbered row takes; yielding each time in step
    with them, it used to give up after 12 rounds with its ID shared (CI: 39 distinct IDs for 40 rows)."""
    other: list[str] = []

    def other_writer(request):
        if len(other) >= 15:
            return
        if request.kind == "values.append" and not other:  # someone takes B004 just before our append lands
            row_id = "B004"
        elif request.kind == "values.batchUpdateByDataFilter":  # and each ID we renumber to, as we write it
            row_id = request.body["data"][0]["values"][0][-1]
        else:
            return
        other.append(row_id)
        standin.append_row("besoins", [row_id, f"Saisi par un autre poste ({row_id})"])

    sleeps = Sleeps()
    standin.on_request = other_writer
    result = make_source(standin, sleeps=sleeps, rng=lambda: 1.0).append_row("besoins", {"Besoin": STORY}, id_column="ID",
                                                                               id_prefix="B")
    standin.on_request = None
    ids = [row[0] for row in standin.grid("besoins")[1:] if row]
    assert len(other) == 15 and len(ids) == len(set(ids)) == 3 + 15 + 1
    assert rows_with(standin, STORY)[0][0] == result.row_id == "B019"
    theirs = [row for row in standin.grid("besoins") if len(row) > 1 and row[1].startswith("Saisi par un autre poste")]
    assert [row[0] for row in theirs] == other and all(f"({row[0]})" in row[1] for row in theirs)  # theirs untouched
    assert sleeps[:6] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6] and max(sleeps) == 1.6  # out of step, growing, bounded


def test_an_append_reads_back_what_it_wrote_in_one_request(standin):
    make_source(standin).append_row("besoins", {"Besoin": STORY}, id_column="ID", id_prefix="B")
    kinds = [r.kind for r in standin.requests() if r.kind != "metadata"]
    assert kinds == ["values.batchGet", "values.append", "values.batchGet"]  # headers + IDs, append, read-back
    read_back = standin.requests("values.batchGet")[-1].query["ranges"]
    assert read_back == ["'besoins'!A:A", "'besoins'!A6:B6"]


def test_four_processes_appending_ten_needs_each_give_forty_rows_with_forty_distinct_ids():
    with StandIn() as server:
        server.add_spreadsheet({"besoins": [["ID", "Besoin", "Statut"], ["B001", "Déjà là", "Validé"]]})
        server.delay(0.8, times=2, match="values.append")  # time out at 0.5 s, land at 0.8 s
        server.drop(times=2, match="values.append")  # lost, never land
        server.delay(0.01, times=None)  # a little latency everywhere, so the processes interleave
        result = run_drill(server, processes=4, appends=10, request_timeout=0.5)
    assert result.failures == []
    assert (result.rows, result.distinct_ids, result.reported, result.truthful) == (40, 40, 40, 40)
    assert result.requests["values.append"] == 42  # the two lost appends sent again, the two late ones not
