"""The values Excel cached for formula cells, kept across our writes.

openpyxl keeps formulas but drops the value Excel cached for each one when it
saves, and the read side only sees cached values (openpyxl does not
calculate). So that a read after our write does not suddenly find empty cells
where formulas are (an ID column computed by a formula, say), the cached values
are collected from the file before the write (:func:`formula_caches`) and put
back into untouched formula cells of the saved file
(:func:`restore_cached_values`). A formula that depends on a cell we changed
keeps its old value until Excel recalculates, which it does on open (openpyxl
marks the workbook ``fullCalcOnLoad``).

The write side also needs each cached value typed the way openpyxl's reader
types it (:func:`cached_value`), so that it sees the grid the read side sees.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from typing import Any
from xml.sax.saxutils import escape

from openpyxl.styles.numbers import is_timedelta_format
from openpyxl.utils.datetime import from_excel, from_ISO8601

__all__ = ["Cache", "cached_value", "formula_caches", "restore_cached_values"]

Cache = dict[str, dict[str, tuple[str | None, str]]]  # sheet title -> coordinate -> (t, cached text)

_INTEGER = re.compile(r"-?\d+")
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_OPENPYXL_FORMULA_CELL = re.compile(
    rb'<c r="(?P<coord>[A-Z]{1,3}[0-9]{1,7})"(?P<attrs>(?:\s+[\w:]+="[^"]*")*)\s*>'
    rb"(?P<f><f(?:\s[^>]*)?(?:/>|>[^<]*</f>))<v\s*/>\s*</c>"
)


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


def formula_caches(data: bytes) -> Cache:
    """The values Excel cached for formula cells, per sheet (empty when there are no formulas).

    ``data`` has passed the workbook's size checks, so reading a part whole is bounded.
    """
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


def restore_cached_values(saved: bytes, caches: Cache) -> bytes:
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
                    blob = _OPENPYXL_FORMULA_CELL.sub(functools.partial(_with_cached, cache=cache), blob)
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


def cached_value(cell: Any, cached: tuple[str | None, str] | None) -> Any:
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
