"""Reading a Google Sheet: one request per refresh, stable version token, renamed tabs, odd tab names."""

from __future__ import annotations

import pytest

from crmcanvas.sources.base import SourceError
from crmcanvas.sources.gsheets import GoogleSheetSource, parse_spreadsheet_spec
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import CANVAS, WANTED, make_source, standin_fixture  # noqa: F401  (provides `standin`)


def test_first_read_costs_one_metadata_call_then_each_refresh_exactly_one_batch_get(standin):
    source = make_source(standin)
    for _ in range(5):
        source.read(WANTED)
    assert [r.kind for r in standin.log] == ["metadata"] + ["values.batchGet"] * 5
    assert standin.writes() == []  # reading never writes


def test_a_proxy_in_the_environment_does_not_capture_a_stand_in_on_this_machine(standin, monkeypatch):
    """A rehearsal on a laptop behind a corporate proxy: the local stand-in is reached directly, not via the proxy."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there: a request sent to it fails
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert make_source(standin).read(WANTED).grids["besoins"][1][0] == CANVAS["besoins"][1][0]


def test_all_six_tabs_come_back_as_google_sent_them(standin):
    raw = make_source(standin).read(WANTED)
    assert raw.titles == {"enjeux": "enjeux", "besoins": "besoins", "donnees": "données", "applications": "applications",
                          "personnes": "personnes", "roles": "rôles"}
    assert raw.grids["donnees"] == CANVAS["données"]
    assert raw.grids["besoins"][2] == CANVAS["besoins"][2]  # ragged row kept ragged (the loader pads)
    assert raw.grids["besoins"][3] == []  # blank row in the middle kept, so row numbers stay right
    assert raw.missing == {}
    assert raw.available == list(CANVAS)
    query = standin.requests("values.batchGet")[0].query["ranges"]
    assert query == ["'enjeux'", "'besoins'", "'données'", "'applications'", "'personnes'", "'rôles'"]


def test_unchanged_sheet_gives_the_same_version_and_an_edit_changes_it(standin):
    source = make_source(standin)
    first, second = source.read(WANTED), source.read(WANTED)
    assert first.version == second.version
    standin.set_cell("besoins", 2, "Statut", "Livré")
    third = source.read(WANTED)
    assert third.version != first.version
    standin.set_cell("besoins", 2, "Statut", "Validé")  # put back: same content, same token
    assert source.read(WANTED).version == first.version


def test_a_tab_renamed_after_opening_is_reported_missing_and_the_others_still_load(standin):
    source = make_source(standin)
    source.read(WANTED)
    standin.rename_sheet("données", "Données (ancien)")
    standin.clear_log()
    raw = source.read(WANTED)
    assert raw.missing == {"donnees": "données"}
    assert set(raw.grids) == {"enjeux", "besoins", "applications", "personnes", "roles"}
    assert raw.grids["besoins"] == CANVAS["besoins"]
    # the failed batch, one metadata refresh, one batch of what exists
    assert [(r.kind, r.status) for r in standin.log] == [("values.batchGet", 400), ("metadata", 200), ("values.batchGet", 200)]
    standin.clear_log()
    source.read(WANTED)
    assert [r.kind for r in standin.log] == ["values.batchGet"]  # back to one request per refresh


def test_a_deleted_tab_is_reported_missing(standin):
    source = make_source(standin)
    source.read(WANTED)
    standin.delete_sheet("rôles")
    raw = source.read(WANTED)
    assert raw.missing == {"roles": "rôles"} and "roles" not in raw.grids and len(raw.grids) == 5


def test_a_tab_created_later_is_picked_up_within_a_minute(standin):
    now = [0.0]
    standin.delete_sheet("rôles")
    source = make_source(standin, clock=lambda: now[0])
    assert source.read(WANTED).missing == {"roles": "rôles"}
    standin.add_sheet("Rôles", [["ID", "Rôle"], ["R01", "Chargé de collecte"]])
    now[0] = 30.0
    assert source.read(WANTED).missing == {"roles": "rôles"}  # metadata is not re-read on every refresh
    now[0] = 61.0
    raw = source.read(WANTED)
    assert raw.missing == {} and raw.titles["roles"] == "Rôles"


def test_empty_tab_and_tab_names_with_quotes_spaces_and_accents():
    tabs = {
        "Enjeux stratégiques": CANVAS["enjeux"],
        "Backlog l'équipe": CANVAS["besoins"],
        "données": [],  # an empty tab: Google sends no "values" key
    }
    with StandIn() as server:
        server.add_spreadsheet(tabs)
        source = make_source(server)
        raw = source.read({"enjeux": "Enjeux stratégiques", "besoins": "Backlog l'équipe", "donnees": "données"})
    assert raw.grids == {"enjeux": CANVAS["enjeux"], "besoins": CANVAS["besoins"], "donnees": []}
    assert server.requests("values.batchGet")[0].query["ranges"] == ["'Enjeux stratégiques'", "'Backlog l''équipe'", "'données'"]


def test_tab_configured_by_gid_follows_renames(standin):
    gid = standin.sheet("besoins").sheet_id
    standin.rename_sheet("besoins", "Backlog atelier 3")
    raw = make_source(standin).read({**WANTED, "besoins": f"#gid={gid}"})
    assert raw.titles["besoins"] == "Backlog atelier 3"
    assert raw.grids["besoins"] == CANVAS["besoins"]
    raw = make_source(standin).read({**WANTED, "besoins": "gid=999"})
    assert raw.missing["besoins"] == "gid=999"


def test_spreadsheet_is_named_by_url_with_gid_or_by_bare_key(standin):
    key = standin.store.default_id
    assert parse_spreadsheet_spec(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=42") == (key, 42)
    assert parse_spreadsheet_spec(f"https://docs.google.com/spreadsheets/d/{key}/edit?usp=sharing") == (key, None)
    assert parse_spreadsheet_spec(f"  {key} ") == (key, None)
    with pytest.raises(SourceError, match="ni une URL de Google Sheet"):
        parse_spreadsheet_spec("mon canevas.xlsx")
    from crmcanvas.core.config import Settings

    source = GoogleSheetSource.from_settings(key, Settings(sheets_endpoint=standin.endpoint), {}, environ={})
    assert source.read(WANTED).grids["enjeux"] == CANVAS["enjeux"]


def test_source_description_names_the_sheet_but_no_secret(standin):
    source = make_source(standin)
    raw = source.read(WANTED)
    assert "Canevas Systémique" in raw.source and standin.store.default_id in raw.source


def test_crmcanvas_check_reads_a_google_sheet_url(standin, monkeypatch, tmp_path, capsys):
    from crmcanvas import cli

    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here: the stand-in needs no credentials
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CRMCANVAS_SHEETS_ENDPOINT", standin.endpoint)
    code = cli.main(["check", standin.url()])
    out = capsys.readouterr().out
    assert code in (0, 1) and "Google Sheet « Canevas Systémique »" in out and "besoins 3" in out
    assert [r.kind for r in standin.log] == ["metadata", "values.batchGet"]


def test_it_is_a_canvas_source_like_the_workbook(standin):
    from crmcanvas.sources.base import Source

    assert isinstance(make_source(standin), Source)
