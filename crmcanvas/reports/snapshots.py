"""Weekly snapshots: the whole canvas, its links, metrics, gaps and findings as CSV files a French Excel opens.

One snapshot is a folder ``<dir>/<ISO year>-W<week>/`` (``crmcanvas snapshot``)
or a zip of the same files (the dashboard's download):

==================  ===========================================================
file                what it holds
==================  ===========================================================
``<tab>.csv``       one per tab read (``enjeux``, ``besoins``, ``donnees``,
                    ``applications``, ``personnes``, ``roles``, and the optional
                    ``checklist``, ``editeurs``, ``integrateurs``): the sheet's
                    columns under their own headers, unknown columns included,
                    then ``_row`` (the row number in the sheet),
                    ``_provisional_id`` (1 when the ID was made up for an empty
                    cell) and, for a tab without an ID column, ``_id``.
                    Value-set columns hold the codes the analysis reads
                    (``must``, ``a_remplacer``…).
``liens.csv``       every reference: from (tab, ID), relation, to (tab, ID),
                    resolved (1) or not (0, with the text, the suggestion, the
                    row and the column)
``indicateurs.csv`` the metrics with their label and unit
``couverture.csv``  coverage per stake (the table metric)
``lacunes.csv``     the gaps, one item per line
``constats.csv``    the findings
``<tab>_scores.csv`` for the answers tabs the canvas has (``editeurs``,
                    ``integrateurs``): per solution its score, the needs not
                    evaluated and the Must needs not covered (the manifest keeps
                    the same list under ``vendors`` / ``integrators``)
``manifest.json``   when (with its time zone), which source, which canvas
                    version, which crmcanvas, the CSV format, per tab its title
                    and headers, row counts, metrics, and the sha256 of every file
==================  ===========================================================

Every CSV goes through :mod:`crmcanvas.reports.csv_export` (separator, BOM,
formulas neutralised); :mod:`crmcanvas.reports.snapshot_read` reads a snapshot
back into a :class:`~crmcanvas.core.canvas.Canvas`.

Writing is atomic: the files are written into a hidden folder next to the
target, then renamed into place. A second snapshot in the same week moves the
first aside, renames the new one in and only then deletes the old one: a crash
at any moment leaves the previous snapshot whole (under its own name, or aside
under a hidden name that the next run puts back).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import shutil
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filelock
import pandas as pd

from crmcanvas import __version__
from crmcanvas.core.canvas import DANGLING_COLUMNS, EDGE_COLUMNS, PROVISIONAL, ROW, Canvas
from crmcanvas.core.findings import count_by_severity
from crmcanvas.core.schema import TAB_KEYS, TABS
from crmcanvas.reports.csv_export import CsvFormat, csv_bytes, csv_format, number_text

if TYPE_CHECKING:
    from crmcanvas.analysis.engine import Analysis
    from crmcanvas.core.config import Resolved, Settings

FORMAT = 1  # manifest "format": bumped when a reader of older snapshots would misread a new one
MANIFEST = "manifest.json"
LINKS, METRICS, COVERAGE, GAPS, FINDINGS = "liens.csv", "indicateurs.csv", "couverture.csv", "lacunes.csv", "constats.csv"
META = {"row": ROW, "provisional": PROVISIONAL, "id": "_id"}  # meta columns after the sheet's own

LINK_COLUMNS = ["onglet_source", "id_source", "relation", "onglet_cible", "id_cible", "resolu", "reference", "suggestion",
                "ligne", "colonne"]
METRIC_COLUMNS = ["code", "indicateur", "unite", "valeur"]
COVERAGE_COLUMNS = ["id", "label", "must", "should", "could", "sans_priorite", "besoins", "score", "part_pct"]
GAP_COLUMNS = ["lacune", "titre", "id", "libelle"]
SCORE_COLUMNS = ["solution", "score", "non_evalues", "musts_non_couverts"]
FINDING_COLUMNS = {"severity": "gravite", "code": "code", "tab": "onglet", "row": "ligne", "column": "colonne",
                   "value": "valeur", "message": "message", "suggestion": "suggestion", "fix": "correction"}
HIDDEN_WRITING, HIDDEN_REPLACED = ".writing-", ".replaced-"
LOCK_NAME = ".crmcanvas-snapshots.lock"
LOCK_TIMEOUT = 60.0


def tab_file(tab: str) -> str:
    return f"{tab}.csv"


# ---------------------------------------------------------------------- time and names


def zone_of(settings: Settings | None) -> tuple[Any, str]:
    """(tzinfo, name) of the configured ``time_zone``, else the machine's (its IANA name when it can be told)."""
    from zoneinfo import ZoneInfo

    if settings is not None and settings.time_zone:
        return ZoneInfo(settings.time_zone), settings.time_zone
    local = datetime.now().astimezone().tzinfo
    return local, _local_zone_name() or (local.tzname(None) if local else None) or "UTC"


def _local_zone_name() -> str | None:
    name = os.environ.get("TZ", "").lstrip(":")
    if name and "/" in name and not name.startswith("/"):
        return name
    with contextlib.suppress(OSError):
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    with contextlib.suppress(OSError):
        return Path("/etc/timezone").read_text(encoding="utf-8").strip() or None
    return None


def now_in(settings: Settings | None = None) -> datetime:
    """Now, in the snapshot time zone, to the second."""
    zone, _ = zone_of(settings)
    return datetime.now(UTC).astimezone(zone).replace(microsecond=0)


def week_of(moment: datetime) -> str:
    """``2025-W03``: the ISO week of the moment, in its own time zone (a Monday 00:30 in Paris is the new week)."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def folder_name(moment: datetime, *, keep: bool) -> str:
    """The week (replaced by the next snapshot of the week), or the week and the moment (kept)."""
    return f"{week_of(moment)}-{moment:%Y%m%d-%H%M%S}" if keep else week_of(moment)


# ---------------------------------------------------------------------- the source a snapshot is of


def source_key(resolved: Resolved) -> str:
    """What identifies the source across runs and languages: ``demo``, ``google:<key>`` or ``file:<absolute path>``."""
    from crmcanvas.sources import is_google_sheet

    spec, settings = resolved.spec, resolved.settings
    if resolved.is_demo:
        return "demo"
    if is_google_sheet(spec) or (settings.sheets_endpoint and spec.startswith(settings.sheets_endpoint)):
        from crmcanvas.sources.gsheets import parse_spreadsheet_spec

        with contextlib.suppress(Exception):
            return "google:" + parse_spreadsheet_spec(spec)[0]
        return "google:" + spec
    return "file:" + str(Path(spec).expanduser().resolve())


# ---------------------------------------------------------------------- the files


def _meta_names(taken: list[str]) -> dict[str, str]:
    """The meta column names, made unique against the sheet's own headers."""
    names: dict[str, str] = {}
    used = set(taken)
    for role, name in META.items():
        while name in used:
            name += "_"
        names[role] = name
        used.add(name)
    return names


def _tab_frame(canvas: Canvas, tab: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The tab as written in the file, and its description for the manifest."""
    frame = canvas.frames[tab]
    headers = dict(canvas.headers.get(tab, {}))
    extra = list(canvas.extra_columns.get(tab, []))
    meta = _meta_names([*headers.values(), *extra])
    out = {header: frame[key] for key, header in headers.items()}
    out.update({header: frame[header] for header in extra})
    if "id" not in headers:
        out[meta["id"]] = frame["id"]
    out[meta["row"]] = frame[ROW].astype("int64")
    out[meta["provisional"]] = frame[PROVISIONAL].map({True: "1", False: "0"}).astype("str")
    info = {"title": canvas.tab_titles.get(tab, TABS[tab].title), "file": tab_file(tab), "rows": int(len(frame)),
            "columns": headers, "extra": extra, "meta": {k: v for k, v in meta.items() if k != "id" or "id" not in headers}}
    return pd.DataFrame(out, index=frame.index), info


def _present(canvas: Canvas, tab: str) -> bool:
    return bool(canvas.headers.get(tab)) or not canvas.frames[tab].empty


def _links_frame(canvas: Canvas) -> pd.DataFrame:
    edges = canvas.edges if not canvas.edges.empty else pd.DataFrame(columns=EDGE_COLUMNS)
    dangling = canvas.dangling if not canvas.dangling.empty else pd.DataFrame(columns=DANGLING_COLUMNS)
    resolved = pd.DataFrame({
        "onglet_source": edges["source_tab"], "id_source": edges["source_id"], "relation": edges["relation"],
        "onglet_cible": edges["target_tab"], "id_cible": edges["target_id"], "resolu": "1", "reference": "",
        "suggestion": "", "ligne": "", "colonne": "",
    }, columns=LINK_COLUMNS)
    unresolved = pd.DataFrame({
        "onglet_source": dangling["source_tab"], "id_source": dangling["source_id"], "relation": dangling["relation"],
        "onglet_cible": dangling["target_tab"], "id_cible": "", "resolu": "0", "reference": dangling["ref"],
        "suggestion": dangling["suggestion"].fillna(""), "ligne": dangling["row"].astype(str), "colonne": dangling["column"].fillna(""),
    }, columns=LINK_COLUMNS)
    parts = [part for part in (resolved, unresolved) if not part.empty]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=LINK_COLUMNS)
    return frame.astype("str")


def scalar_metrics(metrics: Mapping[str, object]) -> dict[str, object]:
    """The metrics that are one number (or None), in registry order: what a trend can draw."""
    return {code: value for code, value in metrics.items() if not isinstance(value, list | dict)}


def _metrics_frame(metrics: Mapping[str, object], lang: str, fmt: CsvFormat) -> pd.DataFrame:
    from crmcanvas.analysis import registry

    rows = []
    for code, value in scalar_metrics(metrics).items():
        label, unit = code, ""
        try:
            entry = registry.metric(code)
            label, unit = entry.label(lang), str(entry.unit)
        except KeyError:
            pass  # a metric this version does not know: its code stands for its label
        rows.append([code, label, unit, number_text(value, fmt)])
    return pd.DataFrame(rows, columns=METRIC_COLUMNS, dtype="str")


def _coverage_frame(metrics: Mapping[str, object], fmt: CsvFormat) -> pd.DataFrame:
    rows = metrics.get("couverture_par_enjeu")
    rows = rows if isinstance(rows, list) else []
    table = [[row.get("id", ""), row.get("label", "")] + [number_text(row.get(col), fmt) for col in COVERAGE_COLUMNS[2:]]
             for row in rows if isinstance(row, dict)]
    return pd.DataFrame(table, columns=COVERAGE_COLUMNS, dtype="str")


def _gaps_frame(gaps: Mapping[str, list[dict[str, str]]], lang: str) -> pd.DataFrame:
    from crmcanvas.analysis import registry

    rows = []
    for code, items in gaps.items():
        try:
            title = registry.gap(code).title(lang)
        except KeyError:
            title = code
        rows += [[code, title, str(item.get("id", "")), str(item.get("label", ""))] for item in items]
    return pd.DataFrame(rows, columns=GAP_COLUMNS, dtype="str")


def scores_file(tab: str) -> str:
    return f"{tab}_scores.csv"


def _scores_frame(rows: list[dict[str, Any]], fmt: CsvFormat) -> pd.DataFrame:
    """One line per solution, as ``report()["vendors"]`` has it; the Must needs not covered joined by « , »."""
    table = [[str(r["solution"]), number_text(r["score"], fmt), str(r["non_evalues"]), ", ".join(r["musts_non_couverts"])]
             for r in rows]
    return pd.DataFrame(table, columns=SCORE_COLUMNS, dtype="str")


def _findings_frame(canvas: Canvas) -> pd.DataFrame:
    from crmcanvas.core.findings import sort_findings

    rows = [["" if getattr(f, field) is None else str(getattr(f, field)) for field in FINDING_COLUMNS]
            for f in sort_findings(canvas.findings)]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS.values()), dtype="str")


def _digest(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def _scores(analysis: Analysis) -> dict[str, list[dict[str, Any]]]:
    """Answers tab -> its solutions' entries (``report()["vendors"]``), for the tabs the canvas has."""
    return {tab: fit.to_list() for tab, fit in analysis.fits.items()}


def _report_key(tab: str) -> str:
    from crmcanvas.analysis.vendors import REPORT_KEYS

    return REPORT_KEYS[tab]


def snapshot_files(canvas: Canvas, analysis: Analysis, settings: Settings, *, source: str,
                   taken_at: datetime | None = None) -> dict[str, bytes]:
    """Every file of the snapshot, name -> bytes, ``manifest.json`` last. ``source`` is :func:`source_key`."""
    fmt = csv_format(settings)
    lang = settings.language
    taken_at = taken_at or now_in(settings)
    files: dict[str, bytes] = {}
    tabs: dict[str, Any] = {}
    for tab in TAB_KEYS:
        if not _present(canvas, tab):
            tabs[tab] = {"title": canvas.tab_titles.get(tab, TABS[tab].title), "missing": True}
            continue
        frame, info = _tab_frame(canvas, tab)
        files[info["file"]] = csv_bytes(frame, fmt)
        tabs[tab] = info
    files[LINKS] = csv_bytes(_links_frame(canvas), fmt)
    files[METRICS] = csv_bytes(_metrics_frame(analysis.metrics, lang, fmt), fmt)
    files[COVERAGE] = csv_bytes(_coverage_frame(analysis.metrics, fmt), fmt)
    files[GAPS] = csv_bytes(_gaps_frame(analysis.gaps, lang), fmt)
    files[FINDINGS] = csv_bytes(_findings_frame(canvas), fmt)
    scores = _scores(analysis)
    for tab, rows in scores.items():
        files[scores_file(tab)] = csv_bytes(_scores_frame(rows, fmt), fmt)
    zone = getattr(taken_at.tzinfo, "key", None) or zone_of(settings)[1]
    manifest = {
        "format": FORMAT,
        "taken_at": taken_at.isoformat(),
        "time_zone": zone,
        "week": week_of(taken_at),
        "source": {"key": source, "description": canvas.source},
        "canvas_version": canvas.version,
        "crmcanvas_version": __version__,
        "language": lang,
        "csv": {"separator": fmt.separator, "bom": fmt.bom, "encoding": "utf-8", "decimal": fmt.decimal,
                "formulas_neutralised": True},
        "complete": all(not info.get("missing") for info in tabs.values()),
        "tabs": tabs,
        "counts": {tab: info["rows"] for tab, info in tabs.items() if not info.get("missing")},
        "links": {"resolved": int(len(canvas.edges)), "unresolved": int(len(canvas.dangling))},
        "findings": count_by_severity(canvas.findings),
        "gaps": {code: len(items) for code, items in analysis.gaps.items()},
        "metrics": scalar_metrics(analysis.metrics),
        **{_report_key(tab): rows for tab, rows in scores.items()},
        "files": {name: _digest(data) for name, data in files.items()},
    }
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def manifest_of(files: Mapping[str, bytes]) -> dict[str, Any]:
    return json.loads(files[MANIFEST].decode("utf-8"))


def snapshot_zip(files: Mapping[str, bytes], folder: str) -> bytes:
    """The snapshot as a zip whose files sit in ``folder/`` (unzipped, it is a snapshot folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}", data)
    return buffer.getvalue()


def download_zip(canvas: Canvas, analysis: Analysis, resolved: Resolved) -> bytes:
    """The snapshot of ``canvas`` taken now, as the zip the dashboard offers (files under ``<week>/``)."""
    taken_at = now_in(resolved.settings)
    files = snapshot_files(canvas, analysis, resolved.settings, source=source_key(resolved), taken_at=taken_at)
    return snapshot_zip(files, folder_name(taken_at, keep=False))


# ---------------------------------------------------------------------- writing a folder, atomically


@dataclass(frozen=True)
class Written:
    path: Path
    replaced: bool  # an earlier snapshot of the same week was replaced


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every OS can sync a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    for name, data in files.items():
        with open(folder / name, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    _fsync_dir(folder)


def recover(out_dir: Path) -> None:
    """Tidy what a crashed run left: half-written folders go, a snapshot moved aside comes back.

    Call it holding the folder's lock (every writer does).
    """
    if not out_dir.is_dir():
        return
    for entry in sorted(out_dir.iterdir()):
        name = entry.name
        if not name.startswith(".") or not entry.is_dir():
            continue
        if HIDDEN_WRITING in name:
            shutil.rmtree(entry, ignore_errors=True)
        elif HIDDEN_REPLACED in name:
            original = out_dir / name[1:].split(HIDDEN_REPLACED, 1)[0]
            if original.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.rename(entry, original)


def write_snapshot(files: Mapping[str, bytes], out_dir: Path | str, name: str) -> Written:
    """Write the files as ``out_dir/name/``; an existing folder of that name is replaced atomically."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(str(out_dir / LOCK_NAME), timeout=LOCK_TIMEOUT):
        recover(out_dir)
        token = secrets.token_hex(4)
        target = out_dir / name
        aside = out_dir / f".{name}{HIDDEN_WRITING}{token}"
        aside.mkdir()
        try:
            _write_files(aside, files)
        except BaseException:
            shutil.rmtree(aside, ignore_errors=True)
            raise
        replaced = target.exists()
        if replaced:
            old = out_dir / f".{name}{HIDDEN_REPLACED}{token}"
            os.rename(target, old)
            os.rename(aside, target)
            _fsync_dir(out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(aside, target)
        _fsync_dir(out_dir)
    return Written(path=target, replaced=replaced)


def unique_name(out_dir: Path, name: str) -> str:
    """``name``, or ``name-2``, ``name-3``… when a kept snapshot of the same second exists."""
    candidate, n = name, 1
    while (out_dir / candidate).exists():
        n += 1
        candidate = f"{name}-{n}"
    return candidate


def take_snapshot(canvas: Canvas, analysis: Analysis, resolved: Resolved, out_dir: Path | str, *, keep: bool = False,
                  taken_at: datetime | None = None) -> tuple[Written, dict[str, bytes]]:
    """Build and write one snapshot of ``canvas``; returns where it went and its files."""
    settings = resolved.settings
    taken_at = taken_at or now_in(settings)
    files = snapshot_files(canvas, analysis, settings, source=source_key(resolved), taken_at=taken_at)
    name = folder_name(taken_at, keep=keep)
    if keep:
        name = unique_name(Path(out_dir), name)
    return write_snapshot(files, out_dir, name), files


__all__ = ["COVERAGE", "FINDINGS", "FORMAT", "GAPS", "LINKS", "MANIFEST", "METRICS", "Written", "download_zip", "folder_name",
           "manifest_of",
           "now_in", "scores_file", "recover", "scalar_metrics", "snapshot_files", "snapshot_zip", "source_key", "tab_file", "take_snapshot",
           "week_of", "write_snapshot", "zone_of"]
