"""The workbook file itself: its bytes, its version token, and whether it is an .xlsx we dare parse.

Shared by reads and writes, so both refuse the same files with the same words.
Every check here runs *before* openpyxl sees the bytes, because openpyxl
materialises what it parses: a 1 MB file holding a 1 GiB cell once drove a
read to 23 GB. Two caps bound what one read may cost:

* :data:`MAX_FILE_BYTES` — the file on disk (checked before reading it);
* :data:`MAX_UNPACKED_BYTES` — the sum of the uncompressed sizes of every part
  of the package, read from the zip directory. :mod:`zipfile` never returns
  more than a part's declared size (and fails its CRC check if the data lies),
  so this bounds what openpyxl can decompress.

A compression-ratio guard ("zip bomb" test) is deliberately not used: an
ordinary sheet of styled empty rows compresses 100:1 too, and the unpacked cap
already bounds the memory whatever the ratio.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import time
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from crmcanvas.i18n import Text, msg
from crmcanvas.sources.base import SourceError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_UNPACKED_BYTES",
    "Snapshot",
    "megabytes",
    "open_workbook",
    "os_reason",
    "read_snapshot",
    "stat_key",
    "unreadable",
]

MAX_FILE_BYTES = 50_000_000  # on disk; a 10,000-need canvas is about 0.6 MB
MAX_UNPACKED_BYTES = 100_000_000  # every part uncompressed; the same canvas unpacks to about 7 MB

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_OS_REASONS = {
    errno.ENOSPC: "workbook.os_reason.enospc",
    errno.EACCES: "workbook.os_reason.eacces",
    errno.EPERM: "workbook.os_reason.eperm",
    errno.EROFS: "workbook.os_reason.erofs",
    errno.ENOENT: "workbook.os_reason.enoent",
    errno.EIO: "workbook.os_reason.eio",
}


@dataclass(frozen=True)
class Snapshot:
    data: bytes
    token: str
    key: tuple[int, int, int]  # (inode, size, mtime_ns): cheap "has it changed?" check


def stat_key(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def megabytes(size: int) -> int:
    """Whole megabytes (10^6 bytes), rounded up so a file just over a cap never reads as equal to it."""
    return -(-size // 1_000_000)


def _token(data: bytes, st: os.stat_result) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}:{digest}".encode()).hexdigest()[:24]


def _too_big(name: str, size: int) -> SourceError:
    return SourceError(
        msg("workbook.too_big_file", name=name, size=megabytes(size), limit=megabytes(MAX_FILE_BYTES)),
        suggestion=msg("workbook.too_big_file_hint"),
    )


def read_snapshot(path: Path) -> Snapshot:
    """The file's bytes and their token, retrying if it changed while we read it.

    The token is a hash of the very bytes returned, so token and content always agree.
    """
    name = path.name
    for _ in range(3):
        try:
            if path.is_dir():
                raise SourceError(
                    msg("workbook.is_directory", path=str(path)),
                    suggestion=msg("workbook.is_directory_hint", example=str(path / "canevas.xlsx")),
                )
            with open(path, "rb") as fh:
                before = os.fstat(fh.fileno())
                if before.st_size > MAX_FILE_BYTES:
                    raise _too_big(name, before.st_size)
                data = fh.read(MAX_FILE_BYTES + 1)  # a file growing while we read is caught below
            after = os.stat(path)
        except FileNotFoundError:
            raise SourceError(
                msg("workbook.not_found", name=name, path=str(path)), suggestion=msg("workbook.not_found_hint")
            ) from None
        except PermissionError:
            raise SourceError(
                msg("workbook.permission_denied", name=name), suggestion=msg("workbook.permission_denied_hint")
            ) from None
        except OSError as exc:
            raise SourceError(
                msg("workbook.os_error", name=name, reason=os_reason(exc)),
                suggestion=msg("workbook.os_error_hint"),
                retryable=True,
            ) from None
        if stat_key(before) == stat_key(after) and len(data) == before.st_size:
            return Snapshot(data, _token(data, after), stat_key(after))
        time.sleep(0.05)  # written in place while we read: read again
    raise SourceError(msg("workbook.changing", name=name), suggestion=msg("workbook.changing_hint"), retryable=True)


def os_reason(exc: OSError) -> Text | str:
    """Why a file-system call failed, in the reader's words (the OS's own, often English, as a fallback)."""
    key = _OS_REASONS.get(exc.errno or 0)
    return msg(key) if key else str(exc.strerror or exc)


def _sniff(data: bytes, name: str) -> None:
    """Refuse anything that is not an .xlsx package, or one too big to unpack safely."""
    if not data:
        raise SourceError(msg("workbook.empty", name=name), suggestion=msg("workbook.empty_hint"))
    if data.startswith(_OLE_MAGIC):
        if any(marker in data for marker in _ENCRYPTED_MARKERS):
            raise SourceError(msg("workbook.encrypted", name=name), suggestion=msg("workbook.encrypted_hint"))
        raise SourceError(msg("workbook.xls", name=name), suggestion=msg("workbook.xls_hint"))
    if not data.startswith(_ZIP_MAGICS):
        sample = data[:4096]
        if b"\x00" in sample:
            raise SourceError(msg("workbook.binary", name=name), suggestion=msg("workbook.save_as_xlsx_hint"))
        if sample.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise SourceError(msg("workbook.web_page", name=name), suggestion=msg("workbook.save_as_xlsx_hint"))
        raise SourceError(msg("workbook.text", name=name), suggestion=msg("workbook.save_as_xlsx_hint"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = zf.infolist()
            names = {info.filename for info in parts}
            mimetype = b""
            if "mimetype" in names:
                with zf.open("mimetype") as fh:
                    mimetype = fh.read(100)  # never the whole part: it could be a bomb too
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError):
        raise SourceError(msg("workbook.damaged_zip", name=name), suggestion=msg("workbook.repair_hint")) from None
    if b"opendocument.spreadsheet" in mimetype:
        raise SourceError(msg("workbook.ods", name=name), suggestion=msg("workbook.ods_hint"))
    if any(n.endswith(".bin") and n.startswith("xl/workbook") for n in names):
        raise SourceError(msg("workbook.xlsb", name=name), suggestion=msg("workbook.xlsb_hint"))
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise SourceError(msg("workbook.zip_not_xlsx", name=name), suggestion=msg("workbook.save_as_xlsx_hint"))
    unpacked = sum(info.file_size for info in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SourceError(
            msg("workbook.too_big_unpacked", name=name, size=megabytes(unpacked), limit=megabytes(MAX_UNPACKED_BYTES)),
            suggestion=msg("workbook.too_big_unpacked_hint"),
        )


def open_workbook(data: bytes, name: str, *, read_only: bool, keep_vba: bool = False) -> Any:
    """openpyxl's workbook for these bytes, once they passed every check; its many exception types become one SourceError."""
    if len(data) > MAX_FILE_BYTES:  # bytes that did not come through read_snapshot
        raise _too_big(name, len(data))
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
        raise unreadable(name, exc) from None


def unreadable(name: str, exc: BaseException) -> SourceError:
    """The SourceError for whatever openpyxl raised while parsing (its own text kept short, as a detail)."""
    if isinstance(exc, SourceError):
        return exc
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return SourceError(msg("workbook.damaged_archive", name=name), suggestion=msg("workbook.repair_hint"))
    detail = f"{type(exc).__name__}: {exc}"[:160]
    return SourceError(msg("workbook.invalid_content", name=name, detail=detail), suggestion=msg("workbook.repair_hint"))
