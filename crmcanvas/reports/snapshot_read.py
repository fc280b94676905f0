"""A snapshot read back: the Canvas it was taken from, its metrics, gaps and the moment it was taken.

A snapshot folder (or the zip the dashboard downloads) becomes the same
:class:`~crmcanvas.core.canvas.Canvas` the live sheet gives: frames with the
sheet's headers and unknown columns, the edge table, the unresolved references
and the findings. So "what changed" is one computation whether it compares two
snapshots or a snapshot with the live sheet
(:func:`crmcanvas.analysis.changes.canvas_changes`).

The files are taken as written (no re-reading of the sheet, no re-running of
the loader): a 10,000-need snapshot reads back in a fraction of a second. A
file whose sha256 no longer matches the manifest (opened and saved again in
Excel, say) is still read, with a warning.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from crmcanvas.core.canvas import DANGLING_COLUMNS, EDGE_COLUMNS, PROVISIONAL, ROW, Canvas, empty_frame
from crmcanvas.core.findings import Finding
from crmcanvas.core.schema import TAB_KEYS, TABS
from crmcanvas.i18n import Text, msg
from crmcanvas.reports.csv_export import CsvFormat, parse_number, read_csv
from crmcanvas.reports.snapshots import (
    COVERAGE,
    COVERAGE_COLUMNS,
    FINDING_COLUMNS,
    FINDINGS,
    FORMAT,
    GAPS,
    LINKS,
    MANIFEST,
    METRICS,
)
from crmcanvas.sources.base import SourceError


class SnapshotError(SourceError):
    """A snapshot that cannot be read: no such folder, not a snapshot, a missing file, a newer format."""


@dataclass
class Snapshot:
    location: Path
    manifest: dict[str, Any]
    canvas: Canvas
    metrics: dict[str, object]  # metric code -> value, as ``analyze`` gave them (the coverage table included)
    gaps: dict[str, list[dict[str, str]]]
    warnings: list[Text] = field(default_factory=list)

    @property
    def taken_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["taken_at"])

    @property
    def week(self) -> str:
        return str(self.manifest.get("week", ""))

    @property
    def source_key(self) -> str:
        return str((self.manifest.get("source") or {}).get("key", ""))


# ---------------------------------------------------------------------- where the files are


class _Files:
    """The files of a snapshot, in a folder or in a zip (possibly under one folder inside it)."""

    def __init__(self, path: Path):
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if path.is_file():
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError):
                raise SnapshotError(msg("snapshots.read.not_a_snapshot", path=str(path)),
                                    suggestion=msg("snapshots.read.not_a_snapshot_hint")) from None
            manifests = sorted((n for n in self._zip.namelist() if n.rsplit("/", 1)[-1] == MANIFEST), key=len)
            if not manifests:
                raise SnapshotError(msg("snapshots.read.not_a_snapshot", path=str(path)),
                                    suggestion=msg("snapshots.read.not_a_snapshot_hint"))
            self._prefix = manifests[0][: -len(MANIFEST)]
        elif not path.is_dir():
            raise SnapshotError(msg("snapshots.read.missing", path=str(path)), suggestion=msg("snapshots.read.missing_hint"))
        elif not (path / MANIFEST).is_file():
            raise SnapshotError(msg("snapshots.read.not_a_snapshot", path=str(path)),
                                suggestion=msg("snapshots.read.not_a_snapshot_hint"))

    def read(self, name: str) -> bytes:
        try:
            if self._zip is not None:
                return self._zip.read(self._prefix + name)
            return (self.path / name).read_bytes()
        except (KeyError, OSError):
            raise SnapshotError(msg("snapshots.read.file_missing", name=name, path=str(self.path)),
                                suggestion=msg("snapshots.read.file_missing_hint")) from None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _manifest(files: _Files) -> dict[str, Any]:
    try:
        manifest = json.loads(files.read(MANIFEST).decode("utf-8"))
        datetime.fromisoformat(manifest["taken_at"])
        if not isinstance(manifest.get("tabs"), dict):
            raise ValueError("tabs")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise SnapshotError(msg("snapshots.read.bad_manifest", path=str(files.path)),
                            suggestion=msg("snapshots.read.not_a_snapshot_hint")) from None
    if int(manifest.get("format", 0)) > FORMAT:
        raise SnapshotError(msg("snapshots.read.newer_format", path=str(files.path), format=manifest.get("format")),
                            suggestion=msg("snapshots.read.newer_format_hint"))
    return manifest


def read_manifest(path: Path | str) -> dict[str, Any]:
    """Only the manifest (cheap: what a history of many snapshots needs)."""
    files = _Files(Path(path))
    try:
        return _manifest(files)
    finally:
        files.close()


# ---------------------------------------------------------------------- the canvas again


def _tab_frame(tab: str, table: pd.DataFrame, info: dict[str, Any]) -> pd.DataFrame:
    """The tab's frame as the loader made it: canonical columns (empty when the sheet had none), unknown ones, meta."""
    columns: dict[str, str] = info.get("columns") or {}
    meta = {"row": ROW, "provisional": PROVISIONAL, "id": "_id", **(info.get("meta") or {})}
    n = len(table)
    data: dict[str, pd.Series] = {}
    for col in TABS[tab].columns:
        if col.key in columns:
            data[col.key] = table[columns[col.key]]
        elif col.key == "id" and meta["id"] in table:
            data["id"] = table[meta["id"]]
        else:
            data[col.key] = pd.Series([""] * n, dtype="str", index=table.index)
    for header in info.get("extra") or []:
        data[header] = table[header]
    data[ROW] = table[meta["row"]].astype("int64")
    data[PROVISIONAL] = table[meta["provisional"]] == "1"
    return pd.DataFrame(data, index=table.index)


def _links(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    resolved = table[table["resolu"] == "1"]
    edges = pd.DataFrame({
        "source_tab": resolved["onglet_source"], "source_id": resolved["id_source"], "relation": resolved["relation"],
        "target_tab": resolved["onglet_cible"], "target_id": resolved["id_cible"],
    }, columns=EDGE_COLUMNS).reset_index(drop=True).astype("str")
    loose = table[table["resolu"] != "1"]
    dangling = pd.DataFrame({
        "source_tab": loose["onglet_source"], "source_id": loose["id_source"], "relation": loose["relation"],
        "target_tab": loose["onglet_cible"], "ref": loose["reference"], "suggestion": loose["suggestion"],
        "row": pd.to_numeric(loose["ligne"], errors="coerce").fillna(0).astype("int64"), "column": loose["colonne"],
    }, columns=DANGLING_COLUMNS).reset_index(drop=True)
    return edges, dangling


def _findings(table: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = []
    names = {header: name for name, header in FINDING_COLUMNS.items()}
    for record in table.rename(columns=names).to_dict("records"):
        values = {name: (str(record.get(name, "")) or None) for name in FINDING_COLUMNS}
        row = parse_number(values["row"] or "")
        out.append(Finding(severity=values["severity"] or "info", code=values["code"] or "", tab=values["tab"],  # type: ignore[arg-type]
                           row=int(row) if row is not None else None, column=values["column"], value=values["value"],
                           message=values["message"] or "", suggestion=values["suggestion"], fix=values["fix"]))
    return out


def _metrics(metrics_table: pd.DataFrame, coverage_table: pd.DataFrame) -> dict[str, object]:
    metrics: dict[str, object] = {code: parse_number(value) for code, value in zip(metrics_table["code"], metrics_table["valeur"], strict=True)}
    rows = []
    for record in coverage_table.to_dict("records"):
        row: dict[str, object] = {"id": record["id"], "label": record["label"]}
        row.update({col: parse_number(str(record[col])) for col in COVERAGE_COLUMNS[2:]})
        rows.append(row)
    metrics["couverture_par_enjeu"] = rows
    return metrics


def _gaps(table: pd.DataFrame, manifest: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    gaps: dict[str, list[dict[str, str]]] = {code: [] for code in manifest.get("gaps") or {}}
    for code, rid, label in zip(table["lacune"], table["id"], table["libelle"], strict=True):
        gaps.setdefault(code, []).append({"id": rid, "label": label})
    return gaps


def read_snapshot(path: Path | str) -> Snapshot:
    """The snapshot in the folder (or zip) ``path``; :class:`SnapshotError` when it cannot be read."""
    location = Path(path)
    files = _Files(location)
    try:
        manifest = _manifest(files)
        csv = manifest.get("csv") or {}
        fmt = CsvFormat(separator=str(csv.get("separator", ";")), bom=bool(csv.get("bom", True)))
        warnings: list[Text] = []
        listed = manifest.get("files") or {}

        def table(name: str) -> pd.DataFrame:
            data = files.read(name)
            expected = (listed.get(name) or {}).get("sha256")
            if expected and hashlib.sha256(data).hexdigest() != expected:
                warnings.append(msg("snapshots.read.changed_file", name=name))
            try:
                return read_csv(io.BytesIO(data).getvalue(), fmt)
            except (ValueError, UnicodeDecodeError):
                raise SnapshotError(msg("snapshots.read.bad_file", name=name, path=str(location)),
                                    suggestion=msg("snapshots.read.file_missing_hint")) from None

        frames: dict[str, pd.DataFrame] = {}
        headers: dict[str, dict[str, str]] = {}
        extra: dict[str, list[str]] = {}
        titles: dict[str, str] = {}
        for tab in TAB_KEYS:
            info = manifest["tabs"].get(tab) or {"missing": True}
            titles[tab] = str(info.get("title", TABS[tab].title))
            if info.get("missing"):
                frames[tab], headers[tab], extra[tab] = empty_frame(tab), {}, []
                continue
            try:
                frames[tab] = _tab_frame(tab, table(info["file"]), info)
            except KeyError as exc:
                raise SnapshotError(msg("snapshots.read.bad_file", name=info.get("file", tab), path=str(location)),
                                    suggestion=msg("snapshots.read.file_missing_hint")) from exc
            headers[tab], extra[tab] = dict(info.get("columns") or {}), list(info.get("extra") or [])
        edges, dangling = _links(table(LINKS))
        canvas = Canvas(frames=frames, edges=edges, dangling=dangling, findings=_findings(table(FINDINGS)),
                        version=str(manifest.get("canvas_version", "")),
                        source=str((manifest.get("source") or {}).get("description", "")),
                        tab_titles=titles, headers=headers, extra_columns=extra,
                        loaded_at=datetime.fromisoformat(manifest["taken_at"]))
        return Snapshot(location=location, manifest=manifest, canvas=canvas,
                        metrics=_metrics(table(METRICS), table(COVERAGE)), gaps=_gaps(table(GAPS), manifest), warnings=warnings)
    finally:
        files.close()


def is_snapshot(path: Path) -> bool:
    """A folder that holds a snapshot (hidden folders, a write in progress or set aside, are not)."""
    return path.is_dir() and not path.name.startswith(".") and (path / MANIFEST).is_file()


__all__ = ["Snapshot", "SnapshotError", "is_snapshot", "read_manifest", "read_snapshot"]
