"""`crmcanvas check` and `crmcanvas demo`: exit codes 0/1/2, text and JSON output."""

from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pytest

from crmcanvas.cli import main


@pytest.fixture
def demo_xlsx(tmp_path):
    path = tmp_path / "canevas.xlsx"
    assert main(["demo", "--out", str(path)]) == 0
    return path


def test_demo_writes_a_workbook_with_the_six_tabs(demo_xlsx):
    wb = openpyxl.load_workbook(demo_xlsx, read_only=True)
    assert wb.sheetnames == ["enjeux", "besoins", "données", "applications", "personnes", "rôles"]


def test_check_clean_canvas_exits_0_with_a_readable_table(demo_xlsx, capsys):
    assert main(["check", str(demo_xlsx)]) == 0
    out = capsys.readouterr().out
    assert "besoins 60" in out
    assert "Vouliez-vous dire « Donateur »" in out


def test_check_json_shape(demo_xlsx, capsys):
    assert main(["check", str(demo_xlsx), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"source", "counts", "findings", "metrics", "gaps"} <= set(payload)
    assert payload["counts"] == {"enjeux": 8, "besoins": 60, "donnees": 15, "applications": 15, "personnes": 25, "roles": 12}
    finding = payload["findings"][0]
    assert set(finding) == {"severity", "code", "tab", "row", "column", "value", "message", "suggestion", "fix"}


def test_check_without_source_uses_the_demo(capsys):
    assert main(["check", "--format", "json"]) == 0
    assert "démonstration" in json.loads(capsys.readouterr().out)["source"]


def test_check_exits_1_when_the_canvas_has_errors(demo_xlsx, capsys):
    wb = openpyxl.load_workbook(demo_xlsx)
    wb["besoins"]["A3"] = "B001"  # duplicate ID
    wb["besoins"]["D4"] = "#REF!"
    wb.save(demo_xlsx)
    assert main(["check", str(demo_xlsx)]) == 1
    out = capsys.readouterr().out
    assert "duplicate_id" in out and "formula_error" in out


@pytest.mark.parametrize("content", [None, b"ID;Besoin\nB1;test\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600])
def test_check_exits_2_with_reason_when_source_unreadable(tmp_path, capsys, content):
    path = tmp_path / "canevas.xlsx"
    if content is not None:
        path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("crmcanvas : ") and "Traceback" not in captured.err


def test_check_exits_2_on_a_bad_setting(monkeypatch, capsys):
    monkeypatch.setenv("CRMCANVAS_REFRESH_SECONDS", "0")
    assert main(["check"]) == 2
    assert "refresh_seconds" in capsys.readouterr().err


def test_console_script_runs_as_a_real_process(demo_xlsx):
    done = subprocess.run([sys.executable, "-m", "crmcanvas.cli", "check", str(demo_xlsx), "--format", "json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["besoins"] == 60
