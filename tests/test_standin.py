"""The local Sheets API v4 stand-in answers like Google does.

The expected bodies below are copied from real Google traffic recorded by the
gspread project (metadata, ``values`` reads, ``values:batchGet``,
``values:append``, the 404 error), so a client that works against the
stand-in meets the same shapes in production.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import openpyxl
import pytest
import requests

from crmcanvas.sources.a1 import (
    A1Error,
    Cells,
    column_index,
    column_letters,
    format_range,
    parse_cells,
    parse_range,
    quote_title,
)
from crmcanvas.standin import StandIn, load_xlsx


@pytest.fixture
def server():
    with StandIn() as s:
        yield s


def api(server: StandIn, sid: str, tail: str = "") -> str:
    return f"{server.endpoint}/v4/spreadsheets/{sid}{tail}"


def enc(text: str) -> str:
    return requests.utils.quote(text, safe="")


# ---------------------------------------------------------------- A1 notation


def test_column_letters_round_trip():
    assert [column_letters(i) for i in (1, 26, 27, 52, 702, 703)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
    assert all(column_index(column_letters(i)) == i for i in range(1, 2000))


def test_sheet_names_are_quoted_only_when_google_quotes_them():
    assert quote_title("Sheet1") == "Sheet1"
    assert quote_title("D3") == "'D3'"  # looks like a cell
    assert quote_title("🌵 test 1") == "'🌵 test 1'"
    assert quote_title("données") == "'données'"
    assert quote_title("l'équipe") == "'l''équipe'"
    assert format_range("Sheet1", 1, 1, 4, 4) == "Sheet1!A1:D4"
    assert format_range("D3", 2, 2, 2, 2) == "'D3'!B2"


def test_ranges_parse_like_google_reads_them():
    assert parse_range("'l''équipe'!A1:B2") == parse_range("'l''équipe'!a1:b2")
    assert parse_range("'l''équipe'!A1:B2").title == "l'équipe"
    assert parse_range("'données'").cells is None
    assert parse_range("🌵 test 1!A:A").title == "🌵 test 1"
    assert parse_range("Sheet1").bare == "Sheet1"
    assert parse_cells("A:ZZ") == Cells(None, 1, None, 702)
    assert parse_cells("1:1") == Cells(1, None, 1, None)
    assert parse_cells("A5:C") == Cells(5, 1, None, 3)
    for bad in ("'unterminated", "Sheet1!", "!A1", "'x'A1", "''!A1"):
        with pytest.raises(A1Error):
            parse_range(bad)
    for bad in ("A", "7", "A0", "A1:2B", "R1C1"):
        with pytest.raises(A1Error):
            parse_cells(bad)


# ---------------------------------------------------------------- reads


def test_metadata_has_the_shape_google_sends(server):
    sid = server.add_spreadsheet({"Sheet1": [], "rôles": [["ID"]]})
    body = requests.get(api(server, sid), params={"includeGridData": "false"}).json()
    assert body["spreadsheetId"] == sid
    assert body["spreadsheetUrl"] == f"https://docs.google.com/spreadsheets/d/{sid}/edit"
    assert body["sheets"][0] == {"properties": {
        "sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID", "gridProperties": {"rowCount": 1000, "columnCount": 26},
    }}
    second = body["sheets"][1]["properties"]
    assert second["title"] == "rôles" and second["index"] == 1 and second["sheetId"] != 0
    assert {"title", "locale", "timeZone"} <= set(body["properties"])


def test_whole_sheet_read_cuts_trailing_blanks_and_keeps_blank_rows_in_the_middle(server):
    # Recorded: WorksheetTest.test_get_all_values (a 4x4 grid).
    sid = server.add_spreadsheet({"Sheet1": [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "D4"]]},
                                 rows=4, columns=4)
    body = requests.get(api(server, sid, "/values/" + enc("'Sheet1'"))).json()
    assert body == {"range": "Sheet1!A1:D4", "majorDimension": "ROWS",
                    "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "D4"]]}


def test_an_a1_looking_title_is_echoed_quoted_and_an_empty_range_has_no_values_key(server):
    # Recorded: WorksheetTest.test_get_all_values_title_is_a1_notation.
    sid = server.add_spreadsheet({"D3": []}, rows=4, columns=4)
    body = requests.get(api(server, sid, "/values/" + enc("'D3'!A1:D1"))).json()
    assert body == {"range": "'D3'!A1:D1", "majorDimension": "ROWS"}


def test_batch_get_answers_in_request_order_with_column_ranges_sized_to_the_grid(server):
    # Recorded: SpreadsheetTest.test_values_batch_get (a 10x10 tab named with an emoji and spaces).
    sid = server.add_spreadsheet({"Sheet1": [], "🌵 test_values_batch_get 1": [["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]]},
                                 rows=10, columns=10)
    title = "🌵 test_values_batch_get 1"
    body = requests.get(api(server, sid, "/values:batchGet"), params={"ranges": [f"{title}!C:C", f"{title}!A:A"]}).json()
    assert body == {"spreadsheetId": sid, "valueRanges": [
        {"range": f"'{title}'!C1:C10", "majorDimension": "ROWS", "values": [["🍋"], ["🍓"]]},
        {"range": f"'{title}'!A1:A10", "majorDimension": "ROWS", "values": [["🍇"], ["🍐"]]},
    ]}


def test_apostrophes_in_tab_names_are_doubled_inside_quotes(server):
    sid = server.add_spreadsheet({"l'équipe": [["ID", "Nom"], ["P1", "Zoé"]]}, rows=5, columns=3)
    body = requests.get(api(server, sid, "/values/" + enc("'l''équipe'!A:B"))).json()
    assert body["range"] == "'l''équipe'!A1:B5"
    assert body["values"] == [["ID", "Nom"], ["P1", "Zoé"]]


def test_one_bad_range_fails_the_whole_batch_with_googles_message(server):
    sid = server.add_spreadsheet({"besoins": [["ID"]]})
    answer = requests.get(api(server, sid, "/values:batchGet"), params={"ranges": ["'besoins'", "'Besoins (old)'!A:ZZ"]})
    assert answer.status_code == 400
    assert answer.json() == {"error": {"code": 400, "message": "Unable to parse range: 'Besoins (old)'!A:ZZ", "status": "INVALID_ARGUMENT"}}


def test_unknown_spreadsheet_answers_googles_404_body(server):
    answer = requests.get(api(server, "test"), params={"includeGridData": "false"})
    assert answer.status_code == 404
    assert answer.json() == {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}


# ---------------------------------------------------------------- writes


def test_append_answers_like_google_with_table_range_once_the_table_exists(server):
    # Recorded: WorksheetTest.test_append_row.
    sid = server.add_spreadsheet({"Sheet1": []})
    row = [f"test_append_row {i}" for i in range(1, 11)]
    url = api(server, sid, "/values/" + enc("'Sheet1'") + ":append")
    first = requests.post(url, params={"valueInputOption": "RAW", "includeValuesInResponse": "False"}, json={"values": [row]}).json()
    assert first == {"spreadsheetId": sid, "updates": {
        "spreadsheetId": sid, "updatedRange": "Sheet1!A1:J1", "updatedRows": 1, "updatedColumns": 10, "updatedCells": 10}}
    second = requests.post(url, params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, json={"values": [["x", "y"]]}).json()
    assert second["tableRange"] == "Sheet1!A1:J1"
    assert second["updates"]["updatedRange"] == "Sheet1!A2:B2"
    rows = requests.get(api(server, sid), params={"includeGridData": "false"}).json()["sheets"][0]["properties"]["gridProperties"]["rowCount"]
    assert rows == 1001  # INSERT_ROWS inserted a row


def test_append_on_a1_goes_under_the_whole_table_and_never_over_row_2(server):
    # gspread's append_row(table_range="A1") sends this; Google appends under the table A1 belongs to.
    sid = server.add_spreadsheet({"Sheet1": [["ID", "Nom", "Rôle"], ["P1", "Zoé", "R1"], ["P2", "Marc", "R2"], ["P3", "Léa"]]})
    url = api(server, sid, "/values/" + enc("'Sheet1'!A1") + ":append")
    answer = requests.post(url, params={"valueInputOption": "RAW"}, json={"values": [["P4", "Ana"]]}).json()
    assert answer == {"spreadsheetId": sid, "tableRange": "Sheet1!A1:C4", "updates": {
        "spreadsheetId": sid, "updatedRange": "Sheet1!A5:B5", "updatedRows": 1, "updatedColumns": 2, "updatedCells": 2}}
    assert server.grid("Sheet1") == [["ID", "Nom", "Rôle"], ["P1", "Zoé", "R1"], ["P2", "Marc", "R2"], ["P3", "Léa"], ["P4", "Ana"]]


@pytest.mark.parametrize("target, start", [
    # The Sheets API guide's example: tables A1:C2 and B4:D6; the range picks the *last* table it reaches, whole.
    ("Sheet1", "B7"), ("Sheet1!B4", "B7"), ("Sheet1!C5:D5", "B7"), ("Sheet1!B2:D4", "B7"), ("Sheet1!A3:G10", "B7"),
    ("Sheet1!A1", "A3"), ("Sheet1!E4", "E4"), ("Sheet1!A4", "A4"),
])
def test_append_finds_its_table_as_googles_guide_describes(server, target, start):
    sid = server.add_spreadsheet({"Sheet1": [["x", "y", "z"], ["x", "y", "z"], [], ["", "x", "y"], ["", "", "y", "z"],
                                             ["", "x", "y", "z"]]})
    url = api(server, sid, "/values/" + enc(target) + ":append")
    answer = requests.post(url, params={"valueInputOption": "RAW"}, json={"values": [["new"]]}).json()
    assert answer["updates"]["updatedRange"] == f"Sheet1!{start}"


def test_raw_keeps_a_formula_as_text_and_user_entered_makes_it_a_formula(server):
    sid = server.add_spreadsheet({"Sheet1": [["story"]]})
    for option, cell in (("RAW", "A2"), ("USER_ENTERED", "A3")):
        answer = requests.put(api(server, sid, "/values/" + enc(f"Sheet1!{cell}")), params={"valueInputOption": option},
                              json={"values": [['=IMPORTXML("http://evil.example","//a")']]})
        assert answer.json()["updatedRange"] == f"Sheet1!{cell}"
    assert server.cell("Sheet1", 2, 1) == '=IMPORTXML("http://evil.example","//a")'
    assert not server.is_formula("Sheet1", 2, 1)
    assert server.is_formula("Sheet1", 3, 1)


def test_a_write_without_value_input_option_is_refused(server):
    sid = server.add_spreadsheet({"Sheet1": []})
    answer = requests.put(api(server, sid, "/values/Sheet1!A1"), json={"values": [["x"]]})
    assert answer.status_code == 400 and answer.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_batch_update_is_all_or_nothing(server):
    sid = server.add_spreadsheet({"Sheet1": []})
    answer = requests.post(api(server, sid, ":batchUpdate"), json={"requests": [
        {"addSheet": {"properties": {"title": "nouveau"}}},
        {"addSheet": {"properties": {"title": "Sheet1"}}},  # duplicate title: the whole batch fails
    ]})
    assert answer.status_code == 400
    assert "already exists" in answer.json()["error"]["message"]
    titles = [s["properties"]["title"] for s in requests.get(api(server, sid)).json()["sheets"]]
    assert titles == ["Sheet1"]


def test_add_sheet_and_rename_answer_like_google(server):
    sid = server.add_spreadsheet({"Sheet1": []})
    reply = requests.post(api(server, sid, ":batchUpdate"), json={"requests": [{"addSheet": {"properties": {
        "title": "🌵 onglet", "sheetType": "GRID", "gridProperties": {"rowCount": 10, "columnCount": 10}}}}]}).json()
    props = reply["replies"][0]["addSheet"]["properties"]
    assert props["title"] == "🌵 onglet" and props["index"] == 1 and props["gridProperties"] == {"rowCount": 10, "columnCount": 10}
    rename = {"updateSheetProperties": {"properties": {"sheetId": props["sheetId"], "title": "renommé"}, "fields": "title"}}
    assert requests.post(api(server, sid, ":batchUpdate"), json={"requests": [rename]}).json()["replies"] == [{}]
    assert [s["properties"]["title"] for s in requests.get(api(server, sid)).json()["sheets"]] == ["Sheet1", "renommé"]


def test_row_developer_metadata_follows_its_row_through_inserts_and_sorts(server):
    sid = server.add_spreadsheet({"t": [["ID", "Nom"], ["B2", "b"], ["B1", "a"], ["B3", "c"]]})
    create = {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": "pin", "metadataValue": "B1", "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2, "endIndex": 3}}}}}
    requests.post(api(server, sid, ":batchUpdate"), json={"requests": [create]}).raise_for_status()
    server.insert_row("t", 2, ["B9", "inséré"])
    server.sort_rows("t", "Nom")
    lookup = {"developerMetadataLookup": {"metadataKey": "pin", "metadataValue": "B1"}}
    found = requests.post(api(server, sid, "/values:batchGetByDataFilter"), json={"dataFilters": [lookup]}).json()
    assert found["valueRanges"][0]["valueRange"]["values"] == [["B1", "a"]]
    assert found["valueRanges"][0]["valueRange"]["range"] == "'t'!A2:Z2"  # "a" sorts first
    wrote = requests.post(api(server, sid, "/values:batchUpdateByDataFilter"), json={
        "valueInputOption": "RAW", "data": [{"dataFilter": lookup, "values": [[None, "A!"]]}]}).json()
    assert wrote["totalUpdatedCells"] == 1  # the null cell was skipped
    assert server.grid("t")[1] == ["B1", "A!"]


# ---------------------------------------------------------------- faults, log, hooks, auth


def test_injected_faults_answer_like_google_then_stop(server):
    sid = server.add_spreadsheet({"Sheet1": [["x"]]})
    server.fail(429, times=2, match="batchGet")
    url = api(server, sid, "/values:batchGet")
    statuses = [requests.get(url, params={"ranges": "Sheet1"}).status_code for _ in range(3)]
    assert statuses == [429, 429, 200]
    assert requests.get(api(server, sid)).status_code == 200  # the metadata route was never matched
    server.fail(429, times=1)
    assert requests.get(url, params={"ranges": "Sheet1"}).json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    server.fail(502, times=1)
    answer = requests.get(url, params={"ranges": "Sheet1"})
    assert answer.status_code == 502 and answer.headers["Content-Type"].startswith("text/html")  # Google's 502 is a page
    server.drop(times=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(url, params={"ranges": "Sheet1"})
    server.delay(0.3, times=1)
    with pytest.raises(requests.Timeout):
        requests.get(url, params={"ranges": "Sheet1"}, timeout=0.05)


def test_request_log_names_each_call(server):
    sid = server.add_spreadsheet({"Sheet1": [["x"]]})
    requests.get(api(server, sid))
    requests.get(api(server, sid, "/values:batchGet"), params={"ranges": ["Sheet1", "Sheet1!A1"]})
    requests.post(api(server, sid, "/values/Sheet1:append"), params={"valueInputOption": "RAW"}, json={"values": [["y"]]})
    assert [(r.method, r.kind, r.status) for r in server.log] == [
        ("GET", "metadata", 200), ("GET", "values.batchGet", 200), ("POST", "values.append", 200)]
    assert server.log[1].query["ranges"] == ["Sheet1", "Sheet1!A1"]
    assert server.count("values.batchGet") == 1 and [r.kind for r in server.writes()] == ["values.append"]


def test_on_request_hook_acts_between_two_requests(server):
    sid = server.add_spreadsheet({"Sheet1": [["avant"]]})
    server.on_request = lambda req: server.set_cell("Sheet1", 1, 1, "pendant") if req.kind == "values.get" else None
    body = requests.get(api(server, sid, "/values/Sheet1")).json()
    assert body["values"] == [["pendant"]]  # the stakeholder typed just before the read was served
    assert server.hook_errors == []


def test_required_auth_answers_401_then_403_until_the_sheet_is_shared():
    with StandIn(auth="required") as server:
        sid = server.add_spreadsheet({"Sheet1": []})
        assert requests.get(api(server, sid)).json()["error"]["status"] == "UNAUTHENTICATED"
        claims = json.dumps({"iss": "robot@projet.iam.gserviceaccount.com"}).encode()
        import base64

        assertion = "e30." + base64.urlsafe_b64encode(claims).decode().rstrip("=") + ".sig"
        token = requests.post(f"{server.endpoint}/token", data={"grant_type": "jwt", "assertion": assertion}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(api(server, sid), headers=headers).json()["error"] == {
            "code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
        server.share("robot@projet.iam.gserviceaccount.com")
        assert requests.get(api(server, sid), headers=headers).status_code == 200


# ---------------------------------------------------------------- workbook and command line


def _workbook(path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "besoins"
    sheet.append(["ID", "Besoin", "Coût"])
    sheet.append(["B001", "Voir les dons", 3.0])
    book.create_sheet("rôles").append(["ID", "Rôle"])
    book.save(path)


def test_xlsx_tabs_are_served_as_text(tmp_path):
    _workbook(tmp_path / "c.xlsx")
    assert load_xlsx(tmp_path / "c.xlsx") == {"besoins": [["ID", "Besoin", "Coût"], ["B001", "Voir les dons", "3"]], "rôles": [["ID", "Rôle"]]}


def test_a_watched_workbook_is_read_again_when_the_file_changes_on_disk(tmp_path, server):
    path = tmp_path / "c.xlsx"
    _workbook(path)
    sid = server.watch(path)
    gid = server.sheet("rôles", sid).sheet_id
    url = api(server, sid, "/values/" + enc("'besoins'"))
    assert requests.get(url).json()["values"] == [["ID", "Besoin", "Coût"], ["B001", "Voir les dons", "3"]]
    book = openpyxl.load_workbook(path)
    book["besoins"].append(["B002", "Relancer les donateurs", 5])
    book.save(path)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))  # a visibly newer file, even on coarse clocks
    assert requests.get(url).json()["values"][-1] == ["B002", "Relancer les donateurs", "5"]
    assert server.sheet("rôles", sid).sheet_id == gid  # same tab, same gid: a `gid=` setting still finds it


def test_a_half_written_workbook_keeps_the_last_good_content_until_it_is_whole(tmp_path, server):
    path = tmp_path / "c.xlsx"
    _workbook(path)
    sid = server.watch(path)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # caught mid-save
    url = api(server, sid, "/values/" + enc("'besoins'"))
    assert requests.get(url).json()["values"][1] == ["B001", "Voir les dons", "3"]
    path.write_bytes(whole)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 2_000_000_000))
    assert requests.get(url).status_code == 200


def test_command_line_serves_a_workbook_on_loopback_and_follows_edits_to_the_file(tmp_path):
    _workbook(tmp_path / "c.xlsx")
    proc = subprocess.Popen([sys.executable, "-m", "crmcanvas.standin", "--port", "0", "--xlsx", str(tmp_path / "c.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        endpoint = re.search(r"http://127\.0\.0\.1:\d+", first).group(0)
        sheet_line = proc.stdout.readline()
        key = re.search(r"/spreadsheets/d/([\w-]+)/edit", sheet_line).group(1)
        deadline = time.monotonic() + 10
        while True:
            try:
                body = requests.get(f"{endpoint}/v4/spreadsheets/{key}", timeout=2).json()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert [s["properties"]["title"] for s in body["sheets"]] == ["besoins", "rôles"]
        book = openpyxl.load_workbook(tmp_path / "c.xlsx")
        book["besoins"]["B2"] = "Voir l'historique des dons"  # a participant edits the file during the rehearsal
        book.save(tmp_path / "c.xlsx")
        os.utime(tmp_path / "c.xlsx", ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
        values = requests.get(f"{endpoint}/v4/spreadsheets/{key}/values/besoins", timeout=5).json()["values"]
        assert values[1] == ["B001", "Voir l'historique des dons", "3"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
