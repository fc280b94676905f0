"""Small .xlsx workbooks for tests, built with openpyxl from plain Python grids.

Import explicitly: ``from tests.fixtures_workbook import build_workbook, CANVAS``.
Also here: a way to give formula cells the cached values Excel would have
saved (openpyxl cannot compute them), an "other process" that edits a workbook
behind our back, byte-level fakes of the file kinds we must refuse, hand-made
packages for pathological inputs (a 1 GiB cell in a 1 MB file, written by
streaming so the test itself stays small), and a way to run code in a process
under a memory limit that reports its peak memory.
"""

from __future__ import annotations

import itertools
import re
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.styles import Font, PatternFill

from crmcanvas.core.config import Settings
from crmcanvas.core.schema import REQUIRED_TAB_KEYS

Rows = Sequence[Sequence[Any]]
ROOT = Path(__file__).resolve().parents[1]

# The canonical tab key -> default sheet title, as the source is asked for it.
WANTED: dict[str, str] = {key: title for key, title in Settings().tabs.items() if key in REQUIRED_TAB_KEYS}  # the six required tabs

BESOINS_HEADER = ["ID", "Besoin", "Rôle", "Enjeux", "Priorité", "Statut", "Commentaire interne"]

# A small, coherent canvas: three needs, one unknown column ("Commentaire interne").
CANVAS: dict[str, Rows] = {
    "enjeux": [["ID", "Enjeu", "Porteur"], ["E01", "Fidéliser les donateurs", "Alice Martin"]],
    "besoins": [
        BESOINS_HEADER,
        ["B001", "En tant que chargé de relation, je souhaite voir l'historique", "Chargé de relation", "E01", "Must", "Validé", "à revoir"],
        ["B002", "En tant que donateur, je souhaite recevoir mon reçu fiscal", "Donateur", "E01", "Should", "", ""],
        ["B003", "En tant que direction, je souhaite un tableau de bord", "Direction", "E01", "Could", "", "prioriser ?"],
    ],
    "données": [["ID", "Objet", "Définition"], ["D01", "Contact", "Personne physique"]],
    "applications": [["ID", "Application", "Statut"], ["A01", "Sage", "à remplacer"]],
    "personnes": [["ID", "Prénom", "Nom"], ["P01", "Alice", "Martin"]],
    "rôles": [["ID", "Rôle", "Type"], ["R01", "Chargé de relation", "interne"], ["R02", "Donateur", "externe"]],
}


_DEMO_WRITTEN: dict[str, bytes] = {}


def demo_workbook(path: Path | str) -> Path:
    """The demo workbook at ``path``, as ``crmcanvas demo`` writes it: written once per test process and copied
    after (openpyxl takes 0.1 s to write it; a hundred tests start from it). Tests of the writing itself call
    ``write_demo_workbook``."""
    import tempfile

    from crmcanvas.demo import write_demo_workbook

    if "bytes" not in _DEMO_WRITTEN:
        with tempfile.TemporaryDirectory() as folder:
            _DEMO_WRITTEN["bytes"] = write_demo_workbook(Path(folder) / "canevas.xlsx").read_bytes()
    target = Path(path)
    target.write_bytes(_DEMO_WRITTEN["bytes"])
    return target


def build_workbook(path: Path, tabs: Mapping[str, Rows] | None = None, *, styled: bool = False) -> Path:
    """Write ``tabs`` (sheet title -> rows, header first) to ``path``.

    ``None`` cells stay empty, an empty row stays an empty row. With ``styled``,
    headers are bold on a yellow fill and column B is 42 wide, so tests can
    check a write keeps them.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in (CANVAS if tabs is None else tabs).items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    ws.cell(row=r, column=c, value=value)
        if styled and rows:
            for c in range(1, len(rows[0]) + 1):
                ws.cell(row=1, column=c).font = Font(bold=True)
                ws.cell(row=1, column=c).fill = PatternFill("solid", fgColor="FFFF00")
            ws.column_dimensions["B"].width = 42
    wb.save(path)
    return path


def sheet_values(path: Path, title: str) -> list[list[Any]]:
    """Raw cell values of a sheet as openpyxl sees them (formulas as "=..."). Read-only: only that sheet is parsed,
    without styles (60 → 33 ms for the demo's needs; ~50 tests read one)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in wb[title].iter_rows(values_only=True)]
    finally:
        wb.close()


def edit_cells(path: Path, title: str, cells: Mapping[str, Any]) -> None:
    """Another program changes cells (coordinate -> value) and saves, bypassing our lock."""
    wb = openpyxl.load_workbook(path)
    for coord, value in cells.items():
        wb[title][coord] = value
    wb.save(path)


def with_cached_values(path: Path, title: str, cached: Mapping[str, str | int | float]) -> None:
    """Give formula cells the value Excel would have cached for them (openpyxl cannot compute it).

    ``cached`` maps coordinates to values; strings starting with "#" are stored
    as Excel errors ("#REF!").
    """
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    index = next(i for i, name in enumerate(openpyxl.load_workbook(path, read_only=True).sheetnames) if name == title)
    part = f"xl/worksheets/sheet{index + 1}.xml"
    out: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, blob in items:
        if info.filename == part:
            for coord, value in cached.items():
                if isinstance(value, str):
                    kind = ' t="e"' if value.startswith("#") else ' t="str"'
                    text = escape(value)
                else:
                    kind, text = "", repr(value)
                pattern = re.compile(rf'<c r="{coord}"([^>]*)>(<f>[^<]*</f>)<v\s*/></c>'.encode())
                blob, count = pattern.subn(lambda m, c=coord, k=kind, t=text: f'<c r="{c}"'.encode() + m[1] + k.encode() + b">" + m[2] + f"<v>{t}</v></c>".encode(), blob)
                assert count == 1, f"no formula cell {coord} in {title}"
        out.append((info, blob))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, blob in out:
            zf.writestr(info, blob)


def run_python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python process (a real "other process"); fail loudly if it fails."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr
    return done


def start_python(code: str, *args: str) -> subprocess.Popen[str]:
    """Start ``code`` in a fresh Python process without waiting for it."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ole_file(path: Path, *, encrypted: bool) -> Path:
    """An OLE2 compound file like a password-protected .xlsx (``encrypted``) or an old .xls.

    Only the parts our detector looks at are real: the signature and the
    directory entry names, stored in UTF-16 as Office stores them.
    """
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    names = ["Root Entry", "EncryptionInfo", "EncryptedPackage"] if encrypted else ["Root Entry", "Workbook"]
    directory = b"".join(n.encode("utf-16-le").ljust(64, b"\x00") + bytes(64) for n in names)
    path.write_bytes(header + directory.ljust(512, b"\x00") + bytes(1024))
    return path


def zip_file(path: Path, members: Mapping[str, bytes | str]) -> Path:
    """A zip archive with the given members (an .ods, a .docx, a broken .xlsx...)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return path


# --------------------------------------------------------------------------- hand-made packages

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_REL_NS}"><Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{_DOC_REL}"><sheets><sheet name="besoins" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_REL_NS}">'
        f'<Relationship Id="rId1" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
@dataclass(frozen=True)
class Repeat:
    """``times`` copies of ``chunk`` inside a part. Deflated once and the compressed block written ``times`` times
    (each block ends on a full flush, so it stands alone): a gibibyte part takes 0.4 s to write instead of 4."""

    chunk: bytes
    times: int


Part = bytes | Iterable[bytes | Repeat]  # a part's content, whole or as pieces streamed into the archive


def _deflated(content: Part) -> tuple[list[tuple[bytes, int]], int, int]:
    """``content`` as raw deflate blocks (bytes, how many times in a row), with its CRC-32 and unpacked size."""
    pieces = [content] if isinstance(content, bytes) else content
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    blocks: list[tuple[bytes, int]] = []
    crc = size = 0
    for piece in pieces:
        if isinstance(piece, Repeat):
            blocks.append((packer.flush(zlib.Z_FULL_FLUSH), 1))  # what came before, ended on a byte boundary
            blocks.append((packer.compress(piece.chunk) + packer.flush(zlib.Z_FULL_FLUSH), piece.times))
            for _ in range(piece.times):
                crc = zlib.crc32(piece.chunk, crc)
            size += len(piece.chunk) * piece.times
        else:
            blocks.append((packer.compress(piece), 1))
            crc = zlib.crc32(piece, crc)
            size += len(piece)
    blocks.append((packer.flush(), 1))
    return blocks, crc, size


def raw_workbook(path: Path, *, sheet: Part, shared: Part = b"") -> Path:
    """A one-tab ("besoins") .xlsx written part by part, with sheet and shared-strings XML as given.

    Written by hand (a zip is three kinds of record), so that a part of a gibibyte never sits in the test's
    memory and its repeated content is compressed once (see :class:`Repeat`).
    """
    parts: dict[str, Part] = {name: text.encode() for name, text in _PACKAGE.items()}
    parts["xl/worksheets/sheet1.xml"] = sheet
    parts["xl/sharedStrings.xml"] = shared or _sst([])
    central = []
    with open(path, "wb") as fh:
        for name, content in parts.items():
            blocks, crc, size = _deflated(content)
            packed = sum(len(block) * times for block, times in blocks)
            assert size < 1 << 32 and packed < 1 << 32, "no zip64 here"
            fields = struct.pack("<HHHHHIII", 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, packed, size)
            central.append((fields, name.encode(), fh.tell()))
            fh.write(struct.pack("<I", 0x04034B50) + fields + struct.pack("<HH", len(name), 0) + name.encode())
            for block, times in blocks:
                for _ in range(times):
                    fh.write(block)
        start = fh.tell()
        for fields, name_bytes, offset in central:
            fh.write(struct.pack("<IH", 0x02014B50, 20) + fields + struct.pack("<HHHHHI", len(name_bytes), 0, 0, 0, 0, 0)
                     + struct.pack("<I", offset) + name_bytes)
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), fh.tell() - start, start, 0))
    return path


def _sst(strings: list[str]) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'<sst xmlns="{MAIN_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'.encode()


def sheet_xml(rows: Iterable[str]) -> Iterable[bytes]:
    """Sheet XML around ``rows`` (each a ``<row>`` element as text)."""
    yield f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    for row in rows:
        yield row.encode()
    yield b"</sheetData></worksheet>"


def _repeat(char: bytes, size: int) -> Iterable[bytes | Repeat]:
    yield Repeat(char * (1 << 20), size >> 20)
    yield char * (size & ((1 << 20) - 1))


def huge_cell_workbook(path: Path, size: int, *, inline: bool) -> Path:
    """Tab "besoins": a header "ID" over one cell of ``size`` letters, as an inline or a shared string."""
    top = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
    if inline:
        head = top + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        sheet = itertools.chain([head.encode()], _repeat(b"a", size), [b"</t></is></c></row></sheetData></worksheet>"])
        return raw_workbook(path, sheet=sheet)
    shared = itertools.chain(
        [f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()], _repeat(b"a", size), [b"</t></si></sst>"]
    )
    sheet_part = (top + '<row r="2"><c r="A2" t="s"><v>0</v></c></row></sheetData></worksheet>').encode()
    return raw_workbook(path, sheet=sheet_part, shared=shared)


# --------------------------------------------------------------------------- a process under a memory limit

_LIMITED = """
import atexit, resource, sys
limit = int(sys.argv.pop(1)) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
atexit.register(lambda: sys.stderr.write("\\npeak-rss-mb=%d\\n" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10)))
"""


@dataclass
class Limited:
    """How a process run under a memory limit ended, and the most memory it held (resident, MiB)."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: int


def run_limited(code: str, *args: str, limit_mb: int = 1024, timeout: float = 120) -> Limited:
    """Run ``code`` in a fresh Python whose address space is capped at ``limit_mb``.

    A regression that needs more memory fails there (MemoryError) instead of
    taking the machine down; the peak resident memory is reported either way.
    """
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED + textwrap.dedent(code), str(limit_mb), *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,  # this checkout's crmcanvas, not an installed one
    )
    found = re.search(r"peak-rss-mb=(\d+)\s*$", done.stderr)
    assert found, done.stderr[-2000:]
    return Limited(done.returncode, done.stdout, done.stderr[: found.start()].rstrip(), int(found[1]))


CLI = "import runpy, sys\nsys.argv[0] = 'crmcanvas'\nrunpy.run_module('crmcanvas.cli', run_name='__main__')\n"
"""``python -m crmcanvas.cli`` as code for :func:`run_limited` (arguments follow)."""

