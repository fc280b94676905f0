"""Writing to a workbook the file may change under (someone else's dashboard, a script, a colleague).

:func:`write_sheet` runs one change the safe way:

1. takes ``<file>.lock`` (a :class:`filelock.FileLock`, which also serialises the
   threads of one Streamlit server);
2. refuses to run while Excel or LibreOffice has the file open (their owner file
   ``~$<name>`` / ``.~lock.<name>#`` exists), since their next save would
   silently erase ours;
3. re-reads the file (through the same checks as a read), and hands the change
   the sheet as a read would show it, so rows are found by their ID (never by a
   row number that may have shifted) and each cell can be compared with the
   value the caller saw;
4. saves to a temporary file in the same folder, fsyncs it, then
   ``os.replace``-s the original: a crash leaves the old file intact, and
   readers see either the old or the new file, never half of one.

The ``.lock`` file stays next to the workbook after a write, on purpose. It is
an empty file; the lock is the ``flock`` on it, released at once. Deleting it
on release is only safe when every waiter re-checks, after locking, that the
path still names the file it locked (filelock 4 does, filelock 3 does not): a
waiter still holding the deleted file and a newcomer creating a fresh one would
then both "hold" the lock and write at once.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import filelock
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.utils.cell import get_column_letter, range_boundaries

from crmcanvas.core.shape import column_index, header_row_naming, id_match_key
from crmcanvas.core.text import clean, fold
from crmcanvas.i18n import msg
from crmcanvas.sources.base import Grid, RowNotFound, SourceError
from crmcanvas.sources.workbook_file import open_workbook, os_reason, read_snapshot
from crmcanvas.sources.workbook_formulas import cached_value, formula_caches, restore_cached_values
from crmcanvas.sources.workbook_read import EXCEL_MAX_CHARS, cell_text, cut

__all__ = [
    "TEMP_SUFFIX",
    "at",
    "column",
    "ensure_sheet",
    "extend_tables",
    "find_row",
    "header_index",
    "put",
    "text_to_write",
    "writable",
    "write_sheet",
    "write_workbook",
]

T = TypeVar("T")
Change = Callable[[Any, Grid, int, str], tuple[T, bool]]  # (sheet, grid as read, last used row, title) -> (result, changed?)

TEMP_SUFFIX = ".crmcanvas-tmp"
_CHUNK = 1 << 20
_FORMULA_LOOKALIKE = ("=", "+", "-", "@")


# --------------------------------------------------------------------------- finding where to write


def _resolve_title(available: list[str], title: str, name: str) -> str:
    match = next((t for t in available if t == title), None) or next(
        (t for t in available if fold(t) == fold(title)), None
    )
    if match is None:
        raise SourceError(
            msg("workbook.tab_not_found", title=title, name=name, available=", ".join(available) or msg("workbook.none_m")),
            suggestion=msg("workbook.tab_not_found_hint"),
        )
    return match


def header_index(grid: Grid, title: str, names: list[str]) -> int:
    """The header row: among the first rows, the one naming most of the columns the caller uses."""
    index = header_row_naming(grid, names)
    if index is None:
        raise SourceError(msg("workbook.no_header_row", title=title), suggestion=msg("workbook.no_header_row_hint"))
    return index


def column(headers: list[str], wanted: str, title: str) -> int:
    """0-based index of the column named ``wanted``; the error lists the columns there are."""
    index = column_index(headers, wanted)
    if index is None:
        shown = ", ".join(h for h in headers if clean(h)) or msg("workbook.none_f")
        raise SourceError(
            msg("workbook.column_not_found", column=wanted, title=title, shown=shown),
            suggestion=msg("workbook.column_not_found_hint"),
        )
    return index


def at(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def find_row(grid: Grid, header: int, id_col: int, row_id: str, title: str) -> int:
    """Index in ``grid`` of the row whose ID is ``row_id`` (E1 == E01 == e-01, else same folded text)."""
    want = id_match_key(row_id)
    hits = [i for i in range(header + 1, len(grid)) if want and id_match_key(at(grid[i], id_col)) == want]
    if not hits:
        raise RowNotFound(msg("workbook.row_not_found", row_id=row_id, title=title), suggestion=msg("workbook.row_not_found_hint"))
    if len(hits) > 1:
        raise SourceError(
            msg("workbook.duplicate_row_id", title=title, row_id=row_id, rows=", ".join(str(i + 1) for i in hits)),
            suggestion=msg("workbook.duplicate_row_id_hint"),
        )
    return hits[0]


# --------------------------------------------------------------------------- cells


def text_to_write(value: object, column: str) -> str:
    """``value`` as the text we will store, or a SourceError if Excel could not hold it."""
    text = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))
    if len(text) > EXCEL_MAX_CHARS:
        raise SourceError(
            msg("workbook.too_long", column=column, length=len(text), limit=EXCEL_MAX_CHARS),
            suggestion=msg("workbook.too_long_hint"),
        )
    return text


def writable(cell: Any) -> bool:
    return not isinstance(cell, MergedCell) and cell.data_type != "f"


def put(ws: Any, row: int, col: int, text: str) -> None:
    """Write ``text`` as text: "=1+1" stays the four characters, never a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(cell, MergedCell):
        raise SourceError(
            msg("workbook.merged_cell", cell=f"{get_column_letter(col)}{row}", title=ws.title),
            suggestion=msg("workbook.merged_cell_hint"),
        )
    if text == "":
        cell.value = None
        return
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_LOOKALIKE):
        cell.quotePrefix = True  # Excel keeps it text if someone edits the cell later


def _scan(ws: Any, cache: dict[str, tuple[str | None, str]]) -> tuple[Grid, int]:
    """A writable sheet as a read would show it, and its last used row.

    Formula cells show their cached value and long texts are cut, as on the
    read side; the last used row also counts formulas whose value is empty
    (pre-filled rows).
    """
    grid: Grid = []
    last_used = 0
    for index, cells in enumerate(ws.iter_rows(), start=1):
        row: list[str] = []
        for cell in cells:
            value = cell.value
            if value is not None and cell.data_type == "f":
                last_used = index
                value = cached_value(cell, cache.get(cell.coordinate))
            row.append(cut(cell_text(value)))
        while row and row[-1] == "":
            row.pop()
        if any(clean(v) for v in row):
            last_used = index
        grid.append(row)
    while grid and not grid[-1]:
        grid.pop()
    return grid, last_used


def extend_tables(ws: Any, new_row: int) -> None:
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


# --------------------------------------------------------------------------- the file


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


# --------------------------------------------------------------------------- one write


def write_sheet(path: Path, title: str, change: Change[T], *, lock_timeout: float) -> T:
    """Lock, re-read, apply ``change`` to the sheet, save atomically if it changed something."""
    path = path.resolve()
    return _locked(path, lambda: _write_locked(path, title, change), lock_timeout=lock_timeout)


def _locked(path: Path, run: Callable[[], T], *, lock_timeout: float) -> T:
    """Run ``run`` holding the workbook's lock; lock and file-system failures become SourceErrors."""
    name = path.name
    try:
        with filelock.FileLock(f"{path}.lock", timeout=lock_timeout):
            return run()
    except filelock.Timeout:
        raise SourceError(msg("workbook.busy", name=name), suggestion=msg("workbook.busy_hint"), retryable=True) from None
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(
            msg("workbook.save_failed_os", name=name, reason=os_reason(exc)),
            suggestion=msg("workbook.save_failed_os_hint"),
            retryable=True,
        ) from None


def _detail(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _open_for_write(path: Path, *, check_editor: bool = True) -> tuple[Any, dict[str, dict[str, tuple[str | None, str]]]]:
    """The workbook as it is on disk now (writable openpyxl object) and its formulas' cached values."""
    name = path.name
    owner = _owner_file(path) if check_editor else None
    if owner:
        editor, marker = owner
        raise SourceError(
            msg("workbook.open_in_editor", name=name, editor=editor),
            suggestion=msg("workbook.open_in_editor_hint", editor=editor, marker=marker.name),
            retryable=True,
        )
    if check_editor:
        _remove_stale_temps(path)
    snap = read_snapshot(path)
    keep_vba = path.suffix.lower() in (".xlsm", ".xltm")
    wb = open_workbook(snap.data, name, read_only=False, keep_vba=keep_vba)
    try:
        caches = formula_caches(snap.data)
    except Exception:  # noqa: BLE001 - an exotic package layout: formula cells then read as empty
        caches = {}
    return wb, caches


def _save(path: Path, wb: Any, caches: dict[str, dict[str, tuple[str | None, str]]]) -> None:
    name = path.name
    try:
        buffer = io.BytesIO()
        wb.save(buffer)
        saved = buffer.getvalue()
    except Exception as exc:  # noqa: BLE001
        raise SourceError(
            msg("workbook.save_failed", name=name, detail=_detail(exc)), suggestion=msg("workbook.save_failed_hint")
        ) from None
    try:
        saved = restore_cached_values(saved, caches)
    except Exception:  # noqa: BLE001, S110 - best effort: a missing cached value is not worth failing a write
        pass
    _write_atomically(path, saved)


def _write_locked(path: Path, title: str, change: Change[T]) -> T:
    name = path.name
    wb, caches = _open_for_write(path)
    sheet = _resolve_title([ws.title for ws in wb.worksheets], title, name)
    try:
        grid, last_used = _scan(wb[sheet], caches.get(sheet, {}))
        result, changed = change(wb[sheet], grid, last_used, sheet)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - e.g. a protected or exotic sheet
        raise SourceError(
            msg("workbook.sheet_change_failed", title=sheet, name=name, detail=_detail(exc)),
            suggestion=msg("workbook.sheet_change_failed_hint"),
        ) from None
    if changed:
        _save(path, wb, caches)
    return result


# --------------------------------------------------------------------------- a change to the whole workbook

Scan = Callable[[str], tuple[Grid, int]]  # sheet title -> (grid as a read shows it, last used row)
BookChange = Callable[[Any, Scan], tuple[T, bool]]  # (workbook, scan) -> (result, changed?)


def write_workbook(path: Path, change: BookChange[T], *, lock_timeout: float, dry_run: bool = False) -> T:
    """:func:`write_sheet` for a change that spans the workbook (``crmcanvas init`` adds tabs): the same lock,
    re-read and atomic save. The change reads any sheet through ``scan``; it must raise SourceError for
    anything it cannot do. ``dry_run``: the change runs on a fresh read, nothing is locked or saved."""
    path = path.resolve()
    if dry_run:
        wb, caches = _open_for_write(path, check_editor=False)
        return change(wb, _scanner(wb, caches))[0]

    def locked() -> T:
        wb, caches = _open_for_write(path)
        result, changed = change(wb, _scanner(wb, caches))
        if changed:
            _save(path, wb, caches)
        return result

    return _locked(path, locked, lock_timeout=lock_timeout)


def _scanner(wb: Any, caches: dict[str, dict[str, tuple[str | None, str]]]) -> Scan:
    return lambda title: _scan(wb[title], caches.get(title, {}))


# --------------------------------------------------------------------------- a new tab


def ensure_sheet(path: Path, title: str, headers: list[str], *, lock_timeout: float) -> bool:
    """The tab ``title`` exists in the workbook: created with ``headers`` in bold on its first row when it
    did not (True); an existing tab, even spelt with other case or accents, is left alone (False).
    The same guarantees as every write (:func:`write_workbook`): lock, editor check, fresh read, atomic save."""
    from openpyxl.styles import Font

    def add(wb: Any, scan: Scan) -> tuple[bool, bool]:
        if any(ws.title == title or fold(ws.title) == fold(title) for ws in wb.worksheets):
            return False, False
        ws = wb.create_sheet(title)
        for col, header in enumerate(headers, start=1):
            put(ws, 1, col, text_to_write(header, header))
            ws.cell(row=1, column=col).font = Font(bold=True)
        return True, True

    return write_workbook(path, add, lock_timeout=lock_timeout)
