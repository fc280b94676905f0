"""The needs backlog as the Besoins page shows it: one row per need, its story parsed, filters, near-duplicates.

The method collects needs « en mode agile (“en tant que [rôle], je souhaite
[ceci] de sorte que [cela]”) »; the page shows each story split into rôle /
action / bénéfice (:func:`crmcanvas.build.stories.parse_story`) beside what it
is tied to. Every need is listed, rejected ones too (the status filter hides
them): the backlog is the facilitator's list, not the coverage.

Filters combine as people expect: within one filter any chosen value matches
(Must *or* Should), across filters all must hold (Must *and* Lot 1); an empty
filter does not filter. :data:`~crmcanvas.analysis.views.NONE` chooses the
needs where the value is not set (no stake, no role, no lot…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.views import NONE, named, targets_of
from crmcanvas.build.duplicates import DuplicateSearch
from crmcanvas.build.stories import parse_story
from crmcanvas.core.canvas import ROW, Canvas
from crmcanvas.core.schema import ENUMS
from crmcanvas.core.text import fold

COLUMNS = ["id", "besoin", "role", "action", "benefice", "parsed", "enjeux", "donnees", "applications", "priorite", "statut",
           "lot", "exprime_par", "type", "row", "stake_ids", "role_ids", "search"]
FILTERS = ("stakes", "roles", "priorities", "statuses", "lots")


@dataclass(frozen=True)
class NeedFilter:
    """What the facilitator chose; each field a tuple of values (IDs or value-set codes), empty = everything."""

    stakes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    lots: tuple[str, ...] = ()
    text: str = ""

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in FILTERS) or bool(self.text.strip())


def backlog(canvas: Canvas) -> pd.DataFrame:
    """Every need in sheet order (see :data:`COLUMNS`).

    ``role`` is what the need names as its role (resolved names first, then what
    was typed and matches no role), else the role its story gives; ``action`` and
    ``benefice`` come from the story, ``action`` is the whole text when the need
    is not written as a story (``parsed`` False). ``stake_ids`` and ``role_ids``
    are tuples of resolved IDs, for the filters; ``search`` is the folded text
    the free-text filter looks in. Labels of linked rows are joined with ", ".
    """
    f = facts_of(canvas)
    needs = canvas.frames["besoins"]
    ids = f.ids["besoins"]
    links = {rel: named(f, "besoins", rel) for rel in ("role", "enjeu", "donnee", "application", "exprime_par")}
    stake_ids = targets_of(f, "besoins", "enjeu", "enjeux")
    role_ids = targets_of(f, "besoins", "role", "roles")
    column = {c: f.column("besoins", c) for c in ("priorite", "statut", "lot", "type")}
    sheet_rows = needs[ROW].tolist()
    rows = []
    for i, rid in enumerate(ids):
        text = f.labels["besoins"].get(rid, "")
        story = parse_story(text)
        role = ", ".join(links["role"].get(rid, ())) or (story.role if story else "")
        stakes, data, apps, by = (", ".join(links[rel].get(rid, ())) for rel in ("enjeu", "donnee", "application", "exprime_par"))
        lot = column["lot"][i].strip()
        rows.append((
            rid, text, role, story.want if story else text.strip(), (story.benefit or "") if story else "", story is not None,
            stakes, data, apps, column["priorite"][i], column["statut"][i], lot, by, column["type"][i], int(sheet_rows[i]),
            tuple(stake_ids.get(rid, ())), tuple(role_ids.get(rid, ())),
            fold(" ".join((rid, text, role, stakes, data, apps, lot, by))),
        ))
    return pd.DataFrame(rows, columns=COLUMNS)


def _natural(value: str) -> tuple:
    """« Lot 2 » before « Lot 10 »."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", value))


def _ordered(values: set[str], known: tuple[str, ...] = ()) -> list[str]:
    """Known codes in their own order, then other values in natural order, then NONE when present."""
    rank = {code: i for i, code in enumerate(known)}
    out = sorted((v for v in values if v != NONE), key=lambda v: (v not in rank, rank.get(v, 0), _natural(v)))
    return out + ([NONE] if NONE in values else [])


def filter_options(rows: pd.DataFrame, canvas: Canvas) -> dict[str, list[str]]:
    """The choices of each filter: stakes and roles of their tabs (sheet order), the values present for
    priority, status and lot; NONE last where some need has no value."""
    f = facts_of(canvas)
    stakes = list(f.ids["enjeux"]) + ([NONE] if (rows["stake_ids"].map(len) == 0).any() else [])
    roles = list(f.ids["roles"]) + ([NONE] if (rows["role_ids"].map(len) == 0).any() else [])
    return {
        "stakes": stakes,
        "roles": roles,
        "priorities": _ordered(set(rows["priorite"]), tuple(ENUMS["moscow"])),
        "statuses": _ordered(set(rows["statut"]), tuple(ENUMS["statut_besoin"])),
        "lots": _ordered(set(rows["lot"])),
    }


def _any_of(linked: pd.Series, chosen: tuple[str, ...]) -> pd.Series:
    wanted = set(chosen)
    none = NONE in wanted
    return linked.map(lambda ids: (none and not ids) or bool(wanted.intersection(ids)))


def filter_needs(rows: pd.DataFrame, chosen: NeedFilter) -> pd.DataFrame:
    """The rows that pass every filter, in sheet order. Free text: every word must appear (case and accents ignored)."""
    keep = pd.Series(True, index=rows.index)
    if chosen.stakes:
        keep &= _any_of(rows["stake_ids"], chosen.stakes)
    if chosen.roles:
        keep &= _any_of(rows["role_ids"], chosen.roles)
    for column, values in (("priorite", chosen.priorities), ("statut", chosen.statuses), ("lot", chosen.lots)):
        if values:
            keep &= rows[column].isin(values)
    for word in fold(chosen.text).split():
        keep &= rows["search"].str.contains(word, regex=False)
    return rows[keep]


# ---------------------------------------------------------------- near-duplicates, side by side


@dataclass(frozen=True)
class DuplicateGroupView:
    """A group of near-identical needs: the first is the one to keep; ``needs`` are their backlog rows."""

    members: tuple[str, ...]
    score: float
    needs: list[dict] = field(default_factory=list)


def duplicate_views(search: DuplicateSearch, rows: pd.DataFrame) -> list[DuplicateGroupView]:
    """The groups of :func:`crmcanvas.build.whole_canvas.near_duplicate_search` with each member's backlog row."""
    by_id = {row["id"]: row for row in rows.to_dict(orient="records")}
    return [DuplicateGroupView(members=g.members, score=g.score, needs=[by_id[m] for m in g.members if m in by_id])
            for g in search.groups]
