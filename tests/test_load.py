"""The loader turns whatever stakeholders typed into frames + findings, and never raises."""

from __future__ import annotations

import copy
import random
import zipfile

import pytest

from crmcanvas.build.load import load_grids
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import FORMULA_ERRORS
from crmcanvas.core.shape import CELL_MAX_CHARS
from crmcanvas.demo.synthetic import synthetic_grids
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import make_source
from tests.fixtures_workbook import build_workbook
from tests.grids import clean_grids


def codes(canvas, code=None):
    return [f for f in canvas.findings if code is None or f.code == code]


def test_clean_canvas_loads_without_error(settings):
    canvas = load_grids(clean_grids(), settings=settings)
    assert canvas.counts == {"enjeux": 2, "besoins": 3, "donnees": 2, "applications": 2, "personnes": 2, "roles": 2, "checklist": 0, "editeurs": 0, "integrateurs": 0}
    assert not canvas.has_errors
    assert codes(canvas) == []


def test_renamed_accented_headers_map_to_canonical_columns(settings):
    grids = clean_grids()
    grids["besoins"][0] = ["N°", "User Story", "RÔLE ", "Enjeu(x) liés", "Objets métier", "Outils", "Priorité MoSCoW", "État"]
    grids["enjeux"][0] = ["Identifiant", "Enjeux", "Critère de succès", "Porteur", "Priority"]
    canvas = load_grids(grids, settings=settings)
    needs = canvas.frames["besoins"]
    assert needs.loc[0, "besoin"].startswith("En tant que chargé")
    assert needs.loc[0, "priorite"] == "must"
    assert canvas.headers["besoins"]["enjeux"] == "Enjeu(x) liés"
    assert canvas.frames["enjeux"].loc[0, "indicateur"] == "Taux de réabonnement"
    assert not canvas.has_errors


def test_config_maps_extra_header_spellings(settings):
    from crmcanvas.core.config import Settings

    grids = clean_grids()
    grids["besoins"][0][1] = "Le besoin exprimé en atelier"
    assert load_grids(grids, settings=settings).has_errors  # unknown header: no need text
    custom = Settings(headers={"besoins": {"besoin": ["Le besoin exprimé en atelier"]}})
    canvas = load_grids(grids, settings=custom)
    assert not canvas.has_errors
    assert canvas.frames["besoins"].loc[0, "besoin"].startswith("En tant que")


def test_title_rows_above_headers_and_blank_rows_keep_sheet_row_numbers(settings):
    grids = clean_grids()
    grids["besoins"] = [["Backlog — atelier du 12 mars"], [], *grids["besoins"][:2], [], ["", "  ", ""], grids["besoins"][2]]
    canvas = load_grids(grids, settings=settings)
    assert canvas.frames["besoins"]["_row"].tolist() == [4, 7]  # what a person sees in the sheet


def test_missing_tab_is_an_error_and_the_rest_still_loads(settings):
    grids = clean_grids()
    del grids["applications"]
    canvas = load_grids(grids, settings=settings, missing={"applications": "Applications"})
    (f,) = codes(canvas, "missing_tab")
    assert f.severity == "error" and "Applications" in f.message and f.suggestion
    assert canvas.counts["besoins"] == 3 and canvas.counts["applications"] == 0
    # references to applications now dangle instead of vanishing
    assert {d for d in canvas.dangling["ref"]} >= {"A01", "A02"}


def test_missing_required_and_recommended_columns(settings):
    grids = clean_grids()
    grids["besoins"] = [[r[0], *r[2:]] for r in grids["besoins"]]  # no story column
    grids["donnees"] = [r[:3] for r in grids["donnees"]]  # no attributes
    canvas = load_grids(grids, settings=settings)
    by_col = {(f.tab, f.column): f.severity for f in codes(canvas, "missing_column")}
    assert by_col[("besoins", "Besoin")] == "error"
    assert by_col[("données", "Attributs")] == "warning"


def test_duplicate_and_missing_ids(settings):
    grids = clean_grids()
    grids["besoins"].append(["b-1", "Un autre besoin", "", "E01", "", "", "", ""])
    grids["besoins"].append(["", "Besoin sans identifiant", "", "E01", "", "", "", ""])
    canvas = load_grids(grids, settings=settings)
    (dup,) = codes(canvas, "duplicate_id")
    assert dup.severity == "error" and dup.row == 5 and "b-1" in dup.message
    (missing,) = codes(canvas, "missing_id")
    assert missing.row == 6
    ids = canvas.frames["besoins"]["id"].tolist()
    assert len(ids) == len(set(ids)) == 5
    assert canvas.frames["besoins"]["_provisional_id"].tolist() == [False, False, False, False, True]


def test_tab_without_id_column_uses_names_as_keys(settings):
    grids = clean_grids()
    grids["donnees"] = [r[1:] for r in grids["donnees"]]
    grids["besoins"][1][4] = "Donateurs ; DON"  # plural and case differ from the glossary
    canvas = load_grids(grids, settings=settings)
    assert canvas.frames["donnees"]["id"].tolist() == ["Donateur", "Don"]
    targets = canvas.edges_of("donnee", "besoins")
    assert set(targets[targets.source_id == "B001"].target_id) == {"Donateur", "Don"}
    assert [f.code for f in canvas.findings] == ["no_id_column"]


@pytest.mark.parametrize("error", sorted(FORMULA_ERRORS))
def test_formula_errors_become_findings_and_empty_cells(settings, error):
    grids = clean_grids()
    grids["besoins"][2][3] = error
    canvas = load_grids(grids, settings=settings)
    (f,) = codes(canvas, "formula_error")
    assert f.row == 3 and f.column == "Enjeux" and f.value == error
    assert canvas.frames["besoins"].loc[1, "enjeux"] == ""


def test_references_in_every_separator_and_spelling(settings):
    grids = clean_grids()
    grids["enjeux"].append(["E03", "Ouvrir aux entreprises", "", "", ""])
    grids["besoins"][1][3] = "E1; E 2|e-03"
    grids["besoins"][2][3] = "E01,\nE02"
    grids["besoins"][3][3] = "Fidéliser les DONATEURS"
    grids["besoins"][1][4] = " donateurs\u00a0| DON "
    canvas = load_grids(grids, settings=settings)
    stakes = canvas.edges_of("enjeu", "besoins").groupby("source_id")["target_id"].apply(set).to_dict()
    assert stakes == {"B001": {"E01", "E02", "E03"}, "B002": {"E01", "E02"}, "B003": {"E01"}}
    assert not codes(canvas, "unresolved_reference")


def test_typo_reference_gets_a_did_you_mean(settings):
    grids = clean_grids()
    grids["besoins"][1][4] = "Donnateur"
    grids["besoins"][2][3] = "E09"
    canvas = load_grids(grids, settings=settings)
    found = {f.value: f for f in codes(canvas, "unresolved_reference")}
    assert "« Donateur » (D01)" in found["Donnateur"].suggestion
    assert "E01" in found["E09"].suggestion  # lists the IDs that exist
    assert set(canvas.dangling["ref"]) == {"Donnateur", "E09"}


def test_id_in_the_wrong_column_is_pointed_out(settings):
    grids = clean_grids()
    grids["besoins"][1][4] = "E01"  # a stake ID typed in the data column
    canvas = load_grids(grids, settings=settings)
    (f,) = codes(canvas, "unresolved_reference")
    assert "enjeux" in f.suggestion and "colonne" in f.suggestion


def test_role_parsed_from_story_when_column_empty(settings):
    canvas = load_grids(clean_grids(), settings=settings)
    roles = canvas.edges_of("role", "besoins").set_index("source_id")["target_id"].to_dict()
    assert roles["B002"] == "R02"  # "En tant que bénévole, ..." with an empty Rôle cell


def test_people_referenced_by_full_name_email_or_id(settings):
    grids = clean_grids()
    grids["enjeux"][1][3] = "paul@asso.example"
    canvas = load_grids(grids, settings=settings)
    carriers = canvas.edges_of("porteur").set_index("source_id")["target_id"].to_dict()
    assert carriers == {"E01": "P01", "E02": "P02"}


def test_invalid_enum_value_suggests_the_closest(settings):
    grids = clean_grids()
    grids["besoins"][1][6] = "Mustt"
    canvas = load_grids(grids, settings=settings)
    (f,) = codes(canvas, "invalid_value")
    assert f.value == "Mustt" and "Must" in f.suggestion
    assert canvas.frames["besoins"].loc[0, "priorite"] == "Mustt"  # nothing lost


def test_french_priority_and_status_spellings(settings):
    grids = clean_grids()
    grids["besoins"][1][6:8] = ["Indispensable", "en cours"]
    grids["besoins"][2][6:8] = ["won't", "Abandonné"]
    canvas = load_grids(grids, settings=settings)
    needs = canvas.frames["besoins"]
    assert needs["priorite"].tolist()[:2] == ["must", "wont"]
    assert needs["statut"].tolist()[:2] == ["en_cours", "rejete"]


def test_unknown_columns_are_kept_and_whitespace_trimmed(settings):
    grids = clean_grids()
    grids["besoins"][0].append("Commentaire atelier")
    grids["besoins"][1].append("\u00a0 à revoir avec Paul  ")
    canvas = load_grids(grids, settings=settings)
    assert canvas.extra_columns["besoins"] == ["Commentaire atelier"]
    assert canvas.frames["besoins"]["Commentaire atelier"].tolist() == ["à revoir avec Paul", "", ""]


def test_emoji_and_long_cells_up_to_excel_limit_are_kept_whole(settings):
    grids = clean_grids()
    story = "En tant que bénévole 🌱, je souhaite " + "recevoir des nouvelles " * 2000
    story = story[:CELL_MAX_CHARS - 1] + "!"  # exactly as long as an Excel cell may be
    grids["besoins"][2][1] = story
    grids["roles"][2][1] = "Bénévole 🌱"
    canvas = load_grids(grids, settings=settings)
    assert canvas.frames["besoins"].loc[1, "besoin"] == story
    assert canvas.frames["roles"].loc[1, "role"] == "Bénévole 🌱"
    assert not codes(canvas, "cell_too_long")


@pytest.mark.parametrize("length", [CELL_MAX_CHARS + 1, 40_000])  # what a source hands over; a grid built by hand
def test_cells_past_excel_limit_are_cut_with_a_warning(settings, length):
    grids = clean_grids()
    grids["besoins"][2][1] = "En tant que bénévole, je souhaite " + "x" * length
    grids["besoins"][3][0] = "B003" + " " * length  # only blanks past the limit: nothing is lost, nothing to say
    canvas = load_grids(grids, settings=settings)
    needs = canvas.frames["besoins"]
    assert len(needs.loc[1, "besoin"]) == CELL_MAX_CHARS and needs.loc[1, "besoin"].startswith("En tant que")
    assert needs.loc[2, "id"] == "B003"
    found = codes(canvas, "cell_too_long")
    assert [(f.severity, f.tab, f.row, f.column) for f in found] == [("warning", "besoins", 3, "Besoin")]
    assert found[0].message == ("Cellule de plus de 32 767 caractères dans « Besoin », ligne 3 : seuls les 32 767 premiers "
                                "sont lus (taille maximale d'une cellule Excel).")
    assert found[0].suggestion.startswith("Raccourcissez ce texte")


def test_long_cell_warning_in_english():
    grids = clean_grids()
    grids["besoins"][2][1] = "x" * 40_000
    canvas = load_grids(grids, settings=Settings(language="en"))
    (f,) = codes(canvas, "cell_too_long")
    assert f.message.startswith("Cell longer than 32,767 characters in “Besoin”, row 3: only the first 32,767 are read")


def _workbook_with_a_long_cell(path, grids, text):
    """openpyxl cuts what it writes to Excel's limit: put the long text in the file's XML, as another tool could."""
    grids["besoins"][2][1] = "LONG-CELL-HERE"
    build_workbook(path, {Settings().tabs[key]: rows for key, rows in grids.items()})
    with zipfile.ZipFile(path) as zf:
        members = {info: zf.read(info) for info in zf.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, blob in members.items():
            zf.writestr(info, blob.replace(b"LONG-CELL-HERE", text.encode()))
    return WorkbookSource(path)


def test_long_cells_are_cut_whatever_the_source(tmp_path):
    text = "x" * 40_000
    grids = clean_grids()
    with StandIn() as server:
        sheet = copy.deepcopy(grids)
        sheet["besoins"][2][1] = text
        server.add_spreadsheet({Settings().tabs[key]: rows for key, rows in sheet.items()})
        for source in (_workbook_with_a_long_cell(tmp_path / "long.xlsx", grids, text), make_source(server)):
            canvas = build_canvas(source, Settings())
            assert len(canvas.frames["besoins"].loc[1, "besoin"]) == CELL_MAX_CHARS, source
            assert [f.row for f in codes(canvas, "cell_too_long")] == [3], source


def test_ten_thousand_row_tab_loads(settings):
    canvas = load_grids(synthetic_grids(needs=10_000), settings=settings)
    assert canvas.counts["besoins"] == 10_000
    assert canvas.frames["besoins"]["id"].is_unique
    assert len(canvas.edges_of("enjeu", "besoins")) >= 10_000


def test_random_garbage_never_raises(settings):
    rnd = random.Random(42)
    alphabet = ["", " ", "E1", "#REF!", "Don", "🌱", "\u00a0", "=A1", "B-01", "Must", ";", "\n", "Rôle", "ID", "é" * 300]
    for _ in range(120):
        grids = {}
        for tab in rnd.sample(["enjeux", "besoins", "donnees", "applications", "personnes", "roles"], rnd.randint(0, 6)):
            grids[tab] = [[rnd.choice(alphabet) for _ in range(rnd.randint(0, 9))] for _ in range(rnd.randint(0, 12))]
        canvas = load_grids(grids, settings=settings)
        for frame in canvas.frames.values():
            assert frame["id"].is_unique
        assert all(f.message for f in canvas.findings)


def test_feminine_and_plural_role_names_match(settings):
    grids = clean_grids()
    grids["roles"].append(["R03", "Trésorier", "Interne"])
    grids["besoins"][1][2] = "Chargée de collecte"
    grids["besoins"][3][2] = "trésorière"
    canvas = load_grids(grids, settings=settings)
    roles = canvas.edges_of("role", "besoins").set_index("source_id")["target_id"].to_dict()
    assert roles["B001"] == "R01" and roles["B003"] == "R03"
    assert not [f for f in canvas.findings if f.code == "unresolved_reference"]
