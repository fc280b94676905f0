"""The stand-in's batchUpdate requests that shape a sheet, and its grid data, as the Sheets API reference describes them."""

from __future__ import annotations

import pytest
from gspread.exceptions import APIError

from crmcanvas.standin import StandIn
from tests.fixtures_sheets import make_source


@pytest.fixture(name="sheets")
def sheets_fixture():
    with StandIn() as server:
        server.add_spreadsheet({"besoins": [["ID", "Besoin", "Priorité"], ["B1", "x", "Must"]], "rôles": [["ID", "Rôle"], ["R1", "y"]]},
                               rows=20, columns=5)
        yield server


def send(server, requests):
    """One batchUpdate over HTTP, through the real gspread client."""
    source = make_source(server)
    return source._http.batch_update(source.key, {"requests": requests})


def sheet_id(server, title):
    return server.store.sheet(title).sheet_id


def get(server, **params):
    source = make_source(server)
    return source._http.fetch_sheet_metadata(source.key, params=params)


LIST = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "Must"}, {"userEnteredValue": "Should"}]},
        "strict": True, "showCustomUi": True}


def test_set_data_validation_on_an_open_ended_range_and_read_it_in_grid_data(sheets):
    sid = sheet_id(sheets, "besoins")
    send(sheets, [{"setDataValidation": {"range": {"sheetId": sid, "startRowIndex": 1, "startColumnIndex": 2,
                                                   "endColumnIndex": 3}, "rule": LIST}}])
    assert sheets.validation("besoins", 1, 3) is None
    assert sheets.validation("besoins", 2, 3) == LIST and sheets.validation("besoins", 20, 3) == LIST  # to the grid's end
    meta = get(sheets, includeGridData="true")
    rows = meta["sheets"][0]["data"][0]["rowData"]
    assert len(rows) == 20  # rows run to the last one holding a rule
    assert rows[1]["values"][2] == {"formattedValue": "Must", "userEnteredValue": {"stringValue": "Must"}, "dataValidation": LIST}
    assert rows[5] == {"values": [{}, {}, {"dataValidation": LIST}]}
    assert "data" not in get(sheets, includeGridData="false")["sheets"][0]
    assert "data" in get(sheets, fields="sheets(properties,data.rowData.values(formattedValue))")["sheets"][0]


def test_a_rule_that_is_not_strict_has_no_strict_key_and_clearing_removes_it(sheets):
    sid = sheet_id(sheets, "besoins")
    warn = {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='rôles'!A2:A"}]}, "strict": False,
            "showCustomUi": True}
    send(sheets, [{"setDataValidation": {"range": {"sheetId": sid, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0,
                                                   "endColumnIndex": 1}, "rule": warn}}])
    assert sheets.validation("besoins", 2, 1) == {"condition": warn["condition"], "showCustomUi": True}
    assert sheets.validation("besoins", 4, 1) is None
    send(sheets, [{"setDataValidation": {"range": {"sheetId": sid, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 0,
                                                   "endColumnIndex": 1}}}])
    assert sheets.validation("besoins", 2, 1) is None


@pytest.mark.parametrize("rule, message", [
    ({"condition": {"type": "ONE_OF_LIST"}}, "requires at least one"),
    ({"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "rôles!A2:A"}]}}, "starting with ="),
    ({"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Absent'!A2:A"}]}}, "no sheet named"),
    ({"condition": {"type": "TEXT_IS_FANCY"}}, "ConditionType"),
])
def test_bad_rules_are_refused_like_google(sheets, rule, message):
    with pytest.raises(APIError, match=message):
        send(sheets, [{"setDataValidation": {"range": {"sheetId": sheet_id(sheets, "besoins")}, "rule": rule}}])


def test_update_cells_writes_values_and_stays_inside_the_grid(sheets):
    sid = sheet_id(sheets, "besoins")
    row = {"values": [{"userEnteredValue": {"stringValue": "Lot"}, "userEnteredFormat": {"textFormat": {"bold": True}}},
                      {"userEnteredValue": {"stringValue": "=1+1"}}]}
    send(sheets, [{"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 3}, "rows": [row],
                                   "fields": "userEnteredValue,userEnteredFormat.textFormat.bold"}}])
    assert sheets.grid("besoins")[0] == ["ID", "Besoin", "Priorité", "Lot", "=1+1"]  # a stringValue is text, never a formula
    with pytest.raises(APIError, match="past the grid"):
        send(sheets, [{"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 5}, "rows": [row],
                                       "fields": "userEnteredValue"}}])
    send(sheets, [{"appendDimension": {"sheetId": sid, "dimension": "COLUMNS", "length": 2}},
                  {"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 5}, "rows": [row],
                                   "fields": "userEnteredValue"}}])
    assert sheets.grid("besoins")[0][5:] == ["Lot", "=1+1"]
    with pytest.raises(APIError, match="fields"):
        send(sheets, [{"updateCells": {"start": {"sheetId": sid}, "rows": [row]}}])


def test_frozen_rows_in_add_sheet_and_update_sheet_properties(sheets):
    reply = send(sheets, [{"addSheet": {"properties": {"sheetId": 77, "title": "Personnes", "gridProperties": {
        "rowCount": 50, "columnCount": 9, "frozenRowCount": 1}}}},
        {"updateSheetProperties": {"properties": {"sheetId": sheet_id(sheets, "besoins"), "gridProperties": {"frozenRowCount": 2}},
                                   "fields": "gridProperties.frozenRowCount"}}])
    assert reply["replies"][0]["addSheet"]["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert (sheets.frozen_row_count("Personnes"), sheets.frozen_row_count("besoins")) == (1, 2)
    props = {s["properties"]["title"]: s["properties"]["gridProperties"] for s in get(sheets)["sheets"]}
    assert props["besoins"]["frozenRowCount"] == 2 and "frozenRowCount" not in props["rôles"]  # zero is left out
    with pytest.raises(APIError, match="already exists"):
        send(sheets, [{"addSheet": {"properties": {"sheetId": 77, "title": "Autre"}}}])
    with pytest.raises(APIError, match="freeze all"):
        send(sheets, [{"updateSheetProperties": {"properties": {"sheetId": 77, "gridProperties": {"frozenRowCount": 50}},
                                                 "fields": "gridProperties/frozenRowCount"}}])


def test_a_warning_only_protected_range_is_listed_with_its_tab(sheets):
    sid = sheet_id(sheets, "besoins")
    reply = send(sheets, [{"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sid, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1},
        "description": "IDs", "warningOnly": True}}}])
    added = reply["replies"][0]["addProtectedRange"]["protectedRange"]
    assert added["warningOnly"] is True and isinstance(added["protectedRangeId"], int)
    listed = next(s for s in get(sheets)["sheets"] if s["properties"]["title"] == "besoins")["protectedRanges"]
    assert listed == [added]
    expected = {"sheetId": sid, "startRowIndex": 1, "endColumnIndex": 1}
    assert added["range"] == {k: v for k, v in expected.items() if v}  # zeros left out, as Google does (sheetId 0 too)
    with pytest.raises(APIError, match="warningOnly"):
        send(sheets, [{"addProtectedRange": {"protectedRange": {"range": {"sheetId": sid}, "warningOnly": True,
                                                                "editors": {"users": ["a@b.c"]}}}}])


def test_a_batch_is_applied_whole_or_not_at_all(sheets):
    sid = sheet_id(sheets, "besoins")
    before = sheets.grid("besoins")
    with pytest.raises(APIError, match=r"requests\[4\]"):
        send(sheets, [
            {"appendDimension": {"sheetId": sid, "dimension": "COLUMNS", "length": 1}},
            {"updateCells": {"start": {"sheetId": sid, "rowIndex": 0, "columnIndex": 3},
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": "Lot"}}]}], "fields": "userEnteredValue"}},
            {"setDataValidation": {"range": {"sheetId": sid, "startRowIndex": 1}, "rule": LIST}},
            {"addProtectedRange": {"protectedRange": {"range": {"sheetId": sid}, "warningOnly": True}}},
            {"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {"frozenRowCount": 99}},
                                       "fields": "gridProperties.frozenRowCount"}},
        ])
    assert sheets.grid("besoins") == before
    assert sheets.validation("besoins", 2, 3) is None and sheets.protected_ranges("besoins") == []
    assert sheets.store.sheet("besoins").column_count == 5 and sheets.frozen_row_count("besoins") == 0
