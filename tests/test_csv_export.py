"""CSV exports: open cleanly in French Excel, never run a cell as a formula, and read back unchanged."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from crmcanvas.reports.csv_export import FORMULA_STARTS, csv_bytes, neutralise, read_csv, restore, write_csv

TRAPS = ['=HYPERLINK("https://evil.example";"ici")', "+33 1 23 45 67 89", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def cells_of(data: bytes) -> list[list[str]]:
    """The cells as a spreadsheet program splits them."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.parametrize("text", TRAPS)
def test_every_formula_start_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text
    data = csv_bytes(pd.DataFrame({"Valeur": [text]}))
    assert cells_of(data)[1] == ["'" + text]


def test_formula_starts_are_the_owasp_list():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_plain_text_numbers_and_empty_cells_are_left_alone():
    frame = pd.DataFrame({"Ligne": [3, -4], "Message": ["Onglet « besoins » introuvable", ""]})
    rows = cells_of(csv_bytes(frame))
    assert rows == [["Ligne", "Message"], ["3", "Onglet « besoins » introuvable"], ["-4", ""]]


def test_file_is_utf8_with_bom_and_semicolons():
    data = csv_bytes(pd.DataFrame({"Sévérité": ["Erreur"], "Suggestion": ["Vouliez-vous dire « Donateur » ; ou « Don »"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.splitlines()[0] == "\ufeffSévérité;Suggestion".encode()
    assert cells_of(data)[1] == ["Erreur", "Vouliez-vous dire « Donateur » ; ou « Don »"]


def test_headers_are_neutralised_too():
    assert cells_of(csv_bytes(pd.DataFrame({"=cmd": ["x"]})))[0] == ["'=cmd"]


@pytest.mark.parametrize("text", [*TRAPS, "'déjà une apostrophe", "'", "''", "texte", "", "a;b\nc"])
def test_restore_is_the_exact_inverse(text):
    assert restore(neutralise(text)) == text


def test_a_file_reads_back_as_the_text_that_was_written(tmp_path):
    frame = pd.DataFrame({"Valeur": [*TRAPS, "'quote", "multi\nligne; avec « guillemets »"], "=entête": ["x"] * 8})
    path = write_csv(frame, tmp_path / "constats.csv")
    assert read_csv(path).equals(frame)
    assert read_csv(path.read_bytes()).equals(frame)
