"""The local workbook source: a ``.xlsx`` file, read in one pass, written safely.

Reading opens the file's bytes once (the version token is a hash of those very
bytes, so token and content always agree), then parses them with openpyxl in
read-only, values-only mode. Cells become the strings a person sees: ``3.0`` ->
"3", a midnight date -> "2026-03-01", ``True`` -> "TRUE", errors cached by Excel
stay as text ("#REF!") so the loader can report them.

Writing is for a workshop where the file may change under our feet (someone
else's dashboard, a script, a colleague). Every write:

1. takes ``<file>.lock`` (a :class:`filelock.FileLock`, which also serialises the
   threads of one Streamlit server);
2. refuses to run while Excel or LibreOffice has the file open (their owner file
   ``~$<name>`` / ``.~lock.<name>#`` exists), since their next save would
   silently erase ours;
3. re-reads the file, finds rows by their ID (never by a row number that may
   have shifted) and checks each cell still holds the value the caller saw;
4. saves to a temporary file in the same folder, fsyncs it, then
   ``os.replace``-s the original: a crash leaves the old file intact, and
   readers see either the old or the new file, never half of one.

What openpyxl cannot keep, so a write may lose it (documented here because a
user will notice): shapes and text boxes, slicers, sparklines, and the
data-validation *extensions* newer Excel writes for drop-down lists that point
at another tab. Cell styles, column widths, other tabs, unknown columns,
formulas, merged cells, tables and plain drop-down lists survive.

Formulas and their cached values: openpyxl keeps formulas but drops the value
Excel cached for each one when it saves, and the read side only sees cached
values (openpyxl does not calculate). So that a read after our write does not
suddenly find empty cells where formulas are (an ID column computed by a
formula, say), :func:`_restore_cached_values` puts the old cached values of
untouched formula cells back into the saved file. A formula that depends on a
cell we changed keeps its old value until Excel recalculates, which it does on
open (openpyxl marks the workbook ``fullCalcOnLoad``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import hashlib
import io
import os
import posixpath
import re
import stat
import tempfile
import time
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Mapping
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import filelock
import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles.numbers import is_timedelta_format
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from crmcanvas.core.ids import next_ids
from crmcanvas.core.shape import column_index, header_row_naming, id_match_key, match_titles
from crmcanvas.core.text import clean, fold
from crmcanvas.sources.base import (
    AppendResult,
    CellChange,
    Conflict,
    Grid,
    RawCanvas,
    RowNotFound,
    SourceError,
    UpdateResult,
    WriteConflict,
)

__all__ = ["WorkbookSource", "cell_text"]

T = TypeVar("T")

LOCK_TIMEOUT = 15.0  # seconds a write waits for another writer before giving up
EXCEL_MAX_CHARS = 32767  # Excel refuses longer cells
TEMP_SUFFIX = ".crmcanvas-tmp"
_CHUNK = 1 << 20

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_FORMULA_LOOKALIKE = ("=", "+", "-", "@")

_SAVE_AS_XLSX = "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format .xlsx (Excel 2007+)."
_REPAIR = "Rouvrez-le dans Excel (qui propose de le réparer) et enregistrez-le à nouveau, ou restaurez une copie."


# --------------------------------------------------------------------------- cells


def cell_text(value: Any) -> str:
    """A cell value as the string a person reads (and Google's API would return)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "#NUM!"
        return format(value, ".15g")  # Excel shows 15 significant digits: 0.1+0.2 -> "0.3"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value)


def _sheet_grid(ws: Any) -> Grid:
    """Every row of a read-only sheet as strings, trailing blanks trimmed like Google does."""
    ws.reset_dimensions()  # some writers store a wrong <dimension>; read what is really there
    grid: Grid = []
    for values in ws.iter_rows(values_only=True):
        row = [cell_text(v) for v in values]
        while row and row[-1] == "":
            row.pop()
        grid.append(row)
    while grid and not grid[-1]:
        grid.pop()
    return grid


# --------------------------------------------------------------------------- file level


@dataclass(frozen=True)
class _Snapshot:
    data: bytes
    token: str
    key: tuple[int, int, int]  # (inode, size, mtime_ns): cheap "has it changed?" check


def _stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _token(data: bytes, st: os.stat_result) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}:{digest}".encode()).hexdigest()[:24]


def _read_snapshot(path: Path) -> _Snapshot:
    """The file's bytes and their token, retrying if it changed while we read it."""
    name = path.name
    for _ in range(3):
        try:
            if path.is_dir():
                raise SourceError(
                    f"« {path} » est un dossier, pas un classeur Excel.",
                    suggestion=f"Indiquez le chemin complet du fichier .xlsx, par exemple {path / 'canevas.xlsx'}.",
                )
            with open(path, "rb") as fh:
                before = os.fstat(fh.fileno())
                data = fh.read()
            after = os.stat(path)
        except FileNotFoundError:
            raise SourceError(
                f"Le fichier « {name} » est introuvable ({path}).",
                suggestion="Vérifiez le chemin indiqué dans « source » (config/canvas.toml ou CRMCANVAS_SOURCE).",
            ) from None
        except PermissionError:
            raise SourceError(
                f"Accès refusé au fichier « {name} ».",
                suggestion="Vérifiez que votre compte a le droit de lire ce fichier.",
            ) from None
        except OSError as exc:
            raise SourceError(
                f"Impossible de lire le fichier « {name} » : {_os_reason(exc)}.",
                suggestion="Vérifiez que le disque ou le partage réseau est accessible, puis réessayez.",
                retryable=True,
            ) from None
        if _stat_key(before) == _stat_key(after) and len(data) == before.st_size:
            return _Snapshot(data, _token(data, after), _stat_key(after))
        time.sleep(0.05)  # written in place while we read: read again
    raise SourceError(
        f"Le fichier « {name} » change sans arrêt pendant sa lecture.",
        suggestion="Attendez la fin de l'enregistrement en cours, puis actualisez.",
        retryable=True,
    )


_OS_REASONS = {
    errno.ENOSPC: "le disque est plein",
    errno.EACCES: "accès refusé",
    errno.EPERM: "opération non permise",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOENT: "le fichier ou son dossier a disparu",
    errno.EIO: "erreur d'entrée-sortie du disque",
}


def _os_reason(exc: OSError) -> str:
    """A French reason for a file-system error (the OS's own words, often English, as a fallback)."""
    return _OS_REASONS.get(exc.errno or 0) or str(exc.strerror or exc)


def _sniff(data: bytes, name: str) -> None:
    """Refuse, with a French explanation, anything that is not an .xlsx package."""
    if not data:
        raise SourceError(
            f"Le fichier « {name} » est vide (0 octet).",
            suggestion="Restaurez une copie du classeur ou enregistrez-le à nouveau depuis Excel.",
        )
    if data.startswith(_OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise SourceError(
                f"Le classeur « {name} » est protégé par mot de passe (chiffré) : crmcanvas ne peut pas le lire.",
                suggestion="Dans Excel : Fichier > Informations > Protéger le classeur > Chiffrer avec mot de passe, "
                "effacez le mot de passe, enregistrez, puis actualisez.",
            )
        raise SourceError(
            f"Le fichier « {name} » est au format Excel 97-2003 (.xls), que crmcanvas ne lit pas.",
            suggestion="Enregistrez le fichier au format .xlsx (Excel 2007+) : Fichier > Enregistrer sous > Classeur Excel (*.xlsx).",
        )
    if not data.startswith(_ZIP_MAGICS):
        sample = data[:4096]
        if b"\x00" in sample:
            raise SourceError(f"Le fichier « {name} » n'est pas un classeur Excel .xlsx.", suggestion=_SAVE_AS_XLSX)
        head = sample.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith(b"<"):
            raise SourceError(
                f"Le fichier « {name} » n'est pas un vrai classeur .xlsx : c'est une page web ou un fichier XML "
                "(souvent un export « Excel » produit par un site).",
                suggestion=_SAVE_AS_XLSX,
            )
        raise SourceError(
            f"Le fichier « {name} » n'est pas un classeur Excel : il contient du texte (un CSV ?).",
            suggestion=_SAVE_AS_XLSX,
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise SourceError(
            f"Le fichier « {name} » est endommagé : ce n'est pas une archive .xlsx lisible.", suggestion=_REPAIR
        ) from None
    if b"opendocument.spreadsheet" in mimetype:
        raise SourceError(
            f"Le fichier « {name} » est un classeur OpenDocument (.ods), pas un .xlsx.",
            suggestion="Dans LibreOffice : Fichier > Enregistrer sous > Excel 2007-365 (.xlsx).",
        )
    if any(n.endswith(".bin") and n.startswith("xl/workbook") for n in names):
        raise SourceError(
            f"Le fichier « {name} » est au format binaire Excel (.xlsb), que crmcanvas ne lit pas.",
            suggestion="Enregistrez le fichier au format .xlsx (Excel 2007+).",
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SourceError(
            f"Le fichier « {name} » est une archive ZIP, mais pas un classeur Excel .xlsx.", suggestion=_SAVE_AS_XLSX
        )


def _open_workbook(data: bytes, name: str, *, read_only: bool, keep_vba: bool = False) -> Any:
    """openpyxl's workbook for these bytes; its many exception types become one SourceError."""
    _sniff(data, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension not supported" & co. say nothing a user can act on
            if read_only:
                return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            return openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=False, keep_vba=keep_vba, keep_links=True, rich_text=True
            )
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything from KeyError to XML errors
        raise _unreadable(name, exc) from None


def _unreadable(name: str, exc: BaseException) -> SourceError:
    if isinstance(exc, SourceError):
        return exc
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return SourceError(f"Le fichier « {name} » est endommagé : son archive est illisible.", suggestion=_REPAIR)
    detail = f"{type(exc).__name__}: {exc}"[:160]
    return SourceError(
        f"Le classeur « {name} » n'a pas pu être lu : son contenu est invalide ou endommagé ({detail}).",
        suggestion=_REPAIR,
    )


def _write_bytes(fh: Any, data: bytes) -> None:
    for start in range(0, len(data), _CHUNK):
        fh.write(data[start : start + _CHUNK])


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once; on any failure the original is untouched."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_bytes(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes 0600; keep the workbook's own permissions
        for attempt in range(5):
            try:
                os.replace(tmp, path)
                break
            except PermissionError:  # Windows: a reader has the file open for a moment
                if attempt == 4:
                    raise
                time.sleep(0.1 * (attempt + 1))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (not possible on every OS)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# --------------------------------------------------------------------------- cached formula values

_INTEGER = re.compile(r"-?\d+")
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_OPENPYXL_FORMULA_CELL = re.compile(
    rb'<c r="(?P<coord>[A-Z]{1,3}[0-9]{1,7})"(?P<attrs>(?:\s+[\w:]+="[^"]*")*)\s*>'
    rb"(?P<f><f(?:\s[^>]*)?(?:/>|>[^<]*</f>))<v\s*/>\s*</c>"
)
Cache = dict[str, dict[str, tuple[str | None, str]]]  # sheet title -> coordinate -> (t, cached text)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> zip part name, following the package's relationships."""
    root_rels = ET.fromstring(zf.read("_rels/.rels"))
    workbook = next(
        r.get("Target", "") for r in root_rels if r.get("Type", "").endswith("/officeDocument")
    ).lstrip("/")
    base = posixpath.dirname(workbook)
    rels = ET.fromstring(zf.read(posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels")))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts: dict[str, str] = {}
    for el in ET.fromstring(zf.read(workbook)).iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        if target:
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            parts[el.get("name", "")] = part
    return parts


def _formula_caches(data: bytes) -> Cache:
    """The values Excel cached for formula cells, per sheet (empty when there are no formulas)."""
    caches: Cache = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for title, part in _sheet_parts(zf).items():
            xml = zf.read(part)
            if not _HAS_FORMULA.search(xml):
                continue
            cache: dict[str, tuple[str | None, str]] = {}
            for _, el in ET.iterparse(io.BytesIO(xml)):
                if _local(el.tag) != "c":
                    continue
                children = {_local(child.tag): child for child in el}
                formula, value, kind = children.get("f"), children.get("v"), el.get("t")
                if formula is not None and value is not None and value.text and el.get("r") and kind not in ("s", "inlineStr"):
                    cache[el.get("r", "")] = (kind, value.text)
                el.clear()
            if cache:
                caches[title] = cache
    return caches


def _restore_cached_values(saved: bytes, caches: Cache) -> bytes:
    """Put cached values back into the formula cells openpyxl just wrote without one."""
    if not caches:
        return saved
    with zipfile.ZipFile(io.BytesIO(saved)) as zin:
        by_part = {part: caches[title] for title, part in _sheet_parts(zin).items() if title in caches}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                blob = zin.read(info)
                cache = by_part.get(info.filename)
                if cache:
                    blob = _OPENPYXL_FORMULA_CELL.sub(lambda m, c=cache: _with_cached(m, c), blob)
                zout.writestr(info, blob)
    return out.getvalue()


def _with_cached(match: re.Match[bytes], cache: dict[str, tuple[str | None, str]]) -> bytes:
    coord = match["coord"].decode()
    if coord not in cache or b' t="' in match["attrs"]:
        return match[0]
    kind, text = cache[coord]
    kind_attr = f' t="{kind}"'.encode() if kind and kind != "n" else b""
    value = escape(text).encode()
    return b'<c r="' + match["coord"] + b'"' + match["attrs"] + kind_attr + b">" + match["f"] + b"<v>" + value + b"</v></c>"


# --------------------------------------------------------------------------- sheet helpers


def _resolve_title(available: list[str], title: str, name: str) -> str:
    match = next((t for t in available if t == title), None) or next(
        (t for t in available if fold(t) == fold(title)), None
    )
    if match is None:
        raise SourceError(
            f"L'onglet « {title} » est introuvable dans « {name} » (onglets présents : {', '.join(available) or 'aucun'}).",
            suggestion="Actualisez : l'onglet a peut-être été renommé ou supprimé.",
        )
    return match


def _header_index(grid: Grid, title: str, names: list[str]) -> int:
    """The header row: among the first rows, the one naming most of the columns the caller uses."""
    index = header_row_naming(grid, names)
    if index is None:
        raise SourceError(
            f"L'onglet « {title} » n'a pas de ligne d'en-têtes.",
            suggestion="Ajoutez les en-têtes de colonnes (ID, Besoin, …) sur la première ligne de l'onglet.",
        )
    return index


def _column(headers: list[str], wanted: str, title: str) -> int:
    index = column_index(headers, wanted)
    if index is None:
        shown = ", ".join(h for h in headers if clean(h)) or "aucune"
        raise SourceError(
            f"La colonne « {wanted} » n'existe pas dans l'onglet « {title} » (colonnes : {shown}).",
            suggestion="Actualisez : la colonne a peut-être été renommée. Sinon, ajoutez-la dans la feuille.",
        )
    return index


def _at(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _find_row(grid: Grid, header: int, id_col: int, row_id: str, title: str) -> int:
    """Index in ``grid`` of the row whose ID is ``row_id`` (E1 == E01 == e-01, else same folded text)."""
    want = id_match_key(row_id)
    hits = [i for i in range(header + 1, len(grid)) if want and id_match_key(_at(grid[i], id_col)) == want]
    if not hits:
        raise RowNotFound(
            f"La ligne « {row_id} » est introuvable dans l'onglet « {title} » : elle a peut-être été supprimée "
            "ou son identifiant modifié.",
            suggestion="Actualisez pour voir l'état actuel de la feuille, puis refaites votre modification.",
        )
    if len(hits) > 1:
        raise SourceError(
            f"Plusieurs lignes de l'onglet « {title} » portent l'identifiant « {row_id} » "
            f"(lignes {', '.join(str(i + 1) for i in hits)}) : rien n'a été écrit.",
            suggestion="Corrigez le doublon dans la feuille, puis refaites votre modification.",
        )
    return hits[0]


def _text_to_write(value: object, column: str) -> str:
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if len(text) > EXCEL_MAX_CHARS:
        raise SourceError(
            f"La valeur de « {column} » fait {len(text)} caractères : Excel n'en accepte que {EXCEL_MAX_CHARS} par cellule.",
            suggestion="Raccourcissez le texte, ou mettez le détail dans un document lié.",
        )
    return text


def _writable(cell: Any) -> bool:
    return not isinstance(cell, MergedCell) and cell.data_type != "f"


def _put(ws: Any, row: int, col: int, text: str) -> None:
    """Write ``text`` as text: "=1+1" stays the four characters, never a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        raise SourceError(
            f"La cellule {get_column_letter(col)}{row} de l'onglet « {ws.title} » fait partie de cellules fusionnées.",
            suggestion="Défusionnez ces cellules dans la feuille, puis réessayez.",
        )
    if text == "":
        cell.value = None
        return
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_LOOKALIKE):
        cell.quotePrefix = True  # Excel keeps it text if someone edits the cell later


def _cached_value(cell: Any, cached: tuple[str | None, str] | None) -> Any:
    """The value Excel cached for a formula cell, typed the way openpyxl's reader types it."""
    if cached is None:
        return None
    kind, text = cached
    try:
        if kind in (None, "n"):
            number: float = int(text) if _INTEGER.fullmatch(text) else float(text)
            if cell.is_date:
                return from_excel(number, cell.parent.parent.epoch, timedelta=is_timedelta_format(cell.number_format))
            return number
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
    except (ValueError, OverflowError):
        pass
    return text


def _scan(ws: Any, cache: dict[str, tuple[str | None, str]]) -> tuple[Grid, int]:
    """A writable sheet as :meth:`WorkbookSource.read` would show it, and its last used row.

    Formula cells show their cached value, as on the read side; the last used
    row also counts formulas whose value is empty (pre-filled rows).
    """
    grid: Grid = []
    last_used = 0
    for index, cells in enumerate(ws.iter_rows(), start=1):
        row: list[str] = []
        for cell in cells:
            value = cell.value
            if value is not None and cell.data_type == "f":
                last_used = index
                value = _cached_value(cell, cache.get(cell.coordinate))
            row.append(cell_text(value))
        while row and row[-1] == "":
            row.pop()
        if any(clean(v) for v in row):
            last_used = index
        grid.append(row)
    while grid and not grid[-1]:
        grid.pop()
    return grid, last_used


def _extend_tables(ws: Any, new_row: int) -> None:
    """An Excel table ending just above the new row grows to include it (filters, banding)."""
    for table in ws.tables.values():
        if table.totalsRowCount:
            continue
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        if max_row == new_row - 1:
            ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{new_row}"
            table.ref = ref
            if table.autoFilter is not None:
                table.autoFilter.ref = ref


# --------------------------------------------------------------------------- the source


class WorkbookSource:
    """A local ``.xlsx`` canvas (see the module docstring for the write guarantees)."""

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(os.path.expanduser(os.fspath(path)))
        self.lock_timeout = lock_timeout
        self.description = f"Classeur local « {self.path.name} »"
        self._known: tuple[tuple[int, int, int], str] | None = None

    # ----------------------------------------------------------------- reading

    def read(self, wanted: Mapping[str, str]) -> RawCanvas:
        """All wanted tabs from one snapshot of the file, paired with its version token."""
        snap = self._snapshot()
        wb = _open_workbook(snap.data, self.path.name, read_only=True)
        try:
            available = [ws.title for ws in wb.worksheets]
            found, missing = match_titles(wanted, available)
            grids = {key: _sheet_grid(wb[title]) for key, title in found.items()}
        except Exception as exc:  # noqa: BLE001 - read-only sheets parse lazily, errors surface here
            raise _unreadable(self.path.name, exc) from None
        finally:
            with contextlib.suppress(Exception):
                wb.close()
        return RawCanvas(
            grids=grids, titles=found, version=snap.token, source=self.description, missing=missing, available=available
        )

    def version(self) -> str:
        """The current version token, cheap when the file has not changed (for live polling)."""
        try:
            key = _stat_key(os.stat(self.path))
        except OSError:
            key = None
        if key is not None and self._known is not None and self._known[0] == key:
            return self._known[1]
        return self._snapshot().token

    def _snapshot(self) -> _Snapshot:
        snap = _read_snapshot(self.path)
        self._known = (snap.key, snap.token)
        return snap

    # ----------------------------------------------------------------- writing

    def append_row(
        self, title: str, values: Mapping[str, str], *, id_column: str | None = None, id_prefix: str | None = None
    ) -> AppendResult:
        """Append after the last used row; with ``id_prefix``, the ID is computed now, from the file as it is.

        When the source assigns the ID, any value given for ``id_column`` is ignored:
        an ID computed from an older read could already be taken.
        """

        def append(ws: Any, grid: Grid, last_used: int, sheet: str) -> tuple[AppendResult, bool]:
            header = _header_index(grid, sheet, [*values, id_column or ""])
            headers = grid[header]
            cells: dict[int, str] = {}
            for column, value in values.items():
                cells[_column(headers, column, sheet)] = _text_to_write(value, column)
            if not any(clean(v) for v in cells.values()):
                raise SourceError(
                    f"Rien à ajouter dans « {sheet} » : toutes les valeurs sont vides.",
                    suggestion="Remplissez au moins un champ, puis validez.",
                )
            row_id: str | None = None
            if id_column is not None:
                id_col = _column(headers, id_column, sheet)
                if id_prefix:
                    existing = [_at(r, id_col) for r in grid[header + 1 :]]
                    row_id = next_ids(existing, id_prefix, 1)[0]
                    cells[id_col] = row_id
                else:
                    row_id = clean(cells.get(id_col, "")) or None
            row = max(last_used, header + 1) + 1
            if row - 1 > header + 1:  # the row above is a data row: the new one looks like it
                for col in range(1, max(len(headers), max(cells) + 1) + 1):
                    above = ws.cell(row=row - 1, column=col)
                    if above.has_style and not isinstance(above, MergedCell):
                        ws.cell(row=row, column=col)._style = copy(above._style)
            for col, text in cells.items():
                _put(ws, row, col + 1, text)
            _extend_tables(ws, row)
            return AppendResult(row=row, row_id=row_id), True

        return self._write(title, append)

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        """Write ``changes`` in the row with this ID, only if every cell still holds ``expected``.

        Values are compared as read, ignoring surrounding blanks; if any differs,
        nothing is written and :class:`WriteConflict` lists every difference.
        """

        def update(ws: Any, grid: Grid, last_used: int, sheet: str) -> tuple[UpdateResult, bool]:
            header = _header_index(grid, sheet, [id_column, *(c.column for c in changes)])
            headers = grid[header]
            index = _find_row(grid, header, _column(headers, id_column, sheet), row_id, sheet)
            current = grid[index]
            planned: list[tuple[int, str, str]] = []
            conflicts: list[Conflict] = []
            for change in changes:
                col = _column(headers, change.column, sheet)
                actual = _at(current, col)
                if clean(actual) != clean(change.expected):
                    conflicts.append(Conflict(headers[col], change.expected, actual, change.new))
                planned.append((col, actual, _text_to_write(change.new, change.column)))
            if conflicts:
                raise WriteConflict(sheet, row_id, conflicts)
            written = [(col, new) for col, actual, new in planned if actual != new]
            for col, new in written:
                _put(ws, index + 1, col + 1, new)
            return UpdateResult(row=index + 1, updated=[headers[col] for col, _ in written]), bool(written)

        return self._write(title, update)

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        """Give each non-blank row without an ID the next free ID; no other cell is touched."""

        def assign(ws: Any, grid: Grid, last_used: int, sheet: str) -> tuple[list[tuple[int, str]], bool]:
            header = _header_index(grid, sheet, [id_column])
            id_col = _column(grid[header], id_column, sheet)
            rows = [
                i + 1
                for i in range(header + 1, len(grid))
                if any(clean(v) for v in grid[i])
                and not clean(_at(grid[i], id_col))
                and _writable(ws.cell(row=i + 1, column=id_col + 1))  # never overwrite a formula
            ]
            existing = [_at(r, id_col) for r in grid[header + 1 :]]
            assigned = list(zip(rows, next_ids(existing, id_prefix, len(rows)), strict=True))
            for row, new_id in assigned:
                _put(ws, row, id_col + 1, new_id)
            return assigned, bool(assigned)

        return self._write(title, assign)

    def _write(self, title: str, change: Callable[[Any, Grid, int, str], tuple[T, bool]]) -> T:
        """Lock, re-read, apply ``change`` to the sheet, save atomically if it changed something."""
        path = self.path.resolve()
        name = path.name
        try:
            lock = filelock.FileLock(f"{path}.lock", timeout=self.lock_timeout)
            with lock:
                return self._write_locked(path, title, change)
        except filelock.Timeout:
            raise SourceError(
                f"Le classeur « {name} » est en cours de modification par quelqu'un d'autre.",
                suggestion="Réessayez dans quelques secondes.",
                retryable=True,
            ) from None
        except SourceError:
            raise
        except OSError as exc:
            raise SourceError(
                f"Impossible d'enregistrer « {name} » : {_os_reason(exc)}. Le fichier n'a pas été modifié.",
                suggestion="Vérifiez l'espace disque et les droits d'écriture du dossier (et que le fichier n'est pas "
                "ouvert dans Excel), puis réessayez.",
                retryable=True,
            ) from None

    def _write_locked(self, path: Path, title: str, change: Callable[[Any, Grid, int, str], tuple[T, bool]]) -> T:
        name = path.name
        owner = _owner_file(path)
        if owner:
            editor, marker = owner
            raise SourceError(
                f"Le classeur « {name} » est ouvert dans {editor} : son prochain enregistrement effacerait la modification.",
                suggestion=f"Fermez le fichier dans {editor}, puis réessayez (si {editor} est déjà fermé, "
                f"supprimez le fichier « {marker.name} » resté dans le dossier).",
                retryable=True,
            )
        _remove_stale_temps(path)
        snap = _read_snapshot(path)
        keep_vba = path.suffix.lower() in (".xlsm", ".xltm")
        wb = _open_workbook(snap.data, name, read_only=False, keep_vba=keep_vba)
        sheet = _resolve_title([ws.title for ws in wb.worksheets], title, name)
        try:
            caches = _formula_caches(snap.data)
        except Exception:  # noqa: BLE001 - an exotic package layout: formula cells then read as empty
            caches = {}
        try:
            grid, last_used = _scan(wb[sheet], caches.get(sheet, {}))
            result, changed = change(wb[sheet], grid, last_used, sheet)
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. a protected or exotic sheet
            raise SourceError(
                f"Modification impossible dans l'onglet « {sheet} » de « {name} » ({type(exc).__name__}: {exc})."[:300],
                suggestion="Vérifiez que l'onglet n'est pas protégé, puis réessayez.",
            ) from None
        if changed:
            try:
                buffer = io.BytesIO()
                wb.save(buffer)
                saved = buffer.getvalue()
            except Exception as exc:  # noqa: BLE001
                raise SourceError(
                    f"Impossible d'enregistrer « {name} » ({type(exc).__name__}: {exc}). Le fichier n'a pas été modifié."[:300],
                    suggestion="Ouvrez-le dans Excel, enregistrez-le à nouveau, puis réessayez.",
                ) from None
            try:
                saved = _restore_cached_values(saved, caches)
            except Exception:  # noqa: BLE001, S110 - best effort: a missing cached value is not worth failing a write
                pass
            _write_atomically(path, saved)
        return result


def _owner_file(path: Path) -> tuple[str, Path] | None:
    """The "file is open" marker Excel or LibreOffice keeps next to a workbook they are editing."""
    name = path.name
    candidates = [
        ("Excel", path.with_name("~$" + name)),
        ("Excel", path.with_name("~$" + name[2:])),  # Excel shortens long names this way
        ("LibreOffice", path.with_name(f".~lock.{name}#")),
    ]
    return next(((editor, owner) for editor, owner in candidates if owner != path and owner.exists()), None)


def _remove_stale_temps(path: Path) -> None:
    """Temp files of a writer that died mid-save (we hold the lock, so nobody else is saving)."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
