"""The one catalogue: every message in French and English, with the same placeholders."""

from __future__ import annotations

import re
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


# Families whose keys the code builds from a variable (f"schema.columns.{tab}.{column}", a registry entry's
# f"analysis.gaps.{code}.title", the CLI's _w(f"col.{name}")…): every member of a family is reachable by data.
DYNAMIC_FAMILIES = tuple(f + "." for f in (
    "schema.columns", "schema.values", "schema.tabs", "analysis.gaps", "analysis.metrics", "analysis.quotes",
    "analysis.documents", "analysis.matrices", "analysis.sankey", "analysis.drilldown", "cli.text", "changes.noun",
    "ui.drill", "ui.pages", "ui.headline", "config.reason", "config.origin", "config.named_by", "charts.priority",
    "common.severity", "setup.guide.tabs", "setup.guide.columns", "setup.example", "readiness.quotes",
    "readiness.chapters", "readiness.status", "readiness.signals", "readiness.ui.col",
    "views.stakes.metric", "views.needs.filter", "views.needs.none", "views.needs.column", "views.data.mark",
    "views.charts.departments", "ui.connection.kind", "ui.chart.sankey_column",
    "vendors.quotes", "vendors.metrics",
    # helpers add the family (t("absent") reads vendors.page.absent): tests/test_vendors.py checks each is spelled
    "vendors.page", "vendors.roadmap", "vendors.charts",
))
# Helpers that add a two-part prefix (crmcanvas/ui/readiness.py's t("quote") reads "readiness.ui.quote", the charts'
# _words("today"), health's _words("lead.ok")): a key of theirs is also found written without that prefix.
HELPER_PREFIXES = ("readiness.ui.", "readiness.charts.", "readiness.evidence.")


def test_every_catalogue_message_is_used_somewhere():
    """A message nothing shows is dead weight a translator still has to keep up: remove it with its code."""
    import pathlib

    from crmcanvas.i18n import CONTEXTS

    root = pathlib.Path(__file__).resolve().parents[1]
    code = "\n".join(p.read_text(encoding="utf-8") for pattern in ("crmcanvas/**/*.py", "pages/*.py", "app.py")
                     for p in root.glob(pattern))
    # every word-and-dot run written between quotes or braces, found once (a search per key took 2 s)
    quoted = set(re.findall(r"""(?<=["'{])[\w.]+(?=["'}])""", code))
    unused = []
    for key in catalogue():
        parts = key.split(".")
        if parts[-1] in CONTEXTS:  # a context variant lives as long as its message
            parts = parts[:-1]
        base = ".".join(parts)
        if (base + ".").startswith(DYNAMIC_FAMILIES):
            continue
        # Written whole, or without its area (helpers add it: ui.messages.t("x") reads "ui.x").
        spellings = (base, ".".join(parts[1:]), *(base.removeprefix(p) for p in HELPER_PREFIXES if base.startswith(p)))
        if not any(s in quoted for s in spellings):
            unused.append(key)
    assert not unused, unused
