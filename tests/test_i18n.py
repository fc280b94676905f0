"""The one catalogue: every message in French and English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from crmcanvas.build.load import load_grids
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS
from crmcanvas.i18n import LANGUAGES, MissingMessage, catalogue, msg


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders():
    problems = []
    for key, entry in catalogue().items():
        missing = [lang for lang in LANGUAGES if not entry.get(lang)]
        if missing:
            problems.append(f"{key}: no {missing}")
        elif _fields(entry["fr"]) != _fields(entry["en"]):
            problems.append(f"{key}: {_fields(entry['fr'])} != {_fields(entry['en'])}")
    assert not problems, problems


def test_english_headers_are_accepted_when_read_back():
    """A template written in English must load: each English column label is a known spelling of its column."""
    grids = {key: [[col.label_in("en") for col in tab.columns]] for key, tab in TABS.items()}
    canvas = load_grids(grids, settings=Settings())
    assert all(set(canvas.headers[key]) == set(tab.keys) for key, tab in TABS.items()), canvas.headers


def test_unknown_key_fails_where_it_is_written():
    with pytest.raises(MissingMessage):
        msg("findings.no_such_message")


def test_findings_follow_the_language_setting():
    grids = {"besoins": [["ID", "Besoin", "Priorité"], ["B1", "Exporter les dons", "Urgentissime"]]}
    fr = load_grids(grids, settings=Settings())
    en = load_grids(grids, settings=Settings(language="en"))
    fr_msg = next(f for f in fr.findings if f.code == "invalid_value").message
    en_msg = next(f for f in en.findings if f.code == "invalid_value").message
    assert fr_msg.startswith("Valeur « Urgentissime » inattendue")
    assert en_msg.startswith("Unexpected value “Urgentissime”")
