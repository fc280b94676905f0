"""What the loader learned for templates: value labels in either language, and example rows said as such."""

from __future__ import annotations

import pytest

from crmcanvas.build.load import load_grids
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import ENUMS, TABS, value_label


@pytest.mark.parametrize("label_lang", ["fr", "en"])
@pytest.mark.parametrize("reader_lang", ["fr", "en"])
def test_every_value_label_loads_as_its_code(label_lang, reader_lang):
    """« Must (indispensable) » and "Must (essential)" are what drop-downs offer: they load as ``must``."""
    for key, tab in TABS.items():
        for col in tab.columns:
            if col.kind != "enum":
                continue
            codes = list(ENUMS[col.enum])
            grid = [["ID", col.label_in("fr")], *[[f"X{i}", value_label(code, label_lang)] for i, code in enumerate(codes)]]
            canvas = load_grids({key: grid}, settings=Settings(language=reader_lang))
            assert canvas.frames[key][col.key].tolist() == codes, (key, col.key)
            assert not [f for f in canvas.findings if f.code == "invalid_value"], (key, col.key)


def test_a_label_never_steals_another_codes_spelling():
    """Labels are added after the spellings: "wont" stays a status spelling for rejected needs, "Haute" stays high."""
    grid = [["ID", "Besoin", "Statut", "Priorité"], ["B1", "x", "won't", "Won't (pas maintenant)"]]
    frame = load_grids({"besoins": grid}).frames["besoins"]
    assert (frame["statut"][0], frame["priorite"][0]) == ("rejete", "wont")


def test_example_rows_are_reported_once_each_as_an_info():
    grids = {
        "enjeux": [["ID", "Enjeu"], ["E000", "Exemple : fidéliser"], ["EX0", "Autre exemple"], ["E10", "Un vrai enjeu"],
                   ["E11", "Exemple : à remplacer"], ["E12", "Exemple de réussite"]],
        "besoins": [["Besoin", "Priorité"], ["Example: a need", "Must"]],  # no ID column: the name says it
    }
    canvas = load_grids(grids)
    examples = sorted((f.tab, f.row, f.severity) for f in canvas.findings if f.code == "example_row")
    assert examples == [("besoins", 2, "info"), ("enjeux", 2, "info"), ("enjeux", 3, "info"), ("enjeux", 5, "info")]
    message = next(f for f in canvas.findings if f.code == "example_row" and f.row == 2 and f.tab == "enjeux")
    assert message.message == "Ligne 2 de « enjeux » : c'est la ligne d'exemple du modèle (E000)."
    assert "Supprimez-la" in message.suggestion
