"""Findings that carry a correction, written back into the very cell they are about.

A finding knows its tab title, sheet row, column header and ``fix`` (the value
that would correct the cell); the canvas knows which row ID sits on that sheet
row and what the cell held when it was read. A :class:`Fix` pairs them, and
:func:`apply_fixes` hands the source one conflict-safe ``update_cells`` per row
(``expected`` = the cell as the canvas read it): a stakeholder who changed the
cell meanwhile wins, and the outcome says what each of you wrote.

Rows are found by ID, never by number (rows move while people edit), so a row
whose ID is only provisional (empty in the sheet), or shared with another row,
cannot be targeted: the fix says so, and « Attribuer les ID manquants »
(:func:`assign_missing_ids`) is the way out.

Two fixes of one cell (two misspelt references in « Données ») are merged: each
fix changes one stretch of the cell as read, and stretches that do not touch
are combined into one write; overlapping ones wait for the next refresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from crmcanvas.core.canvas import PROVISIONAL, ROW, Canvas
from crmcanvas.core.findings import Finding
from crmcanvas.core.schema import TABS
from crmcanvas.core.shape import id_match_key
from crmcanvas.core.text import clean, fold
from crmcanvas.i18n import Text, msg, t
from crmcanvas.sources.base import CellChange, RowNotFound, SourceError, WritableSource, WriteConflict

Status = Literal["written", "conflict", "row_gone", "blocked", "later", "failed"]


@dataclass(frozen=True)
class Fix:
    """One finding's correction, located in the sheet: tab, row ID and header as the source needs them."""

    key: str  # stable while the finding stands (same cell, same value, same fix): safe to select across refreshes
    finding: Finding
    tab: str  # canonical tab key
    title: str  # tab title in the sheet
    row: int  # sheet row, for people
    column: str  # header as written
    row_id: str | None
    id_column: str | None
    expected: str  # the cell as the canvas read it
    new: str
    blocked: Text | None = None  # why this row cannot be targeted by ID


@dataclass(frozen=True)
class Outcome:
    fix: Fix
    status: Status
    actual: str | None = None  # what the sheet held instead of ``expected`` (conflict)
    error: SourceError | None = None  # why nothing was written (failed, row gone)


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def find_fixes(canvas: Canvas) -> list[Fix]:
    """Every finding whose ``fix`` can be written into its cell, located, in the findings' order."""
    by_title = {title: key for key, title in canvas.tab_titles.items()}
    duplicates = [f for f in canvas.findings if f.code == "duplicate_id"]
    shared_ids = {(f.tab, id_match_key(f.value)) for f in duplicates if f.value}
    renamed_rows = {(f.tab, f.row) for f in duplicates}  # the loader gave these rows another ID than the sheet's
    out: list[Fix] = []
    for f in canvas.findings:
        if f.fix is None or f.tab is None or f.row is None or f.column is None:
            continue
        tab = by_title.get(f.tab)
        if tab is None or tab not in canvas.frames:
            continue
        headers = canvas.headers.get(tab, {})
        column = next((key for key, header in headers.items() if header == f.column), None)
        frame = canvas.frames[tab]
        rows = frame.index[frame[ROW] == f.row]
        if column is None or len(rows) != 1:
            continue
        record = frame.loc[rows[0]]
        expected = str(record[column])
        if clean(expected) == clean(f.fix):
            continue
        row_id: str | None = str(record["id"])
        blocked: Text | None = None
        id_column = headers.get("id")
        if id_column is None:
            blocked, row_id = msg("capture.fix_no_id_column", title=f.tab), None
        elif bool(record[PROVISIONAL]):
            blocked, row_id = msg("capture.fix_provisional_id", title=f.tab, row=f.row), None
        elif (f.tab, id_match_key(row_id)) in shared_ids or (f.tab, f.row) in renamed_rows:
            blocked = msg("capture.fix_shared_id", title=f.tab, row_id=row_id)
        out.append(Fix(_key(f.tab, f.row, f.column, expected, f.fix), f, tab, f.tab, f.row, f.column, row_id, id_column,
                       expected, f.fix, blocked))
    return out


# ---------------------------------------------------------------------------- one cell, several fixes


def _span(before: str, after: str) -> tuple[int, int, str]:
    """The one stretch ``before[start:end]`` that ``after`` replaces by the returned text."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    return start, end_b, after[start:end_a]


def merge_cell(expected: str, news: list[str]) -> tuple[str, list[bool]]:
    """The cell with every fix whose stretch does not touch an earlier one's; which fixes made it in."""
    taken: list[tuple[int, int, str]] = []
    kept: list[bool] = []
    for new in news:
        start, end, text = _span(expected, new)
        if any(start <= e and s <= end for s, e, _ in taken):
            kept.append(False)
            continue
        taken.append((start, end, text))
        kept.append(True)
    merged = expected
    for start, end, text in sorted(taken, reverse=True):
        merged = merged[:start] + text + merged[end:]
    return merged, kept


# ---------------------------------------------------------------------------- writing


def _changes(fixes: list[Fix]) -> tuple[list[CellChange], dict[str, list[Fix]], list[Fix]]:
    """One change per column of a row; the fixes each change carries, and those left for later."""
    by_column: dict[str, list[Fix]] = {}
    for fix in fixes:
        by_column.setdefault(fix.column, []).append(fix)
    changes: list[CellChange] = []
    carried: dict[str, list[Fix]] = {}
    later: list[Fix] = []
    for column, group in by_column.items():
        merged, kept = merge_cell(group[0].expected, [f.new for f in group])
        changes.append(CellChange(column, group[0].expected, merged))
        carried[fold(column)] = [f for f, k in zip(group, kept, strict=True) if k]
        later += [f for f, k in zip(group, kept, strict=True) if not k]
    return changes, carried, later


def _write_row(source: WritableSource, fixes: list[Fix]) -> list[Outcome]:
    """One conflict-safe update for the row; after a conflict, the cells nobody touched are still written."""
    first = fixes[0]
    changes, carried, later = _changes(fixes)
    outcomes = [Outcome(f, "later") for f in later]
    assert first.id_column is not None and first.row_id is not None
    for _attempt in range(2):
        try:
            source.update_cells(first.title, id_column=first.id_column, row_id=first.row_id, changes=changes)
        except WriteConflict as exc:
            clashing = {fold(c.column): c for c in exc.conflicts}
            for column, group in carried.items():
                if column in clashing:
                    outcomes += [Outcome(f, "conflict", actual=clashing[column].actual) for f in group]
            changes = [c for c in changes if fold(c.column) not in clashing]
            carried = {k: v for k, v in carried.items() if k not in clashing}
            if not changes:
                return outcomes
            continue
        except RowNotFound as exc:
            return outcomes + [Outcome(f, "row_gone", error=exc) for group in carried.values() for f in group]
        return outcomes + [Outcome(f, "written") for group in carried.values() for f in group]
    # a second conflict on other cells: the row is being edited right now; leave it to the next refresh
    return outcomes + [Outcome(f, "later") for group in carried.values() for f in group]


def apply_fixes(source: WritableSource, fixes: Iterable[Fix]) -> list[Outcome]:
    """Write the fixes, one ``update_cells`` per row; one outcome per fix, in the order given.

    A failure that is not about one row (file open in Excel, Google unreachable)
    stops the batch: the fixes not tried yet say so with the same reason.
    """
    fixes = list(fixes)
    rows: dict[tuple[str, str], list[Fix]] = {}
    done: dict[str, Outcome] = {}
    for fix in fixes:
        if fix.blocked is not None or fix.row_id is None:
            done[fix.key] = Outcome(fix, "blocked")
        else:
            rows.setdefault((fix.title, id_match_key(fix.row_id)), []).append(fix)
    failure: SourceError | None = None
    for group in rows.values():
        if failure is not None:
            done.update({f.key: Outcome(f, "failed", error=failure) for f in group})
            continue
        try:
            done.update({o.fix.key: o for o in _write_row(source, group)})
        except SourceError as exc:
            failure = exc
            done.update({f.key: Outcome(f, "failed", error=exc) for f in group})
    return [done[f.key] for f in fixes]


# ---------------------------------------------------------------------------- missing IDs


def tabs_missing_ids(canvas: Canvas) -> dict[str, int]:
    """Tab key -> rows with a content but no ID, for tabs that have an ID column to fill."""
    out: dict[str, int] = {}
    for tab, frame in canvas.frames.items():
        if "id" in canvas.headers.get(tab, {}) and PROVISIONAL in frame:
            count = int(frame[PROVISIONAL].sum())
            if count:
                out[tab] = count
    return out


def assign_missing_ids(source: WritableSource, canvas: Canvas, tab: str) -> list[tuple[int, str]]:
    """Give the tab's rows without ID the next free IDs (no other cell touched); (sheet row, new ID)."""
    return source.assign_missing_ids(canvas.tab_titles.get(tab, TABS[tab].title), id_column=canvas.headers[tab]["id"],
                                     id_prefix=TABS[tab].id_prefix)


# ---------------------------------------------------------------------------- words


def describe(outcome: Outcome, lang: str, *, context: str | None = None, quote: Callable[[str], str] = str) -> str:
    """One outcome in the reader's words; ``quote`` wraps sheet text (the dashboard escapes it)."""
    fix = outcome.fix
    where = t("capture.fix_where", lang, title=quote(fix.title), row=fix.row, column=quote(fix.column))
    if outcome.status == "written":
        return t("capture.fix_written", lang, where=where, old=quote(fix.expected), new=quote(fix.new))
    if outcome.status == "conflict":
        return t("capture.fix_conflict", lang, where=where, seen=quote(fix.expected), actual=quote(outcome.actual or ""))
    if outcome.status == "blocked":
        reason = fix.blocked.render(lang, context=context) if fix.blocked else ""
        return t("capture.fix_blocked", lang, where=where, reason=quote(reason))
    if outcome.status == "later":
        return t("capture.fix_later", lang, where=where)
    reason = outcome.error.render(lang, context)[0] if outcome.error else ""
    key = "capture.fix_row_gone" if outcome.status == "row_gone" else "capture.fix_failed"
    return t(key, lang, where=where, row_id=quote(fix.row_id or ""), reason=quote(reason))


def summary(outcomes: list[Outcome], lang: str) -> str:
    """« 2 corrections écrites » / « Corrections écrites : 1 ; non écrites : 1 » above the details."""
    written = sum(o.status == "written" for o in outcomes)
    if written == len(outcomes):
        return t("capture.fix_summary_all", lang, written=written)
    return t("capture.fix_summary", lang, written=written, other=len(outcomes) - written)


__all__ = ["Fix", "Outcome", "apply_fixes", "assign_missing_ids", "describe", "find_fixes", "merge_cell", "summary",
           "tabs_missing_ids"]
