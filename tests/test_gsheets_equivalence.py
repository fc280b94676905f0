"""The same canvas, whether read from a Google Sheet (gspread over HTTP) or from the workbook it came from."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.standin import StandIn, load_xlsx
from tests.fixtures_workbook import demo_workbook


def messy_workbook(path):
    """What stakeholders really hand over: a title row, English headers, ragged rows, numbers, a date, a typo."""
    book = openpyxl.Workbook()
    enjeux = book.active
    enjeux.title = "Enjeux"
    for row in (["Canevas systémique – atelier n°3"], [], ["Id", "Stake", "Target value", "Due", "Owner"],
                ["E1", "Fidéliser les donateurs", 0.45, dt.datetime(2026, 9, 30), "Claire Dubois"],
                ["E2", "Simplifier les reçus fiscaux", 12.0, "6 mois"]):
        enjeux.append(row)
    besoins = book.create_sheet("Backlog")
    for row in (["ID", "User story", "Rôle", "Enjeux liés", "MoSCoW", "Statut", "Commentaire interne"],
                ["B-01", "En tant que comptable, je souhaite éditer les reçus en un clic afin de gagner du temps", "Comptable", "E2", "Indispensable"],
                [None, "En tant que bénévole, je souhaite voir mes missions afin de m'organiser", "Bénévole", "E1; E9", "could", "à qualifier", "voir avec Marc"],
                [],
                ["B-03", "=IMPORTXML() collé par erreur", "Comptable", "Fidéliser les donateur", "Won't", "Rejeté"]):
        besoins.append(row)
    personnes = book.create_sheet("Personnes")
    personnes.append(["ID", "Prénom", "Nom", "Rôles", "Implication"])
    personnes.append(["P1", "Claire", "Dubois", "Comptable", "Pilote"])
    roles = book.create_sheet("Rôles")
    roles.append(["ID", "Rôle", "Type"])
    roles.append(["R1", "Comptable", "Interne"])
    roles.append(["R2", "Bénévole", "Externe"])
    book.create_sheet("Notes").append(["Ne pas toucher"])
    book.save(path)


def assert_same_canvas(google, workbook):
    assert google.tab_titles == workbook.tab_titles
    assert google.headers == workbook.headers and google.extra_columns == workbook.extra_columns
    assert set(google.frames) == set(workbook.frames)
    for tab in google.frames:
        pd.testing.assert_frame_equal(google.frames[tab], workbook.frames[tab], check_like=False)
    pd.testing.assert_frame_equal(google.edges, workbook.edges)
    pd.testing.assert_frame_equal(google.dangling, workbook.dangling)
    assert google.findings == workbook.findings


@pytest.mark.parametrize("kind", ["demo", "messy"])
def test_canvas_through_google_equals_canvas_from_the_workbook(tmp_path, kind):
    path = tmp_path / "canevas.xlsx"
    if kind == "demo":
        demo_workbook(path)
        settings_kw = {}
    else:
        messy_workbook(path)
        settings_kw = {"tabs": {"besoins": "Backlog", "donnees": "Lexique"}}
    with StandIn() as server:
        server.add_spreadsheet(load_xlsx(path))
        settings = Settings(sheets_endpoint=server.endpoint, **settings_kw)
        google = build_canvas(GoogleSheetSource.from_settings(server.url(), settings, {}, environ={}), settings)
        assert server.count("values.batchGet") == 1 and server.writes() == []
    workbook = build_canvas(WorkbookSource(path), settings)
    assert_same_canvas(google, workbook)
    assert len(google.frames["besoins"]) > 0
    if kind == "messy":
        codes = {f.code for f in google.findings}
        assert "missing_tab" in codes  # no "Lexique"/"données" tab: reported the same way by both sources
