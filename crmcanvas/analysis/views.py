"""Small shared pieces of the content pages' logic: who links to what, and which gaps a page shows.

The content pages (Enjeux, Besoins, Données, Applications, Parties prenantes)
each read one tab and what it links to. They ask the same questions — "the
labels a row names through a relation", "the references that did not
resolve", "the gaps about this tab" — answered here once, from the canvas's
facts (:func:`crmcanvas.analysis.facts.facts_of`), without Streamlit.
"""

from __future__ import annotations

from crmcanvas.analysis.facts import Facts
from crmcanvas.analysis.registry import Gap, gaps
from crmcanvas.core.text import name_key

NONE = ""  # the "not set" choice of a filter and the group of rows with an empty value

# Gaps whose items are not rows of a tab (tab=None in the registry) but are still about one:
# a data object named somewhere and never defined, an application named and never inventoried.
ABOUT: dict[str, str] = {"objets_non_definis": "donnees", "applications_non_inventoriees": "applications",
                         "departements_absents": "personnes"}


def gaps_about(*tabs: str) -> tuple[Gap, ...]:
    """The registry's gaps whose items are rows of (or things missing from) one of ``tabs``, in screen order."""
    return tuple(g for g in gaps() if (g.tab or ABOUT.get(g.code)) in tabs)


def targets_of(f: Facts, source_tab: str, relation: str, target_tab: str | None = None) -> dict[str, list[str]]:
    """source ID -> the IDs it names through ``relation``, in the order of the sheet's cell."""
    out: dict[str, list[str]] = {}
    for source, target in f.pairs(source_tab, relation, target_tab):
        named = out.setdefault(source, [])
        if target not in named:
            named.append(target)
    return out


def sources_of(f: Facts, source_tab: str, relation: str, target_tab: str | None = None, *,
               active_only: bool = False) -> dict[str, list[str]]:
    """target ID -> the IDs of ``source_tab`` that name it, in sheet order of the sources."""
    order = {rid: i for i, rid in enumerate(f.ids[source_tab])}
    out: dict[str, list[str]] = {}
    for source, target in f.pairs(source_tab, relation, target_tab, active_only=active_only):
        named = out.setdefault(target, [])
        if source not in named:
            named.append(source)
    return {target: sorted(named, key=lambda rid: order.get(rid, len(order))) for target, named in out.items()}


def typed_refs(f: Facts, source_tab: str, relation: str) -> dict[str, list[str]]:
    """source ID -> the references it wrote that match nothing (as typed): shown rather than dropped."""
    out: dict[str, list[str]] = {}
    for ref in f.unresolved(relation=relation, sources=(source_tab,)):
        out.setdefault(ref["source_id"], []).append(ref["ref"])
    return out


def named(f: Facts, source_tab: str, relation: str) -> dict[str, list[str]]:
    """source ID -> what it names through ``relation`` as people read it: the labels of the rows it
    resolves to (a person's "Prénom Nom", a role's name…), then the references that resolve to nothing, as typed."""
    out: dict[str, list[str]] = {}
    for source, tab, target in f.edges.get((source_tab, relation), ()):
        label = f.labels[tab].get(target, target)
        if label not in out.setdefault(source, []):
            out[source].append(label)
    for source, refs in typed_refs(f, source_tab, relation).items():
        out.setdefault(source, []).extend(r for r in refs if r not in out[source])
    return out


def group_key(value: str) -> str:
    """Two spellings of one group (« Service donateurs », « service  Donateurs ») fall together."""
    return name_key(value)
