"""Headers as real templates write them: read by their words when no spelling matches, and found low in a tab.

A canvas copied from a template says « Objets de données » or « Enjeux liés »
where we expect « Données » and « Enjeux ». Missing one such header used to
empty a whole relation without a word; now the header is read by its
significant words, and what was guessed is said (an info finding) so a wrong
guess shows. Guesses stay unmade when two columns could take the header.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmcanvas.build.load import load_grids
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.shape import HEADER_EXPECTED_ROWS, header_row
from crmcanvas.sources.base import CellChange
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import make_source
from tests.fixtures_workbook import build_workbook
from tests.grids import clean_grids

# (tab, header as a template writes it, the column it must be read as — None: it must stay an unknown column)
CORPUS: list[tuple[str, str, str | None]] = [
    # needs: the headers of the issue, French and English
    ("besoins", "Objets de données", "donnees"),
    ("besoins", "Données utilisées", "donnees"),
    ("besoins", "Applications concernées", "applications"),
    ("besoins", "Enjeux liés", "enjeux"),
    ("besoins", "Rôle(s) concerné(s)", "role"),
    ("besoins", "Data objects", "donnees"),
    ("besoins", "Related stakes", "enjeux"),
    ("besoins", "Enjeu(x) lié(s)", "enjeux"),
    ("besoins", "Objets métiers", "donnees"),
    ("besoins", "Outils utilisés", "applications"),
    ("besoins", "Applications impactées", "applications"),
    ("besoins", "Acteur concerné", "role"),
    ("besoins", "Statut du besoin", "statut"),
    ("besoins", "Priorité du besoin", "priorite"),
    ("besoins", "N° de besoin", "id"),
    ("besoins", "Référence du besoin", "id"),
    ("besoins", "Besoin exprimé", "besoin"),
    ("besoins", "Demandé par", "exprime_par"),
    ("besoins", "Enjeux stratégiques", "enjeux"),
    ("besoins", "Lot de livraison", "lot"),
    ("besoins", "Description", "besoin"),  # an accepted spelling of the need itself (the story)
    ("besoins", "Used applications", "applications"),
    ("besoins", "Related data", "donnees"),
    ("besoins", "Need status", "statut"),
    # needs: nothing, or too much, to go on
    ("besoins", "Responsable du besoin", None),  # a person, and needs have no owner column
    ("besoins", "Responsable", None),
    ("besoins", "Date", None),
    ("besoins", "Commentaire", None),
    ("besoins", "Notes", None),
    ("besoins", "Rôle et enjeu", None),  # two columns in one header: never both, never one of them
    ("besoins", "Objets et applications", None),
    # stakes
    ("enjeux", "Porteur de l'enjeu", "porteur"),
    ("enjeux", "Indicateur de succès", "indicateur"),
    ("enjeux", "Échéance / date cible", "echeance"),
    ("enjeux", "Priorité de l'enjeu", "priorite"),
    ("enjeux", "Enjeu stratégique", "enjeu"),
    ("enjeux", "Due date", "echeance"),
    ("enjeux", "Responsable", "porteur"),
    ("enjeux", "Valeur", None),  # current or target value?
    ("enjeux", "Situation", None),  # current or desired?
    ("enjeux", "Indicateur cible", None),  # the indicator, its target value, or the desired situation?
    ("enjeux", "Cible / Target", None),  # two columns are each named by one of its words: a tie
    ("enjeux", "Description de l'enjeu", None),
    ("enjeux", "Date", None),
    # data objects (the glossary)
    ("donnees", "Objets de données", "objet"),
    ("donnees", "Nom de l'objet", "objet"),
    ("donnees", "Objet métier", "objet"),
    ("donnees", "Définition de l'objet", "definition"),
    ("donnees", "Application maître des données", "application_maitre"),
    ("donnees", "Propriétaire de la donnée", "proprietaire"),
    ("donnees", "Attributs principaux", "attributs"),
    ("donnees", "Data owner", "proprietaire"),
    ("donnees", "Source", None),  # master application or where the definition comes from?
    ("donnees", "Commentaire", None),
    # applications
    ("applications", "Nom de l'application", "application"),
    ("applications", "Données de l'application", "donnees"),
    ("applications", "Données gérées", "donnees"),
    ("applications", "Responsable de l'application", "proprietaire"),
    ("applications", "Statut de l'application", "statut"),
    ("applications", "Applications connectées", "echanges"),
    ("applications", "Propriétaire des données", None),  # the owner, or the data?
    # people
    ("personnes", "Adresse e-mail", "email"),
    ("personnes", "Rôle(s) canevas", "roles"),
    ("personnes", "Service / direction", "departement"),
    ("personnes", "Rôles dans le projet", "implication"),
    ("personnes", "Nom / prénom", None),  # two columns
    ("personnes", "Organisation / service", None),
    ("personnes", "Personne / équipe", None),  # a name or a team: a tie
    ("personnes", "Responsable", None),
    # roles
    ("roles", "Description du rôle", "description"),
    ("roles", "Type de rôle", "type"),
    ("roles", "Nom du rôle", "role"),
    ("roles", "Rôles concernés", "role"),
    ("roles", "Type interne/externe", "type"),
    ("roles", "Département / service", "departement"),
    ("roles", "Commentaire", None),
]


def _read_as(tab: str, header: str, settings: Settings | None = None):
    canvas = load_grids({tab: [[header], ["x"]]}, settings=settings or Settings())
    column = next((key for key, written in canvas.headers[tab].items() if written == header), None)
    return canvas, column


def test_the_corpus_is_big_and_says_both_things():
    assert len(CORPUS) >= 40
    assert sum(expected is None for _, _, expected in CORPUS) >= 15
    assert {tab for tab, _, _ in CORPUS} == {"enjeux", "besoins", "donnees", "applications", "personnes", "roles"}


@pytest.mark.parametrize(("tab", "header", "expected"), CORPUS, ids=[f"{t}:{h}" for t, h, _ in CORPUS])
def test_template_header_is_read_as_the_column_it_names(tab, header, expected):
    canvas, column = _read_as(tab, header)
    assert column == expected
    if expected is None:
        assert header in canvas.extra_columns[tab]  # kept and shown, never dropped
        assert not [f for f in canvas.findings if f.code == "header_inferred"]


def test_template_headers_give_every_relation_its_edges_and_say_what_was_guessed(settings):
    grids = clean_grids()
    grids["besoins"][0] = ["ID", "Besoin", "Rôle(s) concerné(s)", "Enjeux liés", "Objets de données",
                           "Applications concernées", "Priorité", "Statut"]
    canvas = load_grids(grids, settings=settings)
    for relation in ("role", "enjeu", "donnee", "application"):
        assert len(canvas.edges_of(relation, "besoins")) >= 3, relation
    assert canvas.headers["besoins"]["donnees"] == "Objets de données"
    inferred = [f for f in canvas.findings if f.code == "header_inferred"]
    assert [(f.column, f.severity, f.tab, f.row) for f in inferred] == [  # « Enjeux liés » is a known spelling: no guess
        ("Rôle(s) concerné(s)", "info", "besoins", 1), ("Objets de données", "info", "besoins", 1),
        ("Applications concernées", "info", "besoins", 1),
    ]
    assert inferred[1].message == "Colonne « Objets de données » lue comme « Données »."
    assert "[headers.besoins] donnees" in inferred[1].suggestion
    assert not [f for f in canvas.findings if f.code == "missing_column"]


def test_guess_is_said_in_english_too():
    grids = clean_grids()
    grids["besoins"][0][5] = "Used applications"
    canvas = load_grids(grids, settings=Settings(language="en"))
    (f,) = [f for f in canvas.findings if f.code == "header_inferred"]
    assert f.message == "Column “Used applications” read as “Applications”."


def test_english_template_spellings_are_exact_and_need_no_finding(settings):
    grids = clean_grids()
    grids["besoins"][0][3:5] = ["Related stakes", "Data objects"]
    canvas = load_grids(grids, settings=settings)
    assert canvas.headers["besoins"]["enjeux"] == "Related stakes"
    assert not [f for f in canvas.findings if f.code == "header_inferred"]


def test_an_exact_header_wins_over_a_guessed_one(settings):
    grids = clean_grids()
    grids["besoins"][0].append("Objets de données")
    canvas = load_grids(grids, settings=settings)
    assert canvas.headers["besoins"]["donnees"] == "Données"
    assert "Objets de données" in canvas.extra_columns["besoins"]
    assert not [f for f in canvas.findings if f.code == "header_inferred"]


def test_two_headers_guessing_one_column_take_it_neither(settings):
    grids = clean_grids()
    grids["besoins"][0][4] = "Données utilisées"
    grids["besoins"][0].append("Objets de données")
    canvas = load_grids(grids, settings=settings)
    assert "donnees" not in canvas.headers["besoins"]
    assert {"Données utilisées", "Objets de données"} <= set(canvas.extra_columns["besoins"])
    assert [f.column for f in canvas.findings if f.code == "missing_column"] == ["Données"]


def test_config_spellings_are_words_the_guess_knows():
    grids = clean_grids()
    grids["besoins"][0][3] = "Objectifs visés"
    assert "enjeux" not in load_grids(grids, settings=Settings()).headers["besoins"]
    custom = Settings(headers={"besoins": {"enjeux": ["Objectifs"]}})
    canvas = load_grids(grids, settings=custom)
    assert canvas.headers["besoins"]["enjeux"] == "Objectifs visés"
    assert len(canvas.edges_of("enjeu", "besoins")) == 3


def test_guessed_headers_count_when_looking_for_the_header_row(settings):
    """A title cell « Besoins » is one exact spelling; the real header below names more columns, some by their words."""
    grids = clean_grids()
    grids["besoins"] = [["Besoins"], ["Référence", "Récit", "Objets de données", "Enjeux liés"],
                        ["B1", "Voir les dons", "Donateur", "E01"]]
    canvas = load_grids(grids, settings=settings)
    assert canvas.frames["besoins"]["_row"].tolist() == [3]
    assert canvas.headers["besoins"]["donnees"] == "Objets de données"


def test_a_sentence_is_never_read_as_a_header(settings):
    grids = clean_grids()
    grids["besoins"][0].append("Les données de l'application concernée par ce besoin exprimé en atelier")
    canvas = load_grids(grids, settings=settings)
    assert canvas.headers["besoins"]["donnees"] == "Données"
    assert not [f for f in canvas.findings if f.code == "header_inferred"]


# --------------------------------------------------------------------------- a header row far down

INSTRUCTIONS = [
    ["Backlog — atelier du 12 mars"],
    ["Notez ici chaque besoin sous la forme d'une user story, un besoin par ligne."],
    [],
    ["Statut", "Nouveau, qualifié, validé, en cours, livré ou rejeté"],  # a legend cell spelling one column
    *[[f"Consigne {n} : reliez chaque besoin à ses enjeux, ses données et ses applications par leur ID."] for n in range(7)],
]
HEADER = ["ID", "Besoin", "Rôle", "Enjeux", "Données", "Applications", "Priorité", "Statut"]


def deep_besoins() -> list[list[str]]:
    assert len(INSTRUCTIONS) == 11  # the header lands on row 12
    return [*INSTRUCTIONS, HEADER, *clean_grids()["besoins"][1:]]


def test_header_row_twelve_is_found_reported_and_loaded(settings):
    grids = clean_grids()
    grids["besoins"] = deep_besoins()
    canvas = load_grids(grids, settings=settings)
    (deep,) = [f for f in canvas.findings if f.code == "header_too_deep"]
    assert deep.severity == "error" and deep.row == 12 and deep.tab == "besoins"
    assert deep.message.startswith("Onglet « besoins » : aucune ligne d'en-têtes dans les 10 premières lignes ; la ligne 12")
    assert "(ID, Besoin, Rôle, Enjeux…)" in deep.message
    assert "Supprimez les lignes 1 à 11" in deep.suggestion
    assert not [f for f in canvas.findings if f.code == "missing_column"]
    assert canvas.frames["besoins"]["_row"].tolist() == [13, 14, 15]
    assert len(canvas.edges_of("enjeu", "besoins")) == 3


def test_a_tab_with_no_header_anywhere_still_lists_the_missing_columns(settings):
    grids = clean_grids()
    grids["besoins"] = [r for r in INSTRUCTIONS if r] + [["B1", "Voir les dons"]] * 50
    canvas = load_grids(grids, settings=settings)
    assert not [f for f in canvas.findings if f.code == "header_too_deep"]
    assert ("Besoin", "error") in {(f.column, f.severity) for f in canvas.findings if f.code == "missing_column"}


def test_header_row_prefers_the_top_rows_unless_a_lower_row_names_twice_as_many():
    hits = len  # a row's hits: its number of cells, for the sake of the test
    top = [["a"], *([[]] * 8), ["a", "b", "c"]]
    assert header_row([*top, ["a", "b", "c", "d", "e"]], hits) == 9  # 5 < 2 × 3: the top row stays
    assert header_row([*top, ["a", "b", "c", "d", "e", "f"]], hits) == 10
    assert header_row([[]] * HEADER_EXPECTED_ROWS + [["a"]], hits) == HEADER_EXPECTED_ROWS
    assert header_row([["x"]] * 3 + [["a"]] * 60, lambda row: 0) == 0  # no hit: the first non-blank row
    assert header_row([[""]] * 60 + [["a"]], hits) is None  # past the scan: nothing


def test_a_workbook_write_finds_the_header_row_the_loader_used(tmp_path: Path):
    path = build_workbook(tmp_path / "canevas.xlsx", {"besoins": deep_besoins()})
    source = WorkbookSource(path)
    change = CellChange("Statut", "Nouveau", "Validé")
    assert source.update_cells("besoins", id_column="ID", row_id="B002", changes=[change]).row == 14
    canvas = build_canvas(source, Settings())
    needs = canvas.frames["besoins"].set_index("id")
    assert needs.loc["B002", "statut"] == "valide" and needs.loc["B002", "_row"] == 14


def test_a_google_sheets_write_finds_the_header_row_the_loader_used():
    with StandIn() as server:
        server.add_spreadsheet({"besoins": deep_besoins()})
        source = make_source(server)
        source.update_cells("besoins", id_column="ID", row_id="B002", changes=[CellChange("Statut", "Nouveau", "Validé")])
        assert server.grid("besoins")[13][7] == "Validé"
        canvas = build_canvas(source, Settings())
        assert canvas.frames["besoins"].set_index("id").loc["B002", "statut"] == "valide"
