"""The glossary of data objects as people read it, and its two downloads (Markdown, CSV).

« Ce vocabulaire commun, décrit sous la forme d'un lexique facilement
compréhensible par tous » (the canvas method): each object with its
definition, its attributes (the future CRM fields) as a list, its owner and its
master application as names rather than IDs, and what to migrate.

The Markdown file is read raw in an editor as often as rendered, so sheet text
is escaped only where Markdown would read it as structure (:func:`md_text`):
emphasis, code, links, images, HTML, headings, lists, quotes and table pipes;
« 5 % », « (CGI) » or « Nom, Prénom » stay as typed. The CSV goes through
:mod:`crmcanvas.reports.csv_export` (French Excel, formulas neutralised).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.views import named
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.schema import TABS
from crmcanvas.core.text import fold, split_refs
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.csv_export import csv_bytes

CSV_COLUMNS = ("id", "objet", "definition", "attributs", "proprietaire", "application_maitre", "reprise")


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    name: str
    definition: str
    attributes: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)  # roles or people, by name
    masters: list[str] = field(default_factory=list)  # master applications, by name
    migration: str = ""  # « reprise »: migrate? how much history?


def glossary(canvas: Canvas) -> list[GlossaryEntry]:
    """Every data object in sheet order. Attributes are split like references (``,`` ``;`` ``|`` or a new line)."""
    f = facts_of(canvas)
    owners = named(f, "donnees", "proprietaire")
    masters = named(f, "donnees", "application_maitre")
    column = {c: f.column("donnees", c) for c in ("definition", "attributs", "reprise")}
    return [GlossaryEntry(id=rid, name=f.labels["donnees"].get(rid, rid), definition=column["definition"][i].strip(),
                          attributes=split_refs(column["attributs"][i]), owners=owners.get(rid, []), masters=masters.get(rid, []),
                          migration=column["reprise"][i].strip())
            for i, rid in enumerate(f.ids["donnees"])]


def search(entries: list[GlossaryEntry], text: str) -> list[GlossaryEntry]:
    """The entries where every word of ``text`` appears (name, definition, attributes, owner, master; case and accents ignored)."""
    words = fold(text).split()
    if not words:
        return entries

    def haystack(e: GlossaryEntry) -> str:
        return fold(" ".join([e.id, e.name, e.definition, *e.attributes, *e.owners, *e.masters]))

    return [e for e in entries if all(w in haystack(e) for w in words)]


def header(key: str, lang: str = DEFAULT_LANG) -> str:
    """A column's name as the reader knows it (the schema's label in ``lang``)."""
    return TABS["donnees"].column(key).label_in(lang)


def glossary_frame(entries: list[GlossaryEntry], lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """One row per object, headed in ``lang``; lists joined with ", "."""
    rows = [(e.id, e.name, e.definition, ", ".join(e.attributes), ", ".join(e.owners), ", ".join(e.masters), e.migration)
            for e in entries]
    return pd.DataFrame(rows, columns=[header(key, lang) for key in CSV_COLUMNS])


def glossary_csv(entries: list[GlossaryEntry], lang: str = DEFAULT_LANG) -> bytes:
    return csv_bytes(glossary_frame(entries, lang))


# ---------------------------------------------------------------- Markdown

_INLINE = re.compile(r"([\\`*_\[\]<>|#~]|&(?=#?\w+;))")  # what opens emphasis, code, links, HTML, entities, tables
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")  # what would start a list, a quote or a setext underline


def md_text(value: object) -> str:
    """Sheet text as literal Markdown that still reads naturally in a text editor: structure characters
    backslash-escaped, line breaks turned into spaces (a cell can never start a heading or a list)."""
    text = " ".join(str(value or "").split())
    text = _INLINE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2)[:-1] + "\\" + m.group(2)[-1]), text)


def glossary_markdown(entries: list[GlossaryEntry], lang: str = DEFAULT_LANG, *, source: str = "") -> str:
    """The glossary as a Markdown document: a heading per object, its definition, owner, master application and
    migration, then its attributes as a list."""
    lines = [f"# {md_text(t('views.glossary.title', lang))}", ""]
    if source:
        lines += [md_text(t("views.glossary.source", lang, source=source)), ""]
    for e in entries:
        lines += [f"## {md_text(e.name)} ({md_text(e.id)})", ""]
        lines += [md_text(e.definition) if e.definition else f"_{md_text(t('views.glossary.no_definition', lang))}_", ""]
        for key, values in (("proprietaire", e.owners), ("application_maitre", e.masters), ("reprise", [e.migration] if e.migration else [])):
            lines.append("- " + _field(header(key, lang), ", ".join(md_text(v) for v in values) or "—", lang))
        lines += ["", _field(header("attributs", lang), "", lang), ""]  # a paragraph between the two lists keeps them apart
        lines += [f"- {md_text(a)}" for a in e.attributes] or [f"- _{md_text(t('views.glossary.no_attributes', lang))}_"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _field(label: str, value: str, lang: str) -> str:
    """« **Propriétaire** : Sophie Lambert » / "**Owner**: Sophie Lambert" (``value`` already escaped)."""
    return t("views.glossary.field", lang, label=f"**{md_text(label)}**", value=value).rstrip()
