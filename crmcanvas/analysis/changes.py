"""What changed between two canvases: rows added, removed, renamed and edited, per tab, by ID.

One computation for every "what changed" the tool shows: the toast on the wall
when a stakeholder edits the sheet (previous canvas → new canvas), and the
week-over-week diff of snapshots (a snapshot read back is a Canvas too).

Rows are matched by their ID, never by their position, so a sorted or
re-ordered tab shows no change. A tab without an ID column is keyed by name
(the loader makes the name its ID). Provisional IDs (``B?L14``: a row with an
empty ID cell) are made from the row number, so those rows are matched by
content instead. A row whose ID changed while everything else stayed the same
is reported as renamed, not as one removal and one addition. A tab missing on
one side is reported as missing, not as every row removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from crmcanvas.core.canvas import PROVISIONAL, ROW, Canvas
from crmcanvas.core.schema import TAB_KEYS, TABS
from crmcanvas.i18n import DEFAULT_LANG, t

META = (ROW, PROVISIONAL)


@dataclass(frozen=True)
class RowChange:
    """One row present on both sides whose cells differ: column (as the sheet names it) -> (before, after)."""

    id: str
    fields: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class TabChanges:
    tab: str  # canonical key
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old ID, new ID)
    changed: list[RowChange] = field(default_factory=list)
    missing_before: bool = False  # the tab did not exist (or was not read) in the older canvas
    missing_after: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed or self.missing_before or self.missing_after)

    def to_dict(self) -> dict:
        return {
            "added": self.added, "removed": self.removed,
            "renamed": [{"from": old, "to": new} for old, new in self.renamed],
            "changed": [{"id": c.id, "fields": {k: {"before": a, "after": b} for k, (a, b) in c.fields.items()}} for c in self.changed],
            "missing_before": self.missing_before, "missing_after": self.missing_after,
        }


@dataclass(frozen=True)
class Changes:
    tabs: dict[str, TabChanges]  # every canonical tab, in schema order
    metrics: dict[str, tuple[object, object]] = field(default_factory=dict)  # metric code -> (before, after), changed ones only

    @property
    def empty(self) -> bool:
        return all(tc.empty for tc in self.tabs.values()) and not self.metrics

    def to_dict(self) -> dict:
        return {
            "tabs": {key: tc.to_dict() for key, tc in self.tabs.items() if not tc.empty},
            "metrics": {code: {"before": a, "after": b} for code, (a, b) in self.metrics.items()},
        }

    def summary(self, lang: str = DEFAULT_LANG, *, max_ids: int = 3) -> str:
        """One line for a toast: « +2 besoins, E03 modifié, −1 rôle »; empty when nothing changed."""
        parts: list[str] = []
        for key, tc in self.tabs.items():
            label = TABS[key].label_in(lang).lower()
            if tc.missing_after:
                parts.append(t("changes.tab_gone", lang, tab=label))
                continue
            if tc.missing_before:
                parts.append(t("changes.tab_new", lang, tab=label))
                continue
            if tc.added:
                parts.append(t("changes.added", lang, count=len(tc.added), rows=_noun(key, len(tc.added), lang)))
            if tc.removed:
                parts.append(t("changes.removed", lang, count=len(tc.removed), rows=_noun(key, len(tc.removed), lang)))
            for old, new in tc.renamed[:max_ids]:
                parts.append(t("changes.renamed", lang, old=old, new=new))
            edited = [c.id for c in tc.changed]
            if edited:
                shown = ", ".join(edited[:max_ids]) + ("…" if len(edited) > max_ids else "")
                parts.append(t("changes.edited_one" if len(edited) == 1 else "changes.edited", lang, ids=shown))
        return ", ".join(parts)


def _noun(tab: str, count: int, lang: str) -> str:
    """« besoin » / « besoins »: a tab's rows counted."""
    return t(f"changes.noun.{tab}.{'one' if count == 1 else 'other'}", lang)


def _columns(canvas: Canvas, tab: str) -> dict[str, str]:
    """Compared column -> how the sheet names it: canonical columns present in the sheet, then unknown ones."""
    headers = canvas.headers.get(tab, {})
    out = {key: headers[key] for key in TABS[tab].keys if key in headers and key != "id"}
    out.update({extra: extra for extra in canvas.extra_columns.get(tab, [])})
    return out


def _records(frame: pd.DataFrame, columns: Mapping[str, str]) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    """(rows with a real ID: id -> {column: value}, rows with a provisional ID: [{column: value}])."""
    keyed: dict[str, dict[str, str]] = {}
    loose: list[dict[str, str]] = []
    if frame.empty:
        return keyed, loose
    provisional = frame[PROVISIONAL].tolist() if PROVISIONAL in frame else [False] * len(frame)
    values = {col: frame[col].astype(str).tolist() if col in frame else [""] * len(frame) for col in columns}
    for i, rid in enumerate(frame["id"].astype(str).tolist()):
        row = {col: values[col][i] for col in columns}
        if provisional[i]:
            loose.append(row)
        else:
            keyed[rid] = row
    return keyed, loose


def _present(canvas: Canvas, tab: str) -> bool:
    """A tab counts as present when it was read (a missing tab loads as an empty frame with no headers)."""
    return tab in canvas.frames and (bool(canvas.headers.get(tab)) or not canvas.frames[tab].empty)


def tab_changes(old: Canvas, new: Canvas, tab: str) -> TabChanges:
    before_present, after_present = _present(old, tab), _present(new, tab)
    if not before_present and not after_present:
        return TabChanges(tab)
    columns = {**_columns(old, tab), **_columns(new, tab)}
    before, before_loose = _records(old.frames[tab], columns) if before_present else ({}, [])
    after, after_loose = _records(new.frames[tab], columns) if after_present else ({}, [])
    if not before_present:
        return TabChanges(tab, added=list(after), missing_before=True)
    if not after_present:
        return TabChanges(tab, removed=list(before), missing_after=True)

    added = [rid for rid in after if rid not in before]
    removed = [rid for rid in before if rid not in after]
    renamed: list[tuple[str, str]] = []
    # An ID changed, nothing else: same content on both sides, one ID gone and one new.
    gone_by_content: dict[tuple[str, ...], list[str]] = {}
    for rid in removed:
        gone_by_content.setdefault(tuple(before[rid][c] for c in columns), []).append(rid)
    for rid in list(added):
        key = tuple(after[rid][c] for c in columns)
        candidates = gone_by_content.get(key)
        if candidates and any(key):
            old_id = candidates.pop(0)
            renamed.append((old_id, rid))
            added.remove(rid)
            removed.remove(old_id)

    changed: list[RowChange] = []
    for rid, row in after.items():
        if rid not in before:
            continue
        diff = {columns[c]: (before[rid][c], row[c]) for c in columns if before[rid][c] != row[c]}
        if diff:
            changed.append(RowChange(rid, diff))

    # Rows without an ID: matched by content; what is left over counts as added / removed, shown by row.
    if before_loose or after_loose:
        unmatched_before = [tuple(r[c] for c in columns) for r in before_loose]
        for row in after_loose:
            key = tuple(row[c] for c in columns)
            if key in unmatched_before:
                unmatched_before.remove(key)
            else:
                added.append(_loose_label(row, tab, columns))
        removed.extend(_loose_label(dict(zip(columns, key, strict=True)), tab, columns) for key in unmatched_before)
    return TabChanges(tab, added=added, removed=removed, renamed=renamed, changed=changed)


def _loose_label(row: Mapping[str, str], tab: str, columns: Mapping[str, str]) -> str:
    """A row with no ID named by its name column, so "added: Pilotage des dons" still reads well."""
    name = row.get(TABS[tab].name_column, "") if TABS[tab].name_column in columns else ""
    return name or next((v for v in row.values() if v), "?")


def metric_changes(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, tuple[object, object]]:
    """Scalar metrics whose value differs (per-stake tables and other structures are left to their own views)."""
    out: dict[str, tuple[object, object]] = {}
    for code in dict.fromkeys([*before, *after]):
        a, b = before.get(code), after.get(code)
        if isinstance(a, list | dict) or isinstance(b, list | dict):
            continue
        if a != b:
            out[code] = (a, b)
    return out


def canvas_changes(old: Canvas, new: Canvas, *, metrics_before: Mapping[str, object] | None = None,
                   metrics_after: Mapping[str, object] | None = None) -> Changes:
    """Every tab's changes from ``old`` to ``new`` (and the metrics', when both sides' metrics are given)."""
    tabs = {tab: tab_changes(old, new, tab) for tab in TAB_KEYS}
    metrics = metric_changes(metrics_before, metrics_after) if metrics_before is not None and metrics_after is not None else {}
    return Changes(tabs=tabs, metrics=metrics)


__all__ = ["Changes", "RowChange", "TabChanges", "canvas_changes", "metric_changes", "tab_changes"]
