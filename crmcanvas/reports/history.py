"""The history of a canvas: one point per snapshot (when, row counts, findings, metrics), and what changed since last week.

Two places keep it, and they describe the same snapshots with the same numbers:

* **the snapshot folders** in ``snapshot_dir`` (``crmcanvas snapshot``): only
  the manifests are read, so 52 weeks load in milliseconds; only snapshots of
  the current source count (a demo snapshot is not your sheet's history);
* **the ``history_tab`` of the source** (``historique``): one row per snapshot,
  appended by ``crmcanvas snapshot`` when ``history_write`` is on. Hosted
  Streamlit has no durable disk; there, this tab is the history.

:func:`load_history` reads whichever exists; a snapshot found in both counts once
(the same moment), and a point whose numbers differ between the two is listed
in :attr:`History.disagreements`.

For the dashboard's frame: :func:`previous_metrics` (the last snapshot's
metrics, for "change since the last snapshot" on the tiles) and
:func:`weekly_summary` (« ce qui a changé depuis la semaine dernière » in one line).
Neither imports Streamlit; both may read the sheet's ``historique`` tab, so
the dashboard caches them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmcanvas.core.config import Resolved, Settings, choose_spec
from crmcanvas.core.schema import TAB_KEYS, TABS
from crmcanvas.core.text import clean, fold, shorten
from crmcanvas.i18n import DEFAULT_LANG, t
from crmcanvas.reports.csv_export import parse_number
from crmcanvas.reports.snapshots import MANIFEST, scalar_metrics, source_key, week_of
from crmcanvas.sources.base import Source, SourceError

if TYPE_CHECKING:
    from crmcanvas.analysis.changes import Changes
    from crmcanvas.core.canvas import Canvas

HISTORY_KEY = "historique"  # the canonical key the tab is read under
SEVERITIES = ("error", "warning", "info")
_FIXED = {"week": "semaine", "taken_at": "releve_le", "time_zone": "fuseau", "version": "version_canevas"}
_COUNT = "lignes_{tab}"
_SEVERITY = {"error": "erreurs", "warning": "avertissements", "info": "infos"}


def history_columns() -> list[str]:
    """The headers of the ``historique`` tab: fixed names (a row is read back whatever the language)."""
    from crmcanvas.analysis import registry

    metrics = [entry.code for entry in registry.metrics() if entry.unit != "table"]
    return [*_FIXED.values(), *(_COUNT.format(tab=tab) for tab in TAB_KEYS), *_SEVERITY.values(), *metrics]


@dataclass(frozen=True)
class HistoryPoint:
    """One snapshot as the history sees it."""

    taken_at: datetime
    week: str
    counts: dict[str, int]
    findings: dict[str, int]
    metrics: dict[str, object]  # scalar metrics
    version: str = ""
    time_zone: str = ""
    folder: Path | None = None  # the snapshot folder, when it is on disk
    in_tab: bool = False  # the source's historique tab has it too

    def numbers(self) -> tuple:
        return (self.week, self.counts, self.findings, self.metrics)


@dataclass
class History:
    points: list[HistoryPoint]  # oldest first
    tab_error: SourceError | None = None  # the tab could not be read (the folders still count)
    disagreements: list[datetime] = field(default_factory=list)  # moments whose folder and tab rows differ

    def latest(self) -> HistoryPoint | None:
        return self.points[-1] if self.points else None

    def last_before(self, week: str) -> HistoryPoint | None:
        """The latest point of a week before ``week`` (``2025-W03``)."""
        earlier = [p for p in self.points if p.week < week]
        return earlier[-1] if earlier else None


# ---------------------------------------------------------------------- points from manifests and rows


def point_from_manifest(manifest: Mapping[str, Any], folder: Path | None = None) -> HistoryPoint:
    taken_at = datetime.fromisoformat(manifest["taken_at"])
    return HistoryPoint(
        taken_at=taken_at, week=str(manifest.get("week") or week_of(taken_at)),
        counts={tab: int(n) for tab, n in (manifest.get("counts") or {}).items()},
        findings={sev: int((manifest.get("findings") or {}).get(sev, 0)) for sev in SEVERITIES},
        metrics=dict(manifest.get("metrics") or {}), version=str(manifest.get("canvas_version", "")),
        time_zone=str(manifest.get("time_zone", "")), folder=folder,
    )


def history_row(manifest: Mapping[str, Any]) -> dict[str, str]:
    """The ``historique`` row of a snapshot: the same numbers as its manifest, as text (``62.5``)."""
    row = {_FIXED["week"]: str(manifest.get("week", "")), _FIXED["taken_at"]: str(manifest["taken_at"]),
           _FIXED["time_zone"]: str(manifest.get("time_zone", "")), _FIXED["version"]: str(manifest.get("canvas_version", ""))}
    counts = manifest.get("counts") or {}
    row.update({_COUNT.format(tab=tab): str(counts[tab]) for tab in TAB_KEYS if tab in counts})
    findings = manifest.get("findings") or {}
    row.update({_SEVERITY[sev]: str(findings.get(sev, 0)) for sev in SEVERITIES})
    row.update({code: "" if value is None else str(value) for code, value in (manifest.get("metrics") or {}).items()})
    return row


def point_from_row(row: Mapping[str, str], metric_codes: Sequence[str]) -> HistoryPoint | None:
    """A row of the tab as a point; None for a row that is not one (a note, a blank line)."""
    try:
        taken_at = datetime.fromisoformat(clean(row.get(_FIXED["taken_at"], "")))
    except ValueError:
        return None
    if taken_at.tzinfo is None:
        return None

    def number(name: str) -> int | float | None:
        return parse_number(row.get(name, "") or "")

    counts = {tab: int(n) for tab in TAB_KEYS if (n := number(_COUNT.format(tab=tab))) is not None}
    findings = {sev: int(number(name) or 0) for sev, name in _SEVERITY.items()}
    metrics: dict[str, object] = {code: number(code) for code in metric_codes if code in row}
    return HistoryPoint(taken_at=taken_at, week=clean(row.get(_FIXED["week"], "")) or week_of(taken_at), counts=counts,
                        findings=findings, metrics=metrics, version=clean(row.get(_FIXED["version"], "")),
                        time_zone=clean(row.get(_FIXED["time_zone"], "")), in_tab=True)


# ---------------------------------------------------------------------- reading both places


def folder_points(out_dir: Path | str, key: str | None) -> list[HistoryPoint]:
    """The snapshots in ``out_dir`` of the source ``key`` (every source when None), oldest first."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    points = []
    for folder in out_dir.iterdir():
        if folder.name.startswith(".") or not (folder / MANIFEST).is_file():
            continue  # a write in progress, one set aside, the lock file
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if key is not None and (manifest.get("source") or {}).get("key") != key:
                continue
            points.append(point_from_manifest(manifest, folder))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a snapshot we can read: the history skips it
    return sorted(points, key=lambda p: p.taken_at)


def tab_grid(source: Source, title: str) -> list[list[str]] | None:
    """The ``historique`` tab as read (None when the source has no such tab)."""
    raw = source.read({HISTORY_KEY: title})
    return raw.grids.get(HISTORY_KEY)


def _header_index(grid: Sequence[Sequence[str]]) -> int | None:
    wanted = {fold(_FIXED["taken_at"]), fold(_FIXED["week"])}
    return next((i for i, row in enumerate(grid[:10]) if wanted <= {fold(c) for c in row}), None)


def tab_points(grid: Sequence[Sequence[str]] | None) -> list[HistoryPoint]:
    """The points of the ``historique`` tab's grid, oldest first."""
    if not grid:
        return []
    h = _header_index(grid)
    if h is None:
        return []
    by_fold = {fold(name): name for name in history_columns()}
    header = [by_fold.get(fold(c), clean(c)) for c in grid[h]]
    not_metrics = {*_FIXED.values(), *(_COUNT.format(tab=tab) for tab in TAB_KEYS), *_SEVERITY.values()}
    codes = [c for c in header if c and c not in not_metrics]
    points = []
    for cells in grid[h + 1:]:
        point = point_from_row(dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=False)), codes)
        if point is not None:
            points.append(point)
    return sorted(points, key=lambda p: p.taken_at)


def merge(folders: Sequence[HistoryPoint], tab: Sequence[HistoryPoint]) -> tuple[list[HistoryPoint], list[datetime]]:
    """One point per moment; the folder's when both have it (marked as in the tab too), and the moments they disagree on."""
    from dataclasses import replace

    by_moment = {p.taken_at: p for p in tab}
    merged: list[HistoryPoint] = []
    disagreements: list[datetime] = []
    for point in folders:
        twin = by_moment.pop(point.taken_at, None)
        if twin is not None:
            if twin.numbers() != point.numbers():
                disagreements.append(point.taken_at)
            point = replace(point, in_tab=True)
        merged.append(point)
    merged.extend(by_moment.values())
    return sorted(merged, key=lambda p: p.taken_at), disagreements


def _resolved(where: Resolved | Settings) -> Resolved:
    if isinstance(where, Resolved):
        return where
    spec, origin, place = choose_spec(None, where)
    return Resolved(settings=where, spec=spec, origin=origin, where=place)


def load_history(where: Resolved | Settings, source: Source | None = None, *, read_tab: bool = True) -> History:
    """Every snapshot of the current source, from the folders and the ``historique`` tab, oldest first.

    ``source``: the open source (the dashboard passes its feed's); opened here when
    needed. A tab that cannot be read leaves the folders' history, with the reason.
    """
    resolved = _resolved(where)
    settings = resolved.settings
    folders = folder_points(settings.snapshot_dir, source_key(resolved))
    tab: list[HistoryPoint] = []
    error: SourceError | None = None
    if read_tab and settings.history_tab and not resolved.is_demo:
        try:
            if source is None:
                from crmcanvas.sources import open_source

                source = open_source(resolved)
            tab = tab_points(tab_grid(source, settings.history_tab))
        except SourceError as exc:
            error = exc
    points, disagreements = merge(folders, tab)
    return History(points=points, tab_error=error, disagreements=disagreements)


def previous_metrics(where: Resolved | Settings, source: Source | None = None) -> dict | None:
    """The metrics of the last snapshot of the current source (metric code -> value), None when there is none.

    For "change since the last snapshot" on the overview tiles. It may read the
    sheet's ``historique`` tab: cache it in the dashboard (``st.cache_data(ttl=…)``).
    """
    latest = load_history(where, source).latest()
    return dict(latest.metrics) if latest is not None else None


def record_in_tab(source: Source, settings: Settings, manifest: Mapping[str, Any]) -> bool:
    """Append the snapshot's row to the ``historique`` tab, creating the tab first if needed (True when created).

    A tab made by an older crmcanvas may lack a column for a newer metric: that value is left out.
    """
    title = settings.history_tab
    columns = history_columns()
    created = source.ensure_tab(title, columns)  # type: ignore[attr-defined]
    row = history_row(manifest)
    if not created:
        grid = tab_grid(source, title) or []
        h = _header_index(grid)
        present = {fold(c) for c in grid[h]} if h is not None else {fold(c) for c in columns}
        row = {name: value for name, value in row.items() if fold(name) in present}
    source.append_row(title, row)  # type: ignore[attr-defined]
    return created


# ---------------------------------------------------------------------- since last week


def metric_text(code: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """A metric value as a person reads it: « 87,5 % », « 12 », « — »."""
    from crmcanvas.analysis import registry

    if value is None:
        return "—"
    try:
        unit = registry.metric(code).unit
    except KeyError:
        unit = "count"
    if unit == "pct" and isinstance(value, int | float):
        number = f"{float(value):.1f}".replace(".", t("snapshots.value.decimal", lang))
        return t("snapshots.value.pct", lang, value=number)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", t("snapshots.value.decimal", lang)) if isinstance(value, float) else str(value)


def metric_label(code: str, lang: str = DEFAULT_LANG) -> str:
    from crmcanvas.analysis import registry

    try:
        return registry.metric(code).label(lang)
    except KeyError:
        return code


@dataclass(frozen=True)
class SinceLastWeek:
    """What changed between the last snapshot of an earlier week and the canvas now."""

    baseline: HistoryPoint
    changes: Changes
    counts: dict[str, tuple[int, int]]  # tab -> (then, now), the tabs whose row count moved
    rows_compared: bool  # False when only the tab's numbers are known (no snapshot folder)

    def summary(self, lang: str = DEFAULT_LANG, *, max_metrics: int = 4) -> str:
        """« Depuis le relevé du 06/01/2025 (2025-W02) : +2 besoins, E03 modifié ; Enjeux couverts 75,0 % → 87,5 % »."""
        since = t("snapshots.since", lang, date=self.baseline.taken_at.strftime(t("snapshots.date_format", lang)),
                  week=self.baseline.week)
        parts = []
        rows = self.changes.summary(lang) if self.rows_compared else ", ".join(
            t("snapshots.count_moved", lang, tab=tab_label(tab, lang), before=a, after=b) for tab, (a, b) in self.counts.items())
        if rows:
            parts.append(rows)
        moved = [t("snapshots.metric_moved", lang, label=metric_label(code, lang), before=metric_text(code, a, lang),
                   after=metric_text(code, b, lang)) for code, (a, b) in list(self.changes.metrics.items())[:max_metrics]]
        if moved:
            parts.append(", ".join(moved))
        if not parts:
            return t("snapshots.nothing_changed", lang, since=since)
        return t("snapshots.changed", lang, since=since, changes=t("snapshots.parts_separator", lang).join(parts))


def change_details(found: SinceLastWeek, lang: str = DEFAULT_LANG, *, max_items: int = 12) -> dict[str, list[str]]:
    """Per tab (its label), the changes as short plain-text lines: « + B061 », « − B009 », « B004 → B099 »,
    « B002 : Priorité should → must ». Sheet text: escape it before drawing it as Markdown."""
    out: dict[str, list[str]] = {}
    if not found.rows_compared:
        return out
    for tab, tc in found.changes.tabs.items():
        if tc.empty:
            continue
        lines: list[str] = []
        if tc.missing_after or tc.missing_before:
            lines.append(t("changes.tab_gone" if tc.missing_after else "changes.tab_new", lang, tab=tab_label(tab, lang)))
        else:
            lines += [f"+ {rid}" for rid in tc.added] + [f"− {rid}" for rid in tc.removed]
            lines += [f"{old} → {new}" for old, new in tc.renamed]
            for change in tc.changed:
                fields = t("snapshots.parts_separator", lang).join(
                    t("snapshots.field_moved", lang, column=column, before=shorten(before, 40) or "∅", after=shorten(after, 40) or "∅")
                    for column, (before, after) in change.fields.items())
                lines.append(t("snapshots.row_edited", lang, id=change.id, fields=fields))
        if len(lines) > max_items:
            lines = [*lines[:max_items], t("snapshots.more", lang, count=len(lines) - max_items)]
        out[TABS[tab].label_in(lang)] = lines
    return out


def tab_label(tab: str, lang: str = DEFAULT_LANG) -> str:
    return TABS[tab].label_in(lang).lower()


def since_last_week(where: Resolved | Settings, canvas: Canvas, metrics: Mapping[str, object], *,
                    history: History | None = None, source: Source | None = None,
                    now: datetime | None = None) -> SinceLastWeek | None:
    """The canvas now against the last snapshot of an earlier week; None when there is no such snapshot.

    With the snapshot's folder: rows added, removed, renamed and edited, and the
    metrics. With only the ``historique`` tab (hosted dashboard): the row counts
    and the metrics.
    """
    from crmcanvas.analysis.changes import Changes, TabChanges, canvas_changes, metric_changes
    from crmcanvas.reports.snapshots import now_in

    resolved = _resolved(where)
    history = history if history is not None else load_history(resolved, source)
    week = week_of(now or now_in(resolved.settings))
    baseline = history.last_before(week)
    if baseline is None:
        return None
    scalars = scalar_metrics(metrics)
    now_counts = canvas.counts
    counts = {tab: (baseline.counts[tab], now_counts[tab]) for tab in TAB_KEYS
              if tab in baseline.counts and tab in now_counts and baseline.counts[tab] != now_counts[tab]}
    if baseline.folder is not None:
        from crmcanvas.reports.snapshot_read import SnapshotError, read_snapshot

        try:
            snapshot = read_snapshot(baseline.folder)
        except SnapshotError:
            snapshot = None
        if snapshot is not None:
            changes = canvas_changes(snapshot.canvas, canvas, metrics_before=scalar_metrics(snapshot.metrics),
                                     metrics_after=scalars)
            return SinceLastWeek(baseline=baseline, changes=changes, counts=counts, rows_compared=True)
    changes = Changes(tabs={tab: TabChanges(tab) for tab in TAB_KEYS}, metrics=metric_changes(baseline.metrics, scalars))
    return SinceLastWeek(baseline=baseline, changes=changes, counts=counts, rows_compared=False)


def weekly_summary(where: Resolved | Settings, canvas: Canvas, metrics: Mapping[str, object], lang: str | None = None,
                   *, source: Source | None = None) -> str | None:
    """« Ce qui a changé depuis la semaine dernière » in one line, for the sponsor view; None without an earlier snapshot.

    The line is plain text that may quote IDs from the sheet: escape it (``md()``) before drawing it as Markdown.
    """
    resolved = _resolved(where)
    found = since_last_week(resolved, canvas, metrics, source=source)
    return found.summary(lang or resolved.settings.language) if found is not None else None


__all__ = ["History", "HistoryPoint", "SinceLastWeek", "change_details", "folder_points", "history_columns", "history_row", "load_history",
           "merge", "metric_label", "metric_text", "point_from_manifest", "previous_metrics", "record_in_tab",
           "since_last_week", "tab_points", "weekly_summary"]
