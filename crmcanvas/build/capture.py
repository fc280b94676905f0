"""A need captured in the dashboard, as the row the sheet will receive.

The facilitator picks roles, stakes, data and applications among what the
canvas holds; the row is written the way the sheet already is, so a
stakeholder reading it later sees nothing foreign: the sheet's own headers,
references as its column already writes them (IDs « E01, E06 » or names
« Donateur; Don », with the separator most cells use), a priority the loader
reads back (« Must »). The ID is left to the source, which computes the next
free one at write time (two people capturing at once never share one).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from crmcanvas.core.canvas import PROVISIONAL, Canvas
from crmcanvas.core.schema import ENUMS, TABS, value_label
from crmcanvas.core.text import clean, fold, id_key, split_refs
from crmcanvas.i18n import msg
from crmcanvas.sources.base import AppendResult, SourceError, WritableSource

NEEDS = "besoins"
REF_FIELDS = {"role": "roles", "enjeux": "enjeux", "donnees": "donnees", "applications": "applications"}
FORM_COLUMNS = ("besoin", "role", "enjeux", "donnees", "applications", "priorite", "lot")
_SEPARATORS = ("; ", ", ")
_SPLITS = frozenset(",;|\n\r")


@dataclass(frozen=True)
class NewNeed:
    """What the form holds: a story and the IDs chosen in the canvas (codes for the priority)."""

    story: str
    role: str | None = None
    stakes: tuple[str, ...] = ()
    data: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    priority: str | None = None  # MoSCoW code ("must")
    lot: str = ""

    def fingerprint(self) -> str:
        """Same content, same fingerprint: a second submit of what was just written is recognised."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def form_columns(canvas: Canvas) -> list[str]:
    """The form's fields the sheet has a column for (a field without a column is not offered)."""
    headers = canvas.headers.get(NEEDS, {})
    return [key for key in FORM_COLUMNS if key in headers]


def choices(canvas: Canvas, tab: str) -> dict[str, str]:
    """ID -> « ID · label » for a picker; rows whose name could not be written as a reference are left out."""
    frame = canvas.frames.get(tab)
    if frame is None or frame.empty:
        return {}
    labels = canvas.labels(tab)
    out: dict[str, str] = {}
    for rid, provisional in zip(frame["id"].astype(str), frame[PROVISIONAL], strict=True):
        label = labels.get(rid, rid)
        if provisional and (not label or label == rid or _SPLITS & set(label)):
            continue  # no ID and no usable name: nothing a reference could point at
        out[rid] = label if provisional else (f"{rid} · {label}" if label and label != rid else rid)
    return out


def priority_text(code: str, lang: str) -> str:
    """The priority as it will be written: the label's short form when the loader reads it (« Must »)."""
    label = value_label(code, lang)
    short = label.split(" (", 1)[0].strip()
    accepted = {fold(s) for s in (code, *ENUMS["moscow"][code])}
    return short if fold(short) in accepted else label


def house_style(canvas: Canvas, column: str) -> tuple[bool, str]:
    """(names rather than IDs, separator) as most filled cells of this reference column write them."""
    frame = canvas.frames.get(NEEDS)
    target = canvas.frames.get(REF_FIELDS[column])
    if frame is None or target is None or column not in frame:
        return False, ", "
    known_ids = {id_key(v) for v in target["id"].astype(str)} - {None}
    by_name = by_id = 0
    separators: Counter[str] = Counter()
    for cell in frame[column].astype(str):
        if not cell:
            continue
        for sep in _SEPARATORS:
            if sep.strip() in cell:
                separators[sep] += 1
                break
        for ref in split_refs(cell):
            if id_key(ref) in known_ids:
                by_id += 1
            else:
                by_name += 1
    separator = separators.most_common(1)[0][0] if separators else ", "
    return by_name > by_id, separator


def reference_text(canvas: Canvas, column: str, ids: Iterable[str]) -> str:
    """Chosen IDs as the column writes references: IDs, or names when the sheet uses names.

    A row without an ID is always written by its name (its provisional ID exists only
    in the dashboard); a name holding a separator is written by its ID.
    """
    tab = REF_FIELDS[column]
    frame = canvas.frames[tab]
    provisional = dict(zip(frame["id"].astype(str), frame[PROVISIONAL], strict=True))
    labels = canvas.labels(tab)
    names, separator = house_style(canvas, column)
    out = []
    for rid in ids:
        label = clean(labels.get(rid, ""))
        usable = bool(label) and not (_SPLITS & set(label))
        out.append(label if usable and (names or provisional.get(rid, False)) else rid)
    return separator.join(out)


def need_row(canvas: Canvas, need: NewNeed, lang: str) -> dict[str, str]:
    """The new row keyed by the sheet's own headers; only filled columns, never the ID (the source gives it).

    Raises :class:`SourceError` (said for the dashboard) when the story is empty or the
    tab has no story column.
    """
    headers = canvas.headers.get(NEEDS, {})
    if "besoin" not in headers:
        title = canvas.tab_titles.get(NEEDS, TABS[NEEDS].title)
        raise SourceError(msg("capture.no_story_column", title=title,
                              column=TABS[NEEDS].column("besoin").label_in(lang)),
                          suggestion=msg("capture.no_story_column_hint"))
    story = clean(need.story)
    if not story:
        raise SourceError(msg("capture.story_required"), suggestion=msg("capture.story_required_hint"))
    wanted = {
        "besoin": story,
        "role": reference_text(canvas, "role", [need.role]) if need.role else "",
        "enjeux": reference_text(canvas, "enjeux", need.stakes),
        "donnees": reference_text(canvas, "donnees", need.data),
        "applications": reference_text(canvas, "applications", need.applications),
        "priorite": priority_text(need.priority, lang) if need.priority else "",
        "lot": clean(need.lot),
    }
    return {headers[key]: value for key, value in wanted.items() if value and key in headers}


def append_need(source: WritableSource, canvas: Canvas, need: NewNeed, lang: str) -> AppendResult:
    """Append the need under the last row, with the next free ID when the tab has an ID column."""
    values = need_row(canvas, need, lang)
    title = canvas.tab_titles.get(NEEDS, TABS[NEEDS].title)
    id_column = canvas.headers.get(NEEDS, {}).get("id")
    if id_column is None:
        return source.append_row(title, values)
    return source.append_row(title, values, id_column=id_column, id_prefix=TABS[NEEDS].id_prefix)


__all__ = ["FORM_COLUMNS", "NEEDS", "NewNeed", "append_need", "choices", "form_columns", "house_style", "need_row",
           "priority_text", "reference_text"]
