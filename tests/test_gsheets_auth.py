"""Where the service account is found, and how its key stays out of sight."""

from __future__ import annotations

import json

import pytest

from crmcanvas.core.config import spreadsheet_in
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.google_auth import find_service_account, route
from tests.fixtures_sheets import key_body, service_account_info

URL = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0"


def test_st_gsheets_connection_layout_comes_first(tmp_path):
    conn = {**service_account_info("conn@p.iam.gserviceaccount.com"), "spreadsheet": URL, "worksheet": "0"}
    gcp = service_account_info("gcp@p.iam.gserviceaccount.com")
    key_file = tmp_path / "cle.json"
    key_file.write_text(json.dumps(service_account_info("file@p.iam.gserviceaccount.com")))
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(key_file)}
    both = {"connections": {"gsheets": conn}, "gcp_service_account": gcp}
    assert find_service_account(both, env).client_email == "conn@p.iam.gserviceaccount.com"
    assert find_service_account({"gcp_service_account": gcp}, env).client_email == "gcp@p.iam.gserviceaccount.com"
    account = find_service_account({}, env)
    assert account.client_email == "file@p.iam.gserviceaccount.com" and str(key_file) in account.origin
    assert find_service_account({}, {}) is None
    assert spreadsheet_in(both) == URL


def test_a_connection_section_holding_only_the_url_is_not_an_account():
    assert find_service_account({"connections": {"gsheets": {"spreadsheet": URL}}}, {}) is None


def test_cli_reads_the_apps_secrets_file_from_the_working_directory(tmp_path):
    info = service_account_info("cli@p.iam.gserviceaccount.com")
    lines = ["[connections.gsheets]", f'spreadsheet = "{URL}"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in info.items()]
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("\n".join(lines), encoding="utf-8")
    account = find_service_account(None, {}, cwd=tmp_path, home=tmp_path / "nobody")
    assert account.client_email == "cli@p.iam.gserviceaccount.com"
    assert account.info["private_key"] == info["private_key"]


def test_a_private_key_pasted_with_literal_backslash_n_still_works():
    info = service_account_info()
    flat = {**info, "private_key": info["private_key"].replace("\n", "\\n")}
    account = find_service_account({"gcp_service_account": flat}, {})
    assert account.info["private_key"] == info["private_key"]
    assert account.credentials().service_account_email == info["client_email"]


def test_the_key_is_hidden_from_repr():
    info = service_account_info()
    account = find_service_account({"gcp_service_account": info}, {})
    assert key_body(info)[:40] not in repr(account) and info["client_email"] in repr(account)


@pytest.mark.parametrize("content, expected", [
    ("{not json", "n'est pas un fichier JSON"),
    (json.dumps({"type": "authorized_user", "client_id": "x", "client_email": "me@gmail.com", "refresh_token": "r"}), "type « authorized_user »"),
    (json.dumps({"type": "service_account", "client_email": "x@p.iam.gserviceaccount.com"}), "private_key"),
])
def test_unusable_key_files_are_explained_in_french(tmp_path, content, expected):
    path = tmp_path / "cle.json"
    path.write_text(content)
    with pytest.raises(SourceError, match=expected):
        find_service_account({}, {"GOOGLE_APPLICATION_CREDENTIALS": str(path)})


def test_a_missing_key_file_is_explained(tmp_path):
    with pytest.raises(SourceError, match="fichier illisible"):
        find_service_account({}, {"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "absent.json")})


def test_a_garbled_private_key_names_the_account_not_the_key():
    info = {**service_account_info(), "private_key": "-----BEGIN PRIVATE KEY-----\nabcdefghijklmnopqrstuvwxyz\n-----END PRIVATE KEY-----\n"}
    account = find_service_account({"gcp_service_account": info}, {})
    with pytest.raises(SourceError) as caught:
        account.credentials()
    assert info["client_email"] in caught.value.message and "abcdefghijklmnop" not in caught.value.message


def test_endpoint_override_routes_sheets_and_token_calls_only():
    endpoint = "http://127.0.0.1:8765/"
    assert route("https://sheets.googleapis.com/v4/spreadsheets/k/values:batchGet", endpoint) == \
        "http://127.0.0.1:8765/v4/spreadsheets/k/values:batchGet"
    assert route("https://oauth2.googleapis.com/token", endpoint) == "http://127.0.0.1:8765/token"
    assert route("https://www.googleapis.com/drive/v3/files", endpoint) == "https://www.googleapis.com/drive/v3/files"
    assert route("https://sheets.googleapis.com/v4/spreadsheets/k", None) == "https://sheets.googleapis.com/v4/spreadsheets/k"
