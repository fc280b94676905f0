"""What the Google source tells people: catalogue texts in both languages, the right words for writes."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from crmcanvas.sources.base import CellChange, SourceError
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import CANVAS, WANTED, make_source, service_account_info, standin_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
GOOGLE_MODULES = ["gsheets.py", "gsheets_writes.py", "gsheets_errors.py", "google_auth.py", "retry.py", "a1.py"]
ERRORS = {"SourceError", "RangeGone", "RowNotFound"}


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERRORS:
            yield node


def _from_catalogue(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"msg", "doc_hint"}


@pytest.mark.parametrize("module", GOOGLE_MODULES)
def test_every_error_text_of_the_google_source_comes_from_the_catalogue(module):
    loose = []
    for call in _calls(ROOT / "crmcanvas" / "sources" / module):
        texts = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "suggestion")]
        loose += [f"{module}:{call.lineno}" for text in texts if not _from_catalogue(text)]
    assert loose == []


def test_a_sheet_not_shared_is_explained_in_english_too():
    email = "crmcanvas@atelier-crm.iam.gserviceaccount.com"
    with StandIn(auth="required") as server:
        server.add_spreadsheet(CANVAS)
        source = make_source(server, secrets={"gcp_service_account": service_account_info(email)})
        with pytest.raises(SourceError) as caught:
            source.read(WANTED)
    assert caught.value.render("en") == (
        f"Service account “{email}” has no access to this sheet.",
        f"In Google Sheets, click “Share” and add {email} as Editor (Viewer is enough to display the dashboard without writing anything).")


def test_a_bad_request_names_googles_reason_and_points_at_the_configuration(standin):
    standin.fail(400, message="Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue).")
    with pytest.raises(SourceError) as caught:
        make_source(standin).read(WANTED)
    assert "Invalid value at 'data.values'" in caught.value.message and "noms d'onglets" in caught.value.suggestion
    assert not caught.value.retryable


def test_an_unexpected_status_is_not_blamed_on_tab_names(standin):
    standin.fail(409, message="Conflict.")
    with pytest.raises(SourceError) as caught:
        make_source(standin).read(WANTED)
    assert "erreur 409" in caught.value.message and caught.value.suggestion is None


def test_a_cell_write_that_google_never_confirms_may_have_landed_and_is_not_promised_a_retry(standin):
    source = make_source(standin, sleep=time.sleep, request_timeout=0.3, write_deadline=1.0)
    standin.delay(2.0, match="batchUpdateByDataFilter")
    with pytest.raises(SourceError) as caught:
        source.update_cells("besoins", id_column="ID", row_id="B001", changes=[CellChange("Statut", "Validé", "Livré")])
    message, hint = caught.value.render("fr", context="dashboard")
    assert "n'a pas confirmé l'écriture" in message and "peut-être été enregistrée" in message
    assert "rien ne la refera automatiquement" in hint and "réessaiera" not in hint
    assert caught.value.render("en")[0].startswith("Google Sheets did not confirm the write (no answer within 1 s)")


def test_a_write_whose_reads_fail_says_nothing_was_written(standin):
    standin.fail(503, times=None, match="batchGet")
    with pytest.raises(SourceError) as caught:
        make_source(standin, max_retries=1).update_cells("besoins", id_column="ID", row_id="B001",
                                                          changes=[CellChange("Statut", "Validé", "Livré")])
    assert "erreur 503 côté Google" in caught.value.message and "Rien n'a été écrit" in caught.value.message
    assert "réessaiera" not in caught.value.suggestion and "Réessayez l'enregistrement" in caught.value.suggestion
    assert standin.writes() == []


def test_an_append_google_refuses_for_quota_says_nothing_was_written(standin):
    standin.fail(429, times=None, match="values.append", retry_after=60)  # longer than the write deadline allows
    with pytest.raises(SourceError) as caught:
        make_source(standin).append_row("besoins", {"Besoin": "Exporter les dons"}, id_column="ID", id_prefix="B")
    assert "Google demande d'attendre 60 s" in caught.value.message and "Rien n'a été écrit" in caught.value.message
    assert standin.count("values.append") == 1 and standin.grid("besoins") == CANVAS["besoins"]
